"""Starting the app: lazy imports, the theme check, the theme files."""

from __future__ import annotations

import gc
import subprocess
import sys

from inspect_tui.system.paths import themes_dir


def test_launch_module_does_not_import_textual():
    code = (
        "import sys, inspect_tui.cli.main, inspect_tui.tui.launch;"
        " print(sorted(m for m in ('textual', 'sqlite_utils') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_app_module_keeps_heavy_libraries_out_until_the_database_opens():
    heavy = "('sqlite_utils', 'jpholiday', 'sqlite3')"
    code = f"import sys, inspect_tui.tui.app; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_what_runs_before_the_first_paint_leaves_textarea_out():
    """Everything the main thread imports before the Today screen's first frame (the config,
    the app, the Today screen): Textual's TextArea (~7 ms) waits for a screen that has one."""
    heavy = "('textual.widgets._text_area', 'inspect_tui.services.session')"
    code = (
        "import sys, inspect_tui.cli.main, inspect_tui.tui.launch, inspect_tui.services.config,"
        " inspect_tui.tui.app, inspect_tui.tui.keymap, inspect_tui.tui.themes, inspect_tui.tui.screens.today;"
        f" print(sorted(m for m in {heavy} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unknown_theme_is_refused_before_starting(capsys, tmp_path):
    from inspect_tui.tui.launch import run_app

    assert run_app(tmp_path / "x.db", theme="nope") == 2
    err = capsys.readouterr().err
    assert "nope" in err and "high-contrast" in err
    assert not (tmp_path / "x.db").exists()
    assert gc.isenabled()  # the start runs without garbage collection; never left off


def test_garbage_collection_comes_back_once_the_start_is_done(tmp_path):
    """tui.launch starts the app with the collector off (60-90 ms of collections before the
    first figures at 1M cases); the app turns it back on, start-up's objects frozen."""
    from inspect_tui.tui.app import InspectApp

    app = InspectApp(tmp_path / "x.db")
    frozen = gc.get_freeze_count()
    gc.disable()
    try:
        app.start_up_done()
        assert gc.isenabled() and gc.get_freeze_count() > frozen
        app.start_up_done()  # again: nothing changes
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_the_three_themes_load():
    from inspect_tui.tui.themes import load_themes

    themes, problems = load_themes(themes_dir())
    assert problems == []
    assert [t.name for t in themes][:3] == ["default", "light", "high-contrast"]
    assert not next(t for t in themes if t.name == "light").dark
