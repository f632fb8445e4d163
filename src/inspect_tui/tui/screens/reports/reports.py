"""Reports (帳票): pick a report and a period, preview it as text, export with one key.

    t  report kind (the registry's order: 月次報告 → SLA → KGI/KPI → 指導終了報告 → パレート分析)
    p  period, or the surveyor for 指導終了報告 (Enter to show; a period
       that cannot be read keeps the cursor in the box; Esc leaves it)
    f  export format (xlsx → html → csv → md → json → text)
    e  export: written under $INSPECT_TUI_REPORT_DIR or <data dir>/reports; the path is shown,
       and when the app runs under SSH (SSH_CONNECTION), that the file is on the server and
       the command that brings it to the person's machine (export_message)
    n  the month's problems / improvements (monthly report), or each indicator's 自己評価 and
       課題・今後の方向性 (KGI/KPI report; tui/screens/reports/kpi_notes.py); managers only

The kinds, their periods and their builders come from the report registry
(services/reports/registry.py) that the CLI dispatches through too, so the
preview is exactly ``inspect-tui report … --format text`` when the view has 80 columns;
a narrower view gets the same text laid out for its width (78 in an 80-column terminal,
so the KPI and SLA tables fit), and a line that is still wider scrolls sideways under a
line saying so: the view never wraps a line. Built in a worker thread.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from inspect_tui.core.records import record
from inspect_tui.tui.bindings import binding as _b
from inspect_tui.tui.exports import Exports
from inspect_tui.tui.permissions import RoleKeys
from inspect_tui.tui.screens.base import DataScreen, TopBar
from inspect_tui.tui.screens.confirm import DiscardGuard
from inspect_tui.tui.screens.free_text import PersonalDataWarning, confirm_then
from inspect_tui.tui.screens.reports.fetch import request_line, where_written
from inspect_tui.tui.typing_guard import keep_typing
from inspect_tui.tui.widgets.footer import Footer

BINDINGS_REPORTS = [
    _b("t", "next_kind", "種類", "reports.kind", "報告書の種類を順に切り替える（月次、SLA、KPI …）"),
    _b("p", "focus_period", "期間", "reports.period", "対象の月・四半期・年度を入力する"),
    _b("f", "next_format", "形式", "reports.format", "書き出す形式を切り替える", show=False),
    _b("e", "export", "書出", "reports.export", "表示中の報告書をファイルに書き出す"),
    _b(
        "n",
        "edit_notes",
        "記入",
        "reports.notes",
        "月次報告の問題点・改善点、KGI/KPI の自己評価・課題を記入する",
    ),
]

EXPORT_FORMATS = ("xlsx", "html", "csv", "md", "json", "text", "pdf")  # the order `f` goes through


def default_period(kind: str, today: dt.date) -> str:
    """What the period box starts with: the registry's default for the kind on that day."""
    from inspect_tui.services.reports.registry import kind as report_kind

    return report_kind(kind).period.default(today)


def export_dir() -> Path:
    env = os.environ.get("INSPECT_TUI_REPORT_DIR")
    if env:
        return Path(env).expanduser()
    from inspect_tui.system.paths import data_dir

    return data_dir() / "reports"


@record
class Built:
    kind: str
    period_key: str
    report: object
    text: str
    period_label: str = ""  # as a person reads it: 令和9年5月（2027年5月）
    width: int = 80  # the columns the text is laid out for


#: above the preview while a line of it is wider than the view (words, not arrows: those
#: are ambiguous-width)
WIDER_THAN_VIEW = "横に続きがあります: 左右の矢印キーで横にスクロール"


def export_message(path: Path, built: Built, fmt: str, env=None) -> tuple[str, str | None]:
    """The Reports screen's message after an export (where_written of what it built)."""
    return where_written(path, request_line(built.kind, built.period_key, fmt), env=env)


