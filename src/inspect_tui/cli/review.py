"""``inspect-tui guidance``: the guidance completion report (指導終了報告) of a new surveyor.

The same report as ``inspect-tui report guidance``: its options, its period (the
surveyor) and its builder come from the report registry (services/reports/registry.py).
Registered by cli.main.build_parser. Imports nothing heavy until the command runs.
"""

from __future__ import annotations

import argparse

from inspect_tui.cli.reports import add_kind_arguments, run_report
from inspect_tui.services.reports.registry import kind

# Services are imported inside the commands: every command loads this module, and importing
# all the services the commands use costs 380-550 ms on top of the parser's 150-240 ms
# (perf_counter after build_parser(), 5 runs); a command pays only for its own.


def cmd_guidance(args: argparse.Namespace) -> int:

    return run_report("guidance", args)


GUIDANCE_HELP = "新規調査員の指導終了報告（1〜10件目の重点チェック記録）"


def add_guidance_arguments(g: argparse.ArgumentParser) -> None:
    """The guidance options; also for an alias such as ``report guidance`` (then set func=cmd_guidance)."""

    add_kind_arguments(g, "guidance")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:

    g = sub.add_parser(
        "guidance", parents=[common], help=GUIDANCE_HELP, description=kind("guidance").description
    )
    add_guidance_arguments(g)
    g.set_defaults(func=cmd_guidance)
