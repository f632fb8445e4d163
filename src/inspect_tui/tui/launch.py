"""Start the app. Imports Textual only when called, so the CLI stays fast."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from inspect_tui.system.malloc import one_arena


def build_app(path: Path, theme: str | None = None, demo: bool = False, *, read_ahead: bool = False):
    """The app for path with the user's config, or an exit status and a message for an unknown
    --theme. A broken part of the config does not stop it: the app shows the problem and runs with
    that part's default ([keys] and the indicator files are checked after the first paint, since
    checking them imports every screen)."""
    from inspect_tui.services.config import read_config_file

    config, config_problems, _text = read_config_file()
    if theme is not None:
        from inspect_tui.system.paths import themes_dir

        known = sorted(p.stem for p in themes_dir().glob("*.toml"))
        if theme not in known:
            return 2, f"「{theme}」というテーマはありません（{' / '.join(known)}）"
    ahead = None
    if read_ahead:  # forked here: after the config, before Textual (tui/read_ahead.py)
        from inspect_tui.tui.read_ahead import ReadAhead

        ahead = ReadAhead.start(Path(path), config)
    from inspect_tui.tui.app import InspectApp

    return InspectApp(
        Path(path),
        config=config,
        theme=theme,
        demo=demo,
        config_problems=config_problems,
        check_keys=_keymap_problems,
        read_ahead=ahead,
    )


def _keymap_problems(config, text):
    """tui.keymap's check, imported when a [keys] table is checked (after the first paint, and
    only when there is one): the module and pkgutil are ~2 ms of every start."""
    from inspect_tui.tui.keymap import keymap_problems

    return keymap_problems(config, text)


def run_app(path: Path, theme: str | None = None, demo: bool = False) -> int:
    # No garbage collection until the first figures are on screen (InspectApp.start_up_done
    # turns it back on): start-up makes a few hundred thousand long-lived objects (modules,
    # classes, styles) and almost no garbage, and collecting them cost 60-90 ms before the
    # figures at 1M cases (gc.callbacks), a full collection of ~40 ms among them.
    gc.disable()
    one_arena()  # before any worker thread: they reuse each other's freed memory (system/malloc.py)
    try:
        return _run(path, theme, demo)
    finally:
        gc.enable()


def _run(path: Path, theme: str | None, demo: bool) -> int:
    app = build_app(path, theme, demo, read_ahead=True)
    if isinstance(app, tuple):
        code, message = app
        print(f"inspect-tui: {message}", file=sys.stderr)
        return code
    try:
        code = app.run()
    except Exception as exc:  # never lose the reason; never print personal data
        from inspect_tui.system.logs import log_exception

        where = log_exception(exc, "tui")
        print(
            f"inspect-tui: 予期しないエラーで終了しました（{type(exc).__name__}）。"
            f"データは保存済みのままです。記録: {where}",
            file=sys.stderr,
        )
        return 70
    finally:  # an export that ran as the app ended has been written to its end: say how
        app.close_read_ahead()
        for line in app.exports.outcomes_at_exit():
            print(f"inspect-tui: {line}", file=sys.stderr)
    if getattr(app, "_exception", None) is not None:
        return 70  # an unexpected error, already logged and reported in one line (as the CLI does)
    if app.return_code not in (None, 0):
        return int(app.return_code)
    return int(code or 0)
