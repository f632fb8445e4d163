"""``--as`` and SSH forced commands: which command runs, and as whom (cli/main.py calls
``apply_identity`` before every command, the app's start included).

Kept apart from cli/trust.py, whose commands bring the permission and session modules:
the app's start imports only this, and the reports' CLI only when a forced command asks
for a report (49 ms of imports before the first paint otherwise).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from inspect_tui.cli.app import cmd_app
from inspect_tui.cli.common import EXIT_FAIL, UserError, _db_path


def _is_report_menu(func: object) -> bool:
    """``inspect-tui report`` alone (a report-only key's forced command), known without
    importing the reports' CLI."""
    return getattr(func, "__module__", "") == "inspect_tui.cli.reports" and (
        getattr(func, "__name__", "") == "cmd_report_menu"
    )


# --------------------------------------------------------------------------- identity
def apply_identity(
    make_parser: Callable[[], argparse.ArgumentParser], args: argparse.Namespace, argv: Sequence[str] | None
):
    """Honour ``--as`` and SSH_ORIGINAL_COMMAND; returns the (possibly re-parsed) arguments.

    A command run by a forced command (asked for over SSH, or the key's own with ``--as``
    under SSH_CONNECTION) gets ``args.remote = True``: its output may not become a file on
    the server, where the person cannot reach it (cli.common.emit). SSH_CONNECTION can be
    faked, but here it only ever refuses something."""
    from inspect_tui.services.trust.identity import IdentityError, establish, forced_argv

    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        group = "report" if _is_report_menu(args.func) else None  # a report-only key
        new = forced_argv(argv, has_subcommand=args.func is not cmd_app, group=group)
        if new != argv:
            args = make_parser().parse_args(new)
            from inspect_tui.cli.reports import cmd_report
            from inspect_tui.services.reports.registry import KINDS

            if group is not None and args.func is not cmd_report:
                raise IdentityError(
                    f"この鍵で使えるのは報告書の出力だけです（inspect-tui report {' / '.join(KINDS)} …）"
                )
            _refuse_server_files(args)
        forced = getattr(args, "as_user", None) is not None and bool(os.environ.get("SSH_CONNECTION"))
        args.remote = new != argv or forced
        if getattr(args, "as_user", None) is not None:
            establish(args.as_user, _identity_db(args))
    except IdentityError as exc:
        raise UserError(str(exc), EXIT_FAIL) from None
    return args


def _identity_db(args: argparse.Namespace) -> Path:
    """The database whose users ``--as`` is checked against (the demo's with ``--demo``)."""
    if getattr(args, "demo", False):
        from inspect_tui.demo.build import ensure_demo
        from inspect_tui.system.paths import demo_db_path

        path = demo_db_path()
        ensure_demo(path)
        return path
    return _db_path(args)


#: Commands that read or write files on the server by a path the person names;
#: over SSH they would act with the service account's rights (overwrite its
#: authorized_keys, read its files), so a command asked for over SSH may not use them.
SERVER_FILE_COMMANDS = ("cmd_import", "cmd_restore", "cmd_demo", "cmd_config")


def _refuse_server_files(args: argparse.Namespace) -> None:
    from inspect_tui.services.trust.identity import IdentityError

    name = getattr(args.func, "__name__", "")
    if name in SERVER_FILE_COMMANDS:
        raise IdentityError("このコマンドは SSH 越しには使えません（サーバーのファイルを読み書きするため）")
    output = getattr(args, "output", None)
    if (output is not None and output != "-") or getattr(args, "file", None):
        raise IdentityError(
            "SSH 越しにはサーバーのファイルを指定できません。出力は標準出力で受け取ってください"
            "（例: ssh … 'inspect-tui report monthly' > monthly.txt）"
        )
