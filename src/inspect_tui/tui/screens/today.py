"""Today (今日): what is late, due today and due in the next 2 business days, the
backlog, the first-ten review and staff alerts. The first screen."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from inspect_tui.tui.bindings import TODAY
from inspect_tui.tui.screens.base import DataScreen, TopBar
from inspect_tui.tui.widgets.cell_table import CellTable
from inspect_tui.tui.widgets.cells import fit
from inspect_tui.tui.widgets.footer import Footer


class TodayScreen(DataScreen):
    TAB = "today"
    BINDINGS = TODAY

    class Loaded(Message):
        def __init__(self, dashboard) -> None:
            super().__init__()
            self.dashboard = dashboard

    def compose(self) -> ComposeResult:
        yield TopBar("today")
        yield Static("データベースを開いています", id="summary")
        with Horizontal(id="panels"):
            with Vertical(classes="col"):
                yield Static("", id="deadlines", classes="panel")
                yield Static("", id="backlog", classes="panel")
            with Vertical(classes="col"):
                yield Static("", id="review", classes="panel")
                yield Static("", id="alerts", classes="panel")
        yield OptionList(id="due")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#due", OptionList).border_title = "要対応の依頼（Enter で開く）"

    def load(self) -> None:
        first = getattr(self.app, "first_dashboard", None)
        if first is not None:  # read with the session (InspectApp._first_figures): shown now
            self.app.first_dashboard = None
            self._show(first)  # (again, when read ahead: now with the session's line on Alerts)
            return
        self._load()

    #: figures read ahead are on screen, and the session has not shown its own yet
    _ahead_shown = False

    def show_read_ahead(self, d) -> None:
        """Figures read ahead while the session opens (tui/read_ahead.py): shown now; the
        session then starts from the same ones (InspectApp._first_figures)."""
        self._show(d)
        self._ahead_shown = True

    @work(thread=True, exclusive=True, group="today", exit_on_error=False)
    def _load(self) -> None:
        try:
            from inspect_tui.services.today_figures import today_figures

            self.post_message(self.Loaded(today_figures(self.app.session, self.app.today)))
        except Exception as exc:
            self.app.report_unexpected(exc)

    def show_message(self, text: str) -> None:
        self.query_one("#summary", Static).update(text)
        if self._ahead_shown:  # the session did not open (a file it may not write): no figures
            self._ahead_shown = False
            for name in ("#deadlines", "#backlog", "#review", "#alerts"):
                self.query_one(name, Static).update("")
            self.query_one("#due", OptionList).clear_options()

    def on_today_screen_loaded(self, message: Loaded) -> None:
        self._show(message.dashboard)

    def _show(self, d) -> None:
        self._ahead_shown = False
        overdue = d.overdue_cases
        today = d.due_today_cases
        summary = Text()
        summary.append(f" 未完了 {d.open_cases:,} 件", style="bold")
        summary.append(f"   期限超過 {overdue:,}", style=self.styles_for("overdue") if overdue else "")
        summary.append(f"   本日期限 {today:,}", style=self.styles_for("today") if today else "")
        summary.append(
            f"   緊急・未訪問 {len(d.urgent_not_visited):,}",
            style=self.styles_for("overdue") if d.urgent_not_visited else "",
        )
        self.query_one("#summary", Static).update(summary)
        self._deadlines(d)
        self._backlog(d)
        self._review(d)
        self._alerts(d)
        self._due_list(d)
        shown = getattr(self.app, "first_figures_shown", None)
        if shown is not None:  # the day's backup waits for the first figures (tui/app.py)
            shown()

    def _deadlines(self, d) -> None:
        # the deadline rules (their file, the calendar, ~10 ms) are imported with the figures,
        # not before the first paint
        from inspect_tui.core.deadlines import SOON_BUSINESS_DAYS

        rows = [
            [
                r.label,
                _n(r.overdue, self.styles_for("overdue")),
                _n(r.today, self.styles_for("today")),
                _n(r.soon, self.styles_for("soon")),
            ]
            for r in d.rules
        ]
        rows.append(["緊急・未訪問", _n(len(d.urgent_not_visited), self.styles_for("overdue")), "", ""])
        t = CellTable(["期限", "超過", "本日", f"{SOON_BUSINESS_DAYS}開庁日内"], rows, right=(1, 2, 3))
        panel = self.query_one("#deadlines", Static)
        panel.border_title = "期限（開いている件数）"
        panel.update(t)

    def _backlog(self, d) -> None:
        people = d.backlog_by_surveyor[: max(3, len(d.backlog_by_ward))]
        rows = []
        for i in range(max(len(d.backlog_by_ward), len(people))):
            ward, n = d.backlog_by_ward[i] if i < len(d.backlog_by_ward) else ("", "")
            _code, name, m = people[i] if i < len(people) else ("", "", "")
            rows.append([ward, f"{n:,}" if n != "" else "", name, str(m)])
        t = CellTable(["区", "件", "調査員（多い順）", "件"], rows, right=(1, 3), fill=2)
        panel = self.query_one("#backlog", Static)
        panel.border_title = "未完了の内訳"
        panel.update(t)

    def _review(self, d) -> None:
        q = d.review
        text = Text(no_wrap=True, overflow="crop")
        text.append(f"新任調査員 {q.new_surveyors} 人", style="bold")
        text.append("（配置1年以内）\n")
        text.append(f"単独 1〜10件目 {q.forms_in_scope} 件")
        if q.checked is not None:
            text.append(f"・点検済 {q.checked}")
        if q.pending is not None:
            text.append("\n点検待ち ")
            text.append(f"{q.pending} 件", style=self.styles_for("today") if q.pending else "")
            text.append("（4 で点検へ）", style="dim")
        panel = self.query_one("#review", Static)
        panel.border_title = "新任10件点検"
        panel.update(text)

    def _alerts(self, d) -> None:
        text = Text(no_wrap=True, overflow="crop")
        setup = getattr(self.app, "setup", None)
        if setup is not None:
            # one short line (the panel is ~34 columns at 80x24); whoami explains in full
            if setup.kind == "shared":
                text.append("共有ファイル方式（役割は約束事）\n", style=self.styles_for("soon"))
            else:
                text.append("サービスアカウント（役割を強制）\n")
        f = d.inspection  # inspection before submission, this month so far (issue 13 item 6)
        if f is not None:
            rate = f.rate
            shown = "－" if rate is None else f"{rate}%"
            # one line of ~30 cells (the panel is ~34 at 80x24): this month's 点検実施率 and
            # the forms that went out without inspection (target 0)
            text.append(f"点検率 {shown}・")
            text.append(
                f"点検なし提出 {f.unchecked:,}件\n",
                style=self.styles_for("overdue") if f.unchecked else "",
            )
        for line in d.quality:
            text.append(line + "\n", style=self.styles_for("overdue"))
        if d.deliverables is not None:  # the contract's deliverables (issue 15): overdue in words
            dl = d.deliverables
            style = self.styles_for("overdue" if dl.overdue else "soon") if dl.overdue or dl.due_soon else ""
            text.append(dl.text + "\n", style=style)
        if not d.alerts:
            text.append("登録期限・資格の比率とも問題なし")
        for i, a in enumerate(d.alerts):
            if i:
                text.append("\n")
            if a.kind == "non_care_manager":
                text.append(f"ケアマネ以外 {a.days}%（目安30%超）", style=self.styles_for("overdue"))
            elif a.kind == "card_not_returned":
                text.append(f"調査員証 未返却（退職） {a.code}", style=self.styles_for("overdue"))
            elif a.kind == "expired":
                text.append(f"登録切れ {a.expires_on} {a.name}", style=self.styles_for("overdue"))
            else:
                text.append(
                    f"登録期限 {a.expires_on[5:]} あと{a.days}日 {a.name}", style=self.styles_for("soon")
                )
        panel = self.query_one("#alerts", Static)
        if d.quality:
            title = "注意（苦情・事故・課題・職員）"
        elif f is not None:
            title = "注意（点検・職員の登録・資格）"
        else:
            title = "職員の注意（登録60日内・資格）"
        panel.border_title = title
        panel.update(text)

    def _due_list(self, d) -> None:
        from inspect_tui.core.deadlines import STATE_RANK, STATE_WORDS

        best: dict[str, tuple] = {}
        for r in d.rules:
            for c in r.cases:
                key = (STATE_RANK[c.state], c.due, r.rule)
                if c.case_no not in best or key < best[c.case_no][0]:
                    best[c.case_no] = (key, r.short, c)
        items = sorted(best.values(), key=lambda v: (v[0][0], not v[2].urgent, v[0][1], v[2].case_no))
        options = []
        for (_rank, _due, _r), short, c in items:
            line = Text()
            line.append(fit(STATE_WORDS[c.state], 4), style=self.styles_for(c.state))
            line.append(" " + fit("急" if c.urgent else "", 2) + " ")
            line.append(fit(c.case_no, 11) + " ")
            line.append(fit(f"{short} {c.due.strftime('%m-%d')}", 10) + " ")
            line.append(fit(f"{c.days_left}日", 5, right=True) + "  ")
            line.append(fit(c.ward, 6) + " " + c.surveyor)
            options.append(Option(line, id=c.case_no))
        due = self.query_one("#due", OptionList)
        highlighted = due.highlighted
        due.clear_options()
        if options:
            due.add_options(options)
            due.highlighted = min(highlighted or 0, len(options) - 1)
        else:
            due.add_option(Option("期限が迫っている依頼はありません", disabled=True))
        due.border_title = f"要対応の依頼 {len(options)} 件（Enter で開く・o で一覧へ）"

    # -- actions ------------------------------------------------------------
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self._open(event.option.id)

    def action_open_case(self) -> None:
        due = self.query_one("#due", OptionList)
        if due.highlighted is not None:
            option = due.get_option_at_index(due.highlighted)
            if option.id:
                self._open(option.id)

    def _open(self, case_no: str) -> None:
        from inspect_tui.tui.screens.cases.detail import CaseDetailScreen

        self.app.push_screen(CaseDetailScreen(case_no))

    def action_cursor_down(self) -> None:
        self.query_one("#due", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#due", OptionList).action_cursor_up()

    async def action_show_overdue(self) -> None:
        from inspect_tui.services.cases.listing import CaseFilter

        await self.app.switch_mode("cases")
        screen = self.app.screen
        if hasattr(screen, "apply_filter"):
            screen.apply_filter(CaseFilter(deadline="overdue"))


def _n(n: int, style: str) -> Text:
    return Text(f"{n:,}", style=style if n else "dim")
