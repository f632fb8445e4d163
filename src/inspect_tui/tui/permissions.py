"""Keys a login's role may not use are not offered: the footer, ``?`` and the command
palette leave them out, and pressing one opens nothing (a short 権限がありません).

A screen lists, per action, the permission of services.trust it needs (``NEEDS``);
``check_action`` answers from ``Permissions``, read once when the session opens or
the screen loads (``load_permissions`` asks ``services.trust.may`` for every action),
so a keypress never runs SQL. Ward-bound steps (a chief's own wards) are decided by
the screen that knows the ward, when it loads (the case screen). The services still
refuse on their own; this only keeps the keyboard honest.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events

from inspect_tui.core.records import record
from inspect_tui.core.roles import ROLE_LABELS


@record(frozen=True)
class Permissions:
    role: str
    allowed: frozenset[str]  # services.trust actions this login may do (wards aside)

    def may(self, action: str) -> bool:
        return action in self.allowed


#: Before the database is open nobody may do anything.
NOBODY = Permissions("monitor", frozenset())


def load_permissions(session) -> Permissions:
    """Every action of services.trust this login may do, asked once."""
    if session is None:
        return NOBODY
    from inspect_tui.services.trust.permissions import ACTIONS, may, role_of

    return Permissions(role_of(session), frozenset(a for a in ACTIONS if may(session, a)))


def permissions_of(node) -> Permissions:
    """The app's permissions, read in a worker when the session opens (never here)."""
    cached = getattr(node.app, "permissions", None)
    return cached if isinstance(cached, Permissions) else NOBODY


class RoleKeys:
    """Mixin for screens: actions named in NEEDS run (and show) only when allowed."""

    #: action name -> the services.trust action it needs
    NEEDS: ClassVar[dict[str, str]] = {}

    def allows(self, action: str, parameters: tuple[object, ...]) -> bool:
        need = self.NEEDS.get(action)
        return need is None or permissions_of(self).may(need)

    def keys_ready(self) -> bool:
        """Whether what the keys depend on has loaded (no 権限がありません while loading)."""
        return getattr(self.app, "session", None) is not None  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.allows(action, parameters):
            return False
        return super().check_action(action, parameters)  # type: ignore[misc]

    def on_key(self, event: events.Key) -> None:
        """A key this role may not use: say so briefly instead of doing nothing silently."""
        from textual.actions import parse

        screen = self  # the mixin is on a Screen
        if not self.keys_ready():
            return
        for namespace, bindings in screen._modal_binding_chain:  # type: ignore[attr-defined]
            for binding in bindings.key_to_bindings.get(event.key, ()):
                target, name, params = parse(binding.action)
                if target not in ("screen", "") or (target == "" and namespace is not screen):
                    if namespace is screen.app or target == "":  # type: ignore[attr-defined]
                        return  # the app's key (a screen tab …) or a widget's own (a table's Enter)
                    continue
                if self.allows(name, params):
                    return  # enabled: it answers the key
                # ours and not for this login: say so, and never let the key fall through to
                # the app's (3 on a read-only check must not switch to the surveyors' screen)
                self.notify(self.denied_message(binding.description), timeout=2)  # type: ignore[attr-defined]
                event.stop()
                event.prevent_default()
                return

    def denied_message(self, description: str) -> str:
        role = ROLE_LABELS.get(permissions_of(self).role, "")
        return f"{description}: 権限がありません（{role}）"
