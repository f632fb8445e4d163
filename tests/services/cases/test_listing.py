"""The case list: filters and sorts in SQL, one page at a time, days left for the page only."""

from __future__ import annotations

import datetime as dt

from builders import add_case, add_surveyor
from inspect_tui.services.cases.listing import CaseFilter, count_cases, fetch_page, viewer_role

D = dt.date
TODAY = D(2027, 6, 15)


def rows(s, f, role="manager", offset=0, limit=100):
    return fetch_page(s, f, TODAY, role, offset, limit)


def fill(s):
    add_surveyor(s, "S1")
    add_case(s, "N-001", D(2027, 6, 8), surveyor="S1", applicant_name="山田 花子")  # contact overdue
    add_case(s, "N-002", D(2027, 6, 10), ward="須磨区", applicant_name="佐藤 一郎")  # contact due today
    add_case(s, "N-003", D(2027, 6, 14), applicant_name="鈴木 次郎")  # soon
    add_case(s, "N-004", D(2027, 6, 15), applicant_name="田中 三郎")  # ok
    add_case(
        s,
        "N-005",
        D(2027, 5, 10),
        contacted_on=D(2027, 5, 11),
        visited_on=D(2027, 5, 12),
        submitted_on=D(2027, 5, 13),
        accepted_on=D(2027, 5, 20),
    )  # closed


def test_default_is_open_cases_by_next_deadline(session):
    fill(session)
    f = CaseFilter()
    assert count_cases(session, f, TODAY, "manager") == 4
    got = rows(session, f)
    assert [r.case_no for r in got] == ["N-001", "N-002", "N-003", "N-004"]
    assert [r.state for r in got] == ["overdue", "today", "soon", "ok"]
    assert [r.days_left for r in got] == [-2, 0, 2, 3]
    assert got[0].next_rule == "contact" and got[0].surveyor_name == "調査員S1"


def test_all_statuses_put_closed_cases_after_open_ones(session):
    fill(session)
    f = CaseFilter(status="")
    assert [r.case_no for r in rows(session, f)] == ["N-001", "N-002", "N-003", "N-004", "N-005"]
    assert rows(session, f.with_(descending=True))[0].case_no == "N-005"
    assert [r.case_no for r in rows(session, f, offset=3, limit=2)] == ["N-004", "N-005"]
    assert rows(session, f)[-1].state == "none"


def test_filters(session):
    fill(session)
    assert [r.case_no for r in rows(session, CaseFilter(deadline="overdue"))] == ["N-001"]
    assert [r.case_no for r in rows(session, CaseFilter(deadline="soon"))] == ["N-003"]
    assert [r.case_no for r in rows(session, CaseFilter(status="", deadline="none"))] == ["N-005"]
    assert [r.case_no for r in rows(session, CaseFilter(ward="須磨区"))] == ["N-002"]
    assert [r.case_no for r in rows(session, CaseFilter(surveyor="S1"))] == ["N-001"]
    assert [r.case_no for r in rows(session, CaseFilter(status="accepted"))] == ["N-005"]
    assert [r.case_no for r in rows(session, CaseFilter(text="003"))] == ["N-003"]
    assert [r.case_no for r in rows(session, CaseFilter(text="%"))] == []  # LIKE wildcards are literal


def test_sorting_by_any_column(session):
    fill(session)
    f = CaseFilter(status="", sort="case_no", descending=True)
    assert [r.case_no for r in rows(session, f)] == ["N-005", "N-004", "N-003", "N-002", "N-001"]
    f = CaseFilter(sort="ward")
    assert [r.ward for r in rows(session, f)] == sorted(r.ward for r in rows(session, f))


def test_names_only_for_roles_that_may_see_them(session):
    fill(session)
    assert viewer_role(session) == "manager"  # created the database
    assert [r.case_no for r in rows(session, CaseFilter(text="花子"))] == ["N-001"]
    assert rows(session, CaseFilter())[0].applicant_name == "山田 花子"
    assert rows(session, CaseFilter(text="花子"), role="monitor") == []
    assert rows(session, CaseFilter(), role="monitor")[0].applicant_name is None


def test_a_login_not_in_the_users_table_is_a_monitor(session):
    session.who = "someone-else"
    assert viewer_role(session) == "monitor"


