"""Who is who, tried as an attacker would.

- Identity is the process's real uid; nothing in the environment changes it.
- ``--as`` only for the owner of the database file (the SSH service account).
- A forced command's request may not name, abbreviate or ``=``-join an option the
  administrator fixed, anywhere, nor start with an environment assignment.
- A new (or 0-byte) database has exactly one manager: the OS user owning the file.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from inspect_tui.services.trust import identity
from inspect_tui.services.trust.identity import IdentityError, establish, forced_argv, original_command_args
from inspect_tui.services.trust.permissions import save_user

FORCED = ["--as", "bob", "--db", "/srv/inspect/cases.db"]


def _asked(command: str) -> dict[str, str]:
    return {"SSH_CONNECTION": "10.0.0.9 5000 10.0.0.1 22", "SSH_ORIGINAL_COMMAND": command}


def test_an_empty_or_absent_original_command_runs_the_forced_one():
    assert original_command_args({}) is None
    assert original_command_args({"SSH_ORIGINAL_COMMAND": "  "}) is None
    assert forced_argv(FORCED, False, {"SSH_CONNECTION": "1 2 3 4"}) == FORCED


@pytest.mark.parametrize(
    "asked", ["ls /", "bash", "sh -c 'inspect-tui'", "scp -t /tmp", "/bin/inspect-tui-evil", "'unclosed"]
)
def test_anything_but_inspect_tui_is_refused(asked):
    with pytest.raises(IdentityError, match="inspect-tui しか使えません"):
        original_command_args({"SSH_ORIGINAL_COMMAND": asked})


def test_an_inspect_tui_command_runs_as_the_forced_person():
    env = _asked("inspect-tui report monthly --month 2027-06")
    assert forced_argv(FORCED, False, env) == [*FORCED, "report", "monthly", "--month", "2027-06"]
    # a key pinned to one command runs only that command
    assert forced_argv(["--as", "a", "whoami"], True, env) == ["--as", "a", "whoami"]


@pytest.mark.parametrize(
    "bad",
    [
        "--as svc",
        "--as=svc",
        "--a svc",  # the escape: argparse took --a for --as
        "--a=svc",
        "--db /etc/x",
        "--db=/etc/x",
        "--d /etc/x",
        "--d=/etc/x",
        "--de",
        "--dem",
        "--demo",
        "--",
    ],
)
@pytest.mark.parametrize(
    "where", ["{bad} users add mallory --role manager", "users add mallory --role manager {bad}"]
)
def test_the_person_cannot_change_who_or_which_database(bad, where):
    with pytest.raises(IdentityError, match="指定できません"):
        forced_argv(FORCED, False, _asked("inspect-tui " + where.format(bad=bad)))


def test_options_the_administrator_fixed_are_fixed_too():
    forced = [*FORCED, "--theme", "light"]
    with pytest.raises(IdentityError, match="指定できません"):
        forced_argv(forced, False, _asked("inspect-tui --them dark"))
    assert forced_argv(FORCED, False, _asked("inspect-tui --theme dark"))[-2:] == ["--theme", "dark"]


@pytest.mark.parametrize(
    "asked",
    ["INSPECT_TUI_USER=root inspect-tui whoami", "USER=root inspect-tui whoami", "A=1 B=2 inspect-tui"],
)
def test_environment_assignments_are_refused(asked):
    with pytest.raises(IdentityError, match="環境変数"):
        original_command_args(_asked(asked))


def test_no_parser_accepts_an_abbreviation():
    """Every parser and subparser of the CLI has prefix matching off (allow_abbrev=False)."""
    import argparse

    from inspect_tui.cli.main import build_parser

    seen = 0

    def walk(p: argparse.ArgumentParser) -> None:
        nonlocal seen
        seen += 1
        assert p.allow_abbrev is False, p.prog
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    walk(child)

    walk(build_parser())
    assert seen > 40  # every subcommand was walked


def test_the_cli_refuses_abbreviations_of_as(session, cli, capsys):
    from inspect_tui.cli.main import main

    db = str(session.db.path)
    for argv in (["--a", "tester", "--db", db, "whoami"], ["--a=tester", "--db", db, "whoami"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert "--a" in err or "'tester'" in err


@pytest.mark.parametrize(
    "env",
    [
        {"INSPECT_TUI_USER": "root"},
        {"USER": "root", "LOGNAME": "root"},
        {"SSH_CONNECTION": "10.0.0.9 5000 10.0.0.1 22"},
        {"SSH_CONNECTION": "10.0.0.9 5000 10.0.0.1 22", "SSH_CLIENT": "10.0.0.9 5000 22"},
    ],
)
def test_the_environment_does_not_change_who_is_working(session, env, monkeypatch):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert identity.current_login() == "tester"
    from inspect_tui.services.session import open_session

    with open_session(session.db.path) as s:
        assert s.who == "tester"


def test_a_non_owner_cannot_use_as_even_with_a_fake_ssh_connection(session, db_path, monkeypatch):
    save_user(session, "boss", "manager", None)
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.9 5000 10.0.0.1 22")
    monkeypatch.setattr(identity, "owns_database", lambda p: False)
    with pytest.raises(IdentityError, match="所有者"):
        establish("boss", db_path)
    assert identity.current_login() == "tester"


def test_as_needs_a_registered_login(session, db_path):
    with pytest.raises(IdentityError, match="登録されていません"):
        establish("nobody", db_path)
    save_user(session, "alice", "monitor", None)
    assert establish("alice", db_path) == "alice"
    assert identity.current_login() == "alice"


def test_cli_as_and_refused_original_command(session, monkeypatch):
    save_user(session, "alice", "monitor", None)
    from inspect_tui.cli.main import main

    db = str(session.db.path)
    assert main(["--as", "alice", "--db", db, "whoami"]) == 0
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", "ls /")
    assert main(["--as", "alice", "--db", db, "whoami"]) == 1  # a shell command is refused on any key
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", "inspect-tui users list")
    assert main(["--as", "alice", "--db", db, "whoami"]) == 0  # pinned to whoami: the request is ignored


@pytest.mark.parametrize(
    "asked",
    [
        "inspect-tui import cases /etc/passwd",
        "inspect-tui restore /tmp/x.db --yes",
        "inspect-tui demo --force",
        "inspect-tui config path",
        "inspect-tui report monthly --month 2027-06 -o /srv/inspect/.ssh/authorized_keys",
        "inspect-tui report monthly --month 2027-06 --output=/tmp/x",
    ],
)
def test_commands_that_touch_server_files_are_refused_over_ssh(session, monkeypatch, capsys, asked):
    from inspect_tui.cli.main import main

    save_user(session, "alice", "manager", None)
    monkeypatch.setenv("SSH_CONNECTION", "127.0.0.1 1 127.0.0.1 22")
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", asked)
    code = main(["--as", "alice", "--db", str(session.db.path)])
    err = capsys.readouterr().err
    assert code == 1 and "SSH 越しには" in err


# --------------------------------------------------------------------------- the first manager


def _roles(db_path) -> list[tuple[str, str]]:
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        return [tuple(r) for r in conn.execute("SELECT login, role FROM users ORDER BY login")]


@pytest.mark.parametrize("how", ["users add", "import", "zero-byte"])
def test_a_new_database_has_exactly_one_manager_its_owner(db_path, tmp_path, how, cli):
    if how == "zero-byte":
        db_path.parent.mkdir(parents=True, mode=0o700)
        db_path.write_bytes(b"")
        db_path.chmod(0o600)
        assert cli("whoami")[0] == 0
    elif how == "import":
        csv = tmp_path / "cases.csv"
        csv.write_text(
            "case_no,application,ward,received_on,dispatched_on\nC-1,新規,長田区,2027-06-01,2027-06-01\n",
            encoding="utf-8",
        )
        assert cli("import", "cases", str(csv))[0] == 0
    else:
        assert cli("users", "add", "city01", "--role", "monitor")[0] == 0
    code, out, _ = cli("whoami")
    assert code == 0 and out.splitlines()[:2] == ["tester", "manager（業務責任者）"]
    managers = [login for login, role in _roles(db_path) if role == "manager"]
    assert managers == ["tester"]


def test_an_empty_users_table_makes_nobody_else_a_manager(session, as_user):
    from inspect_tui.services.trust.permissions import role_of

    with session.db.conn:
        session.db.conn.execute("DELETE FROM users")  # plain SQL: an "old" file with nobody registered
    as_user("stranger")
    assert role_of(session) == "monitor"
    session.close()
    from inspect_tui.services.session import open_session

    with open_session(session.db.path) as s:  # opening it registers the owner, and only the owner
        assert _roles(s.db.path) == [("tester", "manager")]
        s.who = "stranger"
        assert role_of(s) == "monitor"


def test_whoami_says_which_set_up_is_in_force(session, cli):
    _code, out, _ = cli("whoami")
    assert (
        "本人確認: OS のユーザー" in out and "サービスアカウント方式" in out and "役割は強制されます" in out
    )
    session.db.path.chmod(0o660)
    _code, out, _ = cli("whoami")
    assert "共有ファイル方式" in out and "sqlite3 で直接変更できます" in out


def test_a_subprocess_is_its_real_account_whatever_its_environment(session, tmp_path):
    """Run as a real process: INSPECT_TUI_USER and USER say 'boss'; whoami says the real account."""
    save_user(session, "boss", "manager", None)
    session.close()
    env = {**os.environ, "INSPECT_TUI_USER": "boss", "USER": "boss", "LOGNAME": "boss",
           "SSH_CONNECTION": "10.0.0.9 5000 10.0.0.1 22"}  # fmt: skip
    r = subprocess.run(
        [sys.executable, "-m", "inspect_tui", "whoami", "--db", str(session.db.path)],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    import pwd

    real = pwd.getpwuid(os.getuid()).pw_name
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == real != "boss"
    assert "未登録" in r.stdout  # the real account is not registered in a file 'tester' made
