"""A backup now, from the palette (「バックアップを作る」), for managers: the same as
``inspect-tui backup`` (services.trust.backup.backup_now: an online copy, checked, the
last 14 kept), on a connection of its own in a worker. The message names the file and
how it was checked; a backup's file name is its time, never anything personal.

Quitting while a backup (this one or the day's, tui.app._housekeeping) is being made:
at 1M cases the copy and its check take about a minute, and the app used to sit on a
blank screen until the worker ended. Now ``q`` asks first (No unless one moves to
「終了する」); on yes, and on every other way the app ends (a lost SSH connection), the
backup is stopped between two 4 MB steps and its partial copy removed; the day's
backup is made again on the next start. On No the backup goes on, and says when it is
done.

A mixin of ``InspectApp``; the palette offers it only where ``permissions.may("backup")``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from textual import work

from inspect_tui.tui.exports import QUESTION as EXPORTING
from inspect_tui.tui.exports import Exports, quit_question

T = TypeVar("T")

#: the quit question's title, and what each backup is called in it and what quitting means for it
QUESTION = "バックアップ中"
RUNNING = {
    "daily": ("今日のバックアップ", "今日のバックアップは次に開いたときに作り直します"),
    "now": ("バックアップ", "必要なら、あとで作り直してください"),
}

#: the palette's entry (found by バックアップ) and its help line
TITLE = "バックアップを作る（今すぐ）"
HELP = "データベースをいま複製して検査し、データベースの隣の backups に置く（最新 14 件を保存）"


class BackupFlow:
    """The backup action of the app; ``self`` is the ``InspectApp``."""

    #: the backup being made now ("daily", "now"), or None; set by the worker making it
    backup_running: str | None = None
    _told_when_backed_up = False

    #: set when the app ends: every backup worker stops at its next step
    backup_stop: threading.Event
    #: the exports being written (tui/exports.py): quitting asks about them too
    exports: Exports

    def run_backup(self, kind: str, make: Callable[[Callable[[], bool]], T]) -> T:
        """In a worker: make(cancelled) with backup_running set while it runs."""
        self.backup_running = kind
        try:
            return make(self.backup_stop.is_set)
        finally:
            self.backup_running = None
            if self._told_when_backed_up and self._running:
                self._told_when_backed_up = False
                self.call_from_thread(self._backup_over, kind)

    def _backup_over(self, kind: str) -> None:
        if kind == "daily":  # the palette's own backup says so itself (_backed_up)
            self.notify(
                "今日のバックアップが終わりました。q で終了できます", title="バックアップ", timeout=10
            )

    def quit_or_ask(self) -> None:
        """End the app, asking first while a backup is being made or an export written
        (tui/exports.py)."""
        from inspect_tui.tui.screens.confirm import ConfirmDialog, confirm

        kind = self.backup_running
        if kind is None:
            exporting = self.exports.running()
            answering = isinstance(self.screen, ConfirmDialog) and self.screen.title_text == EXPORTING
            if exporting and not answering:  # (ctrl+q again on the question is the answer)
                confirm(self, EXPORTING, *quit_question(exporting), lambda: self.exit(0))
            else:
                self.exit(0)
            return

        def stop_and_quit() -> None:
            self.backup_stop.set()
            self.exit(0)

        if isinstance(self.screen, ConfirmDialog) and self.screen.title_text == QUESTION:
            stop_and_quit()  # ctrl+q again on the question: the answer
            return
        name, after = RUNNING[kind]
        self._told_when_backed_up = True

        confirm(
            self,
            QUESTION,
            f"{name}を作っています（大きなデータベースでは 1 分ほどかかります）。"
            f"いま終了するとバックアップを中止し、作りかけのファイルは消します。{after}。",
            "終了する（バックアップを中止）",
            stop_and_quit,
        )

    def action_backup_now(self) -> None:
        if self.session is None or not self.permissions.may("backup"):
            self.notify("バックアップ: 権限がありません（業務責任者）", severity="warning")
            return
        self.notify("バックアップを作っています…", title="バックアップ", timeout=4)
        self._backup()

    @work(thread=True, exit_on_error=False, group="backup", exclusive=True)
    def _backup(self) -> None:
        try:
            from inspect_tui.services.errors import BackupCancelled, BackupError
            from inspect_tui.services.session import reopen
            from inspect_tui.services.trust.backup import backup_now

            app_session = self.session
            if app_session is None:
                return
            # a connection of its own: the app's may close (quitting) while the file is copied
            with reopen(app_session) as s:
                try:
                    result = self.run_backup("now", lambda cancelled: backup_now(s, cancelled=cancelled))
                except BackupCancelled:
                    return  # the app is ending; nothing of the copy is left
                except BackupError as exc:
                    self._tell(f"バックアップを作れませんでした: {exc}", "バックアップ", 15)
                    return
            if self._running:
                self.call_from_thread(self._backed_up, result)
        except Exception as exc:
            self.report_unexpected(exc)

    def _backed_up(self, result) -> None:
        from inspect_tui.services.trust.backup import DEFAULT_KEEP

        how = "全体の整合性検査" if result.check == "integrity_check" else "簡易検査（quick_check）"
        text = f"バックアップしました: {result.path}（{result.size:,} バイト、{how} ok）"
        if result.removed:
            text += f"\n古いバックアップを {len(result.removed)} 件消しました（最新 {DEFAULT_KEEP} 件を保存）"
        self.notify(text, title="バックアップ", timeout=15)