class NotesScreen(DiscardGuard, ModalScreen[tuple[str, str] | None]):
    """The month's problems and improvements; ctrl+s saves, escape cancels (asking first
    when anything was changed). What looks like personal data (known: the names and
    numbers of the month's cases) is warned about under each box, and the save asks
    once; the printed report masks it anyway."""

    BINDINGS: ClassVar = [
        _b("ctrl+s", "save", "保存", "reports.notes.save"),
        _b("escape", "cancel", "取消", "reports.notes.cancel"),
    ]
    DEFAULT_CSS = """
    NotesScreen { align: center middle; }
    NotesScreen > Vertical { width: 90%; max-width: 100; height: 90%; border: round $accent;
      background: $surface; padding: 0 1; }
    NotesScreen TextArea { height: 1fr; }
    """

    def __init__(self, month_label: str, problems: str, improvements: str, known=None) -> None:
        super().__init__()
        self.month_label, self.problems, self.improvements = month_label, problems, improvements
        self.known = known

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"{self.month_label} 問題点（ctrl+s 保存 / esc 取消）")
            yield TextArea(self.problems, id="notes-problems")
            yield PersonalDataWarning(id="notes-problems-warning")
            yield Label("改善点")
            yield TextArea(self.improvements, id="notes-improvements")
            yield PersonalDataWarning(id="notes-improvements-warning")

    def on_mount(self) -> None:
        for kind in ("problems", "improvements"):
            self._check(kind)
        self.query_one("#notes-problems", TextArea).focus()
        self.remember_values()

    def _check(self, kind: str) -> None:
        text = self.query_one(f"#notes-{kind}", TextArea).text
        self.query_one(f"#notes-{kind}-warning", PersonalDataWarning).check(text, self.known)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id in ("notes-problems", "notes-improvements"):
            self._check(event.text_area.id.removeprefix("notes-"))

    def action_save(self) -> None:
        from inspect_tui.services.trust.free_text import NOTHING, field_warnings

        texts = (
            self.query_one("#notes-problems", TextArea).text,
            self.query_one("#notes-improvements", TextArea).text,
        )
        warnings = field_warnings({"問題点": texts[0], "改善点": texts[1]}, self.known or NOTHING)
        confirm_then(self.app, warnings, lambda: self.dismiss(texts))

    def action_cancel(self) -> None:
        self.close_form(lambda: self.dismiss(None))


