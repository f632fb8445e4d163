"""Calibration between chiefs: agreement rate per pair over a fiscal year, and, for each
finished blind check, where the two chiefs agree and differ per point.

A blind check is asked from the surveyor review screen (B on a checked form,
managers only); the second chief finds it in their review queue and never
sees the first result until both are done.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from inspect_tui.tui.bindings import binding as b
from inspect_tui.tui.screens.base import DataScreen
from inspect_tui.tui.widgets.footer import Footer


def calibration_view(session, start, end) -> tuple[list, list]:
    """In a worker: agreement per pair of chiefs, and the last 20 finished blind checks compared."""
    from inspect_tui.services.review.calibration import agreement_rates, comparison, finished_blind_checks

    ids = finished_blind_checks(session, start, end)
    return agreement_rates(session, start, end), [comparison(session, bid) for bid in ids[-20:]]


class CalibrationScreen(DataScreen):
    BINDINGS: ClassVar[list] = [
        b("left,comma", "year(-1)", "前年度", "review.calibration.prev", "前の年度"),
        b("right,full_stop", "year(1)", "次年度", "review.calibration.next", "次の年度"),
        b("escape", "back", "戻る", "review.calibration.back", "前の画面に戻る"),
    ]
    DEFAULT_CSS = """
    CalibrationScreen #cal-head { height: auto; background: $boost; padding: 0 1; }
    CalibrationScreen #cal-pairs { height: auto; max-height: 8; }
    CalibrationScreen #cal-detail { height: 1fr; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.fy: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="cal-head")
        yield DataTable(id="cal-pairs", cursor_type="row")
        yield Static(id="cal-detail")
        yield Footer()

    def on_mount(self) -> None:
        from inspect_tui.core.jpdate import fiscal_year_of

        self.fy = fiscal_year_of(self.app.today)
        table = self.query_one(DataTable)
        for label in ("主任A", "主任B", "件数", "項目数", "一致", "一致率"):
            table.add_column(label)
        super().on_mount()

    def load(self) -> None:
        from inspect_tui.core.jpdate import fiscal_year_label, fiscal_year_range

        start, end = fiscal_year_range(self.fy)
        self.query_one("#cal-head", Static).update(
            f"主任間の較正（ブラインド点検） {fiscal_year_label(self.fy)}  {start}〜{end}   左右キー: 年度"
        )
        self.call(calibration_view, start, end, done=self._loaded)

    def _loaded(self, view) -> None:
        from inspect_tui.core import review as rules

        pairs, compared = view
        table = self.query_one(DataTable)
        table.clear()
        for p in pairs:
            table.add_row(p.chief_a, p.chief_b, p.forms, p.points, p.agreed, f"{p.rate:.0%}")
        detail = Text()
        if not compared:
            detail.append("この年度に終わったブラインド点検はありません")
        for c in compared:
            detail.append(
                f"\n{c.first.inspector} と {c.second.inspector}  {rules.KIND_LABELS[c.first.kind]}"
                f"  一致 {c.agreed}/{len(c.points)}\n",
                style="bold",
            )
            for label, a, b_, agree in c.rows():
                detail.append(f"  {label:　<12} {a:<6} {b_:<6} ")
                detail.append(agree + "\n", style="green" if agree == "一致" else "bold yellow")
        self.query_one("#cal-detail", Static).update(detail)

    def action_year(self, step: int) -> None:
        self.fy = (self.fy or 0) + step
        self.load()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
