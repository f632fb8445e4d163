"""The case list's text filter: a substring of the case number, or of the applicant's name
for the roles that may see it, found without reading every case when it can be.

Over all 1M cases the plain ``case_no LIKE '%…%'`` reads every entry of the case-number
index unless matches come early, so each part of the match picks its way by what the
text is (measured at 1M in bench/results.md):

- case numbers, 3 characters or more: the trigram index (``cases_no_fts``, migration 0021)
  says how many cases match, up to ``CAP``, in a few ms. Few: the rows are those ids.
  Many (a year, "2025-"): a plain LIKE, which finds a page of them at once because
  nearly every row matches.
- case numbers, 1-2 characters of ASCII (a digit, a hyphen, a letter): a plain LIKE:
  such text is in most case numbers, so a page comes at once. (A rare one, a letter no
  number has, reads the whole index: ~60 ms at 1M; the trigram index cannot answer
  fewer than 3 characters.)
- case numbers, text with a kanji or kana (a name typed): only the case numbers holding
  such characters are read (``cases_no_wide``, usually none).
- names: the name index from its first name on (``applicant_name > ''``), so only the
  names still held are read (the purge clears them 3 months after submission).

Counts stop at ``CAP``: a filter that matches more shows 「10,000 件以上」 at once, and the
screen asks for the exact count when the typing stops (``count_cases(exact=True)``).
"""

from __future__ import annotations

import sqlite3

from inspect_tui.core.records import field, record

#: Counting stops here: past it the list says 「10,000 件以上」 until the exact count comes.
CAP = 10_000

_ESCAPE = "ESCAPE '\\'"


def like_pattern(text: str) -> str:
    """%text% with LIKE's wildcards in text escaped."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def fts_phrase(text: str) -> str:
    """text as one FTS5 phrase: its trigrams, in order, next to each other."""
    return '"' + text.replace('"', '""') + '"'


def _in_schema(conn: sqlite3.Connection, kind: str, name: str) -> bool:
    """Whether migration 0021 made this table or index here (an SQLite without trigram makes
    only the index)."""
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?", (kind, name))
    return found.fetchone() is not None


@record
class TextMatch:
    """A clause over ``cases c`` for the text, its parameters, and how it finds the rows."""

    sql: str
    params: list[object] = field(default_factory=list)
    ways: tuple[str, ...] = ()  # for tests and the benchmark: "fts", "like", "wide", "names", "row"
    phrase: str | None = None  # the case numbers' part as a trigram-index phrase, when it has one
    names_like: str | None = None  # the names' LIKE pattern (NAMES_IN), for roles that see them


def row_by_row(text: str, names: bool) -> TextMatch:
    """The match tested on each row (the rows are already few: open cases)."""
    like = like_pattern(text)
    if names:
        return TextMatch(
            f"(c.case_no LIKE ? {_ESCAPE} OR c.applicant_name LIKE ? {_ESCAPE})", [like, like], ("row",)
        )
    return TextMatch(f"c.case_no LIKE ? {_ESCAPE}", [like], ("row",))


#: (connection, phrase) -> whether few case numbers match: one page of a keystroke asks it up
#: to three times. It only picks the way to the rows (both ways find the same rows), so an
#: answer made stale by an import costs time, never a wrong list.
_FEW: dict[tuple[int, str], bool] = {}


def _few_case_numbers(conn: sqlite3.Connection, phrase: str) -> bool:
    key = (id(conn), phrase)
    few = _FEW.get(key)
    if few is None:
        found = conn.execute(
            "SELECT count(*) FROM (SELECT rowid FROM cases_no_fts WHERE cases_no_fts MATCH ? LIMIT ?)",
            (phrase, CAP + 1),
        ).fetchone()[0]
        few = found <= CAP
        if len(_FEW) >= 256:
            _FEW.clear()
        _FEW[key] = few
    return few


#: The held names matching a LIKE pattern (one parameter), from the name index's first name on.
NAMES_IN = (
    "c.id IN (SELECT id FROM cases INDEXED BY cases_applicant_name"
    f" WHERE applicant_name > '' AND applicant_name LIKE ? {_ESCAPE})"
)


def text_match(conn: sqlite3.Connection, text: str, names: bool) -> TextMatch:
    """The match over every case, each part by its cheapest way (see the module's text)."""
    like = like_pattern(text)
    parts: list[str] = []
    params: list[object] = []
    ways: list[str] = []
    phrase: str | None = None
    if len(text) >= 3 and _in_schema(conn, "table", "cases_no_fts"):
        phrase = fts_phrase(text)
        if _few_case_numbers(conn, phrase):
            parts.append("c.id IN (SELECT rowid FROM cases_no_fts WHERE cases_no_fts MATCH ?)")
            params.append(phrase)
            ways.append("fts")
        else:
            parts.append(f"c.case_no LIKE ? {_ESCAPE}")
            params.append(like)
            ways.append("like")
    elif not text.isascii() and _in_schema(conn, "index", "cases_no_wide"):
        parts.append(
            "c.id IN (SELECT id FROM cases INDEXED BY cases_no_wide"
            f" WHERE length(case_no) <> length(CAST(case_no AS BLOB)) AND case_no LIKE ? {_ESCAPE})"
        )
        params.append(like)
        ways.append("wide")
    else:
        parts.append(f"c.case_no LIKE ? {_ESCAPE}")
        params.append(like)
        ways.append("like")
    if names:
        parts.append(NAMES_IN)
        params.append(like)
        ways.append("names")
    sql = parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
    return TextMatch(sql, params, tuple(ways), phrase, like if names else None)
