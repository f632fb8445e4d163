"""The review database, for the TUI tests that import it from here (tests/builders.py builds it)."""

from builders import NOW, build_review_db, session_as, solo_case_nos

build = build_review_db

__all__ = ["NOW", "build", "session_as", "solo_case_nos"]
