"""One case (依頼の詳細): every field (personal ones per role), the derived deadlines
with business days left and how they were counted, the event timeline, and one
key per next step."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from inspect_tui.services.cases.history import event_label
from inspect_tui.tui.bindings import CASE, STEP_KEYS
from inspect_tui.tui.permissions import RoleKeys
from inspect_tui.tui.screens.base import DataScreen, TopBar
from inspect_tui.tui.widgets.footer import Footer

#: Steps that change a case's history for good: asked about (naming the case) before the dialog.
CONFIRM_STEPS = ("resurvey", "cancel", "return", "accept-cancel")


class CaseDetailScreen(RoleKeys, DataScreen):
    BINDINGS = CASE
    NEEDS: ClassVar[dict[str, str]] = {"step": "case.step"}

    class Loaded(Message):
        def __init__(self, detail, may_step: bool = False) -> None:
            super().__init__()
            self.detail = detail
            self.may_step = may_step

    def __init__(self, case_no: str) -> None:
        super().__init__()
        self.case_no = case_no
        self.detail = None
        self.may_step = False  # this login may record steps on this case (its ward), read with it

    def compose(self) -> ComposeResult:
        yield TopBar(getattr(self.app.screen, "TAB", "cases") or "cases")
        with VerticalScroll(id="detail"):
            yield Static(f"依頼 {self.case_no} を読み込んでいます", id="detail-head")
            yield Static("", id="detail-fields", classes="panel")
            yield Static("", id="detail-deadlines", classes="panel")
            yield Static("", id="detail-events", classes="panel")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#detail").focus()

    def load(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def _load(self) -> None:
        try:
            from inspect_tui.services.cases.listing import load_case_detail
            from inspect_tui.services.trust.permissions import may

            app = self.app
            detail = load_case_detail(app.session, self.case_no, app.today, app.role)
            allowed = detail is not None and may(app.session, "case.step", ward=detail.fields["ward"])
            self.post_message(self.Loaded(detail, allowed))
        except Exception as exc:
            self.app.report_unexpected(exc)

    def on_case_detail_screen_loaded(self, message: Loaded) -> None:
        from inspect_tui.core.case_columns import FIELD_LABELS, STATUS_LABELS
        from inspect_tui.core.deadlines import STATE_WORDS

        d = message.detail
        self.detail = d
        self.may_step = message.may_step
        self.refresh_bindings()
        if d is None:
            self.query_one("#detail-head", Static).update(f"依頼番号 {self.case_no} は見つかりません")
            return
        f = d.fields
        head = Text()
        head.append(f" 依頼 {d.case_no}", style="bold")
        head.append(f"  {STATUS_LABELS.get(f['status'], f['status'])}", style="bold reverse")
        if f["urgent"]:
            head.append("  緊急", style=self.styles_for("overdue"))
        head.append(f"  {f['ward']}  {f['application']}")
        if not f["is_home"]:
            head.append(f"  他市町村（{f['insurer']}）")
        if f["welfare"]:
            head.append("  生活保護")
        self.query_one("#detail-head", Static).update(head)

        t = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1), expand=True)
        for _ in range(2):
            t.add_column(style="dim", no_wrap=True)
            t.add_column(ratio=1, overflow="fold")
        pairs = [
            ("氏名", f["applicant_name"] or "－"),
            ("被保険者番号", f["insured_no"] or "－"),
            ("生年月日", f["birth_date"] or "－"),
            ("保険者", f["insurer"] or "－"),
            ("調査員", d.surveyor_name or "未割当"),
            ("同行", d.accompanied_name or "－"),
        ]
        pairs += [(label, f[field] or "－") for field, label in FIELD_LABELS.items()]
        if f["personal_purged_on"]:
            pairs.append(("個人情報消去", f["personal_purged_on"]))
        for i in range(0, len(pairs), 2):
            a = pairs[i]
            b = pairs[i + 1] if i + 1 < len(pairs) else ("", "")
            t.add_row(a[0], str(a[1]), b[0], str(b[1]))
        fields = self.query_one("#detail-fields", Static)
        fields.border_title = "項目"
        fields.update(t)

        dl = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold", expand=True)
        dl.add_column("期限", no_wrap=True)
        dl.add_column("日付", no_wrap=True)
        dl.add_column("状態", no_wrap=True)
        dl.add_column("残り", justify="right", no_wrap=True)
        dl.add_column("数え方", ratio=1)
        for x in d.deadlines:
            left = (
                ""
                if x.days_left is None or x.state in ("done", "late", "closed", "excluded")
                else f"{x.days_left}開庁日"
            )
            word = "－" if x.state == "none" else STATE_WORDS[x.state]
            dl.add_row(
                x.label,
                x.due.isoformat() if x.due else "－",
                Text(word, style=self.styles_for(x.state)),
                left,
                x.explanation,
            )
        for e in d.exceptions:
            kind = "延長" if e["kind"] == "extend" else "除外"
            dl.add_row(
                Text(f"  {kind}", style="dim"),
                e["new_due"] or "",
                "",
                "",
                Text(f"{e['rule']}: {e['reason']}", style="dim"),
            )
        deadlines = self.query_one("#detail-deadlines", Static)
        deadlines.border_title = "期限（開庁日で数える）"
        deadlines.update(dl)

        ev = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold", expand=True)
        ev.add_column("番号", no_wrap=True, justify="right")
        ev.add_column("日付", no_wrap=True)
        ev.add_column("内容", no_wrap=True)
        ev.add_column("記録者", no_wrap=True)
        ev.add_column("メモ", ratio=1, overflow="fold")
        for e in d.events:
            # a voided event stays in the timeline, struck through (it is never deleted)
            style = "strike dim" if e["voided"] else ""
            label = event_label(e["kind"])
            if e.get("void_of") is not None:
                label = f"{label}（{e['void_of']} を取消）"
            ev.add_row(
                str(e["id"]),
                e["on_date"] or str(e["recorded_at"])[:10],
                label,
                e["who"],
                e["note"],
                style=style,
            )
        events = self.query_one("#detail-events", Static)
        events.border_title = "経過"
        keys = "  ".join(f"{k} {label}" for k, label in STEP_KEYS.values())
        refused = "\nこの依頼の手順を記録する権限はありません"
        hint = f"\n記録: {keys}  u 取消（番号で）" if self.may_step else refused
        events.update(
            Group(
                ev if d.events else Text("まだ記録はありません", style="dim"),
                Text(hint, style="dim"),
            )
        )

    def action_scroll_down(self) -> None:
        self.query_one("#detail", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#detail", VerticalScroll).scroll_up(animate=False)

    def allows(self, action: str, parameters: tuple[object, ...]) -> bool:
        if action in ("step", "void"):
            return self.detail is not None and self.may_step
        return super().allows(action, parameters)

    def keys_ready(self) -> bool:
        return self.detail is not None

    def action_step(self, step: str) -> None:
        if self.detail is None or not self.may_step:
            return
        if step in CONFIRM_STEPS:
            from inspect_tui.core.steps import STEPS
            from inspect_tui.tui.screens.confirm import confirm

            label = STEPS[step].label
            confirm(
                self.app,
                f"{label}の確認",
                f"依頼 {self.case_no} に「{label}」を記録しますか。\n"
                "経過に残る記録です（前の記録は消えず、この記録も残ります）。",
                f"はい（{label}を記録する）",
                lambda: self._open_step(step),
            )
            return
        self._open_step(step)

    def action_void(self) -> None:
        """Void a mistaken event (asks for its number and the reason; nothing is deleted)."""
        if self.detail is None or not self.may_step:
            return
        from inspect_tui.core.case_columns import STATUS_LABELS
        from inspect_tui.tui.screens.cases.void_dialog import VoidDialog

        def done(status: str | None) -> None:
            if status:
                label = STATUS_LABELS.get(status, status)
                self.notify(f"{self.case_no}: 記録を取り消しました（{label}）", timeout=4)

        self.app.push_screen(VoidDialog(self.case_no, self.detail.version), done)

    def _open_step(self, step: str) -> None:
        from inspect_tui.tui.screens.cases.step_dialog import StepDialog

        def done(status: str | None) -> None:
            if status:
                from inspect_tui.core.case_columns import STATUS_LABELS
                from inspect_tui.core.steps import STEPS

                label = STATUS_LABELS.get(status, status)
                self.notify(f"{self.case_no}: {STEPS[step].label}を記録しました（{label}）", timeout=4)

        self.app.push_screen(StepDialog(self.case_no, step, self.detail.version), done)
