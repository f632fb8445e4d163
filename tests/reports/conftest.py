"""For tests/reports/test_screen.py, which imports add_case from here (tests/builders.py has it)."""

from builders import add_case

__all__ = ["add_case"]
