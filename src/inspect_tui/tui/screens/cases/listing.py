"""Cases (依頼): one list over the whole database, filtered and sorted in SQL,
paged into a virtual table. ``/`` filters by case number (and applicant name
for roles that may see it); w, f, d, u cycle or pick ward, status, deadline
state and surveyor; s / S change the order."""

from __future__ import annotations

import time

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Static

from inspect_tui.tui.bindings import CASES
from inspect_tui.tui.screens.base import DataScreen, TopBar
from inspect_tui.tui.widgets.case_table import PAGE_SIZE, CaseTable
from inspect_tui.tui.widgets.footer import Footer

#: No fixed typing delay: the first key queries at once; keys typed while a query runs
#: are coalesced into one query when it answers (never more than one in flight).
FILTER_DEBOUNCE_S = 0.0

#: A count that stopped at the cap (「10,000 件以上」) is made exact once the list has
#: been still this long: typing is never held up by counting 1M rows.
EXACT_COUNT_AFTER_S = 0.4


class CasesScreen(DataScreen):
    TAB = "cases"
    BINDINGS = CASES

    class Counted(Message):
        def __init__(self, generation_key: object, total: int, first_page: list, elapsed_ms: float) -> None:
            super().__init__()
            self.key = generation_key
            self.total = total
            self.first_page = first_page
            self.elapsed_ms = elapsed_ms

    class CountedExactly(Message):
        def __init__(self, generation_key: object, total: int) -> None:
            super().__init__()
            self.key = generation_key
            self.total = total

    class PageRead(Message):
        def __init__(self, page: int, rows: list, generation: int) -> None:
            super().__init__()
            self.page = page
            self.rows = rows
            self.generation = generation

    def __init__(self, initial_filter=None, title: str = "", tab: str = "cases") -> None:
        super().__init__()
        from inspect_tui.services.cases.listing import CaseFilter

        self.filter = initial_filter or CaseFilter()
        self.title_text = title
        self.tab = tab
        self.last_query_ms = 0.0
        self._query_key: object = None
        self._wards: list[str] = []
        self._in_flight = False
        self._pending_text: str | None = None
        self._typing = False
        self._keep_cursor = False
        self.count_exact = True  # False while the table's total is a count stopped at the cap
        self._line_text = ""  # what the line above the table shows
        self._exact_timer = None

    def compose(self) -> ComposeResult:
        yield TopBar(self.tab)
        if self.title_text:
            yield Static(self.title_text, id="cases-title")
        yield Static("", id="filter-line")
        yield Input(placeholder="依頼番号・氏名で絞り込み（Enter で一覧へ・Esc で戻る）", id="filter-input")
        yield CaseTable(id="case-table")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter-input", Input).display = False
        self.query_one(CaseTable).focus()
        self._show_filter_line()
        super().on_mount()  # after the filter line: a database error replaces it

    # -- loading ------------------------------------------------------------
    def load(self) -> None:
        self._keep_cursor = True
        self._query()

    def apply_filter(self, new_filter) -> None:
        self.filter = new_filter
        self._keep_cursor = False
        text_input = self.query_one("#filter-input", Input)
        # Never write back into the box while the user types: queued Changed events carry
        # older values, and writing one back would eat the keys typed since.
        if not self._typing and text_input.value != new_filter.text:
            text_input.value = new_filter.text
        if not self._typing:  # typed: the box shows it, and the line follows with the rows
            self._show_filter_line()
        self._query()

    def _apply_typed(self, new_filter) -> None:
        """apply_filter for text the user typed (the box already shows it)."""
        self._typing = True
        try:
            self.apply_filter(new_filter)
        finally:
            self._typing = False

    def _query(self) -> None:
        if getattr(self.app, "session", None) is None:
            return
        self._query_key = object()
        if self._exact_timer is not None:
            self._exact_timer.stop()
            self._exact_timer = None
        self._in_flight = True
        self._count(self.filter, self._query_key)

    @work(thread=True, exclusive=True, group="case-count", exit_on_error=False)
    def _count(self, f, key: object) -> None:
        try:
            from inspect_tui.services.cases.listing import count_and_first_page

            start = time.perf_counter()
            s, today, role = self.app.session, self.app.today, self.app.role
            total, first = count_and_first_page(s, f, today, role, PAGE_SIZE)
            self.post_message(self.Counted(key, total, first, (time.perf_counter() - start) * 1000))
        except Exception as exc:
            self.app.report_unexpected(exc)
            self.app.call_from_thread(self._query_done)

    def _query_done(self) -> None:
        """A query answered: run the text typed meanwhile, if any (one query for many keys)."""
        self._in_flight = False
        pending, self._pending_text = self._pending_text, None
        if pending is not None and pending != self.filter.text:
            self._apply_typed(self.filter.with_(text=pending))

    def on_cases_screen_counted(self, message: Counted) -> None:
        if message.key is not self._query_key:
            return
        self.last_query_ms = message.elapsed_ms
        from inspect_tui.services.cases.listing import may_see_names

        table = self.query_one(CaseTable)
        table.show_names = may_see_names(self.app.role)
        table.reset(message.total, message.first_page, keep_cursor=self._keep_cursor)
        from inspect_tui.services.cases.listing import is_capped

        self.count_exact = not is_capped(message.total)
        if not self.count_exact:
            f, key = self.filter, message.key
            self._exact_timer = self.set_timer(EXACT_COUNT_AFTER_S, lambda: self._count_exactly(f, key))
        self._keep_cursor = False
        self._show_filter_line()
        self._query_done()

    @work(thread=True, exclusive=True, group="case-count-exact", exit_on_error=False)
    def _count_exactly(self, f, key: object) -> None:
        try:
            from inspect_tui.services.cases.listing import count_cases

            if key is not self._query_key:
                return
            total = count_cases(self.app.session, f, self.app.today, self.app.role, exact=True)
            self.post_message(self.CountedExactly(key, total))
        except Exception as exc:
            self.app.report_unexpected(exc)

    def on_cases_screen_counted_exactly(self, message: CountedExactly) -> None:
        if message.key is not self._query_key:
            return
        self.count_exact = True
        self.query_one(CaseTable).set_total(message.total)
        self._show_filter_line()

    @on(CaseTable.NeedPage)
    def _need_page(self, message: CaseTable.NeedPage) -> None:
        total = message.table.total if self.count_exact else None
        self._read_page(self.filter, message.page, message.generation, total)

    @work(thread=True, group="case-page", exit_on_error=False)
    def _read_page(self, f, page: int, generation: int, total: int | None) -> None:
        try:
            from inspect_tui.services.cases.listing import fetch_page

            rows = fetch_page(
                self.app.session, f, self.app.today, self.app.role, page * PAGE_SIZE, PAGE_SIZE, total=total
            )
            self.post_message(self.PageRead(page, rows, generation))
        except Exception as exc:
            self.app.report_unexpected(exc)

    def on_cases_screen_page_read(self, message: PageRead) -> None:
        self.query_one(CaseTable).add_page(message.page, message.rows, message.generation)

    def show_message(self, text: str) -> None:
        self._set_line(f" {text}")

    def _set_line(self, text: str) -> None:
        """The line above the table. A text that stays on one line is drawn without a new
        layout of the screen: each keystroke's answer laid the screen out again (about a
        third of a keystroke's time in the app, profiled at 100k cases)."""
        from rich.cells import cell_len

        line = self.query_one("#filter-line", Static)
        if text == self._line_text:
            return
        width = line.size.width
        one_line = width > 0 and cell_len(text) <= width and cell_len(self._line_text) <= width
        self._line_text = text
        line.update(text, layout=not one_line)

    def _show_filter_line(self) -> None:
        table = self.query_one(CaseTable)
        if not table.loaded:
            count = "読み込み中"
        elif not self.count_exact:
            from inspect_tui.services.cases import search

            count = f"{search.CAP:,} 件以上"
        else:
            count = f"{table.total:,} 件"
        self._set_line(f" {count}  {self.filter.describe()}")

    # -- filter input -------------------------------------------------------
    def action_focus_filter(self) -> None:
        box = self.query_one("#filter-input", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#filter-input")
    def _typed(self, event: Input.Changed) -> None:
        value = event.input.value  # the box as it is now, not as it was when the event was queued
        if self._in_flight:
            self._pending_text = value
        elif value != self.filter.text:
            self._apply_typed(self.filter.with_(text=value))

    @on(Input.Submitted, "#filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self._pending_text = None
        if event.value != self.filter.text:
            self._apply_typed(self.filter.with_(text=event.value))
        self._leave_filter()

    def _leave_filter(self) -> None:
        box = self.query_one("#filter-input", Input)
        if not box.value:
            box.display = False
        self.query_one(CaseTable).focus()

    def key_escape(self, event) -> None:
        if self.focused is self.query_one("#filter-input", Input):
            event.stop()
            event.prevent_default()
            self._leave_filter()

    def action_escape(self) -> None:
        """Esc: first clear a text filter (as k9s does), then go back."""
        if self.filter.text:
            box = self.query_one("#filter-input", Input)
            box.value = ""
            box.display = False
            self.apply_filter(self.filter.with_(text=""))
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    # -- filter keys --------------------------------------------------------
    def action_cycle_ward(self) -> None:
        self._cycle_ward()

    @work(thread=True, group="wards", exit_on_error=False)
    def _cycle_ward(self) -> None:
        try:
            from inspect_tui.services.cases.listing import wards_in_use

            if not self._wards and self.app.session is not None:
                self._wards = wards_in_use(self.app.session)
            self.app.call_from_thread(self._next_ward)
        except Exception as exc:
            self.app.report_unexpected(exc)

    def _next_ward(self) -> None:
        choices = ["", *self._wards]
        i = choices.index(self.filter.ward) if self.filter.ward in choices else 0
        self.apply_filter(self.filter.with_(ward=choices[(i + 1) % len(choices)]))

    def action_cycle_status(self) -> None:
        from inspect_tui.services.cases.listing import STATUS_CHOICES

        i = STATUS_CHOICES.index(self.filter.status) if self.filter.status in STATUS_CHOICES else 0
        self.apply_filter(self.filter.with_(status=STATUS_CHOICES[(i + 1) % len(STATUS_CHOICES)]))

    def action_cycle_deadline(self) -> None:
        from inspect_tui.services.cases.listing import DEADLINE_STATES

        choices = ("", *DEADLINE_STATES)
        i = choices.index(self.filter.deadline) if self.filter.deadline in choices else 0
        self.apply_filter(self.filter.with_(deadline=choices[(i + 1) % len(choices)]))

    def action_next_sort(self) -> None:
        from inspect_tui.services.cases.listing import SORTS, may_see_names

        keys = [k for k in SORTS if k != "applicant_name" or may_see_names(self.app.role)]
        i = keys.index(self.filter.sort) if self.filter.sort in keys else -1
        self.apply_filter(self.filter.with_(sort=keys[(i + 1) % len(keys)]))

    def action_reverse_sort(self) -> None:
        self.apply_filter(self.filter.with_(descending=not self.filter.descending))

    def action_clear_filters(self) -> None:
        from inspect_tui.services.cases.listing import CaseFilter

        keep = {"surveyor": self.filter.surveyor} if self.tab != "cases" else {}
        box = self.query_one("#filter-input", Input)
        box.value = ""
        box.display = False
        self.apply_filter(CaseFilter(**keep))

    def action_pick_surveyor(self) -> None:
        if self.app.session is not None:
            self._pick_surveyor()

    @work(thread=True, group="surveyors", exit_on_error=False)
    def _pick_surveyor(self) -> None:
        try:
            from inspect_tui.services.cases.listing import surveyor_choices

            choices = [
                ("", "（すべての調査員）"),
                *((code, f"{code}  {name}") for code, name in surveyor_choices(self.app.session)),
            ]
            self.app.call_from_thread(self._show_picker, choices)
        except Exception as exc:
            self.app.report_unexpected(exc)

    def _show_picker(self, choices: list[tuple[str, str]]) -> None:
        from inspect_tui.tui.screens.pick import PickScreen

        def chosen(code: str | None) -> None:
            if code is not None:
                self.apply_filter(self.filter.with_(surveyor=code))

        self.app.push_screen(PickScreen("調査員で絞り込む", choices), chosen)

    # -- open ----------------------------------------------------------------
    def action_open_case(self) -> None:
        row = self.query_one(CaseTable).current_row
        if row is not None:
            from inspect_tui.tui.screens.cases.detail import CaseDetailScreen

            self.app.push_screen(CaseDetailScreen(row.case_no))

    @on(CaseTable.Selected)
    def _selected(self, message: CaseTable.Selected) -> None:
        self.action_open_case()
