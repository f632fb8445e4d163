"""Who is working: the login, or the person an SSH forced command names.

Set-up (docs/ssh-setup.md): one service account owns the database; each person
has a line in its ``authorized_keys`` like

    command="inspect-tui --as alice --db /srv/inspect/cases.db",no-port-forwarding,\
no-X11-forwarding,no-agent-forwarding ssh-ed25519 AAAA... alice

sshd runs that command whatever the person asked for, and puts what they asked
for in ``SSH_ORIGINAL_COMMAND``. Rules:

- ``--as LOGIN`` is honoured only under SSH (``SSH_CONNECTION`` set) or for the
  owner of the database file; LOGIN must be in the users table.
- If ``SSH_ORIGINAL_COMMAND`` is empty or absent, the forced command runs.
  If it is an inspect-tui command (``inspect-tui report monthly``), that
  subcommand runs, as the forced person on the forced database, provided the
  forced command has no subcommand of its own; it may not name ``--as``,
  ``--db`` or ``--demo``, nor a server file (cli_trust refuses import, restore,
  demo, config and ``-o FILE`` asked for over SSH). Anything else (``ls /``, ``bash``, ``scp …``) is
  refused: nobody gets a shell through the service account.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

ENV_USER = "INSPECT_TUI_USER"
PROGRAM_NAMES = ("inspect-tui", "inspect_tui")
FORBIDDEN_OPTIONS = ("--as", "--db", "--demo")


class IdentityError(Exception):
    """Refused: who is asking may not be who they say, or may not run that."""


def under_ssh(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_CLIENT"))


def owns_database(db_path: Path) -> bool:
    """True when this process's user owns the database file (or its folder, before it exists)."""
    for p in (db_path, db_path.parent):
        try:
            return p.stat().st_uid == os.getuid()
        except OSError:
            continue
    return False


def original_command_args(env: Mapping[str, str] | None = None) -> list[str] | None:
    """The inspect-tui arguments the SSH user asked for; None when they asked for nothing.

    Raises IdentityError for anything that is not an inspect-tui command.
    """
    env = os.environ if env is None else env
    raw = env.get("SSH_ORIGINAL_COMMAND")
    if raw is None or not raw.strip():
        return None
    refused = IdentityError(
        "このアカウントでは inspect-tui しか使えません"
        "（要求されたコマンドは実行しません）。例: ssh … 'inspect-tui report monthly'"
    )
    try:
        words = shlex.split(raw)
    except ValueError:
        raise refused from None
    if not words or Path(words[0]).name not in PROGRAM_NAMES:
        if words[:3] in (["python", "-m", "inspect_tui"], ["python3", "-m", "inspect_tui"]):
            words = words[2:]
        else:
            raise refused
    args = words[1:]
    for a in args:
        if a.split("=", 1)[0] in FORBIDDEN_OPTIONS:
            raise IdentityError(f"{a.split('=', 1)[0]} はこの接続では指定できません（管理者が決めています）")
    return args


def resolve_login(as_user: str | None, db_path: Path, env: Mapping[str, str] | None = None) -> str | None:
    """The login to work as when ``--as`` is given (None: not given); checks it may be used."""
    if not as_user:
        return None
    env = os.environ if env is None else env
    if not (under_ssh(env) or owns_database(db_path)):
        raise IdentityError("--as は SSH の強制コマンドの中か、データベースの所有者だけが使えます")
    as_user = as_user.strip()
    if not as_user:
        raise IdentityError("--as に空のログイン名は指定できません")
    return as_user


def check_registered(db_path: Path, login: str) -> None:
    """Refuse a login that is not in the users table of the database at db_path."""
    import sqlite3

    if not db_path.exists():
        raise IdentityError(f"データベースがありません: {db_path}")
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT role FROM users WHERE login = ?", (login,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise IdentityError(f"{db_path} の利用者を確かめられません（{exc}）") from None
    if row is None:
        raise IdentityError(f"{login} は利用者として登録されていません（inspect-tui users add で登録）")


def establish(as_user: str | None, db_path: Path, env: dict[str, str] | None = None) -> str | None:
    """Apply ``--as``: check it, then make it the identity of this process (INSPECT_TUI_USER)."""
    env = os.environ if env is None else env  # type: ignore[assignment]
    login = resolve_login(as_user, db_path, env)
    if login is None:
        return None
    check_registered(db_path, login)
    env[ENV_USER] = login  # type: ignore[index]
    return login


def forced_argv(argv: Sequence[str], has_subcommand: bool, env: Mapping[str, str] | None = None) -> list[str]:
    """The argv to run under an SSH forced command, given what the person asked for.

    ``argv`` is the forced command's own arguments. Raises IdentityError when the
    person asked for something that is not an inspect-tui command.
    """
    asked = original_command_args(env)
    if asked is None or not under_ssh(env):
        return list(argv)
    if has_subcommand:
        # The key is pinned to one command: run it, ignore what was asked.
        return list(argv)
    return [*argv, *asked]
