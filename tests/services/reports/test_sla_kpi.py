"""SLA achievement and KGI/KPI tables on hand-built cases; indicator files validated strictly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from builders import add_case, add_surveyor, d, exclude
from inspect_tui.core.metrics import parse_period
from inspect_tui.core.records import replace
from inspect_tui.render.formats import render
from inspect_tui.services.reports.indicators import IndicatorFileError, load_kpi, load_sla
from inspect_tui.services.reports.kpi import KpiInputError, build_kpi, set_kpi_actual
from inspect_tui.services.reports.sla import build_sla


@pytest.fixture
def q1(session):
    """FY2027 Q1 (April-June 2027). Deadlines:
    P1 rcv 4/5: contact 4/8, standard 4/13, target20 4/25
    P2, P3 rcv 5/10: contact 5/13, standard 5/18, target20 5/30
    P4 rcv 6/1: contact 6/4, standard 6/9, target20 6/21
    """
    s = session
    ids = {}
    # P1: contact late (4/9 > 4/8), submitted on the standard deadline 4/13.
    ids["P1"] = add_case(
        s,
        received_on="2027-04-05",
        contacted_on="2027-04-09",
        visited_on="2027-04-12",
        submitted_on="2027-04-13",
    )
    # P2: contact deadline excluded, city-caused; cancelled 5/14 (before standard/target20 deadlines).
    ids["P2"] = add_case(s, received_on="2027-05-10", cancelled_on="2027-05-14")
    exclude(s, ids["P2"], "contact", "city")
    # P3: the same, but the applicant's reasons.
    ids["P3"] = add_case(s, received_on="2027-05-10", cancelled_on="2027-05-14")
    exclude(s, ids["P3"], "contact", "applicant")
    # P4: contact on the day (6/4), submitted 6/10: a day after the standard deadline 6/9.
    ids["P4"] = add_case(
        s,
        received_on="2027-06-01",
        contacted_on="2027-06-04",
        visited_on="2027-06-07",
        submitted_on="2027-06-10",
    )
    return ids


def test_sla_quarter(session, q1):
    r = build_sla(session, parse_period("2027Q1"), d("2027-07-10"))
    by_id = {x.indicator.id: x for x in r.results}
    c = by_id["late_contact"]
    # late: P1 only; excluded: P2 (city) and P3 (applicant)
    assert c.actual.value == 1 and c.achieved is False
    assert c.actual.components["excluded"] == 2 and c.actual.components["excluded_city"] == 1
    st = by_id["late_standard"]
    # late: P4 (6/10 > 6/9); P1 on the deadline; P2 and P3 cancelled before 5/18
    assert st.actual.value == 1 and st.achieved is False and st.actual.components["excluded"] == 2
    t20 = by_id["late_target20"]
    assert t20.actual.value == 0 and t20.achieved is True
    # post-submission corrections come from the review feature's 'post' checks: none here, a real 0
    assert by_id["corrections"].actual.value == 0 and by_id["corrections"].achieved is True
    # complaints and incidents are recorded (quality feature), none this quarter: a real 0
    for ident in ("privacy_incidents", "complaints"):
        assert by_id[ident].actual.value == 0 and by_id[ident].achieved is True
    # complaints are monthly: three months in the quarter
    assert [u.period.key for u in by_id["complaints"].units] == ["2027-04", "2027-05", "2027-06"]
    assert r.excluded_city_cases["contact"] == [q1["P2"]]
    text = render(r, "text")
    assert "未集計" not in text  # every shipped SLA indicator has a source now
    assert q1["P2"] in text and q1["P3"] not in text.split("除外した市の事由")[1]


def test_sla_fiscal_year_judges_each_quarter(session, q1):
    r = build_sla(session, parse_period("FY2027"), d("2027-07-10"))
    c = next(x for x in r.results if x.indicator.id == "late_contact")
    assert [u.period.key for u in c.units] == ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
    # Q1 judged (1 late: not achieved), Q2 running with no deadlines yet (0 late: achieved so far),
    # Q3, Q4 not started
    assert [u.achieved for u in c.units] == [False, True, None, None]
    assert c.units[1].running and c.units[2].value is None
    j = r.to_json()
    assert j["period"] == "FY2027" and j["start"] == "2027-04-01" and j["end"] == "2028-03-31"


def test_sla_month_of_a_quarterly_indicator(session, q1):
    r = build_sla(session, parse_period("2027-04"), d("2027-07-10"))
    c = next(x for x in r.results if x.indicator.id == "late_contact")
    assert c.partial_cycle and c.actual.value == 1  # P1 in April


KPI_TOML = """
[[indicator]]
id = "accepted"
level = "KGI"
name = "履行件数"
metric = "accepted"
direction = "higher"
targets = { 2027 = 4, FY2028 = 5 }

