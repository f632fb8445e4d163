"""A backup now, from the palette (「バックアップを作る」), for managers: the same as
``inspect-tui backup`` (services.trust.backup.backup_now: an online copy, checked, the
last 14 kept), on a connection of its own in a worker. The message names the file and
how it was checked; a backup's file name is its time, never anything personal.

A mixin of ``InspectApp``; the palette offers it only where ``permissions.may("backup")``.
"""

from __future__ import annotations

from textual import work

#: the palette's entry (found by バックアップ) and its help line
TITLE = "バックアップを作る（今すぐ）"
HELP = "データベースをいま複製して検査し、データベースの隣の backups に置く（最新 14 件を保存）"


class BackupFlow:
    """The backup action of the app; ``self`` is the ``InspectApp``."""

    def action_backup_now(self) -> None:
        if self.session is None or not self.permissions.may("backup"):
            self.notify("バックアップ: 権限がありません（業務責任者）", severity="warning")
            return
        self.notify("バックアップを作っています…", title="バックアップ", timeout=4)
        self._backup()

    @work(thread=True, exit_on_error=False, group="backup", exclusive=True)
    def _backup(self) -> None:
        try:
            from inspect_tui.services.errors import BackupError
            from inspect_tui.services.session import reopen
            from inspect_tui.services.trust.backup import backup_now

            app_session = self.session
            if app_session is None:
                return
            # a connection of its own: the app's may close (quitting) while the file is copied
            with reopen(app_session) as s:
                try:
                    result = backup_now(s)
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
