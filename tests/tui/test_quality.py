"""Recording a complaint, an incident and a problem from the keyboard, in the real app."""

from __future__ import annotations

import unicodedata

import pytest
from textual.widgets import DataTable, Input, Select

from builders import complaint, incident
from inspect_tui.services.quality import records as q
from inspect_tui.tui.screens.quality.records import QualityScreen
from tui.conftest import make_app, open_quality, settle, switch_login


async def type_into(pilot, field_id: str, text: str) -> None:
    pilot.app.screen.query_one(f"#{field_id}").focus()
    await pilot.press(*text)


async def choose(pilot, field_id: str, shown: str) -> None:
    """Open a Select with Enter, move down to the option, Enter."""
    sel = pilot.app.screen.query_one(f"#{field_id}", Select)
    sel.focus()
    options = [label for label, _ in sel._options if label != sel.prompt]
    await pilot.press("enter", *["down"] * options.index(shown), "enter")
    assert dict(sel._options)[shown] == sel.value


async def test_complaint_from_the_keyboard(qs):
    app = make_app(qs.db.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quality(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert form.query_one("#f-received_at", Input).value.startswith("2027-06-15 ")
        await pilot.press("ctrl+s")  # everything required is missing: nothing saved, fields named
        await settle(pilot)
        errors = str(form.query_one("#form-errors").render())
        assert "申出者: 選んでください" in errors and "対応者: 入力してください" in errors
        assert app.screen is form and q.list_complaints(qs) == []
        # fill it in with keys only (short values: each key press costs ~0.1 s under Pilot)
        await choose(pilot, "f-complainant", "家族")
        await type_into(pilot, "f-handled_by", "主任")
        await choose(pilot, "f-ward", "須磨区")
        await type_into(pilot, "f-surveyor", "S01")
        await choose(pilot, "f-category", "日程調整")
        await type_into(pilot, "f-content", "連絡遅れ")
        form.query_one("#f-serious").focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QualityScreen)
        [c] = q.list_complaints(qs)
        assert (c.complainant, c.handled_by, c.ward, c.surveyor, c.category, c.content, c.serious) == (
            "家族",
            "主任",
            "須磨区",
            "S01",
            "日程調整",
            "連絡遅れ",
            True,
        )
        assert c.received_at.startswith("2027-06-15 ")  # prefilled with now
        assert "市へ未報告の重大な苦情 1件" in str(app.screen.query_one("#alerts").render())
        table = app.screen.query_one("#complaints-table", DataTable)
        assert table.row_count == 1
        # r: report to the city (prefilled with now); a bad time keeps the prompt open
        await pilot.press("r")
        await settle(pilot)
        prompt = app.screen
        prompt.query_one("#when", Input).value = "2027-06-14 25:00"
        await pilot.press("enter")
        assert app.screen is prompt and "時刻として読めません" in str(
            prompt.query_one("#when-error").render()
        )
        prompt.query_one("#when", Input).value = "2027-06-15 23:59"  # not before the receipt (now)
        await pilot.press("enter")
        await settle(pilot)
        assert q.get_complaint(qs, c.id).reported_to_city_at == "2027-06-15 23:59"
        assert q.serious_complaints_unreported(qs) == []


async def test_incident_look_back_sheet_from_the_keyboard(qs):
    app = make_app(qs.db.path)
    async with app.run_test(size=(120, 50)) as pilot:
        await open_quality(pilot, "incidents")
        await pilot.press("n")
        await settle(pilot)
        await choose(pilot, "f-kind", "セキュリティ事故")
        app.screen.query_one("#f-occurred_at", Input).value = "2027-06-10 09:00"
        await choose(pilot, "f-ward", "長田区")
        await type_into(pilot, "f-what_happened", "置忘れ")
        await type_into(pilot, "f-root_cause", "確認なし")
        await type_into(pilot, "f-prevention", "持出簿")
        await choose(pilot, "f-cause_category", "確認不足")
        app.screen.query_one("#f-written_report_at", Input).value = "2027-06-10 12:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "先に市への電話連絡" in str(app.screen.query_one("#form-errors").render())
        assert app.screen.focused.id == "f-written_report_at"
        app.screen.query_one("#f-written_report_at", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        [i] = q.list_incidents(qs)
        assert (i.kind, i.what_happened, i.root_cause, i.prevention, i.cause_category) == (
            "security",
            "置忘れ",
            "確認なし",
            "持出簿",
            "確認不足",
        )
        # r twice: the phone call, then the written report
        for when in ("2027-06-10 10:00", "2027-06-11 15:00"):
            await pilot.press("r")
            await settle(pilot)
            app.screen.query_one("#when", Input).value = when
            await pilot.press("enter")
            await settle(pilot)
        i = q.get_incident(qs, i.id)
        assert (i.phoned_city_at, i.written_report_at) == ("2027-06-10 10:00", "2027-06-11 15:00")
        assert q.security_incidents_open(qs) == []


async def test_problem_from_a_complaint_then_closed(qs):
    cid = q.save_complaint(qs, complaint())
    app = make_app(qs.db.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quality(pilot)
        await pilot.press("p")  # a problem from the selected complaint
        await settle(pilot)
        assert app.screen.query_one("#f-complaints", Input).value == str(cid)
        await type_into(pilot, "f-title", "連絡手順")
        await type_into(pilot, "f-owner", "主任")
        await type_into(pilot, "f-due_on", "R9.7.1")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [p] = q.list_problems(qs)
        assert (p.title, p.owner, p.due_on.isoformat(), p.links) == (
            "連絡手順",
            "主任",
            "2027-07-01",
            (("complaint", cid),),
        )
        await pilot.press("right_square_bracket", "right_square_bracket")  # to 課題
        await settle(pilot)
        assert app.screen.active_tab == "problems"
        await pilot.press("c")
        await settle(pilot)
        await type_into(pilot, "f-fix", "連絡票")
        await pilot.press("ctrl+s")
        await settle(pilot)
        p = q.get_problem(qs, p.id)
        assert (p.status, p.fix, p.closed_on.isoformat()) == ("closed", "連絡票", "2027-06-15")


async def test_pareto_tab_draws_bars_and_names_the_vital_few(qs):
    for cause in ("確認不足", "確認不足", "確認不足", "連絡・引継ぎの漏れ", "その他"):
        q.save_incident(qs, incident(cause_category=cause))
    app = make_app(qs.db.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quality(pilot, "pareto")
        await settle(pilot)
        text = str(app.screen.query_one("#pareto-chart").render())
        # 5 incidents: 確認不足 3 = 60% (vital), 連絡・引継ぎの漏れ 1 -> 80% (vital, reaches 80%), その他 last
        assert "60.0%" in text and "累積 80.0%" in text
        assert not any(unicodedata.east_asian_width(ch) == "A" for ch in text)  # no █: spaces, reversed
        assert "重点項目（累積80%まで。80%を超える項目を含む）: 確認不足、連絡・引継ぎの漏れ" in text
        assert not any(ch in text for ch in "○×△※")
        await choose(pilot, "p-ward", "長田区")
        await settle(pilot)
        assert "計 0 件" in str(app.screen.query_one("#pareto-chart").render())


async def test_the_screen_reloads_when_another_process_writes(qs):
    app = make_app(qs.db.path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_quality(pilot)
        table = app.screen.query_one("#complaints-table", DataTable)
        assert table.row_count == 0
        q.save_complaint(qs, complaint())  # written elsewhere (the CLI, another screen)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert table.row_count == 1
        assert "長田区" in dict(app.screen.query_one("#p-ward", Select)._options).values()
        assert "tester" in str(app.screen.query_one("TopBar").render())


async def test_e_writes_the_selected_records_document(qs, tmp_path, monkeypatch):
    """e on the incidents tab writes the look-back sheet, on the complaints tab the serious
    complaint's report (html, in the reports folder), the applicant's name masked; a minor
    complaint is refused with the reason and nothing is written; a monitor is not offered e."""
    out = tmp_path / "exports"
    monkeypatch.setenv("INSPECT_TUI_REPORT_DIR", str(out))
    qs.db.conn.execute("UPDATE cases SET applicant_name = '試験 花子' WHERE case_no = '2027-0001'")
    iid = q.save_incident(qs, incident(case_no="2027-0001", what_happened="試験花子さんの調査票を置き忘れた"))
    minor = q.save_complaint(qs, complaint(received_at="2027-06-14 09:00"))
    serious = q.save_complaint(qs, complaint(received_at="2027-06-14 11:00", serious=True))
    from builders import add_login

    add_login(qs, "mona", "monitor")
    app = make_app(qs.db.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quality(pilot, "incidents")
        screen = app.screen
        assert "quality.export" in {b.binding.id for b in screen.active_bindings.values()}
        await pilot.press("e")
        await settle(pilot)
        sheet = out / f"incident-sheet_{iid}.html"
        html = sheet.read_text(encoding="utf-8")
        assert "事故振り返りシート" in html and "＊＊＊さんの調査票を置き忘れた" in html
        assert "試験" not in html and "花子" not in html
        assert str(sheet) in str(screen.query_one("#status").render())

        screen.query_one("#tabs").active = "complaints"
        await settle(pilot)
        table = screen.query_one("#complaints-table", DataTable)
        rows = [table.coordinate_to_cell_key((r, 0)).row_key.value for r in range(table.row_count)]
        table.move_cursor(row=rows.index(str(minor)))
        await pilot.press("e")
        await settle(pilot)
        status = str(screen.query_one("#status").render())
        assert f"苦情 {minor} は軽微な苦情です" in status and "書き出していません" in status
        assert not (out / f"complaint-report_{minor}.html").exists()
        table.move_cursor(row=rows.index(str(serious)))
        await pilot.press("e")
        await settle(pilot)
        report = (out / f"complaint-report_{serious}.html").read_text(encoding="utf-8")
        assert "重大苦情の報告書" in report and "訪問日の連絡が遅かった" in report

        switch_login(app, "mona")  # a monitor: e is not offered, and pressing it writes nothing
        await settle(pilot)
        assert "quality.export" not in {b.binding.id for b in screen.active_bindings.values()}
        (out / f"complaint-report_{serious}.html").unlink()
        await pilot.press("e")
        await settle(pilot)
        assert not (out / f"complaint-report_{serious}.html").exists()


async def test_e_over_ssh_says_the_document_is_on_the_server(qs, tmp_path, monkeypatch, capsys):
    """Under an SSH forced command the look-back sheet is written on the server: the message
    says so and gives the line that streams it, and that line prints the same document."""
    import shlex

    from inspect_tui.cli.main import main
    from inspect_tui.system.osuser import act_as

    out = tmp_path / "exports"
    monkeypatch.setenv("INSPECT_TUI_REPORT_DIR", str(out))
    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.7 50022 192.0.2.10 22")
    iid = q.save_incident(qs, incident(case_no="2027-0001"))
    act_as("tester")  # as `inspect-tui --as tester` in an authorized_keys line would
    app = make_app(qs.db.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quality(pilot, "incidents")
        await pilot.press("e")
        await settle(pilot)
        status = str(app.screen.query_one("#status").render())
        command = app.clipboard
    sheet = out / f"incident-sheet_{iid}.html"
    request = f"inspect-tui report incident-sheet --id {iid} --format html"
    assert command == f"ssh tester@192.0.2.10 '{request}' > {sheet.name}"
    assert f"事故振り返りシートをサーバーに書き出しました: {sheet}" in status
    assert command in status.replace("\n", "")
    assert main([*shlex.split(request)[1:], "--db", str(qs.db.path)]) == 0
    assert capsys.readouterr().out == sheet.read_text(encoding="utf-8")


def _bar_cells(app) -> list[int]:
    """The reversed cells of each line of the Pareto chart, as the terminal gets them (after
    the app's filters: NO_COLOR's among them)."""
    widget = app.screen.query_one("#pareto-chart")
    out = []
    for strip in widget.render_lines(widget.region.reset_offset):
        segments = list(strip)
        for f in app._filters:
            segments = f.apply(segments, widget.background_colors[1])
        n = sum(
            len(seg.text)
            for seg in segments
            if seg.style is not None and seg.style.reverse and not seg.text.strip()
        )
        if n:
            out.append(n)
    return out


@pytest.mark.parametrize("no_color", [False, True])
async def test_pareto_bars_are_reversed_spaces_even_without_colour(qs, monkeypatch, no_color):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    for cause in ("確認不足", "確認不足", "確認不足", "確認不足", "連絡・引継ぎの漏れ", "連絡・引継ぎの漏れ"):
        q.save_incident(qs, incident(cause_category=cause))
    app = make_app(qs.db.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quality(pilot, "pareto")
        await settle(pilot)
        assert app.no_color is no_color
        bars = _bar_cells(app)
        # 4 and 2 incidents: the second bar half the first, both seen as reversed cells
        assert len(bars) == 2 and bars[0] == 2 * bars[1] and bars[1] > 5, bars
