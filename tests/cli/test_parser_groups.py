"""A command line builds only its command's parsers: the map from command to module is the
full parser's, and a narrowed parse reads every command line as the full parser does."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from inspect_tui.cli.main import COMMAND_GROUPS, GROUPS, build_parser, command_named


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(sub.choices)


def test_the_map_names_every_command_of_the_full_parser():
    assert _commands(build_parser()) == set(COMMAND_GROUPS)
    assert set(COMMAND_GROUPS.values()) == set(GROUPS)
    for command in COMMAND_GROUPS:
        assert command in _commands(build_parser(command))


@pytest.mark.parametrize(
    "argv, command",
    [
        (["report", "monthly", "--month", "2027-05"], "report"),
        (["--db", "x.db", "report", "sla"], "report"),
        (["--as", "mona", "whoami"], "whoami"),
        (["--demo", "case", "show", "C-1"], "case"),
        (["report", "--help"], None),
        (["--version"], None),
        (["--bogus", "report"], None),  # an unknown option first: the full parser says so
        (["reprt", "monthly"], None),  # no such command: the full parser lists them
        (["rep", "monthly"], None),  # not abbreviated
        ([], None),
    ],
)
def test_the_command_a_line_names(argv, command):
    assert command_named(argv) == command


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "monthly", "--month", "2027-05", "--format", "json"],
        ["--db", "a.db", "report", "kpi", "--fy", "2027", "--db", "b.db"],
        ["case", "show", "C-1", "--db", "a.db"],
        ["import", "cases", "cases.csv", "--dry-run"],
        ["staff", "list", "--format", "json"],
        ["meeting", "add", "--kind", "internal", "--on", "2027-05-01", "--attendees", "S1"],
    ],
)
def test_a_narrowed_parse_reads_the_line_as_the_full_parser_does(argv):
    full = vars(build_parser().parse_args(argv))
    narrow = vars(build_parser(command_named(argv)).parse_args(argv))
    assert narrow == full


def test_a_bad_line_gets_the_full_parsers_message_and_exit_code():
    """A mistyped command is told the commands there are, as before the narrowing."""
    out = subprocess.run(
        [sys.executable, "-m", "inspect_tui", "reprt", "monthly"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 2 and "reprt" in out.stderr and "report" in out.stderr
    assert "Traceback" not in out.stderr


def test_the_note_kinds_offered_are_the_reports_own():
    """The parser names them without importing the report modules (their import is most of a
    report command's start); they must stay what the reports accept."""
    from inspect_tui.services.reports import kpi, monthly

    p = build_parser("report")
    [sub] = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
    [kinds] = [a for a in sub.choices["report"]._actions if isinstance(a, argparse._SubParsersAction)]
    for name, module in (("kpi-note", kpi), ("note", monthly)):
        [kind] = [a for a in kinds.choices[name]._actions if a.dest == "kind"]
        assert tuple(kind.choices) == tuple(module.NOTE_KINDS), name


def test_a_report_command_does_not_load_every_report():
    """``report monthly`` loads the monthly report's module, not the KPI's, SLA's or Pareto's."""
    code = (
        "import sys; from inspect_tui.cli.main import build_parser, command_named;"
        "a=['report','monthly','--month','2027-05']; build_parser(command_named(a)).parse_args(a);"
        "print(' '.join(m for m in ('inspect_tui.services.reports.kpi','inspect_tui.services.reports.sla',"
        "'inspect_tui.services.quality.pareto','inspect_tui.cli.quality','tabulate') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("columns", [50, 200])
def test_help_is_wrapped_to_the_terminals_width_as_argparse_would(columns):
    """Help takes its width from $COLUMNS (else the terminal, else 80) without importing
    shutil; it wraps where argparse's own formatter wraps."""
    code = (
        "import argparse, contextlib, io, sys\n"
        "from inspect_tui.cli.main import build_parser\n"
        "ours = build_parser('report').format_help()\n"
        "print('shutil' in sys.modules)\n"
        "theirs = build_parser('report')\n"
        "theirs.formatter_class = argparse.HelpFormatter\n"
        "print(ours == theirs.format_help())\n"
        "print(max(len(line) for line in ours.splitlines()))\n"
    )
    env = {"COLUMNS": str(columns), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    imported, same, widest = out.stdout.split()
    assert (imported, same) == ("False", "True"), out.stdout + out.stderr
    assert int(widest) <= columns if columns < 80 else int(widest) > 80
