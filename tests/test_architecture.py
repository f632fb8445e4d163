"""The layers, enforced: import-linter's contracts (pyproject.toml, [tool.importlinter]) pass,
and fail on each breaking import a newcomer might add (checked on a copy of the package,
so the guard itself is seen to bite)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import inspect_tui

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(inspect_tui.__file__).resolve().parent


def _lint(package_parent: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("lint-imports")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "importlinter.cli"]
    return subprocess.run(
        [*cmd, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=package_parent,
        env={"PYTHONPATH": str(package_parent), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


def test_the_contracts_are_kept():
    r = _lint(PACKAGE.parent)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Contracts: 7 kept, 0 broken." in r.stdout


BREAKS = {
    # the domain reaching for the database
    "core/today.py": "\nimport inspect_tui.store.db  # noqa\n",
    # a deferred import of the UI from a service (inside a function: still an arrow)
    "services/session.py": "\n\ndef _bad():\n    from inspect_tui.tui import app  # noqa\n",
    # a screen going to the store around the services
    "tui/screens/help.py": "\nfrom inspect_tui.store import cases  # noqa\n",
    # a renderer asking a service
    "render/text.py": "\nfrom inspect_tui.services import session  # noqa\n",
    # a circle between two siblings
    "store/schema.py": "\n\ndef _bad():\n    from inspect_tui.store import db  # noqa\n",
    # Textual below the UIs
    "services/reports/metrics.py": "\nimport textual  # noqa\n",
    # a report's xlsx through openpyxl again (deferred, as the old renderer did)
    "render/xlsx.py": "\n\ndef _bad():\n    from openpyxl import Workbook  # noqa\n",
}


@pytest.fixture(scope="module")
def copy_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("layers")
    shutil.copytree(PACKAGE, root / "inspect_tui", ignore=shutil.ignore_patterns("__pycache__"))
    return root


@pytest.mark.parametrize("module", sorted(BREAKS))
def test_a_breaking_import_breaks_a_contract(copy_root, module):
    target = copy_root / "inspect_tui" / module
    original = target.read_text(encoding="utf-8")
    target.write_text(original + BREAKS[module], encoding="utf-8")
    try:
        r = _lint(copy_root)
    finally:
        target.write_text(original, encoding="utf-8")
    assert r.returncode != 0, f"{module}: no contract noticed\n{r.stdout}"
    assert "BROKEN" in r.stdout
