"""The domain, storage, services and report modules never pull in Textual or Rich:
that is what keeps them usable from the CLI, the reports and the benchmarks, and
keeps the CLI fast. Checked in a fresh interpreter (as harlequin does)."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys

import inspect_tui

LAYERS = ("system", "core", "store", "services", "render", "demo")


def modules() -> list[str]:
    out = ["inspect_tui", "inspect_tui.cli.main", "inspect_tui.services.config", "inspect_tui.system.paths"]
    for layer in LAYERS:
        pkg = __import__(f"inspect_tui.{layer}", fromlist=["_"])
        out.append(pkg.__name__)
        out += [m.name for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".")]
    return out


def test_layers_do_not_import_textual_or_rich():
    code = (
        "import importlib, sys\n"
        f"for m in {modules()!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"imported: {out.stdout.strip()}"
    assert len(modules()) > 10


def test_package_import_is_light():
    heavy = ("textual", "rich", "sqlite_utils", "jpholiday")
    code = f"import sys, inspect_tui.cli.main\nprint(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert inspect_tui.__version__


def test_the_apps_start_reads_who_it_is_without_the_commands_modules():
    """Before the first paint, main() parses the app's options and applies --as / SSH forced
    commands; the reports' CLI, the session and the report builders (49 ms of imports) wait
    until a command or the app's worker needs them, and so does sqlite3 (~2.5 ms)."""
    heavy = (
        "sqlite3",
        "inspect_tui.cli.reports",
        "inspect_tui.cli.trust",
        "inspect_tui.services.session",
        "inspect_tui.services.reports.registry",
    )
    code = (
        "import sys\n"
        "from inspect_tui.cli.app import parse_app_only\n"
        "from inspect_tui.cli.identity import apply_identity\n"
        "from inspect_tui.cli.main import build_parser\n"
        "args = parse_app_only(['--db', '/nonexistent/cases.db'])\n"
        "apply_identity(build_parser, args, ['--db', '/nonexistent/cases.db'])\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("SSH_ORIGINAL_COMMAND", "SSH_CONNECTION")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_an_xlsx_is_written_and_read_without_importing_numpy():
    """A report's xlsx is written without openpyxl (render/xlsx_file.py); reading one
    imports openpyxl, which imports numpy when it is installed (it is, in the test
    extras), only to take numpy's number types; that was 280 ms of every xlsx.
    system/spreadsheet.py keeps it out, and numpy stays importable afterwards."""
    code = (
        "import sys, tempfile, pathlib\n"
        "from inspect_tui.core.document import Doc, Section, Table\n"
        "from inspect_tui.render import xlsx\n"
        "from inspect_tui.services.importing.xlsxread import XlsxTable\n"
        "doc = Doc('t', [], [Section('s', [Table(['a'], [[1]])])])\n"
        "p = pathlib.Path(tempfile.mkdtemp()) / 'a.xlsx'\n"
        "p.write_bytes(xlsx.render(doc))\n"
        "print('openpyxl' in sys.modules)\n"  # a report's xlsx is written without it
        "XlsxTable(p).close()\n"
        "print('numpy' in sys.modules)\n"
        "import numpy, openpyxl.compat.numbers as n\n"
        "print(n.NUMPY, bool(numpy.__version__))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False", "False", "True"]


def test_the_app_is_built_without_the_documents_module(tmp_path):
    """Before the first paint the config is read (its [document] frame too), but the reports'
    typed documents (core/document.py, ~8 ms of the 40 before the first paint) wait until a
    screen needs them: the frame has a module of its own (core/frame.py)."""
    code = (
        "import sys\n"
        "from inspect_tui.tui.launch import build_app\n"
        f"app = build_app({str(tmp_path / 'cases.db')!r})\n"
        "print(type(app).__name__, 'inspect_tui.core.document' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("INSPECT_TUI_CONFIG", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.split() == ["InspectApp", "False"], out.stdout + out.stderr


def test_the_first_paint_waits_for_the_deadline_rules_and_the_keymap_check(tmp_path):
    """The app and its first screen are built before the database is open and drawn with a
    loading line; the deadline rules (core/deadlines.py with its rules file and the calendar,
    ~10 ms), the [keys] checker (tui/keymap.py with pkgutil, ~2 ms, run only when there is a
    [keys] table) and the date parser (only a config's closed days use it) come after it,
    with the figures (first paint 223 -> 209 ms in tmux, medians of 12)."""
    code = (
        "import sys\n"
        "from inspect_tui.tui.launch import build_app\n"
        f"app = build_app({str(tmp_path / 'cases.db')!r})\n"
        "import inspect_tui.tui.screens.today\n"
        "later = ('inspect_tui.core.deadlines', 'inspect_tui.tui.keymap', 'inspect_tui.core.jpdate')\n"
        "print(sorted(m for m in later if m in sys.modules))\n"
    )
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("INSPECT_TUI_CONFIG", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def loaded_after(imports: str, watched: tuple[str, ...]) -> list[str]:
    """Which of watched a fresh interpreter holds after ``import <imports>``."""
    code = f"import sys\nimport {imports}\nprint(' '.join(m for m in {watched!r} if m in sys.modules))\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return sorted(out.stdout.split())


def test_the_first_figures_do_not_import_the_inspection_flow():
    """The Today screen's figures are read right after the first paint; their module
    (services/today/dashboard.py) takes the inspection counts from a module of their own
    (services/cases/inspection_figures.py), not the inspection flow with the survey forms
    and the audit (~25 ms of imports before the figures)."""
    flow = ("inspect_tui.services.cases.inspection", "inspect_tui.store.survey_forms")
    assert loaded_after("inspect_tui.services.today.dashboard", flow) == []


def test_the_database_opens_and_the_figures_are_read_without_the_case_store():
    """The app's session worker imports services.errors (what it may have to show) and then
    the dashboard: neither needs store/cases.py, whose event store and history fold (five
    dataclasses) only a case's screen or a write uses. ConflictError lives in store/tx.py
    and OPEN_IN in core/case_columns.py for that."""
    store = ("inspect_tui.store.cases", "inspect_tui.store.events", "inspect_tui.core.history")
    assert loaded_after("inspect_tui.services.errors, inspect_tui.services.today.dashboard", store) == []


def test_a_json_monthly_report_imports_only_what_its_figures_need(demo_db, tmp_path):
    """``report monthly --format json`` prints counts, deadlines and billing. The readable
    formats' parts (the features' sections, the late trend's metrics), the chain's
    verifier (the event store, the history rules), the first-ten review's rules, the
    free-text checks and the backups are imported only where they are used: ~45 ms of a
    270 ms report at 1M cases, whose queries take ~100 ms (two A/B runs of 21). So are the
    document its other formats draw (core/document.py, services/reports/monthly_doc.py) and
    the inspection rows (store/inspections.py: the figures are store/submission_counts.py),
    and the history triggers' rules (store/history.py: only a migration makes triggers).
    Nor are hashlib (the chain's hashes: nothing is written), calendar (months.py counts
    days) and shutil (argparse's width for help: cli/common.HelpFormatter)."""
    out_file = tmp_path / "m.json"
    argv = ["report", "monthly", "--month", "2027-05", "--format", "json", "-o", str(out_file)]
    argv += ["--db", str(demo_db)]
    code = (
        "import sys\n"
        "from inspect_tui.cli.main import main\n"
        f"code = main({argv!r})\n"
        "stdlib = ('hashlib', 'calendar', 'shutil')\n"
        "seen = [m for m in sys.modules if m.startswith('inspect_tui') or m in stdlib]\n"
        "print(code, sorted(seen))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    code, loaded = out.stdout.split(" ", 1)
    assert code == "0" and out_file.stat().st_size > 100, out.stdout + out.stderr
    unneeded = (
        "services.quality.monthly",
        "services.review.monthly",
        "services.cases.inspection",
        "services.reports.corrections",
        "services.reports.metrics",
        "store.audit_verify",
        "store.events",
        "core.review",
        "services.trust.free_text",
        "store.backup",
        "store.inspections",
        "core.inspection",
        "core.check_terms",
        "core.document",
        "services.reports.monthly_doc",
        "store.history",
    )
    assert [m for m in unneeded if f"'inspect_tui.{m}'" in loaded] == []
    # nothing is written or verified (OpenSSL's load, ~5 ms), months count their own days,
    # and help's width is read without shutil (with bz2 and lzma: ~1.5 ms)
    assert [m for m in ("hashlib", "calendar", "shutil") if f"'{m}'" in loaded] == []
    assert "'inspect_tui.services.reports.monthly'" in loaded  # the report was built here
