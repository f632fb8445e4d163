"""The quality screen (品質): complaints, incidents, problems and the Pareto chart, one tab each.

Keys: [ and ] switch tabs; n new; Enter opens the selected record to correct
it; r records the report to the city (complaint: the report; incident: the
phone call first, then the written report); p opens a problem from the
selected complaint or incident; c closes the selected problem; e writes the
selected incident's 事故振り返りシート or serious complaint's 重大苦情の報告書 (html,
in the reports folder, as the Reports screen exports; chief and up). On the Pareto
tab, change the period or a filter and press Enter.

Everything it reads and writes goes through tui/calls.py (a worker, an answer as
a message): the lists, the alerts and the chart in one ``quality_view``.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import DataTable, Input, Label, Select, Static, TabbedContent, TabPane

from inspect_tui.core.jpdate import DateError, fiscal_year_of, fiscal_year_range, parse_date
from inspect_tui.core.today import today_jp
from inspect_tui.services.quality import lists as ql
from inspect_tui.services.quality import records as q
from inspect_tui.services.quality.input import QualityInputError
from inspect_tui.services.quality.pareto import FORM_RULE_KINDS, SOURCES, finding_kinds
from inspect_tui.tui.permissions import RoleKeys, permissions_of
from inspect_tui.tui.screens.base import DataScreen, TopBar
from inspect_tui.tui.screens.quality import view
from inspect_tui.tui.screens.quality.forms import ComplaintForm, IncidentForm, ProblemForm
from inspect_tui.tui.screens.quality.when import WhenPrompt, now_text
from inspect_tui.tui.screens.reports.fetch import request_line, where_written
from inspect_tui.tui.widgets.footer import Footer
from inspect_tui.tui.widgets.pareto_chart import ParetoChart

BINDINGS = [
    Binding(
        "left_square_bracket",
        "tab(-1)",
        "前タブ",
        key_display="[",
        tooltip="前のタブへ",
        show=False,
        id="quality.prev_tab",
    ),
    Binding(
        "right_square_bracket",
        "tab(1)",
        "次タブ",
        key_display="]",
        tooltip="次のタブへ",
        show=False,
        id="quality.next_tab",
    ),
    Binding("n", "new", "新規", tooltip="このタブの記録を新しく作る", id="quality.new"),
    Binding("enter", "edit", "開く", tooltip="選んだ記録を開いて直す", id="quality.edit"),
    Binding(
        "r",
        "report_city",
        "市へ報告",
        tooltip="市への報告（事故は電話連絡、次に書面報告）の日時を記録",
        id="quality.report",
    ),
    Binding("p", "open_problem", "課題化", tooltip="選んだ苦情・事故から課題を起こす", id="quality.problem"),
    Binding(
        "e",
        "export_document",
        "書出",
        tooltip="選んだ事故の事故振り返りシート・重大な苦情の報告書を書き出す（html）",
        id="quality.export",
    ),
    Binding(
        "c",
        "close_problem",
        "完了",
        tooltip="選んだ課題を完了にする（対策を書く）",
        id="quality.close",
        show=False,
    ),
]
TABS = ("complaints", "incidents", "problems", "pareto")
HINT = "[ ] タブ切替　Enter 開く　c 課題を完了（課題タブ）　? キー一覧"


#: The services.trust permission that records on each tab. Problems (課題) have none of their
#: own there; they are kept by the people who record complaints and incidents (chief and up).
TAB_NEEDS = {"complaints": "complaint.save", "incidents": "incident.save", "problems": "problem.save"}
#: Keys that write (or open a form to write) a record of the tab.
WRITE_ACTIONS = frozenset({"new", "edit", "report_city", "open_problem", "close_problem"})
#: The permission that prints a record's document (e), and the tabs it is offered on.
DOCUMENT_NEEDS = "quality.documents"


class QualityScreen(RoleKeys, DataScreen):
    """苦情・事故・課題・パレート分析."""

    DEFAULT_CSS = """
    QualityScreen #alerts { height: auto; padding: 0 1; }
    QualityScreen #alerts.urgent { text-style: bold; color: $error; }
    QualityScreen #status { height: auto; max-height: 4; padding: 0 1; color: $text-muted; }
    QualityScreen #tabs { height: 1fr; }
    QualityScreen #tabs > ContentSwitcher { height: 1fr; }
    QualityScreen TabPane { height: 1fr; padding: 0; }
    QualityScreen DataTable { height: 1fr; }
    QualityScreen #pareto-filters { layout: grid; grid-size: 3; grid-columns: 1fr 1fr 1fr; height: auto;
        grid-gutter: 0 2; padding: 1 1 0 1; }
    QualityScreen #pareto-filters > Vertical { height: auto; }
    QualityScreen #pareto-filters Input, QualityScreen #pareto-filters Select { width: 1fr;
        background: $boost; }
    QualityScreen #pareto-filters Input:focus, QualityScreen #pareto-filters Select:focus {
        background: $primary 30%; }
    QualityScreen ParetoChart { padding: 1 1; }
    """
    BINDINGS = BINDINGS
    TAB = "quality"

    def __init__(self, *, tab: str = "complaints") -> None:
        super().__init__()
        self.initial_tab = tab
        self.view: view.QualityView | None = None
        self.last_report = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield TopBar(self.TAB)
        yield Static("読み込み中", id="alerts")
        with TabbedContent(initial=self.initial_tab, id="tabs"):
            with TabPane("苦情", id="complaints"):
                yield DataTable(id="complaints-table", cursor_type="row", zebra_stripes=True)
            with TabPane("事故・インシデント", id="incidents"):
                yield DataTable(id="incidents-table", cursor_type="row", zebra_stripes=True)
            with TabPane("課題", id="problems"):
                yield DataTable(id="problems-table", cursor_type="row", zebra_stripes=True)
            with TabPane("パレート分析", id="pareto"), VerticalScroll():
                yield from self._pareto_filters()
                yield ParetoChart(id="pareto-chart")
        yield Static(Text(HINT), id="status")
        yield Footer()

    def _pareto_filters(self) -> ComposeResult:
        today = today_jp()
        fy_start, _ = fiscal_year_range(fiscal_year_of(today))
        session = self.app.session
        wards = tuple(session.config.wards) if session else ()
        self._wards_shown = wards
        with Horizontal(id="pareto-filters"):
            with Vertical():
                yield Label("対象")
                yield Select(
                    [(label, key) for key, (label, _) in SOURCES.items()],
                    value="incidents",
                    allow_blank=False,
                    id="p-source",
                    compact=True,
                )
            with Vertical():
                yield Label("期間（から）")
                yield Input(fy_start.isoformat(), id="p-from", compact=True)
            with Vertical():
                yield Label("期間（まで）")
                yield Input(today.isoformat(), id="p-to", compact=True)
            with Vertical():
                yield Label("区")
                yield Select([(w, w) for w in wards], prompt="全区", id="p-ward", compact=True)
            with Vertical():
                yield Label("調査員コード")
                yield Input("", placeholder="全員", id="p-surveyor", compact=True)
            with Vertical():
                yield Label("種別")
                yield Select(self._kind_options("incidents"), prompt="全種別", id="p-kind", compact=True)

    @staticmethod
    def _kind_options(source: str) -> list[tuple[str, str]]:
        if source == "complaints":
            return [(jp, k) for k, jp in q.COMPLAINT_KINDS.items()]
        if source == "incidents":
            return [(jp, k) for k, jp in q.INCIDENT_KINDS.items()]
        if source == "form_rules":
            return [(jp, k) for k, jp in FORM_RULE_KINDS.items()]
        return [(jp, k) for k, jp in finding_kinds().items()]

    def on_mount(self) -> None:
        self.query_one("#complaints-table", DataTable).add_columns(*ql.COMPLAINT_COLUMNS)
        self.query_one("#incidents-table", DataTable).add_columns(*ql.INCIDENT_COLUMNS)
        self.query_one("#problems-table", DataTable).add_columns(*ql.PROBLEM_COLUMNS)
        super().on_mount()
        self._focus_tab()

    # ------------------------------------------------------------------ loading
    def load(self) -> None:
        s = self.app.session
        if tuple(s.config.wards) != self._wards_shown:  # the session arrived after compose
            self._wards_shown = tuple(s.config.wards)
            self.query_one("#p-ward", Select).set_options([(w, w) for w in self._wards_shown])
        self.call(view.quality_view, today_jp(), done=self._loaded)
        self.refresh_pareto()

    reload = load

    def show_message(self, text: str) -> None:
        self.query_one("#alerts", Static).update(Text(text))

    def _loaded(self, v: view.QualityView) -> None:
        self.view = v
        self._refill("#complaints-table", v.complaints)
        self._refill("#incidents-table", v.incidents)
        self._refill("#problems-table", v.problems)
        parts = v.alerts
        box = self.query_one("#alerts", Static)
        box.set_class(bool(parts), "urgent")
        box.update(Text("要対応: " + " / ".join(parts) if parts else "要対応の苦情・事故・課題はありません"))

    def _refill(self, table_id: str, rows: list[tuple[str, list]]) -> None:
        table = self.query_one(table_id, DataTable)
        keep = table.cursor_row
        table.clear()
        for key, cells in rows:
            table.add_row(*(Text(str(c)) for c in cells), key=key)
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))

    # ------------------------------------------------------------------ pareto
    def refresh_pareto(self) -> None:
        chart = self.query_one("#pareto-chart", ParetoChart)
        source = self.query_one("#p-source", Select).value
        try:
            d_from = parse_date(self.query_one("#p-from", Input).value)
            d_to = parse_date(self.query_one("#p-to", Input).value)
        except DateError as exc:
            chart.explain(f"期間: {exc}")
            return
        ward = self.query_one("#p-ward", Select).value
        kind = self.query_one("#p-kind", Select).value

        def shown(report) -> None:
            self.last_report = report
            chart.show(report)

        def refused(exc: BaseException, text: str) -> None:
            if isinstance(exc, QualityInputError):
                text = "\n".join(f"{lab}: {msg}" for lab, msg in exc.problems)
            chart.explain(text)

        self.call(
            view.pareto,
            str(source),
            d_from,
            d_to,
            ward=None if ward is Select.NULL else str(ward),
            surveyor=self.query_one("#p-surveyor", Input).value.strip() or None,
            kind=None if kind is Select.NULL else str(kind),
            done=shown,
            failed=refused,
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "p-source":
            kind = self.query_one("#p-kind", Select)
            kind.set_options(self._kind_options(str(event.value)))
        if event.select.id and event.select.id.startswith("p-") and self.app.session is not None:
            self.refresh_pareto()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id and event.input.id.startswith("p-"):
            event.stop()
            self.refresh_pareto()

    # ------------------------------------------------------------------ helpers
    @property
    def active_tab(self) -> str:
        return self.query_one("#tabs", TabbedContent).active

    def _focus_tab(self) -> None:
        tab = self.active_tab
        if tab == "pareto":
            self.query_one("#p-source", Select).focus()
        else:
            self.query_one(f"#{tab}-table", DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def on_tabbed_content_tab_activated(self, _event: TabbedContent.TabActivated) -> None:
        self.call_after_refresh(self._focus_tab)
        self.refresh_bindings()  # the keys that write depend on the tab

    def allows(self, action: str, parameters: tuple[object, ...]) -> bool:
        if action not in WRITE_ACTIONS and action != "export_document":
            return True
        try:
            tab = self.active_tab
        except NoMatches:  # asked before the tabs are composed
            return False
        if action == "export_document":
            return tab in view.DOCUMENTS and permissions_of(self).may(DOCUMENT_NEEDS)
        need = TAB_NEEDS.get(tab)
        return need is not None and permissions_of(self).may(need)

    def selected_id(self) -> int | None:
        tab = self.active_tab
        if tab == "pareto":
            return None
        table = self.query_one(f"#{tab}-table", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(key.value) if key.value is not None else None

    def say(self, text: str) -> None:
        self.query_one("#status", Static).update(Text(text))

    def _saved(self, what: str):
        def done(rid: int | None) -> None:
            if rid is None:
                return

            def said(note: str) -> None:
                self.say(f"{what} {rid} を保存しました{note}")
                self.app.data_changed()

            self.call(view.saved_note, what, rid, done=said)

        return done

    # ------------------------------------------------------------------ actions
    def action_tab(self, step: int) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = TABS[(TABS.index(tabs.active) + step) % len(TABS)]

    def action_new(self) -> None:
        tab = self.active_tab
        if tab == "complaints":
            self.app.push_screen(ComplaintForm(values={"received_at": now_text()}), self._saved("苦情"))
        elif tab == "incidents":
            self.app.push_screen(IncidentForm(values={"occurred_at": now_text()}), self._saved("事故"))
        elif tab == "problems":
            self.app.push_screen(ProblemForm(values={"status": "open"}), self._saved("課題"))

    def action_edit(self) -> None:
        rid = self.selected_id()
        if rid is None or self.active_tab == "pareto":
            return
        tab = self.active_tab
        self.call(view.record_to_open, tab, rid, done=lambda found: self._open_record(tab, rid, found))

    def _open_record(self, tab: str, rid: int, found) -> None:
        """A monitor reads the record, masked, and cannot change it; the others correct it."""
        if found is None:
            return
        values, read_only = found
        form = {"complaints": ComplaintForm, "incidents": IncidentForm, "problems": ProblemForm}[tab]
        what = {"complaints": "苦情", "incidents": "事故", "problems": "課題"}[tab]
        if read_only:
            self.app.push_screen(form(rid, values=values, read_only=True))
        else:
            self.app.push_screen(form(rid, values=values), self._saved(what))

    def action_open_problem(self) -> None:
        rid = self.selected_id()
        tab = self.active_tab
        if rid is None or tab not in ("complaints", "incidents"):
            self.say("苦情か事故のタブで、元にする記録を選んでから p を押してください")
            return
        field = "complaints" if tab == "complaints" else "incidents"
        self.app.push_screen(ProblemForm(values={"status": "open", field: str(rid)}), self._saved("課題"))

    def action_close_problem(self) -> None:
        rid = self.selected_id()
        if self.active_tab != "problems" or rid is None:
            return

        def found(values) -> None:
            if values is None or values.get("status") == "closed":
                self.say("この課題はもう完了しています")
                return
            values = {**values, "status": "closed", "closed_on": today_jp().isoformat()}
            self.app.push_screen(ProblemForm(rid, values=values), self._saved("課題"))

        self.call(view.problem_to_close, rid, done=found)

    def action_export_document(self) -> None:
        """e: the selected incident's look-back sheet or serious complaint's report, as html."""
        tab = self.active_tab
        rid = self.selected_id()
        if rid is None or tab not in view.DOCUMENTS:
            self.say("苦情か事故のタブで、書き出す記録を選んでから e を押してください")
            return
        label = view.DOCUMENTS[tab][1]

        def written(answer) -> None:
            path, why = answer
            if path is None:
                self.say(f"{label}を書き出していません: {why}")
                return
            # over SSH: the file is on the server, and the line that brings it over
            request = request_line(view.DOCUMENTS[tab][0], str(rid), "html")
            text, command = where_written(path, request, what=f"{label}を")
            if command is not None:
                self.app.copy_to_clipboard(command)
            self.say(text)
            self.notify(text, timeout=10)

        def failed(exc: BaseException, text: str) -> None:
            self.say(f"{label}を書き出していません: {text}")

        self.call(view.write_document, tab, rid, done=written, failed=failed)

    def action_report_city(self) -> None:
        rid = self.selected_id()
        tab = self.active_tab
        if rid is None or tab not in ("complaints", "incidents"):
            return
        if tab == "complaints":

            def done(when: str | None) -> None:
                if when is not None:
                    self._try(
                        q.report_complaint_to_city, rid, when, ok=f"苦情 {rid}: 市への報告を記録しました"
                    )

            self.app.push_screen(WhenPrompt(f"苦情 {rid} を市へ報告した日時", now_text()), done)
            return
        self.call(q.get_incident, rid, done=lambda inc: self._report_incident(rid, inc))

    def _report_incident(self, rid: int, inc) -> None:
        if inc is None:
            return
        if inc.written_report_at:
            self.say(f"事故 {rid} は書面報告まで済んでいます（{inc.written_report_at}）")
            return
        phone = inc.phoned_city_at is None
        question = f"事故 {rid}: 市へ電話連絡した日時" if phone else f"事故 {rid}: 市へ書面報告した日時"

        def done_inc(when: str | None) -> None:
            if when is None:
                return
            kw = {"phoned_at": when} if phone else {"written_at": when}
            said = f"事故 {rid}: {'電話連絡' if phone else '書面報告'}を記録しました"
            self._try(q.record_incident_report, rid, ok=said, **kw)

        self.app.push_screen(WhenPrompt(question, now_text()), done_inc)

    def _try(self, fn, *args, ok: str, **kwargs) -> None:
        def done(_r) -> None:
            self.say(ok)
            self.app.data_changed()

        def refused(exc: BaseException, text: str) -> None:
            self.say("記録していません: " + text)

        self.write(fn, *args, done=done, failed=refused, **kwargs)
