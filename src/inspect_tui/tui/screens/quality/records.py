"""The quality screen (品質): complaints, incidents, problems and the Pareto chart, one tab each.

Keys: [ and ] switch tabs; n new; Enter opens the selected record to correct
it; r records the report to the city (complaint: the report; incident: the
phone call first, then the written report); p opens a problem from the
selected complaint or incident; c closes the selected problem. On the Pareto
tab, change the period or a filter and press Enter.

The screen takes a Session, or uses the app's ``session`` attribute. Queries
are small (tens of records a month), so they run on the UI thread.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, Select, Static, TabbedContent, TabPane

from inspect_tui.core.jpdate import DateError, fiscal_year_of, fiscal_year_range, parse_date
from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.quality import lists as ql
from inspect_tui.services.quality import records as q
from inspect_tui.services.quality.input import QualityInputError, parse_datetime
from inspect_tui.services.quality.pareto import SOURCES, SourceUnavailable, finding_kinds, pareto_report
from inspect_tui.tui.permissions import RoleKeys, permissions_of
from inspect_tui.tui.screens.quality.forms import ComplaintForm, IncidentForm, ProblemForm, problem_values
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


def _now_text() -> str:
    """Now in Japan as 'YYYY-MM-DD HH:MM' (the date follows a pinned INSPECT_TUI_TODAY)."""
    return f"{today_jp().isoformat()} {now_jp_iso()[11:16]}"


class WhenPrompt(ModalScreen[str | None]):
    """Ask for one date and time (prefilled with now); Enter to record, Esc to cancel."""

    DEFAULT_CSS = """
    WhenPrompt { align: center middle; }
    WhenPrompt > Vertical { width: 64; height: auto; border: thick $primary; background: $surface;
        padding: 1 2; }
    WhenPrompt #when-error { color: $error; }
    """
    BINDINGS: ClassVar = [Binding("escape", "cancel", "取消", id="quality.prompt.cancel")]

    def __init__(self, question: str, default: str) -> None:
        super().__init__()
        self.question, self.default = question, default

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.question))
            yield Input(self.default, id="when")
            yield Static("", id="when-error")
            yield Label("Enter 記録 / Esc 取消")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            when = parse_datetime(event.value)
        except DateError as exc:
            self.query_one("#when-error", Static).update(Text(str(exc)))
            return
        self.dismiss(when)

    def action_cancel(self) -> None:
        self.dismiss(None)


#: The services.trust permission that records on each tab. Problems (課題) have none of their
#: own there; they are kept by the people who record complaints and incidents (chief and up).
TAB_NEEDS = {"complaints": "complaint.save", "incidents": "incident.save", "problems": "problem.save"}
#: Keys that write (or open a form to write) a record of the tab.
WRITE_ACTIONS = frozenset({"new", "edit", "report_city", "open_problem", "close_problem"})


class QualityScreen(RoleKeys, Screen):
    """苦情・事故・課題・パレート分析."""

    DEFAULT_CSS = """
    QualityScreen #alerts { height: auto; padding: 0 1; }
    QualityScreen #alerts.urgent { text-style: bold; color: $error; }
    QualityScreen #status { height: 1; padding: 0 1; color: $text-muted; }
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

    def __init__(self, session=None, *, tab: str = "complaints") -> None:
        super().__init__()
        self._session = session
        self.initial_tab = tab

    @property
    def session(self):
        return self._session if self._session is not None else getattr(self.app, "session", None)

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        if hasattr(self.app, "data_version"):  # inside the main app: its top bar with the screen tabs
            from inspect_tui.tui.screens.base import TopBar

            yield TopBar(self.TAB)
        yield Static("", id="alerts")
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
        wards = tuple(self.session.config.wards) if self.session else ()
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
        return [(jp, k) for k, jp in finding_kinds().items()]

    def on_mount(self) -> None:
        self.query_one("#complaints-table", DataTable).add_columns(*ql.COMPLAINT_COLUMNS)
        self.query_one("#incidents-table", DataTable).add_columns(*ql.INCIDENT_COLUMNS)
        self.query_one("#problems-table", DataTable).add_columns(*ql.PROBLEM_COLUMNS)
        if hasattr(self.app, "data_version"):
            self.watch(self.app, "data_version", lambda _v: self.reload(), init=False)
        self.reload()
        self._focus_tab()

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        s = self.session
        if s is None:
            self.query_one("#alerts", Static).update("データベースを開いています…")
            return
        if tuple(s.config.wards) != self._wards_shown:  # the session arrived after compose
            self._wards_shown = tuple(s.config.wards)
            self.query_one("#p-ward", Select).set_options([(w, w) for w in self._wards_shown])
        self._fill_complaints(q.list_complaints(s))
        self._fill_incidents(q.list_incidents(s))
        self._fill_problems(q.list_problems(s))
        self._alerts()
        self.refresh_pareto()

    def _alerts(self) -> None:
        s = self.session
        parts = []
        n = len(q.serious_complaints_unreported(s))
        if n:
            parts.append(f"市へ未報告の重大な苦情 {n}件")
        n = len(q.security_incidents_open(s))
        if n:
            parts.append(f"報告未了のセキュリティ事故 {n}件")
        n = len(q.problems_overdue(s))
        if n:
            parts.append(f"期限超過の課題 {n}件")
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

    def _fill_complaints(self, items: list[q.Complaint]) -> None:
        view = ql.list_viewer(self.session, items)
        self._refill(
            "#complaints-table",
            [(str(c.id), ql.complaint_cells(c, 20, view)) for c in items],
        )

    def _fill_incidents(self, items: list[q.Incident]) -> None:
        view = ql.list_viewer(self.session, items)
        self._refill(
            "#incidents-table",
            [(str(i.id), ql.incident_cells(i, 20, view)) for i in items],
        )

    def _fill_problems(self, items: list[q.Problem]) -> None:
        today = today_jp()
        view = ql.list_viewer(self.session, items)
        self._refill(
            "#problems-table",
            [(str(p.id), ql.problem_cells(p, today, 24, view)) for p in items],
        )

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
        try:
            report = pareto_report(
                self.session,
                str(source),
                d_from,
                d_to,
                ward=None if ward is Select.NULL else str(ward),
                surveyor=self.query_one("#p-surveyor", Input).value.strip() or None,
                kind=None if kind is Select.NULL else str(kind),
            )
        except QualityInputError as exc:
            chart.explain("\n".join(f"{lab}: {msg}" for lab, msg in exc.problems))
            return
        except SourceUnavailable as exc:
            chart.explain(str(exc))
            return
        self.last_report = report
        chart.show(report)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "p-source":
            kind = self.query_one("#p-kind", Select)
            kind.set_options(self._kind_options(str(event.value)))
        if event.select.id and event.select.id.startswith("p-") and self.session is not None:
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
        if action not in WRITE_ACTIONS:
            return True
        try:
            tab = self.active_tab
        except NoMatches:  # asked before the tabs are composed
            return False
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
            note = ""
            if what == "事故":
                inc = q.get_incident(self.session, rid)
                if inc and inc.kind == "security" and not inc.written_report_at:
                    note = "。セキュリティ事故です: まず市へ電話、その後に書面報告（r で日時を記録）"
            elif what == "苦情":
                c = q.get_complaint(self.session, rid)
                if c and c.serious and not c.reported_to_city_at:
                    note = "。重大な苦情です: 速やかに市へ報告（r で日時を記録）"
            self.say(f"{what} {rid} を保存しました{note}")
            self._changed()

        return done

    # ------------------------------------------------------------------ actions
    def action_tab(self, step: int) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = TABS[(TABS.index(tabs.active) + step) % len(TABS)]

    def action_new(self) -> None:
        tab = self.active_tab
        s = self.session
        if tab == "complaints":
            self.app.push_screen(ComplaintForm(s, values={"received_at": _now_text()}), self._saved("苦情"))
        elif tab == "incidents":
            self.app.push_screen(IncidentForm(s, values={"occurred_at": _now_text()}), self._saved("事故"))
        elif tab == "problems":
            self.app.push_screen(ProblemForm(s, values={"status": "open"}), self._saved("課題"))

    def _read_only_values(self, entity: str, values: dict, case_nos: list) -> dict:
        """A monitor's copy of a record: its free text masked (services.free_text.viewer)."""
        from inspect_tui.services.quality.input import FREE_TEXT_FIELDS
        from inspect_tui.services.trust.free_text import viewer

        view = viewer(self.session, case_nos)
        return {
            k: view(v) if k in FREE_TEXT_FIELDS[entity] and isinstance(v, str) else v
            for k, v in values.items()
        }

    def action_edit(self) -> None:
        rid = self.selected_id()
        if rid is None:
            return
        tab, s = self.active_tab, self.session
        from inspect_tui.services.trust.free_text import sees_as_typed

        if not sees_as_typed(s):  # a monitor reads the record, masked, and cannot change it
            self._open_read_only(tab, rid)
            return
        if tab == "complaints":
            self.app.push_screen(
                ComplaintForm(s, rid, values=q.record_values(s, "complaint", rid)), self._saved("苦情")
            )
        elif tab == "incidents":
            self.app.push_screen(
                IncidentForm(s, rid, values=q.record_values(s, "incident", rid)), self._saved("事故")
            )
        elif tab == "problems":
            p = q.get_problem(s, rid)
            if p:
                self.app.push_screen(ProblemForm(s, rid, values=problem_values(p)), self._saved("課題"))

    def _open_read_only(self, tab: str, rid: int) -> None:
        s = self.session
        if tab in ("complaints", "incidents"):
            entity = tab[:-1]
            values = q.record_values(s, entity, rid) or {}
            form = ComplaintForm if entity == "complaint" else IncidentForm
            shown = self._read_only_values(entity, values, [values.get("case_no")])
            self.app.push_screen(form(s, rid, values=shown, read_only=True))
        elif tab == "problems":
            p = q.get_problem(s, rid)
            if p:
                shown = self._read_only_values("problem", problem_values(p), q.linked_case_nos(s, p.links))
                self.app.push_screen(ProblemForm(s, rid, values=shown, read_only=True))

    def action_open_problem(self) -> None:
        rid = self.selected_id()
        tab = self.active_tab
        if rid is None or tab not in ("complaints", "incidents"):
            self.say("苦情か事故のタブで、元にする記録を選んでから p を押してください")
            return
        field = "complaints" if tab == "complaints" else "incidents"
        self.app.push_screen(
            ProblemForm(self.session, values={"status": "open", field: str(rid)}), self._saved("課題")
        )

    def action_close_problem(self) -> None:
        rid = self.selected_id()
        if self.active_tab != "problems" or rid is None:
            return
        p = q.get_problem(self.session, rid)
        if p is None or p.status == "closed":
            self.say("この課題はもう完了しています")
            return
        values = {**problem_values(p), "status": "closed", "closed_on": today_jp().isoformat()}
        form = ProblemForm(self.session, rid, values=values)
        self.app.push_screen(form, self._saved("課題"))

    def action_report_city(self) -> None:
        rid = self.selected_id()
        tab, s = self.active_tab, self.session
        if rid is None or tab not in ("complaints", "incidents"):
            return
        if tab == "complaints":

            def done(when: str | None) -> None:
                if when is not None:
                    self._try(
                        lambda: q.report_complaint_to_city(s, rid, when),
                        f"苦情 {rid}: 市への報告を記録しました",
                    )

            self.app.push_screen(WhenPrompt(f"苦情 {rid} を市へ報告した日時", _now_text()), done)
            return
        inc = q.get_incident(s, rid)
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
            self._try(
                lambda: q.record_incident_report(s, rid, **kw),
                f"事故 {rid}: {'電話連絡' if phone else '書面報告'}を記録しました",
            )

        self.app.push_screen(WhenPrompt(question, _now_text()), done_inc)

    def _try(self, func, ok: str) -> None:
        try:
            func()
        except QualityInputError as exc:
            self.say("記録していません: " + " / ".join(f"{lab}: {msg}" for lab, msg in exc.problems))
            return
        self.say(ok)
        self._changed()

    def _changed(self) -> None:
        """Reload after a write: through the main app's data_version when there is one
        (the dashboard and other screens reload too), else directly."""
        if hasattr(self.app, "data_version"):
            self.app.data_version += 1
        else:
            self.reload()
