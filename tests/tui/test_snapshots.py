"""Snapshots of the main screens at 80x24 and 120x40, on the sample database
(tests/tui/sample.py: fixed rows, today pinned to 2027-06-15, user "tester"; not the demo
(seed 1) database, whose generator may still change). Regenerate with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the SVGs."""

from __future__ import annotations

import pytest

from tui.conftest import make_app, settle

SIZES = [(80, 24), (120, 40)]


def _run(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        for widget in pilot.app.screen.query("Input"):
            widget.cursor_blink = False
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_today(snap_compare, sample_db, size):
    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=_run())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_cases(snap_compare, sample_db, size):
    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=_run("2"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_case_detail(snap_compare, sample_db, size):
    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=_run("2", "enter"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_contract(snap_compare, sample_db, size):
    import datetime as dt

    from builders import session_as
    from inspect_tui.services.contract.deliverables import record_delivery
    from inspect_tui.services.contract.meetings import add_meeting
    from inspect_tui.services.contract.trainings import add_training

    s = session_as(sample_db, "tester")
    record_delivery(s, "hiring-roster", dt.date(2026, 12, 25))
    add_meeting(s, "liaison", dt.date(2027, 6, 3), "業務責任者、市担当2名", "次回は7月")
    add_training(s, dt.date(2027, 5, 10), "個人情報保護研修", ["security"], ["S001", "S002"])
    from inspect_tui.services.staff.records import record_entry

    for kind in ("notified_new", "pledge", "card_issued"):
        record_entry(s, "S001", kind, dt.date(2026, 4, 1), card_no="ID-1" if kind == "card_issued" else None)
    s.close()
    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=_run("7"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_surveyors(snap_compare, sample_db, size):
    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=_run("3"))


def test_step_dialog_with_error(snap_compare, sample_db):
    async def run_before(pilot) -> None:
        await _run("2", "enter", "a")(pilot)
        pilot.app.screen.query_one("#step-date").value = "R9.1.1"
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_app(sample_db), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare, sample_db, size):
    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=_run("2", "question_mark"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reports(snap_compare, sample_db, size):
    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=_run("5"))


@pytest.fixture
def quality_db(sample_db):
    """The sample database with a serious complaint not yet reported, a security incident
    and a problem from the complaint (fixed times), so each tab and the alerts have rows."""
    from builders import complaint, incident
    from inspect_tui.services.config import Config
    from inspect_tui.services.quality import records as q
    from inspect_tui.services.session import open_session

    s = open_session(sample_db, Config())
    cid = q.save_complaint(s, complaint(serious=True, received_at="2027-06-14 10:00"))
    q.save_incident(s, incident(kind="security", occurred_at="2027-06-10 09:00"))
    q.save_incident(s, incident(occurred_at="2027-06-11 09:00"))
    links = q.parse_links([str(cid)], [])
    q.save_problem(
        s, {"title": "連絡手順の見直し", "owner": "主任", "due_on": "2027-06-30", "status": "open"}, links
    )
    s.close()
    return sample_db


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_quality(snap_compare, quality_db, size):
    assert snap_compare(make_app(quality_db), terminal_size=size, run_before=_run("6"))


@pytest.fixture
def audit_db(tmp_path, monkeypatch):
    """Two logins added and a complaint recorded with the clock pinned at 09:00, as every row
    written while the app runs (the log is append-only: its times cannot be changed after)."""
    import datetime as dt

    from builders import complaint
    from inspect_tui.core import today
    from inspect_tui.services.config import Config
    from inspect_tui.services.quality import records as q
    from inspect_tui.services.session import open_session
    from inspect_tui.services.trust.permissions import save_user
    from tui.sample import build_sample

    # the clock itself (modules bind now_jp_iso at import, so patching that name is not enough)
    nine = dt.datetime(2027, 6, 15, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    monkeypatch.setattr(today, "_now", lambda: nine)
    folder = tmp_path / "audit"
    folder.mkdir(mode=0o700)
    sample_db = build_sample(folder / "cases.db")
    s = open_session(sample_db, Config())
    save_user(s, "city", "monitor")
    save_user(s, "chief2", "chief", "S001")
    q.save_complaint(s, complaint())
    s.close()
    return sample_db


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_audit(snap_compare, audit_db, size):
    assert snap_compare(make_app(audit_db), terminal_size=size, run_before=_run("ctrl+l"))


@pytest.fixture
def review_db(tmp_path):
    from builders import build_review_db as build

    return build(tmp_path / "review" / "cases.db")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_review_queue(snap_compare, review_db, size):
    assert snap_compare(make_app(review_db), terminal_size=size, run_before=_run("4"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_check(snap_compare, review_db, size):
    """Form 1 of the new surveyor S010, two points OK and a finding on the third."""
    keys = ("4", "enter", "o", "o", "2", *"2-1", "enter", *"特記と不一致", "enter")
    assert snap_compare(make_app(review_db), terminal_size=size, run_before=_run(*keys))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_surveyor_review(snap_compare, review_db, size):
    assert snap_compare(make_app(review_db), terminal_size=size, run_before=_run("4", "v"))


def test_light_theme(snap_compare, sample_db):
    assert snap_compare(make_app(sample_db, theme="light"), terminal_size=(80, 24), run_before=_run())


# --------------------------------------------------------------------------- issue 11: keys
def _as(login: str, *keys: str):
    """Switch to another login in-process, then press keys (tui/conftest.py: switch_login)."""
    from tui.conftest import switch_login

    async def run_before(pilot) -> None:
        await settle(pilot)
        switch_login(pilot.app, login)
        await _run(*keys)(pilot)

    return run_before


@pytest.fixture
def monitor_db(sample_db):
    from inspect_tui.services.config import Config
    from inspect_tui.services.session import open_session
    from inspect_tui.services.trust.permissions import save_user

    s = open_session(sample_db, Config())
    save_user(s, "city", "monitor")
    s.close()
    return sample_db


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_case_detail_for_a_monitor(snap_compare, monitor_db, size):
    """No step keys in the footer, and the screen says why."""
    app = make_app(monitor_db)
    assert snap_compare(app, terminal_size=size, run_before=_as("city", "2", "enter"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_resurvey_asks_first(snap_compare, sample_db, size):
    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=_run("2", "enter", "R"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_escape_on_a_typed_note_asks_first(snap_compare, sample_db, size):
    keys = ("2", "enter", "v", "tab", *"電話で調整", "escape")
    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=_run(*keys))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reports_bad_period_keeps_the_cursor(snap_compare, sample_db, size):
    keys = ("5", "p", *"R8.13", "enter")
    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=_run(*keys))


@pytest.fixture
def held_db(tmp_path):
    """The review fixture with chief S001 (tester) half way through form 1 (a 重大 finding),
    its times pinned so the picture does not move."""
    import sqlite3

    from builders import build_review_db as build
    from builders import session_as
    from inspect_tui.services.review import check as chk

    path = build(tmp_path / "review" / "cases.db")
    s = session_as(path, "tester")
    ctx = chk.start_check(s, case_no="R9-00100")
    chk.add_finding(s, ctx.check.id, "choice_note", "serious", "2-1", "選択と特記が逆")
    s.close()
    con = sqlite3.connect(path)
    with con:
        con.execute(
            "UPDATE review_checks SET created_at = '2027-06-15T09:05:00+09:00',"
            " updated_at = '2027-06-15T09:40:00+09:00'"
        )
    con.close()
    return path


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_second_chief_is_told_who_has_the_form(snap_compare, held_db, size):
    app = make_app(held_db)
    assert snap_compare(app, terminal_size=size, run_before=_as("chief2", "4", "enter"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_read_only_view_of_another_chiefs_check(snap_compare, held_db, size):
    app = make_app(held_db)
    assert snap_compare(app, terminal_size=size, run_before=_as("chief2", "4", "enter", "enter"))


# --------------------------------------------------------------------------- issue 18: form points
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_check_with_form_points(snap_compare, review_db, size):
    """Form 1 with a stored form raising two points (W01: 1-3 寝返り 3 with 1-10 洗身 1, its
    notes missing; N-5-3-both: no note for 5-3): the first marked 確認済, the cursor on the second."""
    from builders import session_as
    from inspect_tui.core.survey_form import SurveyForm, form_items
    from inspect_tui.services.forms import records

    answers = {c: (1,) for c, it in form_items().items() if not it.is_level}
    answers.update({"1-3": (3,), "1-4": (2,), "1-8": (2,)})
    notes = {"3-1": "調査日も日頃も伝えられる。", "6": "週3回。"}
    boss = session_as(review_db, "boss")
    records.save_form(boss, "R9-00100", SurveyForm(answers, {"7-1": "J1", "7-2": "independent"}, notes))
    boss.close()
    keys = ("4", "enter", "tab", "c")
    assert snap_compare(make_app(review_db), terminal_size=size, run_before=_run(*keys))


def test_check_with_form_points_without_colour(snap_compare, review_db, monkeypatch):
    """Under NO_COLOR a check reads by its words: 未確認 / OK / 指摘 per point, 確認済 / 未確認
    per content point, [X] / [ ] for the guidance methods (issue 17 item 6)."""
    from builders import session_as
    from inspect_tui.core.survey_form import SurveyForm, form_items
    from inspect_tui.services.forms import records

    monkeypatch.setenv("NO_COLOR", "1")
    answers = {c: (1,) for c, it in form_items().items() if not it.is_level}
    answers.update({"1-3": (3,), "1-4": (2,), "1-8": (2,)})
    boss = session_as(review_db, "boss")
    records.save_form(
        boss, "R9-00100", SurveyForm(answers, {"7-1": "J1"}, {"3-1": "伝えられる。", "6": "週3回。"})
    )
    boss.close()
    keys = ("4", "enter", "o", "tab", "c", "tab", "tab", "space")
    assert snap_compare(make_app(review_db), terminal_size=(80, 24), run_before=_run(*keys))


# --------------------------------------------------------------------------- issue 17 item 5: 80x24
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_followup_check(snap_compare, review_db, size):
    """The 3-month follow-up of S010 (from its surveyor screen, f): the required 習熟度の所見
    on screen at 80x24 too, every point OK, the status line saying the field is still empty."""
    keys = ("4", "v", "f", "a")
    assert snap_compare(make_app(review_db), terminal_size=size, run_before=_run(*keys))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_surveyor_review_scrolled(snap_compare, review_db, size):
    """PgDn at once on the surveyor screen (no Tab first): the table scrolls up with the rest."""
    assert snap_compare(make_app(review_db), terminal_size=size, run_before=_run("4", "v", "pagedown"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reports_sla(snap_compare, sample_db, size):
    """The SLA table laid out for the view (78 columns at 80x24), no row wrapped."""
    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=_run("5", "t"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reports_kpi(snap_compare, sample_db, size):
    """The KGI/KPI table laid out for the view, no row wrapped."""
    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=_run("5", "t", "t"))
