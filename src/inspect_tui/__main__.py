from inspect_tui.cli.main import run

raise SystemExit(run())
