"""The README's two set-up commands are the ones that work: CI runs the second verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text.split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", head)


def test_readme_opens_with_exactly_two_commands():
    cmds = setup_commands()
    assert len(cmds) == 2
    assert "--demo" in cmds[0]
    assert "pytest" in cmds[1] and "[test]" in cmds[1]
    assert all("constraints.txt" in c for c in cmds)


def test_ci_runs_the_second_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert setup_commands()[1] in ci.splitlines()


def test_every_command_is_in_the_readme():
    from inspect_tui.cli.main import build_parser

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    subs = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name in subs.choices:
        assert f"inspect-tui {name}" in text, f"README does not show `inspect-tui {name}`"
