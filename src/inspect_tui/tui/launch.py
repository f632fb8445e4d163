"""Start the app. Imports Textual only when called, so the CLI stays fast."""

from __future__ import annotations

import sys
from pathlib import Path


def run_app(path: Path, theme: str | None = None, demo: bool = False) -> int:
    from inspect_tui.config import ConfigError, load_config

    try:
        config = load_config()
    except ConfigError as exc:
        print("inspect-tui: 設定ファイルに問題があります:\n" + str(exc), file=sys.stderr)
        return 2
    if theme is not None:
        from inspect_tui.paths import themes_dir

        known = sorted(p.stem for p in themes_dir().glob("*.toml"))
        if theme not in known:
            print(f"inspect-tui: 「{theme}」というテーマはありません（{' / '.join(known)}）", file=sys.stderr)
            return 2
    from inspect_tui.tui.app import InspectApp

    app = InspectApp(Path(path), config=config, theme=theme, demo=demo)
    try:
        code = app.run()
    except Exception as exc:  # never lose the reason; never print personal data
        from inspect_tui.logs import log_exception

        where = log_exception(exc, "tui")
        print(
            f"inspect-tui: 予期しないエラーで終了しました（{type(exc).__name__}）。"
            f"データは保存済みのままです。記録: {where}",
            file=sys.stderr,
        )
        return 70
    if getattr(app, "_exception", None) is not None:
        return 70  # an unexpected error, already logged and reported in one line (as the CLI does)
    if app.return_code not in (None, 0):
        return int(app.return_code)
    return int(code or 0)
