"""inspect-tui: survey supervision for care-certification contractors.

Kept tiny on purpose: importing the package must not pull in Textual, Rich or
SQLite helpers, so the CLI and the first screen start fast.
"""

__version__ = "0.1.0"
