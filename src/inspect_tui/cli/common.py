"""What every command shares: exit codes, the error users can fix, the one parser class,
the database and config a command works on, and the one way text reaches the terminal.

Expected problems print a clear message and exit non-zero (2 for bad input, 1 for
anything else we understand); unexpected ones are logged without personal data.
"""

from __future__ import annotations

import argparse
import os
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


def terminal_columns() -> int:
    """The width help is wrapped to, read as ``shutil.get_terminal_size`` reads it: $COLUMNS,
    else the terminal of stdout, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):  # no stdout, closed, not a terminal
            columns = 0
    return columns or 80


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help, without its import of shutil (and of bz2, lzma, fnmatch with it):
    argparse builds a formatter at every ``add_argument`` to check the metavar, and shutil
    was 1.5-2 ms of a report's start (-X importtime) for the terminal's width alone."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width=None) -> None:
        # argparse leaves two columns free when it reads the width itself
        super().__init__(
            prog, indent_increment, max_help_position, terminal_columns() - 2 if width is None else width
        )


class Parser(argparse.ArgumentParser):
    """argparse without prefix matching: ``--a`` is not ``--as``, ``--d`` is not ``--db``.

    Every parser of the CLI is one of these (subparsers inherit the class), so an
    abbreviation can never slip an option past the SSH forced-command checks.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs["allow_abbrev"] = False
        kwargs.setdefault("formatter_class", HelpFormatter)
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


def row_id(text: str) -> int:
    """A record number (complaint, incident, problem, meeting, training) as argparse reads it
    (SQLite keeps 64-bit ids: a larger number is refused, never an OverflowError)."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"「{text.strip()[:20]}」は番号ではありません") from None
    if value < 1:
        raise argparse.ArgumentTypeError("番号は 1 以上です")
    if value >= 2**63:
        raise argparse.ArgumentTypeError("番号が大きすぎます（そのような番号はありません）")
    return value


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

    table = Table(box=None, header_style="bold", pad_edge=False)
    for h in headers:  # a narrow terminal folds a cell onto the next line, never hides its end
        table.add_column(h, overflow="fold")
    for row in rows:
        table.add_row(*(Text(printable(cell)) for cell in row))  # Text: data is never markup
    Console(file=sys.stdout, highlight=False).print(table)


def _err(text: str) -> None:
    _write(f"inspect-tui: {text}\n", sys.stderr)


def emit(report, fmt: str, output: str | None, default_name: str, *, remote: bool = False) -> None:
    """The one output writer: render ``report`` in ``fmt`` and put it where
    ``render.output.destination`` says (standard output for every format, binary ones
    too, unless a binary one would reach a terminal; or the file ``-o`` names).

    ``remote``: asked for over SSH (cli.trust), so never a file on the server.
    Nothing is written until the whole report is rendered; a file appears whole
    or not at all, 0600. Every failure names what could not be written and why.
    """
    from inspect_tui.render.formats import is_binary, render
    from inspect_tui.render.output import OutputError, destination, write_output

    try:
        path = destination(
            output, default_name, binary=is_binary(fmt), to_terminal=sys.stdout.isatty(), remote=remote
        )
        data = render(report, fmt)  # pdf: PdfUnavailable (an OutputError) says what to install
        if path is None:
            if isinstance(data, bytes):
                sys.stdout.flush()
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            else:
                _write(data)
            return
        write_output(path, data)
    except OutputError as exc:
        raise UserError(str(exc), EXIT_BAD_INPUT if exc.bad_input else EXIT_FAIL) from None
    _err(f"書き出しました: {path}")
