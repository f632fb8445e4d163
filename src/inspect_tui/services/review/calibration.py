"""Calibration between chiefs: a manager asks a second chief to check a form
blind; the app compares the two checks point by point and keeps an agreement
rate per pair of chiefs.

The blind check is an ordinary check row with ``blind_of`` = the first check.
The check screen never shows another inspector's result, so the second chief
works without seeing the first. Agreement on a point: both said OK, or both
found something (severities may differ; the comparison shows both).
"""

from __future__ import annotations

import datetime as dt

from inspect_tui.core import review as rules
from inspect_tui.core.records import record
from inspect_tui.core.today import now_jp_iso
from inspect_tui.services.review.queue import ReviewError, _audit, _tx
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import reviews as store
from inspect_tui.store.reviews import CheckRecord


@writes("review.manage")
def request_blind_check(s: Session, first_check_id: int, second_chief: str) -> int:
    """A manager asks `second_chief` to check the same form blind. Returns the request's id."""
    first = store.get_check(s.db, first_check_id)
    if first is None or first.state != "done" or first.blind_of is not None or first.case_id is None:
        raise ReviewError("依頼できるのは、調査票の点検済みの記録だけです")
    if first.kind == "post":
        raise ReviewError("提出後の指摘（事務センターからの指摘）はブラインド点検の対象になりません")
    info = store.surveyor(s.db, second_chief)
    if info is None or not info.is_chief:
        raise ReviewError(f"{second_chief} は主任調査員ではありません")
    if second_chief == first.inspector:
        raise ReviewError("最初に点検した主任とは別の主任を選んでください")
    if second_chief == first.surveyor:
        raise ReviewError("調査票を書いた本人には依頼できません")
    existing = store.find_checks(s.db, "blind_of = ? AND inspector = ?", (first_check_id, second_chief))
    if existing:
        return existing[0].id
    now = now_jp_iso()
    with _tx(s):
        rid = store.insert_check(
            s.db,
            {
                "case_id": first.case_id,
                "surveyor": first.surveyor,
                "inspector": second_chief,
                "kind": first.kind,
                "post_source": first.post_source,
                "blind_of": first_check_id,
                "state": "requested",
                "created_at": now,
                "updated_at": now,
                "who": s.who,
            },
        )
        _audit(s, "review.blind_request", rid, None, {"blind_of": first_check_id, "inspector": second_chief})
    return rid


@record(frozen=True)
class PointComparison:
    point: str
    first: str | None  # 'ok' | severity | None
    second: str | None
    agree: bool

    @property
    def label(self) -> str:
        return rules.POINT_LABELS[self.point]


def _describe(v: str | None) -> str:
    if v is None:
        return "-"
    return "OK" if v == "ok" else rules.SEVERITY_LABELS[v]


@record(frozen=True)
class Comparison:
    first: CheckRecord
    second: CheckRecord
    points: tuple[PointComparison, ...]

    @property
    def agreed(self) -> int:
        return sum(p.agree for p in self.points)

    @property
    def rate(self) -> float:
        return self.agreed / len(self.points) if self.points else 0.0

    def rows(self) -> list[tuple[str, str, str, str]]:
        return [
            (p.label, _describe(p.first), _describe(p.second), "一致" if p.agree else "相違")
            for p in self.points
        ]


def _outcomes(rec: CheckRecord) -> dict[str, str | None]:
    return {
        p: rules.point_outcome(rec.outcomes.get(p), [f.severity for f in rec.findings_on(p)])
        for p in rules.POINT_IDS
    }


def compare(first: CheckRecord, second: CheckRecord) -> Comparison:
    a, b = _outcomes(first), _outcomes(second)
    return Comparison(
        first,
        second,
        tuple(PointComparison(p, a[p], b[p], rules.agrees(a[p], b[p])) for p in rules.POINT_IDS),
    )


def comparison(s: Session, blind_check_id: int) -> Comparison:
    """Where the two chiefs agree and differ; only once the blind check is finished."""
    second = store.get_check(s.db, blind_check_id)
    if second is None or second.blind_of is None:
        raise ReviewError("このブラインド点検は見つかりません")
    if second.state != "done":
        raise ReviewError("ブラインド点検がまだ終わっていません（終わるまで結果は見せません）")
    first = store.get_check(s.db, second.blind_of)
    assert first is not None
    return compare(first, second)


def finished_blind_checks(s: Session, start: dt.date | None = None, end: dt.date | None = None) -> list[int]:
    where, params = "blind_of IS NOT NULL AND state = 'done'", []
    if start and end:
        where += " AND checked_on BETWEEN ? AND ?"
        params = [start.isoformat(), end.isoformat()]
    return [
        r[0] for r in s.db.conn.execute(f"SELECT id FROM review_checks WHERE {where} ORDER BY id", params)
    ]


@record(frozen=True)
class PairAgreement:
    chief_a: str
    chief_b: str
    forms: int
    points: int
    agreed: int

    @property
    def rate(self) -> float:
        return self.agreed / self.points if self.points else 0.0


def agreement_rates(s: Session, start: dt.date, end: dt.date) -> list[PairAgreement]:
    """Per pair of chiefs (codes in order), blind checks finished start..end."""
    pairs: dict[tuple[str, str], list[int]] = {}
    for bid in finished_blind_checks(s, start, end):
        c = comparison(s, bid)
        key = tuple(sorted((c.first.inspector, c.second.inspector)))
        acc = pairs.setdefault(key, [0, 0, 0])  # type: ignore[arg-type]
        acc[0] += 1
        acc[1] += len(c.points)
        acc[2] += c.agreed
    return [PairAgreement(a, b, *v) for (a, b), v in sorted(pairs.items())]
