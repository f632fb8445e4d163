"""Who is working: the OS user running the process, or the person an SSH forced command names.

Identity never comes from the environment. ``INSPECT_TUI_USER``, ``USER``,
``LOGNAME`` and ``SSH_CONNECTION`` are ignored: anyone can set them. The login
is the name of the process's real uid (``pwd.getpwuid(os.getuid())``), or the
login given with ``--as``, which only the owner of the database file may use.

Set-up (docs/ssh-setup.md): one service account owns the database; each person
has a line in its ``authorized_keys`` like

    command="inspect-tui --as alice --db /srv/inspect/cases.db",no-port-forwarding,\
no-X11-forwarding,no-agent-forwarding ssh-ed25519 AAAA... alice

sshd runs that command, as the service account, whatever the person asked for,
and puts what they asked for in ``SSH_ORIGINAL_COMMAND``. Rules:

- ``--as LOGIN`` is honoured only when the process's real uid owns the database
  file (the service account); LOGIN must be in the users table. Under a forced
  command that is always true; for anyone else at the console it never is.
- If ``SSH_ORIGINAL_COMMAND`` is empty or absent, the forced command runs.
  If it is an inspect-tui command (``inspect-tui report monthly``), that
  subcommand runs, as the forced person on the forced database, provided the
  forced command has no subcommand of its own. A forced command that ends in a
  command group (``… --db /srv/inspect/cases.db report``: a report-only key) runs
  only that group's reports, with the kind and options asked for
  (``inspect-tui report kpi --fy 2027``). The request may not contain an
  option the administrator fixed (``--as``, ``--db``, ``--demo`` and every
  option of the forced command), an abbreviation of one (``--a``, ``--d``), or
  a ``=``-joined form (``--a=svc``), anywhere; nor an environment assignment
  (``INSPECT_TUI_USER=root inspect-tui …``); nor a server file (cli_trust
  refuses import, restore, demo, config and ``-o FILE`` asked for over SSH;
  ``-o -`` and no ``-o`` send the report, binary formats too, to the client).
  Anything else (``ls /``, ``bash``, ``scp …``) is refused: nobody gets a shell
  through the service account.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from inspect_tui.core.records import record
from inspect_tui.system import osuser
from inspect_tui.system.osuser import act_as, acting_as, current_login, os_login

__all__ = [
    "COMMAND_GROUPS",
    "IdentityError",
    "act_as",
    "acting_as",
    "current_login",
    "establish",
    "forced_argv",
    "original_command_args",
    "os_login",
    "setup_of",
]

PROGRAM_NAMES = ("inspect-tui", "inspect_tui")
#: Options that decide who and which file: never accepted from the person's request.
FIXED_OPTIONS = ("--as", "--db", "--demo")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


class IdentityError(Exception):
    """Refused: who is asking may not be who they say, or may not run that."""


def owns_database(db_path: Path) -> bool:
    """True when this process's real uid owns the database file (or its folder, before it exists)."""
    for p in (db_path, db_path.parent):
        try:
            return p.stat().st_uid == os.getuid()
        except OSError:
            continue
    return False


def _is_fixed(word: str, fixed: Iterable[str]) -> str | None:
    """The fixed option that word is, abbreviates or ``=``-joins; None if none."""
    if not word.startswith("--") or word == "--":
        return None
    name = word.split("=", 1)[0]
    if len(name) < 3:
        return None
    for option in fixed:
        if option.startswith(name):
            return option
    return None


def options_in(argv: Sequence[str]) -> set[str]:
    """The long options (``--x``) named in an argv, without their values."""
    return {a.split("=", 1)[0] for a in argv if a.startswith("--") and a != "--"}


