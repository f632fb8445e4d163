"""The quarterly サービス水準達成状況報告書 (seed 002 §4: 四半期報告, 記載内容 問題点・改善点).

The SLA indicators of one fiscal quarter exactly as ``report sla --period 2027Q1``
gives them (services/reports/sla.py builds them; this module adds to its document,
never recomputes), then:

- 問題点: the indicators the quarter did not achieve, and the problems (課題) that were
  open at the end of the quarter (opened by then, not closed by then), with their
  owner, due date and whether they were past it on the quarter's last day (or the
  base date, if earlier);
- 改善点: the problems closed in the quarter, with what was done (対策).

Problems' free text (title, owner, cause, fix) is masked as in every printed
document: with the names and insured numbers of the cases of the complaints and
incidents each comes from (services.trust.free_text.printer). Any role may print it:
it is an achievement table, the monitor's to read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspect_tui.core import records
from inspect_tui.core.document import Cell, Doc, Section, Table
from inspect_tui.core.metrics import Period
from inspect_tui.core.records import record
from inspect_tui.core.renderable import EXTENSIONS
from inspect_tui.services.quality import records as q
from inspect_tui.services.reports.metrics import METRICS
from inspect_tui.services.reports.sla import SlaReport, build_sla
from inspect_tui.services.session import Session
from inspect_tui.services.trust.free_text import printer

__all__ = ["SlaQuarterReport", "build_sla_quarter"]


@record(frozen=True)
class SlaQuarterReport:
    sla: SlaReport
    open_problems: list[q.Problem]  # open at the quarter's end, masked
    closed_problems: list[q.Problem]  # closed in the quarter, masked
    judged_on: dt.date  # "past its due date" as of this day

    @property
    def period(self) -> Period:
        return self.sla.period

    def unmet(self) -> list[list[Cell]]:
        """(indicator, target, actual) of each indicator the quarter did not achieve."""
        out: list[list[Cell]] = []
        for r in self.sla.results:
            if r.achieved is False:
                unit = METRICS[r.indicator.metric].unit
                out.append([r.indicator.name, r.indicator.target_text, r.actual.cell(unit)])
        return out

    def _overdue(self, p: q.Problem) -> bool:
        return p.due_on < self.judged_on

    def as_doc(self, full: bool = False) -> Doc:
        doc = self.sla.as_doc(full)
        n = len(doc.sections)
        unmet = self.unmet()
        problems = Section(f"{n + 1}. 問題点")
        if unmet:
            problems.tables.append(
                Table(
                    ["指標", "目標", "実績"],
                    unmet,
                    align=["l", "l", "r"],
                    caption=f"目標に達しなかった指標 {len(unmet)} 件",
                )
            )
        else:
            problems.paragraphs.append("目標に達しなかった指標はありません。")
        when = "期末" if self.judged_on == self.period.end else "基準日"
        problems.tables.append(
            Table(
                ["番号", "課題", "主担当", "起票日", "期限", "状態", "原因", "元の苦情・事故"],
                [
                    [
                        p.id,
                        p.title,
                        p.owner,
                        p.opened_on.isoformat(),
                        p.due_on.isoformat(),
                        "未完了" + ("（期限超過）" if self._overdue(p) else ""),
                        p.root_cause_note or "－",
                        p.links_label,
                    ]
                    for p in self.open_problems
                ],
                align=["r", "l", "l", "l", "l", "l", "l", "l"],
                caption=f"{when}（{self.judged_on.isoformat()}）に未完了の課題 {len(self.open_problems)} 件",
            )
        )
        improvements = Section(
            f"{n + 2}. 改善点",
            [
                Table(
                    ["番号", "課題", "主担当", "起票日", "期限", "完了日", "対策", "元の苦情・事故"],
                    [
                        [
                            p.id,
                            p.title,
                            p.owner,
                            p.opened_on.isoformat(),
                            p.due_on.isoformat(),
                            p.closed_on.isoformat() if p.closed_on else "",
                            p.fix or "－",
                            p.links_label,
                        ]
                        for p in self.closed_problems
                    ],
                    align=["r", "l", "l", "l", "l", "l", "l", "l"],
                    caption=f"当期に完了した課題 {len(self.closed_problems)} 件",
                )
            ],
        )
        return records.replace(doc, sections=[*doc.sections, problems, improvements])

    def to_json(self) -> dict[str, Any]:
        def p(x: q.Problem, open_at_end: bool) -> dict[str, Any]:
            return {
                "id": x.id,
                "title": x.title,
                "owner": x.owner,
                "opened_on": x.opened_on.isoformat(),
                "due_on": x.due_on.isoformat(),
                "overdue": open_at_end and self._overdue(x),
                "closed_on": x.closed_on.isoformat() if x.closed_on else None,
                "root_cause_note": x.root_cause_note,
                "fix": x.fix,
                "links": [{"source": s, "id": n} for s, n in x.links],
            }

        return {
            **self.sla.to_json(),
            "unmet": [r.indicator.id for r in self.sla.results if r.achieved is False],
            "problems_open": [p(x, True) for x in self.open_problems],
            "problems_closed": [p(x, False) for x in self.closed_problems],
        }

    def default_filename(self, fmt: str) -> str:
        """sla-quarter_2027Q1.xlsx: the kind id and the quarter, never personal data."""
        return f"sla-quarter_{self.period.key}.{EXTENSIONS[fmt]}"


def build_sla_quarter(s: Session, quarter: Period, as_of: dt.date | None = None) -> SlaQuarterReport:
    """The quarter's SLA report with its problems and improvements. ``quarter`` is a fiscal
    quarter (``core.metrics.parse_period('2027Q1')``)."""
    if quarter.kind != "quarter":
        raise ValueError(f"a fiscal quarter, not {quarter.key}")
    sla = build_sla(s, quarter, as_of)
    first, last = quarter.start, quarter.end
    # open at the end: opened by then and not closed by then (closed later counts as open)
    open_problems = [
        p for p in q.list_problems(s) if p.opened_on <= last and (p.closed_on is None or p.closed_on > last)
    ]
    closed = q.list_problems(s, closed_from=first, closed_to=last)
    view = printer(s, [no for p in open_problems + closed for no in q.linked_case_nos(s, p.links)])

    def masked(p: q.Problem) -> q.Problem:
        return records.replace(
            p,
            title=view(p.title),
            owner=view(p.owner),
            root_cause_note=view(p.root_cause_note),
            fix=view(p.fix),
        )

    return SlaQuarterReport(
        sla,
        sorted((masked(p) for p in open_problems), key=lambda p: (p.due_on, p.id)),
        sorted((masked(p) for p in closed), key=lambda p: (p.closed_on or last, p.id)),
        min(sla.as_of, last),
    )
