"""The CLI tests run the command line in-process (the trust tests' fixture)."""

from trust.conftest import cli  # noqa: F401
