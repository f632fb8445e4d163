"""Free-text options of the command line (--note, --reason, --content, …): personal data
typed into them.

What looks like personal data (services.free_text) is printed on stderr and the
text is saved as typed, exit 0, as the screens do after asking: a chief may be
quoting a 10-digit rule number, and a script cannot answer a question.
``--strict`` refuses instead (exit 2, nothing written), for scripts that feed text
from elsewhere and would rather stop than save a number by mistake.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

from inspect_tui.cli.common import UserError

# Services are imported inside the commands: every command loads this module, and importing
# all the services the commands use costs 380-550 ms on top of the parser's 150-240 ms
# (perf_counter after build_parser(), 5 runs); a command pays only for its own. The free-text
# checks too (services.trust.free_text): a report command registers --strict for its notes
# and never checks a text.


def add_strict_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--strict",
        action="store_true",
        help="自由記述の欄に個人情報のような文字（10桁の番号・生年月日・申請者の氏名など）があれば"
        "保存しない（終了コード 2）",
    )


def check(args: argparse.Namespace, fields: Mapping[str, str | None], known=None) -> list:
    """Warnings for the free-text options (label -> text); with --strict, refuse before writing."""
    from inspect_tui.services.trust.free_text import NOTHING, field_warnings

    return guard(args, field_warnings(fields, known or NOTHING))


def guard(args: argparse.Namespace, warnings: list) -> list:
    """--strict and something looks like personal data: refuse (exit 2, nothing written)."""
    from inspect_tui.services.trust.free_text import ADVICE, warnings_text

    if warnings and getattr(args, "strict", False):
        head = f"個人情報のような文字があるので保存していません（--strict。{ADVICE}）:"
        raise UserError(head + "\n" + warnings_text(warnings))
    return warnings


def report(warnings: list) -> None:
    """After saving: say on stderr what looked like personal data (kinds and fields, never values)."""
    from inspect_tui.services.trust.free_text import ADVICE, warnings_text

    if warnings:
        print(
            f"inspect-tui: 注意: 個人情報のような文字があります（そのまま保存しました。{ADVICE}）:\n"
            + warnings_text(warnings),
            file=sys.stderr,
        )
