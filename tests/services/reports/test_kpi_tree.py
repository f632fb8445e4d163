"""The KGI/KPI table as seeds 003 and 004 print it: the tree, targets relative to the previous
year, compound and cumulative targets, the evaluation text; every figure worked out by hand."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from builders import add_login
from inspect_tui.core.records import replace
from inspect_tui.render.formats import render
from inspect_tui.services.reports.indicators import IndicatorFileError, load_kpi
from inspect_tui.services.reports.kpi import (
    KpiInputError,
    build_kpi,
    get_kpi_note,
    set_kpi_actual,
    set_kpi_note,
)

EXAMPLES = Path(__file__).resolve().parents[3] / "data" / "examples"
D = Decimal


def _use(session, path: Path):
    session.config = replace(session.config, kpi_file=path)
    return session


def _row(report, ident):
    return next(r for r in report.rows if r.indicator.id == ident)


def _year(report, ident, fy):
    return next(c for c in _row(report, ident).years if c.fy == fy)


def _as_of(fy: int):
    import datetime as dt

    return dt.date(fy + 1, 5, 1)  # the year is over


# --------------------------------------------------------------------------- seed 004's shapes


@pytest.fixture
def seed004(session):
    s = _use(session, EXAMPLES / "kpi_seed004.toml")
    for ident, fy, value in (
        ("assessment_rate", 2020, "0.320"),
        ("assessment_rate", 2021, "0.331"),
        ("multi_site", 2020, "1.20"),
        ("multi_site", 2021, "1.10"),
        ("generic_share", 2020, "81.5"),
        ("generic_share", 2021, "81.2"),
        ("mail_rate", 2021, "96.2"),
        ("single_bid", 2021, "25.0"),
    ):
        set_kpi_actual(s, ident, fy, value)
    return s


def test_relative_targets_take_the_previous_years_actual(seed004):
    r = build_kpi(seed004, 2021, _as_of(2021))
    # 査定率 対前年度以上: target = 2020's 0.320; 0.331 / 0.320 = 103.4375 -> 103.4%
    c = _year(r, "assessment_rate", 2021)
    assert (c.target, c.target_from, c.achievement.percent, c.achievement.achieved) == (
        D("0.320"),
        "previous",
        D("103.4"),
        True,
    )
    # 3部位以上 対前年度以下 (lower is better): 1.20 / 1.10 = 109.09 -> 109.1%, achieved
    c = _year(r, "multi_site", 2021)
    assert (c.target, c.achievement.percent, c.achievement.achieved) == (D("1.20"), D("109.1"), True)
    # the first year has no previous actual: no target, no achievement
    first = _year(r, "assessment_rate", 2020)
    assert (first.target, first.target_from, first.achievement.text()) == (None, "no_previous", "－")


def test_compound_target_is_the_stricter_of_the_number_and_last_year(seed004):
    r = build_kpi(seed004, 2021, _as_of(2021))
    # 80以上かつ対前年度以上: 2020 was 81.5 (above 80), so 2021's target is 81.5;
    # 81.2 / 81.5 = 99.63 -> 99.6%, not achieved
    c = _year(r, "generic_share", 2021)
    assert (c.target, c.achievement.percent, c.achievement.achieved) == (D("81.5"), D("99.6"), False)
    # in 2020 (no 2019 actual) the number alone: 81.5 / 80 = 101.875 -> 101.9%
    c = _year(r, "generic_share", 2020)
    assert (c.target, c.target_from, c.achievement.percent) == (D("80"), "no_previous", D("101.9"))


def test_compound_target_below_the_number_keeps_the_number(seed004):
    set_kpi_actual(seed004, "generic_share", 2020, "78.0")
    set_kpi_actual(seed004, "generic_share", 2021, "79.0")
    c = _year(build_kpi(seed004, 2021, _as_of(2021)), "generic_share", 2021)
    # max(80, 78.0) = 80; 79.0 / 80 = 98.75 -> 98.8%
    assert (c.target, c.target_from, c.achievement.percent) == (D("80"), "", D("98.8"))


def test_fixed_targets_higher_and_lower(seed004):
    r = build_kpi(seed004, 2021, _as_of(2021))
    assert _year(r, "mail_rate", 2021).achievement.percent == D("101.3")  # 96.2 / 95.0 = 1.01263
    c = _year(r, "single_bid", 2021)  # 20 / 25.0 = 80.0%, above the 20% bar
    assert (c.achievement.percent, c.achievement.achieved) == (D("80.0"), False)


def test_seed004_prints_the_rules_and_the_previous_year_targets(seed004):
    r = build_kpi(seed004, 2021, _as_of(2021))
    text = render(r, "text")
    assert "0.320%（対前年度）" in text  # 2021's target came from 2020
    assert "前年度実績なし" in text  # 2020's relative target
    assert "令和3年度80%以上かつ対前年度以上" in "".join(text.split())  # (the line may wrap)
    data = json.loads(render(r, "json"))
    generic = next(i for i in data["indicators"] if i["id"] == "generic_share")
    assert generic["years"]["2021"]["target_rule"] == "80%以上かつ対前年度以上"
    assert generic["years"]["2021"]["target_from"] == "previous"
    assert generic["years"]["2021"]["target"] == 81.5


# --------------------------------------------------------------------------- seed 003's shapes


@pytest.fixture
def seed003(session):
    s = _use(session, EXAMPLES / "kpi_seed003.toml")
    for ident, fy, value in (
        ("expanded_items", 2024, "1"),
        ("expanded_items", 2025, "1"),
        ("expanded_items", 2026, "1"),
        ("benefit_items", 2024, "1"),
        ("benefit_items", 2025, "0"),
        ("benefit_items", 2026, "1"),
        ("recourse_items", 2024, "0"),
        ("recourse_items", 2026, "1"),  # 2025 never entered
        ("warning_lamps", 2024, "98.6"),
    ):
        set_kpi_actual(s, ident, fy, value)
    return s


def test_cumulative_actuals_add_up_since_the_first_year(seed003):
    r = build_kpi(seed003, 2026, _as_of(2026))
    # 拡大した項目数 (KGI): 1 + 1 + 1 = 3 against 4 -> 75.0%
    c = _year(r, "expanded_items", 2026)
    assert (c.actual, c.target, c.achievement.percent) == (D("3"), D("4"), D("75.0"))
    assert _year(r, "expanded_items", 2025).actual == D("2")  # 1 + 1, target 2: 100.0%
    assert _year(r, "expanded_items", 2025).achievement.percent == D("100.0")
    # 介護給付適正化 (KPI): 1 + 0 + 1 = 2 against 2 -> 100.0%
    assert _year(r, "benefit_items", 2026).achievement.percent == D("100.0")
    # 求償: 2025 never entered, so the sum to 2026 is unknown (未入力), not 1
    c = _year(r, "recourse_items", 2026)
    assert (c.actual, c.status) == (None, "manual_empty")


def test_the_tree_is_printed_in_order_and_indented(seed003):
    r = build_kpi(seed003, 2026, _as_of(2026))
    assert [(row.indicator.id, row.depth) for row in r.rows] == [
        ("disparity", 0),
        ("common_rules", 1),
        ("warning_lamps", 1),
        ("expanded_items", 0),
        ("benefit_items", 1),
        ("careplan_model", 2),
        ("recourse_items", 1),
    ]
    text = render(r, "text")
    assert "　　ケアプラン点検のモデル実施" in text  # two levels down: two full-width spaces
    assert "3項目（累計）" in text
    html = render(r, "html")
    assert 'colspan="3" class="group">令和8年度</th>' in html  # the year over its three columns
    assert 'rowspan="2"' in html and "size: A4 landscape" in html
    md = render(r, "md")
    assert "令和8年度 目標値" in md  # one header row: the group in front
    assert max(len(line) for line in text.splitlines()) <= 120


def test_text_of_a_wide_kpi_table_fits_80_columns(seed003):
    from inspect_tui.render.textwidth import width

    text = render(build_kpi(seed003, 2026, _as_of(2026)), "text")
    table_lines = [  # (a paragraph may hang its 。 past the edge, as every paragraph does)
        line
        for line in text.splitlines()
        if line.startswith(("区分", "--", "KGI", "KPI", "計画")) and not line.endswith("。")
    ]
    assert len(table_lines) > 30
    assert max(width(line) for line in table_lines) <= 80
    assert text.count("区分") >= 4  # one table per fiscal year (and the evaluation table)


# --------------------------------------------------------------------------- the file's rules


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('level = "KPI"\nparent = "nope"', "上にある指標の id"),
        ('level = "KGI"\nparent = "root"', "KGI の親は なし"),
        ('level = "KPI"\ncumulative = true\nunit = "%"', "割合（%）は累計できません"),
        ('level = "KPI"\ntargets = { 2027 = "対前年度以下" }', "ので「以上」です"),
        ('level = "KPI"\ntargets = { 2027 = "前年度くらい" }', "読めません"),
        ('level = "KPI"\ncumulative = "yes"', "true / false"),
    ],
)
def test_tree_and_target_mistakes_name_the_line_and_key(tmp_path, body, message):
    root = '[[indicator]]\nid = "root"\nlevel = "KGI"\nname = "親"\nmetric = "manual"\nunit = "件"\n'
    root += 'direction = "higher"\ntargets = { 2027 = 1 }\n\n'
    child = '[[indicator]]\nid = "child"\nname = "子"\nmetric = "manual"\ndirection = "higher"\n'
    lines = body.splitlines()
    if not any(line.startswith("targets") for line in lines):
        lines.append("targets = { 2027 = 1 }")
    if not any(line.startswith("unit") for line in lines):
        lines.append('unit = "件"')
    path = tmp_path / "kpi.toml"
    path.write_text(root + child + "\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(IndicatorFileError) as exc:
        load_kpi(path)
    text = str(exc.value)
    assert message in text, text
    assert f"{path}:" in text and "indicator[2]" in text


def test_a_parent_must_come_first(tmp_path):
    path = tmp_path / "kpi.toml"
    path.write_text(
        '[[indicator]]\nid = "child"\nlevel = "KPI"\nparent = "root"\nname = "子"\nmetric = "manual"\n'
        'unit = "件"\ndirection = "higher"\ntargets = { 2027 = 1 }\n\n'
        '[[indicator]]\nid = "root"\nlevel = "KGI"\nname = "親"\nmetric = "manual"\n'
        'unit = "件"\ndirection = "higher"\ntargets = { 2027 = 1 }\n',
        encoding="utf-8",
    )
    with pytest.raises(IndicatorFileError, match="親は子より前"):
        load_kpi(path)


def test_the_shipped_files_load():
    for path in (None, EXAMPLES / "kpi_seed003.toml", EXAMPLES / "kpi_seed004.toml"):
        assert load_kpi(path)
    shipped = {i.id: i for i in load_kpi()}
    assert shipped["ontime_rate_target20"].parent == "accepted"
    assert shipped["first_ten_reviews"].cumulative
    assert shipped["complaints"].previous == frozenset({2027, 2028, 2029})


# --------------------------------------------------------------------------- evaluation text


def test_the_shipped_relative_target_is_judged_from_the_data(session):
    """苦情件数 対前年度以下 on real records: 2 complaints in FY2026 and 1 in FY2027."""
    from builders import add_quality_cases
    from inspect_tui.services.quality import records as quality

    add_quality_cases(session)
    for at in ("2026-05-10 10:00", "2026-11-02 15:00", "2027-06-01 09:00"):
        quality.save_complaint(
            session,
            {"received_at": at, "complainant": "本人", "handled_by": "佐藤", "ward": "長田区",
             "category": "説明不足", "content": "説明が分かりにくい"},
        )  # fmt: skip
    c = _year(build_kpi(session, 2027), "complaints", 2027)
    # target = FY2026's 2; actual 1 so far; lower is better: 2 / 1 = 200.0%
    assert (c.target, c.actual) == (D("2"), 1)
    assert (c.achievement.percent, c.achievement.achieved) == (D("200.0"), True)


def test_evaluation_text_is_stored_printed_masked_and_cleared(session):
    set_kpi_note(session, "accepted", 2027, "self", "想定どおり。連絡は 090-1234-5678 まで")
    set_kpi_note(session, "corrections", 2027, "issues", "特記事項の書き漏れ\n研修で周知する")
    assert get_kpi_note(session, "accepted", 2027, "self").startswith("想定どおり")  # as typed
    r = build_kpi(session, 2027, _as_of(2027))
    text = render(r, "text")
    assert "想定どおり" in text and "090-1234-5678" not in text  # printed: masked
    assert "研修で周知する" in text and "（未記入）" in text
    data = json.loads(render(r, "json"))
    acc = next(i for i in data["indicators"] if i["id"] == "accepted")
    assert "090-1234-5678" not in acc["notes"]["self"] and acc["notes"]["issues"] == ""
    set_kpi_note(session, "accepted", 2027, "self", "  ")
    assert get_kpi_note(session, "accepted", 2027, "self") == ""
    with pytest.raises(KpiInputError, match="指標「nope」"):
        set_kpi_note(session, "nope", 2027, "self", "x")
    with pytest.raises(KpiInputError, match="記入欄は"):
        set_kpi_note(session, "accepted", 2027, "summary", "x")


def test_kpi_note_cli_writes_for_managers_and_shows_monitors_masked(session, db_path, cli):
    add_login(session, "mona", "monitor")
    code, out, err = cli("report", "kpi-note", "accepted", "令和9年度", "self", "順調。担当 090-1234-5678")
    assert code == 0 and "自己評価を保存しました" in out and "電話番号" in err  # warned, saved
    code, out, _ = cli("report", "kpi-note", "accepted", "R9", "self")
    assert code == 0 and "090-1234-5678" in out  # the manager reads it as typed
    from inspect_tui.services.trust import identity

    identity.act_as("mona")
    try:
        code, out, _ = cli("report", "kpi-note", "accepted", "2027", "self")
        assert code == 0 and "順調" in out and "090-1234-5678" not in out  # a monitor: masked
        code, _, err = cli("report", "kpi-note", "accepted", "2027", "self", "書き換え")
        assert code == 1 and "権限がありません" in err
    finally:
        identity.act_as(None)
    assert get_kpi_note(session, "accepted", 2027, "self") == "順調。担当 090-1234-5678"


def test_kpi_note_strict_refuses_before_writing(session, cli):
    code, _, err = cli("report", "kpi-note", "accepted", "2027", "self", "090-1234-5678", "--strict")
    assert code == 2 and "保存していません" in err
    assert get_kpi_note(session, "accepted", 2027, "self") == ""


def test_kpi_note_refuses_unknown_indicator_with_exit_2(session, cli):
    code, _, err = cli("report", "kpi-note", "nope", "2027", "self", "x")
    assert code == 2 and "指標「nope」はありません" in err and "Traceback" not in err
    code, out, err = cli("report", "kpi-note", "nope", "2027", "self")  # reading: said too
    assert code == 2 and "指標「nope」はありません" in err and "未記入" not in out
