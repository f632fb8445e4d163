"""Who is who: --as only under SSH or for the database owner; forced commands
refuse anything that is not inspect-tui."""

from __future__ import annotations

import pytest

from inspect_tui.identity import IdentityError, establish, forced_argv, original_command_args
from inspect_tui.store.users import save_user


def test_an_empty_or_absent_original_command_runs_the_forced_one():
    assert original_command_args({}) is None
    assert original_command_args({"SSH_ORIGINAL_COMMAND": "  "}) is None
    env = {"SSH_CONNECTION": "1 2 3 4"}
    assert forced_argv(["--as", "a", "--db", "x"], False, env) == ["--as", "a", "--db", "x"]


@pytest.mark.parametrize(
    "asked", ["ls /", "bash", "sh -c 'inspect-tui'", "scp -t /tmp", "/bin/inspect-tui-evil", "'unclosed"]
)
def test_anything_but_inspect_tui_is_refused(asked):
    with pytest.raises(IdentityError, match="inspect-tui しか使えません"):
        original_command_args({"SSH_ORIGINAL_COMMAND": asked})


def test_an_inspect_tui_command_runs_as_the_forced_person():
    env = {"SSH_CONNECTION": "1 2 3 4", "SSH_ORIGINAL_COMMAND": "inspect-tui report monthly --month 2027-06"}
    assert forced_argv(["--as", "a", "--db", "x"], False, env) == [
        "--as",
        "a",
        "--db",
        "x",
        "report",
        "monthly",
        "--month",
        "2027-06",
    ]
    # a key pinned to one command runs only that command
    assert forced_argv(["--as", "a", "whoami"], True, env) == ["--as", "a", "whoami"]


@pytest.mark.parametrize("bad", ["--as bob", "--as=bob", "--db /etc/x", "--demo"])
def test_the_person_cannot_change_who_or_which_database(bad):
    with pytest.raises(IdentityError, match="指定できません"):
        original_command_args({"SSH_ORIGINAL_COMMAND": f"inspect-tui whoami {bad}"})


def test_as_is_refused_for_someone_who_does_not_own_the_database(tmp_path, monkeypatch):
    monkeypatch.setattr("inspect_tui.identity.owns_database", lambda p: False)
    with pytest.raises(IdentityError, match="所有者"):
        establish("alice", tmp_path / "x.db", {})


def test_as_needs_a_registered_login(session, db_path):
    env: dict[str, str] = {"SSH_CONNECTION": "1 2 3 4"}
    with pytest.raises(IdentityError, match="登録されていません"):
        establish("nobody", db_path, env)
    save_user(session.db, "tester", "alice", "monitor", None, "now")
    assert establish("alice", db_path, env) == "alice"
    assert env["INSPECT_TUI_USER"] == "alice"


def test_cli_as_and_refused_original_command(session, cli, monkeypatch):
    save_user(session.db, "tester", "alice", "monitor", None, "now")
    from inspect_tui.cli import main

    db = str(session.db.path)
    assert main(["--as", "alice", "--db", db, "whoami"]) == 0
    monkeypatch.setenv("SSH_CONNECTION", "127.0.0.1 1 127.0.0.1 22")
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", "ls /")
    assert main(["--as", "alice", "--db", db, "whoami"]) == 1


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
    from inspect_tui.cli import main

    save_user(session.db, "tester", "alice", "manager", None, "now")
    monkeypatch.setenv("SSH_CONNECTION", "127.0.0.1 1 127.0.0.1 22")
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", asked)
    code = main(["--as", "alice", "--db", str(session.db.path)])
    err = capsys.readouterr().err
    assert code == 1 and "SSH 越しには" in err
