"""The Textual app: screens as modes (1 今日, 2 依頼, 3 調査員, 5 帳票), the database
opened after the first paint in a worker, keys from tui/bindings.py.

Every database call runs in a thread worker and answers with a Message; when
anything is written, ``data_version`` goes up and the open screens reload.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import threading
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen

from inspect_tui.tui import bindings
from inspect_tui.tui.backup import BackupFlow
from inspect_tui.tui.exports import Exports
from inspect_tui.tui.permissions import NOBODY, Permissions, load_permissions
from inspect_tui.tui.purge import PurgeFlow
from inspect_tui.tui.screens.base import DataScreen
from inspect_tui.tui.typing_guard import app_action_allowed

#: seconds after the session opened when housekeeping starts anyway (the first screen was
#: not the Today screen, or its figures failed)
HOUSEKEEPING_FALLBACK = 5.0
#: seconds after mount when garbage collection is back on whatever happened (start_up_done)
GC_FALLBACK = 15.0
#: seconds after the first frame when the footers show their keys though the database is
#: still opening (a long wait for another process's lock): they wait for the login's role
KEYS_FALLBACK = 1.0
#: seconds the session's worker waits for figures read ahead to be drawn before it opens the
#: database anyway (a child that is slow or stuck: tui/read_ahead.py)
AHEAD_FRAME_WAIT = 1.0


def _today_screen() -> Screen:
    from inspect_tui.tui.screens.today import TodayScreen

    return TodayScreen()


def _cases_screen() -> Screen:
    from inspect_tui.tui.screens.cases.listing import CasesScreen

    return CasesScreen()


def _surveyors_screen() -> Screen:
    from inspect_tui.tui.screens.staff.surveyors import SurveyorsScreen

    return SurveyorsScreen()


def _review_screen() -> Screen:
    from inspect_tui.tui.screens.review.queue import ReviewQueueScreen

    return ReviewQueueScreen()


def _quality_screen() -> Screen:
    from inspect_tui.tui.screens.quality.records import QualityScreen

    return QualityScreen()


def _contract_screen() -> Screen:
    from inspect_tui.tui.screens.contract.contract import ContractScreen

    return ContractScreen()


def _reports_screen() -> Screen:
    from inspect_tui.tui.screens.reports.reports import ReportsScreen

    return ReportsScreen()


class InspectApp(PurgeFlow, BackupFlow, App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "inspect-tui"
    BINDINGS: ClassVar = [*bindings.APP, bindings.BACK]
    MODES: ClassVar = {
        "today": _today_screen,
        "cases": _cases_screen,
        "surveyors": _surveyors_screen,
        "review": _review_screen,
        "reports": _reports_screen,
        "quality": _quality_screen,
        "contract": _contract_screen,
    }
    #: Start in Today directly: switching to it after mount built a blank default screen
    #: first and made Textual reparse the stylesheet again (start-up is a budget).
    DEFAULT_MODE: ClassVar[str] = "today"

    data_version: reactive[int] = reactive(0)

    #: app actions and the services.trust permission each needs (offered only when allowed)
    NEEDS: ClassVar[dict[str, str]] = {
        "show_audit": "audit.read",
        "purge_personal": "purge",
        "backup_now": "backup",
    }

    class SessionOpened(Message):
        def __init__(
            self,
            session,
            role: str,
            today: dt.date,
            warning: str | None,
            setup,
            permissions: Permissions = NOBODY,
            dashboard=None,
        ) -> None:
            super().__init__()
            self.session = session
            self.role = role
            self.today = today
            self.warning = warning
            self.setup = setup
            self.permissions = permissions
            #: the Today screen's figures, read in the same worker (None: the screen reads them)
            self.dashboard = dashboard

    class SessionFailed(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    def __init__(
        self,
        db_path: Path,
        *,
        config=None,
        theme: str | None = None,
        demo: bool = False,
        config_problems: Sequence[str] = (),
        check_keys=None,
        read_ahead=None,
    ) -> None:
        super().__init__()
        #: the Today screen's first figures being read by a child process (tui/read_ahead.py;
        #: tui.launch starts it before Textual is imported), or None
        self.read_ahead = read_ahead
        #: set once what was read ahead is on screen, or will not be shown (_read_ahead_readable)
        self._ahead_settled = threading.Event()
        self.db_path = Path(db_path)
        self.config = config
        #: (config, its text) -> (usable [keys], problems): tui.keymap.keymap_problems, passed by
        #: tui.launch (the checker imports every screen, so it is handed in, not imported here)
        self.check_keys = check_keys
        self.config_problems: list[str] = list(config_problems)  # shown once the first screen is up
        self.requested_theme = theme
        self.demo = demo
        self.session = None
        self.role = "monitor"
        self.setup = None  # identity.Setup: how the database is shared, shown on Today
        self.today: dt.date | None = None
        self.open_error: str | None = None
        self.our_themes: list[str] = []
        self.startup_problems: list[str] = []
        self.purge_due = 0  # cases whose personal data is past retention (offered to managers)
        self.purge_unfinished = False  # a purge whose old pages another connection still holds
        self.backup_stop = threading.Event()  # set as the app ends: a backup being made stops
        self.exports = Exports()  # the exports being written: quitting asks, launch waits (tui/exports.py)
        self.permissions: Permissions = NOBODY  # what this login may do, read when the session opens
        #: the first screen's figures while the session's message is handled (TodayScreen.load)
        self.first_dashboard = None
        #: the footers compose their keys from now on (tui/widgets/footer.py; show_keys)
        self.footer_keys_shown = False
        from inspect_tui.tui.calls import CallQueue

        self.calls = CallQueue()  # every screen's service calls, run in workers in order (tui/calls.py)
        self._set_up_themes()
        from inspect_tui.tui.safe_text import ControlCharacters

        self._control_filter = ControlCharacters()

    def get_line_filters(self):
        """Textual's filters (NO_COLOR, dim), then ours: no control character from the data
        reaches the terminal, whichever screen draws it (tui/safe_text.py)."""
        return [*super().get_line_filters(), self._control_filter]

    # -- start --------------------------------------------------------------
    def _set_up_themes(self) -> None:
        """Register our themes and pick one before the first mount: set later, the theme
        makes Textual parse the stylesheet again (tens of ms of start-up)."""
        from inspect_tui.tui.themes import load_themes

        themes, problems = load_themes()
        self.startup_problems += problems
        for theme in themes:
            self.register_theme(theme)
        self.our_themes = [t.name for t in themes]
        wanted = self.requested_theme or (self.config.theme if self.config else "default")
        if wanted in self.available_themes:
            self._first_theme(wanted)
        elif self.our_themes:
            self.startup_problems.append(
                f"「{wanted}」というテーマはありません（{' / '.join(self.our_themes)}）"
            )
            self._first_theme(self.our_themes[0])

    def _first_theme(self, name: str) -> None:
        """The theme the app starts with, set before any stylesheet is read and without
        App.theme's watcher, which asks for every stylesheet to be parsed again (4-6 ms before
        the first paint, and as much again for the first mode: below;
        tests/tui/test_first_frame.py). What the watcher does besides is done
        here: the theme's classes, the ANSI colours' mapping (Textual's own method for it), and
        the stylesheet's variables, which no rule has been parsed with yet. A theme chosen
        later (ctrl+t, the palette) sets App.theme as usual."""
        self.set_reactive(App.theme, name)
        theme = self.current_theme
        classes = {c: False for c in self.classes if c.startswith("-theme-")}
        classes |= {f"-theme-{theme.name}": True, "-dark-mode": theme.dark, "-light-mode": not theme.dark}
        self.update_classes(classes, update=False)
        self._refresh_truecolor_filter(self.ansi_theme)
        self.stylesheet.set_variables(self.get_css_variables())
        # Each screen's mode would have the stylesheet parsed again too, the first one before the
        # first paint: Textual refreshes the CSS when a new screen's generation (-1) is not the
        # app's (0 at start, raised by each theme change). Nothing has changed since the
        # stylesheet was read, so the app starts at a new screen's -1 (on_load does what that
        # first refresh did besides); once a theme is chosen, Textual refreshes as before.
        self._css_update_count = -1

    def on_load(self) -> None:
        """The app's own rules (its colours, which every widget inherits), applied before the
        first screen is composed: without them its first frame cached Textual's defaults (the
        refresh _first_theme spares did this)."""
        self.stylesheet.apply(self)

    def on_mount(self) -> None:
        keys = dict(self.config.keys) if self.config else {}
        if keys:
            self.set_keymap(keys)  # checked after the first paint; the broken entries then go
        for problem in self.startup_problems:
            self.notify(problem, severity="warning", timeout=10)
        self._show_config_problems(self.config_problems)
        self.set_timer(GC_FALLBACK, self.start_up_done)
        from inspect_tui.tui.executor import JobThreads

        loop = asyncio.get_running_loop()
        loop.set_default_executor(JobThreads(self._job_done))
        if self.read_ahead is not None:  # before the session's worker, which may wait for it
            loop.add_reader(self.read_ahead.fd, self._read_ahead_readable)
        # now, not after a refresh: the first frame is already painted when the app mounts, and
        # waiting for the screen to go idle (the footer, the panels' borders) cost 60-120 ms of
        # an idle event loop before the worker even started
        self._open_session()
        if keys:
            self.call_after_refresh(self._check_keymap)

    def _read_ahead_readable(self) -> None:
        """The read-ahead's pipe has something (the loop's reader): once it is all in, the Today
        screen shows the figures, if the session has not opened meanwhile."""
        ahead = self.read_ahead
        if ahead is None or not ahead.read_available():
            return
        asyncio.get_running_loop().remove_reader(ahead.fd)
        read = ahead.result
        if read is None or self.session is not None or self.open_error or self.current_mode != "today":
            self._ahead_settled.set()
            return
        from inspect_tui.core.today import today_jp

        show = getattr(self.screen, "show_read_ahead", None)
        if show is not None and read.figures.today == today_jp():
            show(read.figures)
            self.call_after_refresh(self._ahead_settled.set)
        else:
            self._ahead_settled.set()

    def close_read_ahead(self) -> None:
        """Stop a read-ahead still running (the app is ending)."""
        self._ahead_settled.set()
        if self.read_ahead is not None:
            self.read_ahead.close()

    def on_ready(self) -> None:
        """Textual's first-frame event. The footer's keys wait for the session (which login,
        so which keys), or KEYS_FALLBACK if it is slow to open."""
        self.set_timer(KEYS_FALLBACK, self.show_keys)

    def show_keys(self) -> None:
        """The footers compose their keys from now on (once; idempotent). Before, composing
        them held the first paint (three times, 8-10 ms each), and then competed with the
        session's worker for the interpreter while the figures were read (~20 ms at 1M), only
        to change once the login's role was known."""
        if not self.footer_keys_shown:
            self.footer_keys_shown = True
            self.refresh_bindings()

    def _job_done(self) -> None:
        """In a worker thread, after its job: the job's database connection goes back for the
        next job, on whichever thread (tui/executor.py)."""
        session = self.session
        if session is not None:
            try:
                session.release_connection()
            except Exception as exc:  # never lose a job's result over its connection
                self.report_unexpected(exc)

    #: At most this many config problems as notifications; the rest are counted.
    SHOWN_CONFIG_PROBLEMS = 5

    def _show_config_problems(self, problems: Sequence[str]) -> None:
        if not problems:
            return
        for problem in problems[: self.SHOWN_CONFIG_PROBLEMS]:
            self.notify(problem, title="設定ファイル", severity="warning", timeout=20)
        more = len(problems) - self.SHOWN_CONFIG_PROBLEMS
        self.notify(
            f"設定の問題 {len(problems)} 件"
            + (f"（ほか {more} 件は表示していません）" if more > 0 else "")
            + "。問題のある項目は既定値で動いています。inspect-tui config check で一覧を出せます",
            title="設定ファイル",
            severity="warning",
            timeout=20,
        )

    @work(thread=True, exit_on_error=False, group="keymap")
    def _check_keymap(self) -> None:
        """[keys] against every screen's keys (imports them all, so in a thread); the broken
        entries are dropped, the rest stay."""
        try:
            if self.check_keys is None:
                return
            good, problems = self.check_keys(self.config, self._config_text())
            if problems and self._running:
                self.call_from_thread(self._use_keymap, good, problems)
        except Exception as exc:
            self.report_unexpected(exc)

    def _config_text(self) -> str:
        """The config file's text, for the line numbers in messages ("" if it cannot be read)."""
        from inspect_tui.system.textfile import TextFileError, read_text

        try:
            return read_text(self.config.path) if self.config and self.config.path else ""
        except TextFileError:
            return ""

    def _use_keymap(self, good: dict[str, str], problems: list[str]) -> None:
        self.set_keymap(good)
        self._show_config_problems(problems)

    @work(thread=True, exit_on_error=False, group="session")
    def _open_session(self) -> None:
        if self.read_ahead is not None:
            # figures read ahead are drawn first: this worker's imports, begun at once, held the
            # interpreter while their frames were drawn (~10 ms later on screen at 1M cases)
            self._ahead_settled.wait(AHEAD_FRAME_WAIT)
        try:
            from inspect_tui.core.today import today_jp
            from inspect_tui.services.config import load_config
            from inspect_tui.services.errors import DatabaseError
            from inspect_tui.services.session import open_session, permission_warning, share_page_cache
            from inspect_tui.services.trust.identity import setup_of

            # role_of, not cases.listing.viewer_role (the same function): listing pulls in the
            # case detail, history and masking modules, ~50 ms of imports before the figures
            from inspect_tui.services.trust.permissions import role_of

            config = self.config or load_config()
            if config.sla_file or config.kpi_file:  # a broken one: the shipped indicators, and say so
                from inspect_tui.services.config_check import indicators_in_use

                usable, problems = indicators_in_use(config)
                if problems:
                    self.config = config = usable
                    self.call_from_thread(self._show_config_problems, problems)
            try:
                session = open_session(self.db_path, config, create=True)
            except DatabaseError as exc:
                self.post_message(self.SessionFailed(str(exc)))
                return
            share_page_cache()
            role = role_of(session)
            warning = permission_warning(self.db_path)
            allowed = load_permissions(session)
            today = today_jp()
            figures = self._first_figures(session, today)
            self.post_message(
                self.SessionOpened(session, role, today, warning, setup_of(self.db_path), allowed, figures)
            )
        except Exception as exc:
            self.post_message(self.SessionFailed(self.unexpected(exc)))

    def _first_figures(self, session, today: dt.date):
        """The Today screen's figures, read in the session's worker when the app opens on it.

        One worker and one frame for the session and the figures: read by a second worker
        started once the session's message was handled, they waited for that message, the
        frames it caused and a thread start, and their imports competed with those frames
        for the interpreter. None when another screen is showing, or when they could not be
        read here (logged): the Today screen then reads them itself, as on every reload, and
        says what went wrong."""
        if self.current_mode != "today":
            return None
        ahead = self.read_ahead
        if ahead is not None:  # read by the child (tui/read_ahead.py): today's, from the file as it is
            from inspect_tui.services.session import file_stamps

            read = ahead.wait()
            if read is not None and read.figures.today == today and read.stamps == file_stamps(self.db_path):
                return read.figures
        try:
            from inspect_tui.services.today_figures import today_figures

            return today_figures(session, today)
        except Exception as exc:
            from inspect_tui.system.logs import log_exception

            log_exception(exc, "tui")
            return None

    def on_inspect_app_session_opened(self, message: SessionOpened) -> None:
        self.session = message.session
        self.role = message.role
        self.setup = message.setup
        self.today = message.today
        self.permissions = message.permissions
        self.footer_keys_shown = True  # the footers' keys, for this login (show_keys)
        self.refresh_bindings()
        if message.warning:
            self.notify(message.warning, severity="warning", timeout=10)
        # the day's backup copies the whole file: not while the first figures are being read
        # (at 1M cases it doubled the time to them); the Today screen says when they show
        # (set first: with figures read in the session's worker they show just below)
        self._housekeeping_due = True
        self.first_dashboard = message.dashboard  # the Today screen's load (just below) takes it
        self.data_version += 1
        self.first_dashboard = None  # read for this version only; a later load reads afresh
        self.set_interval(60, self._check_day)  # left open overnight: a new day, new deadlines
        self.set_timer(HOUSEKEEPING_FALLBACK, self.first_figures_shown)

    def start_up_done(self) -> None:
        """Garbage collection back on, if tui.launch turned it off for the start (idempotent).

        What start-up made is frozen first (gc.freeze): it lives as long as the app, and
        every later full collection would walk those few hundred thousand objects again, a
        pause of ~40 ms in the middle of someone's typing."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def first_figures_shown(self) -> None:
        """The first screen's figures are on screen (or HOUSEKEEPING_FALLBACK passed): now the
        day's backup and the retention count, once."""
        self.start_up_done()
        if getattr(self, "_housekeeping_due", False):
            self._housekeeping_due = False
            # after the frame that shows them: started at once, its imports and its own
            # connection competed with painting the figures (~100 ms at 100k cases)
            self.call_after_refresh(self._housekeeping)

    @work(thread=True, exit_on_error=False, group="housekeeping")
    def _housekeeping(self) -> None:
        """After the first screen: the day's first backup (seed 002), and personal data past
        retention offered to managers for purging (seed 001 §4(4))."""
        try:
            from inspect_tui.services.errors import BackupCancelled, BackupError
            from inspect_tui.services.session import reopen
            from inspect_tui.services.trust.backup import maybe_daily_backup
            from inspect_tui.services.trust.retention import purge_due_count, purge_unfinished

            app_session = self.session
            if app_session is None or not self._running:
                return
            # a connection of its own: the app may close its one (quitting, a crash)
            # while the backup is still being copied
            with reopen(app_session) as s:
                try:  # routine: silent when it works (unless quitting asked about it)
                    self.run_backup("daily", lambda cancelled: maybe_daily_backup(s, cancelled=cancelled))
                except BackupCancelled:
                    return  # the app is ending; the next start makes it again
                except BackupError as exc:
                    self._tell(f"今日のバックアップを作れませんでした: {exc}", "バックアップ", 15)
                if self.permissions.may("purge"):
                    self.purge_due = purge_due_count(s)
                    self.purge_unfinished = purge_unfinished(s)
            if self.purge_due:
                self._tell(
                    f"保存期間を過ぎた申請者の個人情報が {self.purge_due} 件あります。"
                    "ctrl+p で「個人情報の削除」を選ぶと消せます",
                    "個人情報の保存期間",
                    20,
                )
        except Exception as exc:
            self.report_unexpected(exc)

    def _tell(self, message: str, title: str, timeout: int) -> None:
        """A warning from a worker thread, unless the app is already closing."""
        if self._running:
            self.call_from_thread(self.notify, message, title=title, severity="warning", timeout=timeout)

    def _check_day(self) -> None:
        from inspect_tui.core.today import today_jp

        day = today_jp()
        if day != self.today:
            self.today = day
            self.data_changed()

    def on_inspect_app_session_failed(self, message: SessionFailed) -> None:
        self.start_up_done()
        self.open_error = message.message
        self.notify(message.message, title="データベースを開けません", severity="error", timeout=30)
        self.show_keys()
        self.data_version += 1

    def unexpected(self, exc: BaseException) -> str:
        """Log an unexpected error (type and code locations only) and say where the log is."""
        from inspect_tui.system.logs import log_exception

        where = log_exception(exc, "tui")
        return (
            f"予期しないエラーが起きました（{type(exc).__name__}）。データは保存済みのままです。記録: {where}"
        )

    def report_unexpected(self, exc: BaseException) -> None:
        """From any thread: log and show briefly. Not a worker's statement that the app's
        quitting stopped (store.connection.Database.close interrupts it): nothing went wrong."""
        import threading

        if self.session is not None and self.session.stopped_by_close(exc):
            return
        text = self.unexpected(exc)
        if threading.get_ident() == self._thread_id:
            self.notify(text, severity="error", timeout=15)
        elif self._running:  # a worker still busy as the app closes: logged is enough
            self.call_from_thread(self.notify, text, severity="error", timeout=15)

    def _fatal_error(self) -> None:
        """An unexpected error in a handler: log it (no values, no personal data), end the app,
        and leave one line saying where the log is. Textual's default prints a traceback with
        local variables, which may hold applicants' names; we never show that."""
        from rich.text import Text

        exc = self._exception
        message = self.unexpected(exc) if exc is not None else "予期しないエラーが起きました"
        self.bell()
        self._exit_renderables.append(Text(f"inspect-tui: {message}"))
        self._close_messages_no_wait()

    def on_unmount(self) -> None:
        self.backup_stop.set()  # however the app ends: a backup being made stops (tui/backup.py)
        waiting = self.exports.exiting()  # an export goes on to its end (tui/exports.py): say so
        if waiting and not self._exit_renderables:  # Textual prints the first once the screen is gone
            from rich.text import Text

            from inspect_tui.tui.exports import waiting_line

            self._exit_renderables.append(Text(waiting_line(waiting)))
        self.calls.drain()  # what a screen asked just before quitting still lands
        if self.session is not None:
            self.session.close()

    # -- actions ------------------------------------------------------------
    def action_quit_from_top(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()
        else:
            self.quit_or_ask()

    async def action_quit(self) -> None:
        """Textual's ctrl+q: at once from any screen, but asked while a backup is made."""
        self.quit_or_ask()

    async def action_back(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()

    def action_show_keys(self) -> None:
        from inspect_tui.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen(self.screen))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Global keys are inactive while the cursor is in a text box (tui/typing_guard.py)
        and not offered to a role that may not use them (tui/permissions.py)."""
        if not app_action_allowed(action, self.focused):
            return False
        need = self.NEEDS.get(action)
        if need is not None and not self.permissions.may(need):
            return False
        return True

    def action_show_audit(self) -> None:
        if self.session is None:
            return
        if not self.permissions.may("audit.read"):
            self.notify("監査記録は業務責任者だけが見られます", severity="warning")
            return
        from inspect_tui.tui.screens.trust.audit import AuditScreen

        self.push_screen(AuditScreen())

    # -- the demo's tour of the roles ------------------------------------------
    def action_demo_login(self) -> None:
        if self.demo and self.session is not None:
            self._demo_logins()

    @work(thread=True, exit_on_error=False, group="demo-login")
    def _demo_logins(self) -> None:
        from inspect_tui.services.trust.permissions import demo_logins

        found = demo_logins(self.session)
        if self._running:
            self.call_from_thread(self._pick_demo_login, found)

    def _pick_demo_login(self, found: list[tuple[str, str, str]]) -> None:
        from inspect_tui.core.roles import ROLE_LABELS
        from inspect_tui.tui.screens.pick import PickScreen

        if not found:
            self.notify("デモ用データベースではないので、利用者は切り替えられません", severity="warning")
            return
        choices = [(login, f"{login}（{ROLE_LABELS[role]}）{what}") for login, role, what in found]

        def chosen(login: str | None) -> None:
            if login:
                self._switch_demo_login(login)

        self.push_screen(PickScreen("デモの利用者（Enter で切り替え）", choices), chosen)

    @work(thread=True, exit_on_error=False, group="demo-login")
    def _switch_demo_login(self, login: str) -> None:
        from inspect_tui.services.trust.permissions import demo_logins, role_of
        from inspect_tui.tui.permissions import load_permissions

        session = self.session
        if session is None or login not in {x[0] for x in demo_logins(session)}:
            return  # only the demo's own logins, and only in the demo database
        session.who = login
        role, allowed = role_of(session), load_permissions(session)
        if self._running:
            self.call_from_thread(self._use_demo_login, login, role, allowed)

    def _use_demo_login(self, login: str, role: str, allowed: Permissions) -> None:
        from inspect_tui.core.roles import ROLE_LABELS

        self.role = role
        self._use_permissions(allowed)
        self.notify(f"{login}（{ROLE_LABELS.get(role, role)}）として使います", timeout=4)

    def action_next_theme(self) -> None:
        names = self.our_themes or [self.theme]
        i = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(i + 1) % len(names)]
        self.notify(f"テーマ: {self.theme}", timeout=2)

    def action_reload(self) -> None:
        if self.session is None:
            self.data_version += 1
            return
        self._reload_permissions()  # a role changed with `inspect-tui users`: keys follow

    @work(thread=True, exit_on_error=False, group="permissions")
    def _reload_permissions(self) -> None:
        try:
            allowed = load_permissions(self.session)
        except Exception as exc:
            self.report_unexpected(exc)
            return
        if self._running:
            self.call_from_thread(self._use_permissions, allowed)

    def _use_permissions(self, allowed: Permissions) -> None:
        self.permissions = allowed
        self.refresh_bindings()
        self.data_version += 1

    def data_changed(self) -> None:
        self.data_version += 1

    # -- command palette ------------------------------------------------------
    def get_system_commands(self, screen: Screen):
        for mode, key, label in bindings.SCREENS:
            words = bindings.SCREEN_WORDS.get(mode, "")
            yield SystemCommand(
                f"画面: {label}（{words}）" if words else f"画面: {label}",
                f"{label}の画面へ（{key}）",
                partial(self.switch_mode, mode),
            )
        seen = set()
        for active in screen.active_bindings.values():
            b = active.binding
            if b.id in seen or b.id is None or b.id.startswith("screen.") or b.id.startswith("list."):
                continue
            seen.add(b.id)
            yield SystemCommand(
                f"{b.description}（{self.get_key_display(b)}）",
                b.tooltip or b.description,
                partial(self.run_action, b.action, active.node),
            )
        if (self.purge_due or self.purge_unfinished) and self.permissions.may("purge"):
            yield SystemCommand(
                f"個人情報の削除（保存期間切れ {self.purge_due} 件）"
                if self.purge_due
                else "個人情報の削除（前回の消去を仕上げる）",
                "最後の提出（提出のない中止・返却はその日）から保存期間を過ぎた申請者の氏名・被保険者番号・生年月日を消す",
                self.action_purge_personal,
            )
        if self.session is not None and self.permissions.may("backup"):  # managers (as the CLI's)
            from inspect_tui.tui import backup

            yield SystemCommand(backup.TITLE, backup.HELP, self.action_backup_now)
        if self.demo and self.session is not None:
            yield SystemCommand(
                "デモ: 利用者を切り替える（主任・業務責任者・委託元）",
                "デモ用データベースの利用者になって、その役割の画面を試す",
                self.action_demo_login,
            )
        for name in self.our_themes:
            yield SystemCommand(
                f"テーマ: {name}", "画面の配色を変える", partial(setattr, self, "theme", name)
            )
        for command in super().get_system_commands(screen):
            # Textual's own, in Japanese (the English word kept, so either finds it); no
            # Screenshot: it writes the screen, applicants' names included, to a file
            words = TEXTUAL_COMMANDS.get(command.title)
            if words is None:
                continue
            yield SystemCommand(
                f"{words[0]}（{command.title}）", words[1], command.callback, command.discover
            )


#: Textual's palette commands as the app offers them: (title, help) in Japanese.
TEXTUAL_COMMANDS = {
    "Theme": ("テーマ（配色）を選ぶ", "画面の配色を一覧から選ぶ"),
    "Quit": ("終了する", "アプリを終了する（記録は保存済み）"),
    "Keys": ("キーの説明を出す・隠す", "選んでいる欄の説明と使えるキーを右に出す（もう一度で隠す）"),
    "Maximize": ("この欄を広げる", "選んでいる欄を画面いっぱいに広げる"),
    "Minimize": ("元の大きさに戻す", "広げた欄を元の大きさに戻す"),
}

__all__ = ["DataScreen", "InspectApp"]
