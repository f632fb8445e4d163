"""Surveyors (調査員): open cases, on-time rate (last 90 days), first-ten review
progress for new surveyors, registration expiry. Enter shows a surveyor's cases."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Static

from inspect_tui.tui.bindings import SURVEYORS
from inspect_tui.tui.screens.base import DataScreen, TopBar
from inspect_tui.tui.widgets.footer import Footer


class SurveyorsScreen(DataScreen):
    TAB = "surveyors"
    BINDINGS = SURVEYORS

    class Loaded(Message):
        def __init__(self, rows: list) -> None:
            super().__init__()
            self.rows = rows

    def __init__(self) -> None:
        super().__init__()
        self.rows: list = []
        self.order = "code"

    def compose(self) -> ComposeResult:
        yield TopBar("surveyors")
        yield Static(" 読み込み中", id="surveyor-summary")
        yield DataTable(id="surveyor-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(DataTable)
        # most important first: at 80 columns only the qualification scrolls off (the
        # summary line above gives the share of non-care-managers)
        table.add_column("コード", key="code")
        table.add_column("氏名", key="name")
        table.add_column("担当中", key="open")
        table.add_column("期限内90日", key="rate")
        table.add_column("新任点検", key="review")
        table.add_column("登録期限", key="expiry")
        table.add_column("資格", key="qual")
        table.focus()

    def load(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="surveyors", exit_on_error=False)
    def _load(self) -> None:
        try:
            from inspect_tui.services.staff.overview import surveyor_overview

            self.post_message(self.Loaded(surveyor_overview(self.app.session, self.app.today)))
        except Exception as exc:
            self.app.report_unexpected(exc)

    def show_message(self, text: str) -> None:
        self.query_one("#surveyor-summary", Static).update(f" {text}")

    def on_surveyors_screen_loaded(self, message: Loaded) -> None:
        self.rows = message.rows
        self._fill()

    def _fill(self) -> None:
        from inspect_tui.services.staff.overview import EXPIRY_ALERT_DAYS

        today = self.app.today
        rows = list(self.rows)
        if self.order == "expiry":
            rows.sort(key=lambda r: (r.expires_on or "9999", r.code))
        elif self.order == "load":
            rows.sort(key=lambda r: (-r.open_cases, r.code))
        table = self.query_one(DataTable)
        table.clear()
        for r in rows:
            rate = r.on_time_rate
            rate_text = (
                Text("－", style="dim")
                if rate is None
                else Text(
                    f"{rate:.0%} {r.on_time_90}/{r.submitted_90}",
                    style="" if rate >= 0.9 else self.styles_for("soon" if rate >= 0.7 else "overdue"),
                )
            )
            days = r.days_to_expiry(today)
            if days is None:
                expiry = Text("－", style="dim")
            elif days < 0:
                expiry = Text(f"{r.expires_on} 切れ", style=self.styles_for("overdue"))
            elif days <= EXPIRY_ALERT_DAYS:
                expiry = Text(f"{r.expires_on} 近", style=self.styles_for("soon"))
            else:
                expiry = Text(r.expires_on or "")
            qual = "ケアマネ" if r.qualification == "care_manager" else "その他"
            name = r.name + ("（主任）" if r.is_chief else "")
            table.add_row(
                r.code,
                name,
                Text(str(r.open_cases), justify="right"),
                rate_text,
                r.review_progress or "",
                expiry,
                qual,
                key=r.code,
            )
        new = sum(r.is_new for r in rows)
        other = sum(r.qualification != "care_manager" for r in rows)
        share = f"{other / len(rows):.0%}" if rows else "－"
        order = {"code": "コード順", "expiry": "登録期限順", "load": "担当の多い順"}[self.order]
        self.query_one("#surveyor-summary", Static).update(
            f" 調査員 {len(rows)} 人（新任 {new} 人・ケアマネ以外 {share}）  {order}  Enter: 担当の依頼"
        )

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_sort_expiry(self) -> None:
        self.order = "code" if self.order == "expiry" else "expiry"
        self._fill()

    def action_sort_load(self) -> None:
        self.order = "code" if self.order == "load" else "load"
        self._fill()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self._open(event.row_key.value)

    def action_open_surveyor(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
            self._open(key.value)

    def _open(self, code: str | None) -> None:
        if not code:
            return
        from inspect_tui.services.cases.listing import CaseFilter
        from inspect_tui.tui.screens.cases.listing import CasesScreen

        row = next((r for r in self.rows if r.code == code), None)
        title = f" {code} {row.name if row else ''}  担当中 {row.open_cases if row else 0} 件"
        if row and row.is_new:
            title += f"  新任点検 {row.review_progress}"
        if row and row.on_time_rate is not None:
            title += f"  期限内率 {row.on_time_rate:.0%}"
        if row and row.expires_on:
            title += f"  登録期限 {row.expires_on}"
        if row and row.placed_on:
            title += f"  配置 {row.placed_on}"
        self.app.push_screen(CasesScreen(CaseFilter(surveyor=code, status=""), title=title, tab="surveyors"))
