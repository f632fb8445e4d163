"""The layers, enforced: import-linter's contracts (pyproject.toml, [tool.importlinter]) pass,
and fail on each breaking import a newcomer might add (checked on a copy of the package,
so the guard itself is seen to bite)."""

from __future__ import annotations

import ast
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


def _imports_of(tree: ast.AST, module: str) -> list[ast.stmt]:
    return [
        n
        for n in ast.walk(tree)
        if (isinstance(n, ast.ImportFrom) and n.module == module)
        or (isinstance(n, ast.Import) and any(a.name == module for a in n.names))
    ]


def test_the_import_the_circle_contract_ignores_is_for_types_only():
    """pyproject's one ignore_imports (monthly_doc -> monthly) is an annotation under
    TYPE_CHECKING; an import there at run time would be a circle the contract cannot see."""
    path = PACKAGE / "services" / "reports" / "monthly_doc.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    found = _imports_of(tree, "inspect_tui.services.reports.monthly")
    assert found, "the ignore in pyproject.toml is no longer needed: remove it"
    assert [n.lineno for n in found if id(n) not in typing_only] == []
