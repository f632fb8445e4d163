"""Who may do what, and what was done: roles, users and the audit trail.

Roles (seed 001 §5, DOMAIN.md "Who uses it"):
- manager (業務責任者): everything, including staff records, settings, users.
- chief (主任調査員): reviews, findings, complaints, incidents, and case steps
  for the wards of their own surveyor record.
- monitor (委託元担当者): read-only; never sees applicant names, insured numbers
  or dates of birth; sees reports and achievement tables.

A login not in the users table is treated as a monitor (the same rule as the
case list). An empty users table never makes anyone a manager: opening a file
nobody is registered in registers its owner (store.users.ensure_first_manager).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from inspect_tui.core.roles import ACTIONS, ROLE_LABELS, WARD_BOUND
from inspect_tui.core.today import now_jp_iso
from inspect_tui.services.session import Session
from inspect_tui.store import users
from inspect_tui.store.tx import DatabaseBusy, Waiting, WriteCancelled, granted, waiting
from inspect_tui.store.users import get_user, surveyor_wards

__all__ = [
    "ACTIONS",
    "ROLE_LABELS",
    "WRITE_FUNCTIONS",
    "DatabaseBusy",
    "PermissionDenied",
    "Waiting",
    "WriteCancelled",
    "list_users",
    "may",
    "remove_user",
    "require",
    "role_of",
    "save_user",
    "user_of",
    "waiting",
    "writes",
]


class PermissionDenied(Exception):
    """The person working may not do this; the message (Japanese) says why."""


def role_of(s: Session) -> str:
    """The role of the person working (manager / chief / monitor)."""
    row = get_user(s.db, s.who)
    return "monitor" if row is None else str(row["role"])


def require(s: Session, action: str, *, ward: str | None = None) -> str:
    """Refuse (PermissionDenied) unless the person working may do action; returns their role.

    For a chief, ward-bound actions (case steps, deadline exceptions) also need
    ``ward`` to be one of the wards of their surveyor record.
    """
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    allowed, label = ACTIONS[action]
    role = role_of(s)
    if role not in allowed:
        registered = get_user(s.db, s.who) is not None
        hint = "" if registered else "（利用者として登録されていません。業務責任者に登録を依頼してください）"
        raise PermissionDenied(
            f"{s.who} さん（{ROLE_LABELS.get(role, role)}）には「{label}」の権限がありません{hint}"
        )
    if role == "chief" and action in WARD_BOUND and ward is not None:
        user = get_user(s.db, s.who)
        wards = surveyor_wards(s.db, user["surveyor_code"] if user else None)
        if ward not in wards:
            mine = "・".join(sorted(wards)) or "（未登録）"
            raise PermissionDenied(
                f"{s.who} さん（主任調査員）の担当区は {mine} です。{ward}の依頼には「{label}」ができません"
            )
    return role


def may(s: Session, action: str, *, ward: str | None = None) -> bool:
    try:
        require(s, action, ward=ward)
    except PermissionDenied:
        return False
    return True


P = ParamSpec("P")
T = TypeVar("T")

_Service = Callable[Concatenate[Session, P], T]

#: Every service function that writes, by dotted name: the permission test runs each as a
#: role that may not (tests/services/trust/test_permissions.py), so a new one is tested by being here.
WRITE_FUNCTIONS: dict[str, Callable[..., Any]] = {}


def writes(action: str) -> Callable[[_Service[P, T]], _Service[P, T]]:
    """Mark a service function that writes: the role's permission for ``action`` is checked
    first, before the function sees any of its input, and its writes run under that grant
    (store.tx.write refuses to start without one). Ward-bound actions check the ward again
    inside, once the record is loaded: ``require(s, action, ward=...)``."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")

    def decorate(fn: _Service[P, T]) -> _Service[P, T]:
        @functools.wraps(fn)
        def checked(s: Session, *args: P.args, **kwargs: P.kwargs) -> T:
            require(s, action)
            with granted(action, s.who):
                return fn(s, *args, **kwargs)

        checked.write_action = action  # type: ignore[attr-defined]
        WRITE_FUNCTIONS[f"{fn.__module__}.{fn.__qualname__}"] = checked
        return checked

    return decorate


# --------------------------------------------------------------------------- users


@writes("users.manage")
def save_user(s: Session, login: str, role: str, surveyor_code: str | None = None) -> bool:
    """Register a login with a role, or change its role (managers). True when added."""

    return users.save_user(s.db, s.who, login, role, surveyor_code, now_jp_iso())


def list_users(s: Session) -> list:
    """Every registered login with its role and surveyor code (managers only)."""

    require(s, "users.manage")
    return users.list_users(s.db)


def user_of(s: Session) -> dict | None:
    """The users row of the person working (None: not registered)."""

    row = get_user(s.db, s.who)
    return None if row is None else dict(row)


@writes("users.manage")
def remove_user(s: Session, login: str) -> None:
    """Remove a login (managers; the last manager stays)."""

    users.remove_user(s.db, s.who, login, now_jp_iso())


# --------------------------------------------------------------------------- the demo's logins
DEMO_LOGIN_PREFIX = "demo-"


def demo_logins(s: Session) -> list[tuple[str, str, str]]:
    """In the demo database only: its logins to try each role with, as (login, role, what to
    try); empty for any other database (its users are real people, not a tour)."""
    demo = s.db.conn.execute("SELECT value FROM settings WHERE key = 'demo'").fetchone()
    if demo is None or demo[0] != "1":
        return []
    out = []
    for row in users.list_users(s.db):
        login, role = row["login"], row["role"]
        if not login.startswith(DEMO_LOGIN_PREFIX):
            continue
        code = row["surveyor_code"]
        what = {
            "manager": "すべて（締め・取り込み・利用者）",
            "chief": f"点検（調査員 {code}）",
            "monitor": "報告書・達成表（個人情報なし）",
        }.get(role, "")
        out.append((login, role, what))
    return out
