"""Purging personal data past retention from the app (seed 001 §4(4)), for managers.

A mixin of ``InspectApp``: the palette's 「個人情報の削除」 asks first, naming how
many cases it removes, purges on a connection of its own in a worker, says what
it came to, and offers a retry when other connections still hold the old pages.
``InspectApp._housekeeping`` counts what is due (``purge_due``, ``purge_unfinished``).
"""

from __future__ import annotations

from textual import work


class PurgeFlow:
    """The purge actions of the app; ``self`` is the ``InspectApp``."""

    def action_purge_personal(self) -> None:
        """Purge personal data past retention (managers; offered on start when due), after a
        question naming how many cases it removes."""
        if self.session is None or not self.permissions.may("purge"):
            self.notify("個人情報の削除は業務責任者だけができます", severity="warning")
            return
        from inspect_tui.tui.screens.confirm import confirm

        n = self.purge_due
        confirm(
            self,
            "個人情報の削除",
            f"保存期間を過ぎた {n} 件の依頼から、申請者の氏名・被保険者番号・生年月日を消します。\n"
            "消した個人情報は元に戻せません（バックアップには残ります）。消しますか。",
            f"はい（{n} 件を消す）",
            self._purge,
        )

    @work(thread=True, exit_on_error=False, group="purge")
    def _purge(self) -> None:
        try:
            from inspect_tui.services.session import reopen
            from inspect_tui.services.trust.retention import purge

            app_session = self.session
            if app_session is None:
                return
            # a connection of its own: the app's one may be in the middle of a read, which
            # would keep the checkpoint from completing
            with reopen(app_session) as s:
                result = purge(s)
            if self._running:
                self.call_from_thread(self._purged, result)
        except Exception as exc:
            self.report_unexpected(exc)

    def _purged(self, result) -> None:
        """Say what the purge came to; when others still hold the old pages, offer to retry."""
        from inspect_tui.services.trust.retention import REMAINS

        title = "個人情報の保存期間"
        self.purge_unfinished = not result.ok and result.state != REMAINS
        if result.ok:
            self.purge_due = 0
            self.notify(result.describe(limit=0), title=title, timeout=15)
        elif result.state == REMAINS:
            self.purge_due = 0
            self.notify(result.describe(limit=0), title=title, severity="error", timeout=60)
        else:
            from inspect_tui.tui.screens.trust.purge_retry import PurgeRetryScreen

            self.push_screen(PurgeRetryScreen(result.describe(limit=0)), self._retry_purge)
        self.data_changed()

    def _retry_purge(self, again: bool | None) -> None:
        if again:
            self._purge()
