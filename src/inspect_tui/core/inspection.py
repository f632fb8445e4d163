"""The inspection (点検) of every form by someone other than its author, before it
leaves (seed 001 §4(5): 主任調査員や調査担当者以外が、作成された調査票の点検を行う;
§5(3)③: every form is inspected). Pure rules, no database.

- An inspection is of one form (case), by one login, finished at a time, with a
  result: ``ok`` (no findings) or ``findings`` (one or more findings, each an
  aspect and a severity from the first-ten review's vocabulary, core.check_terms, and
  an optional note).
- A form's *cycle* starts again at each return for fixing (返戻) or re-survey:
  only an inspection of the current cycle lets the form be (re)submitted.
- A submission recorded in the app is *inspected* (a current-cycle inspection by
  someone other than the author existed) or *unchecked* (a manager's override,
  with a reason). A submission date that came in with the city's list has no
  record of either: counted apart as 点検記録なし（取込）.
"""

from __future__ import annotations

from inspect_tui.core.check_terms import CHECK_POINTS, POINT_LABELS, SEVERITIES, SEVERITY_LABELS
from inspect_tui.core.records import record

#: The case steps that send a form out, and so need an inspection first.
SUBMIT_STEPS = frozenset({"submit", "resubmit"})
#: The case steps (event kinds) after which a form must be inspected again.
CYCLE_RESET_STEPS = ("resurvey", "return-for-fix")

RESULTS = {"ok": "問題なし", "findings": "指摘あり"}
ASPECTS = {p.id: p.label for p in CHECK_POINTS}
SEVERITY_IDS = tuple(s.id for s in SEVERITIES)

#: How a submission was let through (submission_checks.basis).
INSPECTED, UNCHECKED = "inspected", "unchecked"
UNCHECKED_LABEL = "点検なしで提出"
IMPORTED_LABEL = "点検記録なし（取込）"
RATE_LABEL = "点検実施率"

NOTE_MAX = 400


class InspectionRuleError(ValueError):
    """An inspection that cannot be recorded as given; the message (Japanese) says why."""


@record(frozen=True)
class Finding:
    aspect: str
    severity: str
    note: str = ""

    @property
    def label(self) -> str:
        text = f"{POINT_LABELS[self.aspect]}（{SEVERITY_LABELS[self.severity]}）"
        return f"{text}: {self.note}" if self.note else text


def parse_finding(text: str, where: str = "--finding") -> Finding:
    """ASPECT:SEVERITY[:NOTE] (typo:fix:特記事項の誤字) as a Finding, or an error naming the
    valid aspects and severities."""
    parts = text.split(":", 2)
    if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
        raise InspectionRuleError(
            f"{where}「{text}」は 観点:重さ[:メモ] の形ではありません（例: typo:fix:特記事項の誤字）"
        )
    aspect, severity = parts[0].strip(), parts[1].strip()
    note = parts[2].strip() if len(parts) == 3 else ""
    return make_finding(aspect, severity, note, where)


def make_finding(aspect: str, severity: str, note: str = "", where: str = "指摘") -> Finding:
    if aspect not in ASPECTS:
        valid = "、".join(f"{k}（{v}）" for k, v in ASPECTS.items())
        raise InspectionRuleError(f"{where}: 観点「{aspect}」は使えません。使える観点: {valid}")
    if severity not in SEVERITY_LABELS:
        valid = "、".join(f"{k}（{v}）" for k, v in SEVERITY_LABELS.items())
        raise InspectionRuleError(f"{where}: 重さ「{severity}」は使えません。使える重さ: {valid}")
    if len(note) > NOTE_MAX:
        raise InspectionRuleError(f"{where}: メモが長すぎます（{len(note)} 文字、{NOTE_MAX} 文字まで）")
    return Finding(aspect, severity, note)


def check_result(result: str, findings: list[Finding] | tuple[Finding, ...]) -> str:
    """The result must agree with the findings: ok has none, findings has at least one."""
    if result not in RESULTS:
        raise InspectionRuleError(f"結果「{result}」は使えません（ok = 問題なし / findings = 指摘あり）")
    if result == "ok" and findings:
        raise InspectionRuleError(
            "結果 ok（問題なし）には指摘を付けられません（指摘があれば --result findings）"
        )
    if result == "findings" and not findings:
        raise InspectionRuleError("結果 findings（指摘あり）には --finding で指摘を1つ以上付けてください")
    return result


def refusal_for_author(case_no: str, author: str) -> str:
    """Why the form's own author may not inspect it (the rule, in the seed's words)."""
    return (
        f"{case_no} は調査員 {author} の調査票です。調査票の点検は作成した調査員以外が行います"
        "（001 §4(5)「調査担当者以外が点検を行う」）。ほかの主任調査員・業務責任者に依頼してください"
    )


def who_may_text(logins: list[str]) -> str:
    return (
        "、".join(logins)
        if logins
        else "（点検できる利用者が登録されていません。業務責任者に登録を依頼してください）"
    )


def refusal_for_submission(case_no: str, step_label: str, logins: list[str], *, cycle_reset: bool) -> str:
    """Why a submission cannot be recorded yet, and who may inspect the form."""
    since = "返戻・再調査のあとの" if cycle_reset else ""
    return (
        f"{case_no} は{since}点検が終わっていないので{step_label}を記録できません"
        "（提出の前に、作成した調査員以外が点検します: 001 §4(5)）。\n"
        f"  点検できる人: {who_may_text(logins)}"
    )


def cli_hint_for_submission(case_no: str) -> str:
    """How to go on from the command line (the CLI adds it to the refusal)."""
    return (
        f"  点検の記録: inspect-tui case inspect {case_no} --result ok|findings"
        "（業務責任者の判断で点検なしに提出するときは --without-inspection 理由）"
    )


#: How to go on in the app (the TUI's step dialog adds it to the refusal; a manager is
#: then asked for the reason to let the form out without an inspection).
TUI_HINT_FOR_SUBMISSION = (
    "  点検の記録: 4（点検）の画面で、作成した調査員以外が通常点検を記録します"
    "（点検なしの提出は業務責任者が理由を付けて記録します）"
)
