"""One report-kind registry: every kind prints through the CLI and through the Reports
screen's builder, in every format, and both give the same report; the CLI's `report`
subcommands and the screen's `t` are exactly the registry's kinds."""

from __future__ import annotations

import io
import json
import re

import pytest

from builders import build_review_db, complaint, session_as
from inspect_tui.cli.main import build_parser, main
from inspect_tui.services.reports.registry import KINDS
from services.review.test_guidance import check_ten

#: For every kind: the CLI's period options, and the same period as typed in the screen's box.
#: A kind added to the registry without a line here fails test_every_kind_has_a_sample.
SAMPLES = {
    "monthly": (["--month", "2027-05"], "2027-05"),
    "sla": (["--period", "2027Q1"], "2027Q1"),
    "kpi": (["--fy", "2027"], "FY2027"),
    "guidance": (["--surveyor", "S010"], "S010"),
    "pareto": (
        ["--from", "2027-04-01", "--to", "2027-06-30", "--of", "complaints"],
        "2027-04-01..2027-06-30",
    ),
    "sla-quarter": (["--period", "2027Q1"], "2027Q1"),
    "incident-sheet": (["--id", "1"], "1"),
    "complaint-report": (["--id", "2"], "2"),
    "annual": (["--fy", "2027"], "FY2027"),
    "handover": (["--on", "2027-06-15"], "2027-06-15"),
}
TITLES = {
    "monthly": "業務履行報告書（月次）",
    "sla": "サービス水準達成状況報告書",
    "kpi": "KGI・KPI 達成状況",
    "guidance": "指導終了報告",
    "pareto": "パレート分析（苦情）",
    "sla-quarter": "サービス水準達成状況報告書",
    "incident-sheet": "事故振り返りシート",
    "complaint-report": "重大苦情の報告書",
    "annual": "業務履行報告書（年次）",
    "handover": "業務引継書",
}


@pytest.fixture
def db(tmp_path):
    """The review database (S010's ten forms checked) with a complaint in June, a serious one
    (complaint 2) and an incident (1), for the documents of one record."""
    from builders import incident
    from inspect_tui.services.quality.records import save_complaint, save_incident

    path = build_review_db(tmp_path / "review" / "cases.db")
    check_ten(path)
    s = session_as(path, "tester")
    save_complaint(s, complaint(received_at="2027-06-14 10:30"))
    save_complaint(s, complaint(received_at="2027-06-14 11:00", serious=True))
    save_incident(s, incident())
    s.close()
    return path


def test_every_kind_has_a_sample():
    assert set(SAMPLES) == set(KINDS) == set(TITLES)


def _cli(capsysbinary, kind, fmt, db, tmp_path):
    out = tmp_path / f"{kind}.{fmt}"
    argv = ["report", kind, *SAMPLES[kind][0], "--format", fmt, "-o", str(out), "--db", str(db)]
    assert main(argv) == 0, capsysbinary.readouterr().err.decode()
    capsysbinary.readouterr()
    return out.read_bytes()


def _xlsx_cells(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return [[c.value for row in ws.iter_rows() for c in row] for ws in book.worksheets]


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_prints_through_the_cli_and_the_screen_in_every_format(kind, db, tmp_path, capsysbinary):
    from inspect_tui.render.formats import render
    from inspect_tui.services.config import Config
    from inspect_tui.services.session import open_session
    from inspect_tui.tui.screens.reports.reports import _build_report
    from pdftext import as_text, formats_here

    with open_session(db, Config()) as s:
        built, error = _build_report(s, kind, SAMPLES[kind][1])
    assert error == "" and built is not None
    assert TITLES[kind] in built.text  # the screen's preview
    for fmt in [f for f in KINDS[kind].formats if f in formats_here()]:
        from_cli = _cli(capsysbinary, kind, fmt, db, tmp_path)
        from_screen = render(built.report, fmt)
        if fmt == "xlsx":  # the workbook's own timestamps differ; its cells may not
            assert from_cli.startswith(b"PK") and _xlsx_cells(from_cli) == _xlsx_cells(from_screen)
        elif fmt == "pdf":  # the file's creation time and id differ; its text may not
            assert from_cli.startswith(b"%PDF-") and as_text(from_cli) == as_text(from_screen)
            assert re.sub(r"\s+", "", TITLES[kind]) in re.sub(r"\s+", "", as_text(from_cli))
        elif fmt == "json":
            assert json.loads(from_cli) == json.loads(from_screen)
        else:
            text = from_cli.decode("utf-8")
            assert text == from_screen, fmt
            assert TITLES[kind] in text or fmt == "csv"
        assert built.report.default_filename(fmt).startswith(f"{kind}_")
    assert "試験" not in built.text and "9900000001" not in built.text  # no applicant data


def test_the_cli_has_a_subcommand_for_every_kind_and_no_other_report():
    import argparse

    parser = build_parser()
    top = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    report = top.choices["report"]
    sub = next(a for a in report._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) - {"kpi-set", "kpi-note", "note", "close-month"} == set(KINDS)


def test_bad_periods_name_the_option_and_exit_2(db, capsys):
    cases = [
        (["report", "monthly", "--month", "2027-13"], "--month: 「2027-13」: 月は1〜12です"),
        (["report", "sla", "--period", "2027Q5"], "--period: 「2027Q5」: 四半期は Q1〜Q4"),
        (["report", "kpi", "--fy", "R9.5"], "--fy: 「R9.5」は年度として読めません"),
        (["report", "monthly", "--month", "令和元年4月"], "--month: 「令和元年4月」はありません"),
        (["report", "pareto", "--from", "2027-06-31", "--to", "2027-06-30", "--of", "complaints"], "--from:"),
        (["report", "guidance", "--surveyor", "X999"], "X999"),
    ]
    for argv, message in cases:
        assert main([*argv, "--db", str(db)]) == 2, argv
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err, err
    assert main(["report", "guidance", "--db", str(db)]) == 0  # no surveyor: who there is
    assert "--surveyor CODE で報告を出します" in capsys.readouterr().out


async def test_the_screen_offers_exactly_the_registry_kinds(db):
    from inspect_tui.services.config import Config
    from inspect_tui.tui.app import InspectApp

    app = InspectApp(db, config=Config())
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.press("5")
        await pilot.pause()
        seen = []
        for _ in range(len(KINDS)):
            seen.append(app.screen.kind)
            assert KINDS[app.screen.kind].label in str(app.screen.query_one("#report-kind").render())
            await pilot.press("t")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        assert seen == list(KINDS) and app.screen.kind == "monthly"  # round again
