"""Guidance tied to findings, and whether it took (001 §5(3)②: 記録内容をもとに改善状況を
確認し、必要に応じて指導を実施すること).

Every finding of a chief's finished check of a new surveyor (forms 1-10, the follow-ups,
and findings that came back after submission) is a *guidance point*: the guidance given
for it (``Finding.guidance``, ``guidance_on``) and its state, read from the looks of later
finished checks (core.review.follow_state): 改善, 継続指導, or 未確認 while no later check
has looked at it. A later check of the same surveyor lists the points not yet improved
(``points_for_check``) and records a look at each (marking.set_follow). Reads only; the
writes are in marking.py.
"""

from __future__ import annotations

import datetime as dt

from inspect_tui.core import review as rules
from inspect_tui.core.records import field, record
from inspect_tui.services.session import Session
from inspect_tui.services.trust.free_text import viewer
from inspect_tui.store import reviews as store
from inspect_tui.store.reviews import CheckRecord, Finding, Look

__all__ = ["GuidancePoint", "points_for_check", "screen_follow_points", "surveyor_points"]

#: the checks whose findings are guidance points (blind checks re-check a counted form)
_SOURCE_KINDS = ("focused", "followup3", "followup6", "post")


@record(frozen=True)
class GuidancePoint:
    """One earlier finding, its guidance and whether it took."""

    finding: Finding
    check_id: int
    kind: str
    form_no: int | None
    checked_on: dt.date | None
    looks: tuple[Look, ...] = ()  # by later finished checks, oldest first
    #: this check's own look (points_for_check), or None
    mine: str | None = None
    #: form numbers of the checks that looked ({case id: form no})
    form_nos: dict[int, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def id(self) -> int:
        return self.finding.id or 0

    @property
    def state(self) -> str:
        """improved / continue / open, by the finished looks."""
        return rules.follow_state([x.outcome for x in self.looks])

    @property
    def where(self) -> str:
        """Where the finding was made: 3件目, 3か月後の習熟度確認, 4件目（提出後）."""
        if self.kind in rules.FOLLOWUP_MONTHS:
            return rules.KIND_LABELS[self.kind]
        no = f"{self.form_no}件目" if self.form_no else "件目外"
        return no + ("（提出後）" if self.kind == "post" else "")

    def look_where(self, look: Look) -> str:
        if look.kind in rules.FOLLOWUP_MONTHS:
            return rules.KIND_LABELS[look.kind]
        no = self.form_nos.get(look.case_id or 0)
        return f"{no}件目" if no else (look.checked_on.isoformat() if look.checked_on else "")

    @property
    def history_text(self) -> str:
        """Every look in order: 継続指導（2件目）→改善（3件目）; 未確認 when none."""
        if not self.looks:
            return rules.FOLLOW_STATE_LABELS[rules.FOLLOW_OPEN]
        return "→".join(f"{rules.FOLLOW_LABELS[x.outcome]}（{self.look_where(x)}）" for x in self.looks)

    @property
    def state_text(self) -> str:
        """改善（5件目）, 継続指導（4件目）, 未確認."""
        label = rules.FOLLOW_STATE_LABELS[self.state]
        if not self.looks:
            return label
        return f"{label}（{self.look_where(self.looks[-1])}）"


def _source_checks(s: Session, surveyor: str, but: int | None = None) -> list[CheckRecord]:
    marks = ", ".join("?" * len(_SOURCE_KINDS))
    where = f"surveyor = ? AND state = 'done' AND blind_of IS NULL AND kind IN ({marks})"
    params: list[object] = [surveyor, *_SOURCE_KINDS]
    if but is not None:
        where += " AND id != ?"
        params.append(but)
    return store.find_checks(s.db, where, params)


def _points(s: Session, surveyor: str, but: CheckRecord | None = None) -> list[GuidancePoint]:
    form_nos = store.fixed_forms(s.db, surveyor)  # {case id: form no}
    looks = store.looks_at_findings_of(s.db, surveyor)
    out: list[GuidancePoint] = []
    for rec in _source_checks(s, surveyor, but.id if but else None):
        for f in rec.findings:
            fid = f.id or 0
            seen = tuple(x for x in looks.get(fid, ()) if but is None or x.check_id != but.id)
            out.append(
                GuidancePoint(
                    f,
                    rec.id,
                    rec.kind,
                    form_nos.get(rec.case_id or 0),
                    rec.checked_on,
                    seen,
                    but.follows.get(fid) if but else None,
                    form_nos,
                )
            )
    far = 99
    out.sort(key=lambda p: (p.form_no or far, p.checked_on or dt.date.min, p.check_id, p.id))
    return out


def surveyor_points(s: Session, surveyor: str) -> list[GuidancePoint]:
    """Every guidance point of a surveyor, by form number, with its state."""
    return _points(s, surveyor)


def points_for_check(s: Session, rec: CheckRecord) -> list[GuidancePoint]:
    """The earlier points a check of a new surveyor looks at again: those not improved by
    another finished check, and those this check has already looked at. Empty for the
    kinds that do not follow guidance (通常点検, 提出後, blind checks)."""
    if rec.kind not in rules.FOLLOW_KINDS or rec.blind_of is not None:
        return []
    return [p for p in _points(s, rec.surveyor, rec) if p.mine is not None or p.state != "improved"]


def screen_follow_points(s: Session, check_id: int) -> list[GuidancePoint]:
    """In a worker: the check's points to look at again, for its screen (their notes and
    guidance masked for a reader who may not see them as typed)."""
    from inspect_tui.core import records

    rec = store.get_check(s.db, check_id)
    if rec is None:
        return []
    points = points_for_check(s, rec)
    view = viewer(s, case_ids=[c.case_id for c in _source_checks(s, rec.surveyor)])
    if not getattr(view, "masks", True):
        return points
    return [
        records.replace(
            p,
            finding=records.replace(p.finding, note=view(p.finding.note), guidance=view(p.finding.guidance)),
        )
        for p in points
    ]
