"""What every command shares: exit codes, the error users can fix, the one parser class,
the database and config a command works on, and the one way text reaches the terminal.

Expected problems print a clear message and exit non-zero (2 for bad input, 1 for
anything else we understand); unexpected ones are logged without personal data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# This module is loaded at every start, the TUI's too: what it reaches below is imported
# inside the functions (session, config, jpdate and render: 1.1-1.5 s more under load,
# against 190-270 ms for the start itself; perf_counter, 5 runs). test_launch holds it.

EXIT_OK, EXIT_FAIL, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 70


class UserError(Exception):
    """A problem the user can fix; printed as-is."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


class Parser(argparse.ArgumentParser):
    """argparse without prefix matching: ``--a`` is not ``--as``, ``--d`` is not ``--db``.

    Every parser of the CLI is one of these (subparsers inherit the class), so an
    abbreviation can never slip an option past the SSH forced-command checks.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)


# --------------------------------------------------------------------------- helpers
def _config():
    from inspect_tui.services.config import load_config

    return load_config()


def _db_path(args: argparse.Namespace) -> Path:
    from inspect_tui.system.paths import default_db_path

    return Path(args.db).expanduser() if getattr(args, "db", None) else default_db_path()


def _session(args: argparse.Namespace, *, create: bool = False):
    from inspect_tui.services.session import open_session

    path = _db_path(args)
    if not create and not path.exists():
        raise UserError(
            f"データベースがありません: {path}\n"
            "  inspect-tui import cases FILE.csv --db PATH で作るか、--db で既存のファイルを指定してください",
            EXIT_FAIL,
        )
    return open_session(path, _config(), create=create)


def _date(text: str):
    from inspect_tui.core.jpdate import DateError, parse_date

    try:
        return parse_date(text)
    except DateError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _write(text: str, stream=None) -> None:
    """The one way text reaches the terminal: control characters from the data (an ESC
    in a case number) are shown as escapes, never sent to the terminal as they are."""
    from inspect_tui.core.text import printable

    (stream or sys.stdout).write(printable(text, multiline=True))


def _out(text: str) -> None:
    _write(text if text.endswith("\n") else text + "\n")


def out_table(headers: list[str], rows: list[list[str]], plain: str) -> None:
    """A list of records: a rich table (columns by display width, so Japanese labels line
    up) when standard output is a terminal; ``plain``, byte for byte, into a pipe or file."""
    if not sys.stdout.isatty():
        _out(plain)
        return
    # deferred: rich.table is 35-100 ms at start-up (python -X importtime); pipes never need it
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from inspect_tui.core.text import printable

    table = Table(*headers, box=None, header_style="bold", pad_edge=False)
    for row in rows:
        table.add_row(*(Text(printable(cell)) for cell in row))  # Text: data is never markup
    Console(file=sys.stdout, highlight=False).print(table)


def _err(text: str) -> None:
    _write(f"inspect-tui: {text}\n", sys.stderr)


def emit(report, fmt: str, output: str | None, default_name: str) -> None:
    """The one output writer: render ``report`` in ``fmt`` and put it where the user asked.

    - no ``-o``, or ``-o -``: standard output, every format (binary ones as bytes, so a
      report reaches an SSH client: ``ssh … 'inspect-tui report kpi --format xlsx' > kpi.xlsx``);
      only a binary format with no ``-o`` while standard output is a terminal, which
      would show bytes, goes to its default file name here instead, and says where;
    - ``-o FILE``: that file; ``-o FOLDER/`` (or an existing folder): the default name in it.
    Every failure names what could not be written and why (render.output).
    """
    from inspect_tui.render.formats import render
    from inspect_tui.render.output import OutputError, resolve_output, write_output

    try:
        data = render(report, fmt)  # pdf: PdfUnavailable (an OutputError) says what to install
        if output in (None, "-"):
            if not isinstance(data, bytes):
                _write(data)
                return
            if not (output is None and sys.stdout.isatty()):
                sys.stdout.flush()
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
                return
            path = Path(default_name)
        else:
            path = resolve_output(output, default_name)
        write_output(path, data)
    except OutputError as exc:
        raise UserError(str(exc), EXIT_FAIL) from None
    _err(f"書き出しました: {path}")
