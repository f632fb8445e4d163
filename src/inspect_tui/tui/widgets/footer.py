"""The key bar at the foot of every main screen: Textual's Footer, with its keys composed
once per burst of binding changes, and only once the app knows who is working.

Textual's Footer composes its keys again each time the screen's bindings change, and they
change three times as a screen opens (the first focus, the screen's resume, the refresh after
the focus): a dozen keys, 8-10 ms each on the 2-vCPU host. At start-up all three ran before
the first frame, while the app's mount held the screen's paint (2026-12-07: the first paint
25 ms later than without a footer), and the keys changed again once the login's role was
known. Here a change asks for one composition if none is queued, a screen being left composes
nothing until it is back, and until the app's footer_keys_shown (the session opened or failed,
or tui.app.KEYS_FALLBACK after the first frame) a change only marks the keys as known.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    _recompose_queued = False

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True  # (Textual's own flag: compose shows the keys from now on)
        if not screen.app.app_focus or not getattr(screen.app, "footer_keys_shown", True):
            return
        if screen is not self.screen or not screen.is_current:  # a screen being left: on its return
            return
        if self.is_attached and not self._recompose_queued:
            self._recompose_queued = True
            self.call_after_refresh(self._recompose_keys)

    async def _recompose_keys(self) -> None:
        self._recompose_queued = False
        await self.recompose()
