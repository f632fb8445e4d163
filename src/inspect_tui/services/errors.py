"""The errors a user is told about in plain words, for the screens and the command line.

Everything the services may raise that is not a bug: the CLI maps each to an exit
code and the app shows it. The UIs import them from here, never from the store.
"""

from __future__ import annotations

from inspect_tui.services.config import ConfigError
from inspect_tui.services.trust.permissions import PermissionDenied
from inspect_tui.store.backup import BackupCancelled, BackupError
from inspect_tui.store.connection import DatabaseError
from inspect_tui.store.integrity import DamagedDatabase
from inspect_tui.store.tx import ConflictError, DatabaseBusy, WriteCancelled
from inspect_tui.store.users import UserError

__all__ = [
    "BackupCancelled",
    "BackupError",
    "ConfigError",
    "ConflictError",
    "DamagedDatabase",
    "DatabaseBusy",
    "DatabaseError",
    "PermissionDenied",
    "UserError",
    "WriteCancelled",
]
