"""Smoke test on the demo database (today 2027-06-15): every report in every format,
no personal data anywhere, and the SQL figures equal a case-by-case recount in Python
with core.metrics.deadline_outcome."""

from __future__ import annotations

import datetime as dt

import pytest

from inspect_tui.core.metrics import deadline_outcome, parse_month, parse_period
from inspect_tui.render.formats import render
from inspect_tui.services.config import Config
from inspect_tui.services.reports.kpi import build_kpi
from inspect_tui.services.reports.monthly import build_monthly
from inspect_tui.services.reports.sla import build_sla
from inspect_tui.services.session import open_session
from pdftext import as_text, formats_here

AS_OF = dt.date(2027, 6, 15)


@pytest.fixture
def demo(demo_db):
    s = open_session(demo_db, Config(unit_price_home=7777, unit_price_other=8888))
    yield s
    s.close()


def _as_text(out: str | bytes) -> str:
    return as_text(out)  # xlsx by its XML parts, pdf by pdftotext


def test_every_report_every_format_without_personal_data(demo):
    personal = set()
    for name, insured in demo.db.conn.execute(
        "SELECT applicant_name, insured_no FROM cases WHERE applicant_name IS NOT NULL LIMIT 300"
    ):
        personal.update(x for x in (name, insured) if x and len(x) >= 4)
    assert personal, "the demo has applicants"
    reports = [
        build_monthly(demo, parse_month("2027-05"), AS_OF),
        build_sla(demo, parse_period("2027Q1"), AS_OF),
        build_sla(demo, parse_period("FY2026"), AS_OF),
        build_kpi(demo, 2026, AS_OF),
    ]
    for report in reports:
        for fmt in formats_here():
            text = _as_text(render(report, fmt))
            leaked = [p for p in personal if p in text]
            assert not leaked, (type(report).__name__, fmt, leaked[:3])


def _recount(s, month, as_of):
    """The monthly deadline blocks recomputed in Python, one case at a time."""
    conn = s.db.conn
    excluded = {
        (r[0], r[1])
        for r in conn.execute("SELECT case_id, rule FROM deadline_exceptions WHERE kind = 'exclude'")
    }
    done_col = {"contact": "contacted_on", "standard": "submitted_on", "target20": "submitted_on"}
    out = {}
    f = lambda v: dt.date.fromisoformat(v) if v else None  # noqa: E731
    for rule, col in done_col.items():
        counts = {"on_time": 0, "late": 0, "pending": 0, "excluded": 0}
        for row in conn.execute(
            f"SELECT id, {rule}_due AS due, {col} AS done, cancelled_on, returned_on FROM cases"
            f" WHERE {rule}_due BETWEEN ? AND ?",
            (month.start.isoformat(), month.end.isoformat()),
        ):
            o = deadline_outcome(
                f(row["due"]),
                f(row["done"]),
                as_of,
                cancelled_on=f(row["cancelled_on"]),
                returned_on=f(row["returned_on"]),
                exception_excluded=(row["id"], rule) in excluded,
            )
            counts[o] += 1
        counts["due"] = counts["on_time"] + counts["late"] + counts["pending"]
        out[rule] = counts
    return out


@pytest.mark.parametrize(
    "month, as_of",
    [("2027-05", AS_OF), ("2027-06", AS_OF), ("2026-12", AS_OF), ("2027-05", dt.date(2027, 5, 20))],
)
def test_sql_equals_a_python_recount_on_the_demo(demo, month, as_of):
    m = parse_month(month)
    j = build_monthly(demo, m, as_of, readable=False).to_json()
    expected = _recount(demo, m, as_of)
    for rule, block in j["deadlines"].items():
        assert block == {k: expected[rule][k] for k in block}, rule
    b = j["billing"]
    assert b["home"]["count"] == j["counts"]["accepted_home"]
    assert b["home"]["count"] + b["other"]["count"] == j["counts"]["accepted"]
    assert b["home"]["total"] == b["home"]["subtotal"] * 110 // 100
    assert b["unit_price"] == {"home": 7777, "other": 8888}


def test_terminal_text_has_no_ambiguous_width_characters(demo):
    """○ × ■ ≦ § … draw one or two columns depending on the terminal; text output avoids them."""
    import unicodedata

    for report in (
        build_monthly(demo, parse_month("2027-05"), AS_OF),
        build_sla(demo, parse_period("FY2027"), AS_OF),
        build_kpi(demo, 2027, AS_OF),
    ):
        text = render(report, "text")
        bad = sorted({ch for ch in text if unicodedata.east_asian_width(ch) == "A"})
        assert not bad, (type(report).__name__, bad)
