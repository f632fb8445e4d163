"""Shared fixtures: every test runs with its own config, data dirs and a pinned 'today'.

The databases the tests share are built by tests/builders.py (the one test-data
builder); the fixtures below only open them and clean up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from trust.netguard import block_network  # noqa: F401  (no test may open a network connection)

TODAY = dt.date(2027, 6, 15)  # a Tuesday


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """No test reads or writes the real user's config, database or logs."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local/state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("INSPECT_TUI_TODAY", TODAY.isoformat())
    for var in ("INSPECT_TUI_DB", "INSPECT_TUI_CONFIG", "NO_COLOR", "SSH_ORIGINAL_COMMAND", "SSH_CONNECTION"):
        monkeypatch.delenv(var, raising=False)
    _login_as_tester(monkeypatch)
    yield home
    from inspect_tui.services.trust import identity

    identity.act_as(None)  # an --as established by a test ends with it


@pytest.fixture(autouse=True)
def setup_writes_are_recorded(monkeypatch: pytest.MonkeyPatch):
    """Tests that set up rows through a plain ``sqlite3.connect`` get the app's chain functions on
    that connection, so the history triggers record those rows as the app would (a bare
    sqlite3 shell cannot write a chained table at all: tests/trust/test_history_chain.py
    opens one with ``sqlite3.Connection`` to show it)."""
    import sqlite3

    from inspect_tui.store.chain_functions import register

    real = sqlite3.connect

    def connect(*args, **kwargs):
        conn = real(*args, **kwargs)
        register(conn)
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)


def _login_as_tester(mp: pytest.MonkeyPatch) -> None:
    """In-process, this test's OS account is called "tester" (it creates and owns its files).

    Identity comes from the real uid, never from the environment; tests rename the
    account in-process only, so a subprocess sees the real account name.
    """
    import os

    from inspect_tui.system import osuser

    real = osuser.login_of_uid
    mp.setattr(osuser, "login_of_uid", lambda uid: "tester" if uid == os.getuid() else real(uid))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "cases.db"


@pytest.fixture
def session(db_path: Path):
    from inspect_tui.services.config import Config
    from inspect_tui.services.session import open_session

    s = open_session(db_path, Config())
    yield s
    s.close()


@pytest.fixture
def as_user(session):
    """Switch the session to another login (registered with the given role)."""
    from builders import add_login

    def switch(login: str, role: str | None = None, surveyor: str | None = None):
        if role is not None:
            add_login(session, login, role, surveyor)
        session.who = login
        return session

    return switch


@pytest.fixture
def cli(db_path: Path, capsys):
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    from inspect_tui.cli.main import main

    def run(*argv: str, db: Path | None = db_path):
        args = [*argv, "--db", str(db)] if db is not None else list(argv)
        code = main(args)
        out, err = capsys.readouterr()
        return code, out, err

    return run


# --------------------------------------------------------------------------- small built databases
@pytest.fixture
def qs(session):
    """The session with surveyors S01/S02 and cases 2027-0001/2027-0002 (for the quality tests)."""
    from builders import add_quality_cases

    return add_quality_cases(session)


@pytest.fixture
def fx(session):
    """The session (tester, manager) with 鈴原 冬美's case, chief chika (S001) and monitor mona."""
    from builders import add_free_text_case

    return add_free_text_case(session)


@pytest.fixture
def review_db(tmp_path: Path) -> Path:
    """The review database of builders.build_review_db (chiefs S001/S002, new surveyor S010)."""
    from builders import build_review_db

    return build_review_db(tmp_path / "review" / "cases.db")


@pytest.fixture
def rs(review_db: Path):
    """A session on the review database logged in as chief S001 ('tester')."""
    from builders import session_as

    s = session_as(review_db, "tester")
    yield s
    s.close()