def test_pages_from_the_far_end_match_pages_from_the_start(session):
    fill(session)
    for i in range(6, 30):
        add_case(session, f"N-{i:03d}", D(2027, 5, 1 + i % 28), ward=("長田区", "須磨区")[i % 2])
    for f in (
        CaseFilter(status=""),
        CaseFilter(status="", sort="case_no"),
        CaseFilter(sort="ward"),
        CaseFilter(status="", descending=True),
        CaseFilter(status="", sort="received_on", descending=True),
        CaseFilter(status="", sort="application", descending=True),
        CaseFilter(status="", sort="applicant_name"),
        CaseFilter(status="", text="N-0", descending=True),  # closed first: counted as total - open
        CaseFilter(status="", deadline="none", descending=True),
    ):
        total = count_cases(session, f, TODAY, "manager")
        whole = [r.case_no for r in rows(session, f, limit=1000)]
        assert len(whole) == total
        for offset in range(0, total, 7):
            page = [r.case_no for r in fetch_page(session, f, TODAY, "manager", offset, 7, total=total)]
            assert page == whole[offset : offset + 7], (f, offset)
            unknown = [r.case_no for r in fetch_page(session, f, TODAY, "manager", offset, 7)]
            assert unknown == page, (f, offset)  # without the total: the same page


def test_the_count_over_every_status_by_free_text_matches_the_rows(session):
    """The count for free text alone over all statuses takes the plain LIKE (the text index
    scanned once); it counts what the list shows, names only for roles that see them."""
    fill(session)
    for role in ("manager", "monitor"):
        for text in ("00", "003", "花子", "%", "N-"):
            f = CaseFilter(status="", text=text)
            assert count_cases(session, f, TODAY, role) == len(rows(session, f, role=role)), (role, text)
    # N-001 and the closed N-005 (the builder's default name), found among every status
    assert [r.case_no for r in rows(session, CaseFilter(status="", text="花子"))] == ["N-001", "N-005"]
    assert count_cases(session, CaseFilter(status="", text="花子"), TODAY, "manager") == 2
    assert count_cases(session, CaseFilter(status="", text="花子"), TODAY, "monitor") == 0


def test_an_open_cases_excluded_deadline_no_longer_orders_or_flags_it(session):
    """N-001's contact deadline is overdue; excluded (市の事由), its next deadline is its
    standard one (6/16): out of 期限超過, sorted between the contacts due 6/15 and 6/17. A
    closed case's exclusion changes nothing in the list."""
    from inspect_tui.services.cases.steps import add_deadline_exception

    fill(session)
    add_deadline_exception(session, "N-001", "contact", "exclude", "市の事由", "city")
    add_deadline_exception(session, "N-005", "standard", "exclude", "市の事由", "city")
    assert rows(session, CaseFilter(deadline="overdue")) == []
    got = rows(session, CaseFilter(status=""))
    assert [(r.case_no, r.next_rule, r.next_due) for r in got] == [
        ("N-002", "contact", D(2027, 6, 15)),
        ("N-001", "standard", D(2027, 6, 16)),  # was first: contact due 6/10, overdue
        ("N-003", "contact", D(2027, 6, 17)),
        ("N-004", "contact", D(2027, 6, 18)),
        ("N-005", None, None),
    ]


def test_the_count_and_the_first_page_read_together_are_what_each_reads_alone(session):
    from inspect_tui.services.cases.listing import count_and_first_page

    fill(session)
    filters = [
        CaseFilter(),
        CaseFilter(status=""),
        CaseFilter(status="", text="N-00"),
        CaseFilter(status="", text="山田"),
        CaseFilter(status="", descending=True),
        CaseFilter(deadline="overdue"),
        CaseFilter(text="no such case"),
    ]
    for f in filters:
        for role in ("manager", "monitor"):
            total, first = count_and_first_page(session, f, TODAY, role, 3)
            assert total == count_cases(session, f, TODAY, role), f
            assert first == fetch_page(session, f, TODAY, role, 0, 3), f
    assert count_and_first_page(session, CaseFilter(status="", text="山田"), TODAY, "monitor", 3) == (0, [])
