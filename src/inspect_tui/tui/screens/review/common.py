"""What the review screens share: where the session comes from, key declarations
with ids (``review.*``, for the help screen, the palette and user keymaps) and a
way to tell the host app that data changed."""

from __future__ import annotations

import datetime as dt


class SessionMixin:
    """A screen given a Session, or using the app's ``session`` attribute."""

    _session = None

    @property
    def session(self):
        return self._session if self._session is not None else getattr(self.app, "session", None)

    @property
    def today(self) -> dt.date:
        from inspect_tui.core.today import today_jp

        return getattr(self.app, "today", None) or today_jp()

    def _changed(self) -> None:
        """Tell the host app that the database changed (the main app reloads its screens)."""
        changed = getattr(self.app, "data_changed", None)
        if callable(changed):
            changed()