# --------------------------------------------------------------------------- demo database
@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database per test session (today=2027-06-15, seed=1, 1.5 years); do not modify it."""
    from inspect_tui.demo.build import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with pytest.MonkeyPatch.context() as mp:
        _login_as_tester(mp)
        build_demo(path, seed=1, today=TODAY)
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path):
    """A private copy of the session's demo database (a single file, no -wal), removed with
    its folder (the app's daily backup of it too) when the test ends: the copy is 138 MB,
    65 tests take one, and a whole run left 20 GB behind in pytest's temporary folders,
    three runs of them kept."""
    import shutil

    path = tmp_path / "demo" / "demo.db"
    path.parent.mkdir(mode=0o700)
    shutil.copyfile(demo_template, path)
    path.chmod(0o600)
    yield path
    shutil.rmtree(path.parent, ignore_errors=True)


# --------------------------------------------------------------------------- an unprivileged user
_RUNTIME_PACKAGES = ("inspect-tui",)


def _distribution_roots(name: str, seen: set[str]) -> set[Path]:
    """The top-level import folders/files of a distribution and of everything it requires."""
    import importlib.metadata as md
    import re

    key = re.sub(r"[-_.]+", "-", name).lower()
    if key in seen:
        return set()
    seen.add(key)
    try:
        dist = md.distribution(name)
    except md.PackageNotFoundError:
        return set()
    roots: set[Path] = set()
    for f in dist.files or ():
        parts = Path(str(f)).parts
        if not parts or parts[0].endswith((".dist-info", ".data")) or parts[0] in ("..", "__pycache__"):
            continue
        roots.add(Path(str(dist.locate_file(parts[0]))))
    for req in dist.requires or ():
        if "extra ==" in req:
            continue
        dep = re.split(r"[\s;<>=!~\[(]", req, maxsplit=1)[0]
        roots |= _distribution_roots(dep, seen)
    return roots


@pytest.fixture(scope="session")
def unprivileged(tmp_path_factory):
    """Run inspect-tui as a user that file permissions apply to, from anywhere the checkout sits.

    A normal user is already subject to permissions: the command runs as is. As
    root, the command runs as ``nobody`` through setpriv; the checkout may sit
    under a 0700 home nobody can enter, so the package, its data and its
    dependencies are copied to a world-readable folder, and an interpreter that
    nobody can run is chosen. Returns a function (argv, env) -> CompletedProcess.
    """
    import os
    import pwd
    import shutil
    import subprocess
    import sys
    import tempfile

    if os.geteuid() != 0:

        def run(argv, env, **kw):
            return subprocess.run([sys.executable, "-m", "inspect_tui", *argv], env=env, **kw)

        return run
    if not shutil.which("setpriv"):
        pytest.skip("root without setpriv (util-linux): cannot drop privileges to test file permissions")
    nobody = pwd.getpwnam("nobody")
    drop = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
    base = Path(tempfile.mkdtemp(prefix="inspect-tui-nobody-"))
    base.chmod(0o755)
    site = base / "site"
    site.mkdir()
    import inspect_tui
    from inspect_tui.system.paths import data_file, themes_dir

    package = Path(inspect_tui.__file__).resolve().parent
    shutil.copytree(package, site / "inspect_tui", ignore=shutil.ignore_patterns("__pycache__"))
    # An installed wheel already holds _data and _themes; a source checkout does not.
    for source, name in ((data_file("deadline_rules.toml").parent, "_data"), (themes_dir(), "_themes")):
        target = site / "inspect_tui" / name
        if source.resolve() != target.resolve():
            shutil.copytree(source, target, dirs_exist_ok=True)
    for root in _distribution_roots("inspect-tui", set()):
        if root.name == "inspect_tui" or not root.exists():
            continue
        target = site / root.name
        if root.is_dir():
            shutil.copytree(root, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(root, target)
    for p in base.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    probe = "import sqlite3, json, inspect_tui.cli.main"
    candidates = [
        sys.executable,
        getattr(sys, "_base_executable", ""),
        "/usr/bin/python3",
        "/usr/bin/python3.11",
    ]
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "HOME": str(base)}
    for py in dict.fromkeys(c for c in candidates if c):
        r = subprocess.run([*drop, py, "-c", probe], env=env, capture_output=True, cwd=base)
        if r.returncode == 0:
            break
    else:
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip("no Python interpreter that the nobody user can run with the package copied for it")

    def run(argv, env, **kw):
        env = {**env, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"}
        return subprocess.run([*drop, py, "-m", "inspect_tui", *argv], env=env, cwd=base, **kw)

    yield run
    shutil.rmtree(base, ignore_errors=True)