[[indicator]]
id = "late_contact"
level = "KPI"
name = "連絡の遅延"
metric = "late_contact"
direction = "lower"
targets = { 2027 = 2, 2028 = 0 }

[[indicator]]
id = "contact_rate"
level = "KPI"
name = "連絡の期限内率"
metric = "ontime_rate_contact"
direction = "higher"
cycle = "monthly"
targets = { 2027 = 90 }

[[indicator]]
id = "satisfaction"
level = "KPI"
name = "満足度"
metric = "manual"
unit = "%"
direction = "higher"
targets = { 2027 = 90, 2028 = "-" }
"""


@pytest.fixture
def kpi_session(session, tmp_path):
    path = tmp_path / "kpi.toml"
    path.write_text(KPI_TOML, encoding="utf-8")
    session.config = replace(session.config, kpi_file=path)
    s = session
    # K4: received in FY2026 (contact deadline 3/30 in FY2026), accepted 2027-04-02 (FY2027)
    add_case(
        s,
        received_on="2027-03-25",
        contacted_on="2027-03-26",
        visited_on="2027-03-29",
        submitted_on="2027-03-30",
        accepted_on="2027-04-02",
    )
    # K1: contact due 4/8, contacted 4/9 (late); accepted 4/30
    add_case(
        s,
        received_on="2027-04-05",
        contacted_on="2027-04-09",
        visited_on="2027-04-12",
        submitted_on="2027-04-13",
        accepted_on="2027-04-30",
    )
    # K2: contact due 6/4, on the day; accepted 6/20
    add_case(
        s,
        received_on="2027-06-01",
        contacted_on="2027-06-04",
        visited_on="2027-06-07",
        submitted_on="2027-06-10",
        accepted_on="2027-06-20",
    )
    # K3: received Wed 2028-03-01, contact due Mon 3/6, on the day; accepted 3/31 (still FY2027)
    add_case(
        s,
        received_on="2028-03-01",
        contacted_on="2028-03-06",
        visited_on="2028-03-08",
        submitted_on="2028-03-10",
        accepted_on="2028-03-31",
    )
    return s


def test_kpi_year_table(kpi_session):
    set_kpi_actual(kpi_session, "satisfaction", 2027, "87.5")
    r = build_kpi(kpi_session, 2027, d("2028-04-10"))
    assert r.years == [2027, 2028]
    rows = {x.indicator.id: {c.fy: c for c in x.years} for x in r.rows}
    acc = rows["accepted"]
    # accepted in FY2027: K4 (4/2), K1, K2, K3 (3/31) = 4 of target 4 -> 100.0%
    assert acc[2027].actual == 4 and acc[2027].achievement.text() == "100.0%"
    # FY2028 has begun (4/1) and is running: 0 so far, 0.0%
    assert acc[2028].actual == 0 and acc[2028].running and acc[2028].achievement.text() == "0.0%"
    late = rows["late_contact"]
    # late contacts with a deadline in FY2027: K1 only; lower is better: 2 ÷ 1 = 200.0%
    assert late[2027].actual == 1 and late[2027].achievement.text() == "200.0%"
    # FY2028 target 0, no late so far: 達成
    assert late[2028].achievement.text() == "達成"
    rate = rows["contact_rate"]
    # on time K2, K3 of K1 K2 K3: 66.7%; ÷ 90 = 74.1%
    assert rate[2027].actual == Decimal("66.7") and rate[2027].achievement.text() == "74.1%"
    assert rate[2028].target is None and rate[2028].achievement.text() == "－"
    sat = rows["satisfaction"]
    # hand-entered 87.5 ÷ 90 = 97.2%; FY2028 not entered
    assert sat[2027].actual == Decimal("87.5") and sat[2027].achievement.text() == "97.2%"
    assert sat[2028].status == "manual_empty"


def test_kpi_monthly_marks(kpi_session):
    r = build_kpi(kpi_session, 2027, d("2028-04-10"))
    rate = next(x for x in r.rows if x.indicator.id == "contact_rate")
    marks = {u.period.key: (u.actual, u.achieved, u.status) for u in rate.units}
    assert marks["2027-04"] == (Decimal("0.0"), False, "ok")  # K1 late
    assert marks["2027-05"] == (None, None, "none")  # no contact deadline in May
    assert marks["2027-06"] == (Decimal("100.0"), True, "ok")  # K2
    assert marks["2028-03"] == (Decimal("100.0"), True, "ok")  # K3
    text = render(r, "text")
    assert "達成" in text and "未達" in text and "○" not in text and "×" not in text
    assert "令和9年度" in text and "令和10年度" in text
    html = render(r, "html")
    assert "○" in html and "×" in html


def test_kpi_future_year_and_reiwa_labels(kpi_session):
    r = build_kpi(kpi_session, 2027, d("2027-06-15"))
    acc = next(x for x in r.rows if x.indicator.id == "accepted")
    assert acc.years[1].status == "future"  # FY2028 has not begun
    j = r.to_json()
    assert j["fy_label"] == "令和9年度（2027年度）"
    assert j["indicators"][0]["years"]["2027"]["target"] == 4


def test_kpi_set_refuses_computed_and_bad_values(kpi_session):
    with pytest.raises(KpiInputError, match="データから計算"):
        set_kpi_actual(kpi_session, "accepted", 2027, "10")
    with pytest.raises(KpiInputError, match="数値ではありません"):
        set_kpi_actual(kpi_session, "satisfaction", 2027, "abc")
    with pytest.raises(KpiInputError, match="ありません"):
        set_kpi_actual(kpi_session, "nope", 2027, "1")
    set_kpi_actual(kpi_session, "satisfaction", 2027, "88%")
    set_kpi_actual(kpi_session, "satisfaction", 2027, "-")  # clears
    r = build_kpi(kpi_session, 2027, d("2028-04-10"))
    sat = next(x for x in r.rows if x.indicator.id == "satisfaction")
    assert sat.years[0].status == "manual_empty"


def test_shipped_indicator_files_load():
    sla = load_sla()
    assert {i.level for i in sla} == {"必達", "ベストエフォート"}
    assert next(i for i in sla if i.metric == "privacy_incidents").level == "必達"
    kpi = load_kpi()
    acc = next(i for i in kpi if i.id == "accepted")
    assert acc.targets == {2027: 14550, 2028: 14650, 2029: 14850}  # seed 001 §13


@pytest.mark.parametrize(
    "body, message",
    [
        (
            'id = "x"\nname = "n"\nmetric = "late_contact"\ncomparator = "=="\ntarget = 0\n'
            'cycle = "monthly"\nlevel = "必達"',
            "comparator",
        ),
        (
            'id = "x"\nname = "n"\nmetric = "nope"\ncomparator = "="\ntarget = 0\n'
            'cycle = "monthly"\nlevel = "必達"',
            "知らない指標",
        ),
        (
            'id = "x"\nname = "n"\nmetric = "late_contact"\ncomparator = "="\ntarget = -1\n'
            'cycle = "monthly"\nlevel = "必達"',
            "0以上",
        ),
        (
            'id = "x"\nname = "n"\nmetric = "late_contact"\ncomparator = "="\ntarget = 0\n'
            'cycle = "weekly"\nlevel = "必達"',
            "cycle",
        ),
        (
            'id = "x"\nname = "n"\nmetric = "late_contact"\ncomparator = "="\ntarget = 0\n'
            'cycle = "monthly"\nlevel = "努力"',
            "level",
        ),
        (
            'id = "x"\nname = "n"\nmetric = "late_contact"\ncomparator = "="\ntarget = 0\n'
            'cycle = "monthly"\nlevel = "必達"\ncolour = "red"',
            "知らないキー",
        ),
        (
            'id = "x"\nname = "n"\nmetric = "late_contact"\ncomparator = "="\n'
            'cycle = "monthly"\nlevel = "必達"',
            "target がありません",
        ),
    ],
)
def test_sla_file_errors_name_file_line_and_key(tmp_path, body, message):
    path = tmp_path / "sla.toml"
    path.write_text("# test\n[[indicator]]\n" + body + "\n", encoding="utf-8")
    with pytest.raises(IndicatorFileError) as exc:
        load_sla(path)
    text = str(exc.value)
    assert str(path) in text and message in text
    assert f"{path}:" in text and "indicator[1]" in text


def test_sla_file_line_numbers(tmp_path):
    path = tmp_path / "sla.toml"
    ok = (
        '[[indicator]]\nid = "a"\nname = "n"\nmetric = "late_contact"\ncomparator = "="\ntarget = 0\n'
        'cycle = "monthly"\nlevel = "必達"\n'
    )
    path.write_text(ok + ok.replace('"a"', '"b"').replace('"monthly"', '"yearly"'), encoding="utf-8")
    with pytest.raises(IndicatorFileError) as exc:
        load_sla(path)
    assert f"{path}:15: indicator[2].cycle（b）" in str(exc.value)  # line 15 = cycle of the 2nd table


def test_duplicate_ids_and_empty_file(tmp_path):
    path = tmp_path / "kpi.toml"
    one = (
        '[[indicator]]\nid = "a"\nlevel = "KPI"\nname = "n"\nmetric = "accepted"\ndirection = "higher"\n'
        "targets = { 2027 = 1 }\n"
    )
    path.write_text(one + one, encoding="utf-8")
    with pytest.raises(IndicatorFileError, match="重複"):
        load_kpi(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(IndicatorFileError, match="1つ以上"):
        load_kpi(path)
    path.write_text(one.replace("= 1 }", '= "many" }'), encoding="utf-8")
    with pytest.raises(IndicatorFileError, match="数値ではありません"):
        load_kpi(path)
    path.write_text(one.replace('"accepted"', '"late_contact"') + 'cycle = "monthly"\n', encoding="utf-8")
    with pytest.raises(IndicatorFileError, match="unit_target"):
        load_kpi(path)


def _complaint(s, at: str, city: int = 0) -> None:
    s.db.conn.execute(
        "INSERT INTO complaints (received_at, complainant, handled_by, ward, category, content, city_caused,"
        " recorded_at, who) VALUES (?, '家族', 'x', '長田区', '接遇・態度', '…', ?, ?, 'x')",
        (at, city, at),
    )


def _incident(s, at: str, kind: str, city: int = 0) -> None:
    s.db.conn.execute(
        "INSERT INTO incidents (kind, occurred_at, ward, what_happened, cause_category, city_caused,"
        " recorded_at, who) VALUES (?, ?, '長田区', '…', '確認不足', ?, ?, 'x')",
        (kind, at, city, at),
    )


def test_sla_complaints_and_incidents_from_the_quality_records(session):
    # April: 6 complaints (one over the limit of 5); May: 5 plus one the city caused (left out);
    # June: one on 6/30 at 23:59, after the as-of date 6/29 (not yet counted).
    for day in range(1, 7):
        _complaint(session, f"2027-04-{day:02d} 10:00")
    for day in range(1, 6):
        _complaint(session, f"2027-05-{day:02d} 09:30")
    _complaint(session, "2027-05-20 15:00", city=1)
    _complaint(session, "2027-06-30 23:59")
    _incident(session, "2027-05-02 11:00", "security")  # a personal-data incident
    _incident(session, "2027-05-03 11:00", "incident")
    r = build_sla(session, parse_period("2027Q1"), d("2027-06-29"))
    by_id = {x.indicator.id: x for x in r.results}
    c = by_id["complaints"]
    assert [(u.value.value, u.achieved) for u in c.units] == [(6, False), (5, True), (0, True)]
    assert c.actual.value == 11 and c.achieved is False
    assert c.actual.components["excluded_city"] == 1
    p = by_id["privacy_incidents"]
    assert p.actual.value == 1 and p.achieved is False and p.indicator.level == "必達"


def test_post_submission_checks_count_as_corrections(session, q1):
    conn = session.db.conn
    add_surveyor(session, "S1", "", name="甲", placed_on=None)
    add_surveyor(session, "C1", "", name="乙", placed_on=None, chief=True)
    case_id = conn.execute("SELECT id FROM cases WHERE case_no = ?", (q1["P4"],)).fetchone()[0]
    row = (
        "INSERT INTO review_checks (case_id, surveyor, inspector, kind, post_source, state, checked_on,"
        " created_at, updated_at, who) VALUES (?, 'S1', 'C1', ?, ?, ?, ?, 'x', 'x', 'tester')"
    )
    conn.execute(row, (case_id, "post", "return", "done", "2027-06-20"))  # counted: a returned form
    conn.execute(row, (case_id, "post", "query", "draft", "2027-06-21"))  # a draft: not yet counted
    conn.execute(row, (case_id, "routine", None, "done", "2027-06-22"))  # an ordinary inspection: not one
    conn.execute(row, (case_id, "post", "resurvey", "done", "2027-07-02"))  # outside the quarter
    r = build_sla(session, parse_period("2027Q1"), d("2027-07-10"))
    corrections = next(x for x in r.results if x.indicator.id == "corrections")
    assert corrections.actual.value == 1 and corrections.achieved is False
