"""Report subcommands (``inspect-tui report …``); registered by cli.build_parser."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``report`` command and its kinds. Filled in by the reports feature."""
