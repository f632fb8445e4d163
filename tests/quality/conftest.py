"""The quality form values, for tests/quality/test_tui_quality.py, which imports them from here.

The ``qs`` fixture is in tests/conftest.py; the values are built by tests/builders.py."""

from builders import complaint, incident

__all__ = ["complaint", "incident"]
