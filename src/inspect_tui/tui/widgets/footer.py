"""The key bar at the foot of every main screen: Textual's Footer, with its keys composed
once per burst of binding changes, and not before the app's first frame.

Textual's Footer composes its keys again each time the screen's bindings change, and they
change three times as a screen opens (the first focus, the screen's resume, the refresh after
the focus): three compositions of a dozen keys, 8-10 ms each on the 2-vCPU host, and at
start-up all three ran before the first frame, while the app's mount held the screen's paint
(2026-12-07: the first paint 25 ms later than without a footer). Here a change asks for one
composition that is not yet queued, and before the app is ready (InspectApp.on_ready, Textual's
"first frame" event) the change only marks the keys as known: the app then refreshes the
bindings once, and the keys appear a frame after the screen.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    _recompose_queued = False

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True  # (Textual's own flag: compose shows the keys from now on)
        if not screen.app.app_focus or not getattr(screen.app, "frame_ready", True):
            return
        if screen is not self.screen or not screen.is_current:  # a screen being left: on its return
            return
        if self.is_attached and not self._recompose_queued:
            self._recompose_queued = True
            self.call_after_refresh(self._recompose_keys)

    async def _recompose_keys(self) -> None:
        self._recompose_queued = False
        await self.recompose()
