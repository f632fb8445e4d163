"""Who runs this process: the OS account of its real uid, or the login ``--as`` established.

Nothing in the environment changes it (``INSPECT_TUI_USER``, ``USER``, ``LOGNAME``
are ignored): the name comes from ``pwd.getpwuid(os.getuid())``. ``--as`` is
checked by services.trust.identity before ``act_as`` is called.
"""

from __future__ import annotations

import os
import pwd


def login_of_uid(uid: int) -> str:
    """The OS account name of a uid (``uid1234`` when it has no passwd entry)."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid{uid}"


def os_login() -> str:
    """The OS account running this process (its real uid), whatever the environment says."""
    return login_of_uid(os.getuid())


#: The login ``--as`` established for this process (set by ``act_as``), else None.
_acting_as: str | None = None


def current_login() -> str:
    """Who is working: the ``--as`` login once established, else the OS account."""
    return _acting_as or os_login()


def acting_as() -> str | None:
    """The ``--as`` login in force for this process, or None (the OS account is working)."""
    return _acting_as


def act_as(login: str | None) -> None:
    """Make login the identity of this process (after ``--as`` was checked); None undoes it."""
    global _acting_as
    _acting_as = login