class ReportsScreen(RoleKeys, DataScreen):
    TAB = "reports"
    BINDINGS = BINDINGS_REPORTS
    NEEDS: ClassVar[dict[str, str]] = {"edit_notes": "report.notes"}
    AUTO_FOCUS = "#report-scroll"
    DEFAULT_CSS = """
    ReportsScreen #report-controls { height: 3; }
    ReportsScreen #report-kind { width: auto; padding: 1 1 0 1; }
    ReportsScreen #report-period { width: 20; }
    ReportsScreen #report-format { width: auto; padding: 1 1 0 1; }
    ReportsScreen #report-status { height: auto; max-height: 5; padding: 0 1; }
    ReportsScreen #report-scroll { height: 1fr; overflow-x: auto; }
    ReportsScreen #report-preview { width: auto; }
    ReportsScreen #report-cue { height: 1; color: $warning; padding: 0 1; }
    """

    class BuiltMessage(Message):
        def __init__(self, built: Built | None, error: str = "", relayout: bool = False) -> None:
            super().__init__()
            self.built, self.error = built, error
            self.relayout = relayout  # the same report laid out for a new width: status kept

    class Exported(Message):
        def __init__(
            self, path: Path | None, error: str = "", built: Built | None = None, fmt: str = ""
        ) -> None:
            super().__init__()
            self.path, self.error, self.built, self.fmt = path, error, built, fmt

    def __init__(self) -> None:
        super().__init__()
        self.kind = "monthly"
        self.fmt = "xlsx"
        self.built: Built | None = None
        self.last_export: Path | None = None
        self.exporting = ""  # the format being written, while an export runs
        self._typed_period: str | None = None  # the period typed in the box, being built
        self._saved_note = ""  # what was just saved: said again once the report is rebuilt

    def compose(self) -> ComposeResult:
        yield TopBar("reports")
        with Horizontal(id="report-controls"):
            yield Static("", id="report-kind")
            yield Input(placeholder="2027-05 / 2027Q2 / FY2027", id="report-period")
            yield Static("", id="report-format")
        yield Static("", id="report-status")
        yield Static(WIDER_THAN_VIEW, id="report-cue")
        # lines never wrap here (a wrapped table row cannot be read): the text is laid out for
        # the view's width (up to 80, the CLI's), and a longer line scrolls sideways
        with VerticalScroll(id="report-scroll"):
            yield Static("", id="report-preview", expand=False, shrink=False)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self._show_controls()
        scroll = self.query_one("#report-scroll", VerticalScroll)
        # max_scroll_x is no reactive: follow what it comes from (the text's size, the view's)
        self.watch(scroll, "virtual_size", lambda _s: self._show_cue(), init=False)
        self._show_cue()

    def _show_cue(self) -> None:
        """The cue line above the preview while a line of it is wider than the view."""
        scroll = self.query_one("#report-scroll", VerticalScroll)
        self.query_one("#report-cue", Static).display = scroll.max_scroll_x > 0

    def text_width(self) -> int:
        """The columns the preview's text is laid out for: the view's, at most the CLI's 80."""
        view = self.query_one("#report-scroll", VerticalScroll)
        width = view.scrollable_content_region.width or (self.app.size.width - 2)
        return max(40, min(80, width))

    def on_resize(self) -> None:
        """Laid out again for the new width (the report itself is not read again)."""
        self.call_after_refresh(self._show_cue)
        built = self.built
        if built is not None and built.width != self.text_width():
            self._relayout(built, self.text_width())

    @work(thread=True, exclusive=True, group="reports-layout", exit_on_error=False)
    def _relayout(self, built: Built, width: int) -> None:
        from inspect_tui.core.records import replace
        from inspect_tui.render.formats import render

        try:
            text = str(render(built.report, "text", width=width))
            self.post_message(self.BuiltMessage(replace(built, text=text, width=width), relayout=True))
        except Exception as exc:  # unexpected: logged by the app, shown briefly
            self.app.report_unexpected(exc)

    # ------------------------------------------------------------------ state
    def _show_controls(self) -> None:
        from inspect_tui.services.reports.registry import kind as report_kind

        k = report_kind(self.kind)
        self.query_one("#report-kind", Static).update(Text(f"[t] {k.label}", style="bold"))
        self.query_one("#report-period", Input).placeholder = k.period.hint
        self.query_one("#report-format", Static).update(f"[f] 書出形式: {self.fmt}")

    def _set_status(self, text: str, style: str = "") -> None:
        self.query_one("#report-status", Static).update(Text(text, style=style))

    def load(self) -> None:
        period = self.query_one("#report-period", Input)
        if not period.value and getattr(self.app, "today", None):
            period.value = default_period(self.kind, self.app.today)
        self._build(self.kind, period.value)

    # ------------------------------------------------------------------ actions
    def action_next_kind(self) -> None:
        from inspect_tui.services.reports.registry import KINDS

        ids = list(KINDS)
        self.kind = ids[(ids.index(self.kind) + 1) % len(ids)]
        today = getattr(self.app, "today", None) or dt.date.today()
        self.query_one("#report-period", Input).value = default_period(self.kind, today)
        self._show_controls()
        self.built = None  # the report shown was of the other kind: nothing to export until built
        self.query_one("#report-preview", Static).update("")
        if getattr(self.app, "session", None) is not None:
            self._build(self.kind, self.query_one("#report-period", Input).value)

    def action_next_format(self) -> None:
        from inspect_tui.services.reports.registry import kind as report_kind

        formats = [f for f in EXPORT_FORMATS if f in report_kind(self.kind).formats]
        self.fmt = (
            formats[(formats.index(self.fmt) + 1) % len(formats)] if self.fmt in formats else formats[0]
        )
        self._show_controls()
        if self.built is not None:  # the line under the controls names the format e writes
            self._set_status(self._shown_line(self.built))

    def action_focus_period(self) -> None:
        self.query_one("#report-period", Input).focus()

    @on(Input.Submitted, "#report-period")
    def _period_entered(self, event: Input.Submitted) -> None:
        """A period that cannot be read keeps the cursor in the box (typing goes on there);
        a good one shows the report and gives the keys back to the screen."""
        problem = period_problem(self.kind, event.value)
        if problem:
            self._set_status(problem, "bold red")
            keep_typing(event.input)
            return
        if getattr(self.app, "session", None) is not None:
            self._typed_period = event.value  # the cursor leaves the box once this is shown
            self._build(self.kind, event.value)

    def key_escape(self, event) -> None:
        """Esc in the period box: back to the period shown, keys back to the screen."""
        box = self.query_one("#report-period", Input)
        if self.focused is box:
            event.stop()
            event.prevent_default()
            today = getattr(self.app, "today", None) or dt.date.today()
            shown = self.built if self.built and self.built.kind == self.kind else None
            box.value = shown.period_key if shown else default_period(self.kind, today)
            self.query_one("#report-scroll").focus()

    def action_export(self) -> None:
        if self.built is None:
            self._set_status("表示中の報告書がありません", "bold red")
            return
        if self.exporting:  # a worker cannot be stopped mid-file: a second one would race it
            self._set_status(f"{self.exporting} を書き出し中です。終わるまでお待ちください", "yellow")
            return
        self.exporting = self.fmt
        # at 1M cases the monthly report's PDF takes ~17 s, its xlsx ~1 s: say it has started
        slow = "（大きな報告書の PDF は十数秒かかることがあります）" if self.fmt == "pdf" else ""
        self._set_status(f"{self.fmt} を書き出し中…{slow}", "yellow")
        # app-wide, so that q asks while it runs (tui/exports.py)
        exports = self.app.exports
        token = exports.start(self.built.report.default_filename(self.fmt))
        self._export(self.built, self.fmt, exports, token)

    def action_edit_notes(self) -> None:
        if self.kind not in ("monthly", "kpi") or self.built is None:
            self._set_status(
                "問題点・改善点は月次報告で、自己評価・課題は KGI/KPI で記入します（t で切り替え）", "yellow"
            )
            return
        if getattr(self.app, "role", "") != "manager":
            self._set_status("問題点・改善点・評価を記入できるのは業務責任者です", "yellow")
            return
        if self.kind == "kpi":
            self._edit_kpi_notes(self.built)
            return
        from inspect_tui.core.metrics import parse_month

        month = parse_month(self.built.period_key)

        def read(notes) -> None:
            problems, improvements, known = notes
            self.app.push_screen(
                NotesScreen(month.label(), problems, improvements, known=known),
                lambda result: self._save_notes(month, result),
            )

        self.call(month_notes, month, done=read)

    def _edit_kpi_notes(self, built: Built) -> None:
        from inspect_tui.tui.screens.reports.kpi_notes import KpiNotesScreen

        report = built.report
        fy = report.fy  # type: ignore[attr-defined]
        indicators = [(r.indicator.id, r.indicator.name, r.depth) for r in report.rows]  # type: ignore[attr-defined]

        def read(notes) -> None:
            self.app.push_screen(
                KpiNotesScreen(built.period_label or built.period_key, indicators, notes),
                lambda result: self._save_kpi_notes(fy, built.period_key, result),
            )

        self.call(kpi_notes, fy, [i for i, _n, _d in indicators], done=read)

    def _save_kpi_notes(self, fy: int, key: str, result) -> None:
        if not result:
            return

        def saved(_r) -> None:
            self._saved_note = f"{len(result)} 件の評価を保存しました"
            self._set_status(self._saved_note, "green")
            self._build(self.kind, key)

        def refused(_exc, text: str) -> None:
            self._set_status(f"保存していません: {text}", "bold red")

        self.write(save_kpi_notes, fy, result, done=saved, failed=refused)

    def _save_notes(self, month, result: tuple[str, str] | None) -> None:
        if result is None:
            return

        def saved(_r) -> None:
            self._saved_note = f"{month.label(western=False)}の問題点・改善点を保存しました"
            self._set_status(self._saved_note, "green")
            self._build(self.kind, month.key)

        def refused(_exc, text: str) -> None:
            self._set_status(f"保存していません: {text}", "bold red")

        self.write(save_month_notes, month, *result, done=saved, failed=refused)

    # ------------------------------------------------------------------ workers
    def _build(self, kind: str, period_text: str) -> None:
        self._build_for(kind, period_text, self.text_width())

    @work(thread=True, exclusive=True, group="reports", exit_on_error=False)
    def _build_for(self, kind: str, period_text: str, width: int) -> None:
        try:
            self.post_message(self.BuiltMessage(*_build_report(self.app.session, kind, period_text, width)))
        except Exception as exc:  # unexpected: logged by the app, shown briefly
            self.app.report_unexpected(exc)

    def on_reports_screen_built_message(self, message: BuiltMessage) -> None:
        if message.relayout:
            shown, new = self.built, message.built
            if shown is not None and new is not None and shown.report is new.report:
                self.built = new  # still the report shown: only its layout changes
                self._show_preview(new)
            return
        typed, self._typed_period = self._typed_period, None
        box = self.query_one("#report-period", Input)
        if message.error:
            self._set_status(message.error, "bold red")
            if typed is not None:  # refused after Enter (e.g. a month not begun): type it again
                keep_typing(box)
            return
        if typed is not None and self.focused is box and box.value == typed:
            self.query_one("#report-scroll").focus()  # shown: the keys are the screen's again
        self.built = message.built
        self._show_preview(message.built)
        saved, self._saved_note = self._saved_note, ""
        line = self._shown_line(message.built)
        self._set_status(f"{saved}。{line}" if saved else line, "green" if saved else "")

    def _shown_line(self, built: Built) -> str:
        """What is shown and what `e` writes: 令和9年5月 を表示中  e: pdf で書き出し."""
        return f"{built.period_label or built.period_key} を表示中  e: {self.fmt} で書き出し"

    def _show_preview(self, built: Built) -> None:
        self.query_one("#report-preview", Static).update(Text(built.text, no_wrap=True))
        self.call_after_refresh(self._show_cue)  # laid out anew: is a line wider than the view?

    @work(thread=True, exclusive=True, group="reports-export", exit_on_error=False)
    def _export(self, built: Built, fmt: str, exports: Exports, token: int) -> None:
        from inspect_tui.render.formats import write
        from inspect_tui.render.output import OutputError, os_reason

        folder = export_dir()
        outcome = "書き出せませんでした（記録を残しました）"
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = folder / built.report.default_filename(fmt)
            write(built.report, fmt, path)
            outcome = f"書き出しました: {path}"
            self.post_message(self.Exported(path, built=built, fmt=fmt))
        except OutputError as exc:
            outcome = str(exc)
            self.post_message(self.Exported(None, outcome))
        except OSError as exc:  # the export folder itself
            outcome = f"{folder} を作れません（{os_reason(exc)}）"
            self.post_message(self.Exported(None, outcome))
        except Exception as exc:
            self.app.report_unexpected(exc)
            self.post_message(self.Exported(None, outcome))
        finally:  # from this thread, on the object itself: the screen may have left the app by now
            exports.finish(token, outcome)

    def on_reports_screen_exported(self, message: Exported) -> None:
        self.exporting = ""
        if message.path is None:
            self._set_status(message.error, "bold red")
            return
        self.last_export = message.path
        if message.built is None:
            self._set_status(f"書き出しました: {message.path}", "green")
            return
        text, command = export_message(message.path, message.built, message.fmt)
        if command is not None:
            self.app.copy_to_clipboard(command)  # OSC 52: the person's own terminal, if it takes it
        self._set_status(text, "green")