def original_command_args(
    env: Mapping[str, str] | None = None, fixed: Iterable[str] = FIXED_OPTIONS
) -> list[str] | None:
    """The inspect-tui arguments the SSH user asked for; None when they asked for nothing.

    Raises IdentityError for anything that is not a plain inspect-tui command, or
    that names, abbreviates or ``=``-joins one of the ``fixed`` options.
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
    if words and _ASSIGNMENT.match(words[0]):
        raise IdentityError("環境変数の指定（NAME=値）はこの接続では使えません")
    if not words or Path(words[0]).name not in PROGRAM_NAMES:
        if words[:3] in (["python", "-m", "inspect_tui"], ["python3", "-m", "inspect_tui"]):
            words = words[2:]
        else:
            raise refused
    args = words[1:]
    fixed = tuple(dict.fromkeys([*FIXED_OPTIONS, *fixed]))
    for a in args:
        if a == "--":
            raise IdentityError("「--」はこの接続では指定できません")
        option = _is_fixed(a, fixed)
        if option is not None:
            raise IdentityError(
                f"{a.split('=', 1)[0]}（{option}）はこの接続では指定できません（管理者が決めています）"
            )
    return args


def resolve_login(as_user: str | None, db_path: Path) -> str | None:
    """The login to work as when ``--as`` is given (None: not given); checks it may be used."""
    if as_user is None:
        return None
    if not owns_database(db_path):
        raise IdentityError(
            "--as はデータベースファイルの所有者"
            "（SSH の強制コマンドを動かすサービスアカウント）だけが使えます"
        )
    as_user = as_user.strip()
    if not as_user:
        raise IdentityError("--as に空のログイン名は指定できません")
    return as_user


def check_registered(db_path: Path, login: str) -> None:
    """Refuse a login that is not in the users table of the database at db_path."""
    import sqlite3  # only for --as: the app's start reads this module before its first paint

    if not db_path.exists():
        raise IdentityError(f"データベースがありません: {db_path}")
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT role FROM users WHERE login = ?", (login,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        raise IdentityError(f"{db_path} の利用者を確かめられません（データベースとして読めません）") from None
    if row is None:
        raise IdentityError(f"{login} は利用者として登録されていません（inspect-tui users add で登録）")


def establish(as_user: str | None, db_path: Path) -> str | None:
    """Apply ``--as``: check it, then make it the identity of this process."""
    login = resolve_login(as_user, db_path)
    if login is None:
        return None
    check_registered(db_path, login)
    act_as(login)
    return login


#: Command groups a key's forced command may end in, so that it runs only that group's
#: subcommands, with the kind and options the person asks for; what each is, to say so.
COMMAND_GROUPS = {
    "report": ("報告書の出力（例: ssh … 'inspect-tui report kpi --fy 2027 --format xlsx' > kpi.xlsx）"),
}


def forced_argv(
    argv: Sequence[str],
    has_subcommand: bool,
    env: Mapping[str, str] | None = None,
    group: str | None = None,
) -> list[str]:
    """The argv to run under an SSH forced command, given what the person asked for.

    ``argv`` is the forced command's own arguments. ``group``: the forced command ends in
    that command group (``… --db X report``: a report-only key), so the request must be
    ``inspect-tui report …`` and what follows ``report`` is appended; the caller checks
    that it parsed to one of the group's commands. Otherwise a forced command with a
    subcommand runs as it stands, and one without runs what was asked. Raises
    IdentityError when the person asked for something that is not allowed.
    """
    env = os.environ if env is None else env
    asked = original_command_args(env, fixed=options_in(argv))  # refuses a shell command on any key
    if asked is None:
        return list(argv)  # nothing asked: the forced command itself
    if group is not None:
        if asked[:1] != [group]:
            raise IdentityError(
                f"この鍵で使えるのは inspect-tui {group} … だけです: {COMMAND_GROUPS.get(group, group)}"
            )
        return [*argv, *asked[1:]]
    if has_subcommand:
        return list(argv)  # the key is pinned to one command: run it, ignore what was asked
    return [*argv, *asked]


# --------------------------------------------------------------------------- the set-up in force


@record(frozen=True)
class Setup:
    """How this database is shared, and so what its roles protect."""

    kind: str  # "service" (one owner, others via SSH) / "shared" (an office group writes it)
    owner: str
    via_as: bool  # the login came from --as (an SSH forced command or the owner's console)

    @property
    def label(self) -> str:
        return SETUP_LABELS[self.kind]

    @property
    def explanation(self) -> str:
        return SETUP_EXPLANATIONS[self.kind]


SETUP_LABELS = {
    "service": "サービスアカウント方式",
    "shared": "共有ファイル方式",
}
SETUP_EXPLANATIONS = {
    "service": (
        "データベースは所有者だけが読み書きでき、ほかの人は SSH の強制コマンドで入ります。"
        "役割は強制されます。"
    ),
    "shared": (
        "データベースをほかの OS ユーザーも読み書きできます。役割は誤操作を防ぐ約束事で、"
        "ファイルを書ける人は sqlite3 で直接変更できます（inspect-tui audit verify で検出できます）。"
    ),
}


def setup_of(db_path: Path) -> Setup:
    """The set-up in force for the database at db_path (from its owner and its mode bits)."""
    try:
        st = db_path.stat()
        folder = db_path.parent.stat()
    except OSError:
        return Setup("service", os_login(), acting_as() is not None)
    others = stat.S_IRWXG | stat.S_IRWXO
    shared = bool(st.st_mode & others) or bool(folder.st_mode & (stat.S_IWGRP | stat.S_IWOTH))
    return Setup("shared" if shared else "service", osuser.login_of_uid(st.st_uid), acting_as() is not None)
