"""Fixtures for the trust tests, and the no-network guard.

The guard: the app must make no network connection of any kind (seed 002:
closed network). For the whole session, connecting a non-AF_UNIX socket
raises NetworkBlocked and fails the test. Subprocesses (the SSH test runs
``ssh`` as one) are not affected. To make it global, tests/conftest.py can do
``from tests.trust.netguard import *  # noqa`` (see netguard.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from .netguard import block_network  # noqa: F401  (session-wide autouse fixture)

D = dt.date


def add_case(s, case_no="C-0001", **fields):
    from inspect_tui.store.cases import case_row, insert_cases

    base = {
        "case_no": case_no,
        "application": "新規",
        "ward": "長田区",
        "received_on": D(2027, 6, 8),
        "dispatched_on": D(2027, 6, 8),
        "applicant_name": "試験 花子",
        "insured_no": "9900000001",
        "birth_date": D(1940, 1, 2),
    }
    base.update(fields)
    with s.db.conn:
        insert_cases(s.db, [case_row(base, s.calendar, "2027-06-08T09:00:00+09:00")])


def add_surveyor(s, code="S001", wards="長田区", name="調査 一郎"):
    with s.db.conn:
        s.db.conn.execute(
            "INSERT INTO surveyors (code, name, qualification, wards, is_chief)"
            " VALUES (?, ?, 'care_manager', ?, 1)",
            (code, name, wards),
        )


@pytest.fixture
def as_user(session):
    """Switch the session to another login (registered with the given role)."""
    from inspect_tui.services.trust import save_user

    def switch(login: str, role: str | None = None, surveyor: str | None = None):
        if role is not None:
            save_user(session, login, role, surveyor)
        session.who = login
        return session

    return switch


@pytest.fixture
def cli(db_path: Path, capsys):
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    from inspect_tui.cli import main

    def run(*argv: str, db: Path | None = db_path):
        args = [*argv, "--db", str(db)] if db is not None else list(argv)
        code = main(args)
        out, err = capsys.readouterr()
        return code, out, err

    return run


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
    from inspect_tui.paths import data_file, themes_dir

    package = Path(inspect_tui.__file__).resolve().parent
    shutil.copytree(package, site / "inspect_tui", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(data_file("deadline_rules.toml").parent, site / "inspect_tui" / "_data")
    shutil.copytree(themes_dir(), site / "inspect_tui" / "_themes")
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
    probe = "import sqlite3, json, inspect_tui.cli"
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