def month_notes(session, month):
    """In a worker: the month's problems and improvements, and the names and numbers of the
    month's cases (what the notes must not quote)."""
    from inspect_tui.services.reports.monthly import get_monthly_note
    from inspect_tui.services.trust.free_text import known_for_month

    return (
        get_monthly_note(session, month, "problems"),
        get_monthly_note(session, month, "improvements"),
        known_for_month(session, month),
    )


def kpi_notes(session, fy: int, ids: list[str]) -> dict[tuple[str, str], str]:
    """In a worker: every indicator's recorded evaluation text for the fiscal year, as typed
    (only managers open the dialog)."""
    from inspect_tui.services.reports.kpi import NOTE_KINDS, get_kpi_note

    return {(i, k): get_kpi_note(session, i, fy, k) for i in ids for k in NOTE_KINDS}


def save_kpi_notes(session, fy: int, notes: dict[tuple[str, str], str]) -> None:
    """In a worker: each changed text (one write each, as ``report kpi-note``)."""
    from inspect_tui.services.reports.kpi import set_kpi_note

    for (ident, kind), text in notes.items():
        set_kpi_note(session, ident, fy, kind, text)


def save_month_notes(session, month, problems: str, improvements: str) -> None:
    """In a worker: both notes (one write each, as the CLI does)."""
    from inspect_tui.services.reports.monthly import set_monthly_note

    set_monthly_note(session, month, "problems", problems)
    set_monthly_note(session, month, "improvements", improvements)


def period_problem(kind: str, text: str) -> str:
    """What is wrong with a typed period for this kind of report ("" when it reads)."""
    from inspect_tui.services.reports.registry import RequestError
    from inspect_tui.services.reports.registry import kind as report_kind

    try:
        report_kind(kind).read_period(text)
    except RequestError as exc:
        return str(exc)
    return ""


def _build_report(session, kind: str, period_text: str, width: int = 80) -> tuple[Built | None, str]:
    """(built report, "") or (None, message saying what is wrong with the input); its text
    laid out for ``width`` columns (80: exactly ``inspect-tui report … --format text``)."""
    from inspect_tui.render.formats import render
    from inspect_tui.services.reports.registry import RequestError
    from inspect_tui.services.reports.registry import kind as report_kind

    k = report_kind(kind)
    try:
        report, key = k.from_text(session, period_text)
    except RequestError as exc:
        return None, str(exc)
    label = k.period_words(k.read_period(period_text))
    text = str(render(report, "text", width=width))
    from inspect_tui.core.masking import forget_known

    forget_known()  # the month's names were for this build only (memory: core.masking)
    return Built(kind, key, report, text, label, width), ""
