"""The municipal document frame in every text format, attached once (documents.finish) to
every report the registry makes, and the demo's own frame; 発行日/基準日 in 和暦 except where
a machine reads them (csv, json)."""

from __future__ import annotations

import csv
import io
import json

from builders import add_case, d
from inspect_tui.core.document import Doc, Section, Table, era_text
from inspect_tui.core.frame import Frame
from inspect_tui.render.formats import render
from inspect_tui.services.config import Config
from inspect_tui.services.documents import DEMO_FRAME, document_frame
from inspect_tui.services.reports.registry import kind
from inspect_tui.services.session import open_session

FRAME = Frame(
    addressee="神戸市福祉局介護保険課長 様",
    contractor="株式会社テスト調査",
    contractor_address="神戸市長田区テスト町1-2-3",
    contract="神戸市介護保険認定調査業務（C地区）",
    manager="試験 責任者",
    footer="株式会社テスト調査のフッター",
)


def _monthly(db_path, frame):
    s = open_session(db_path, Config(document=frame))
    add_case(s, received_on="2027-05-06", contacted_on="2027-05-11")
    report = kind("monthly").make(s, kind("monthly").read_period("2027-05"), {"as_of": d("2027-06-10")})
    return s, report


def test_every_text_format_shows_the_frame(db_path):
    s, report = _monthly(db_path, FRAME)
    s.close()
    text = render(report, "text")
    head = text.splitlines()[:5]
    assert head == [
        "神戸市福祉局介護保険課長 様",
        "受託者: 神戸市長田区テスト町1-2-3　株式会社テスト調査",
        "業務責任者: 試験 責任者",
        "契約件名: 神戸市介護保険認定調査業務（C地区）",
        "",
    ]
    assert "業務責任者 印: ____________________    確認印 印: ____________________" in text
    assert "発行日: 令和9年6月15日" in text and "基準日: 令和9年6月10日（この日までの記録で集計）" in text
    assert "株式会社テスト調査のフッター" in text
    md = render(report, "md")
    assert md.startswith("神戸市福祉局介護保険課長 様  \n受託者: ") and "- 発行日: 令和9年6月15日" in md
    html = render(report, "html")
    assert '<header class="frame"><div class="to">神戸市福祉局介護保険課長 様</div>' in html
    assert (
        "<div>発行日　令和9年6月15日</div>" in html
        and "契約件名　神戸市介護保険認定調査業務（C地区）" in html
    )
    assert html.count('<table class="sign">') == 2 and "<th>確認印</th>" in html
    assert "inspect-tui" not in html  # the footer is the contractor's line


def test_machines_keep_the_iso_dates(db_path):
    s, report = _monthly(db_path, FRAME)
    s.close()
    rows = list(csv.reader(io.StringIO(render(report, "csv").lstrip("\ufeff"))))
    facts = {r[0]: r[1] for r in rows if len(r) == 2}
    assert facts["発行日"] == "2027-06-15" and facts["基準日"].startswith("2027-06-10")
    assert facts["宛先"] == FRAME.addressee and facts["契約件名"] == FRAME.contract
    data = json.loads(render(report, "json"))
    assert data["as_of"] == "2027-06-10"


def test_without_a_frame_a_report_prints_as_before(db_path):
    s, report = _monthly(db_path, None)
    assert document_frame(s) is None
    s.close()
    text = render(report, "text")
    assert text.startswith("業務履行報告書（月次）\n") and "契約件名" not in text and "確認印" not in text
    html = render(report, "html")
    assert 'class="frame"' not in html and html.count('<table class="sign">') == 1


def test_the_demo_database_gets_the_demo_frame_unless_the_config_has_one(db_path):
    s = open_session(db_path, Config())
    with s.db.conn:
        s.db.conn.execute("INSERT INTO settings (key, value) VALUES ('demo', '1')")
    assert document_frame(s) == DEMO_FRAME
    s.config = Config(document=FRAME)
    assert document_frame(s) == FRAME
    s.close()


def test_seal_boxes_the_report_own_then_the_frame_and_none_for_an_analysis():
    from inspect_tui.core.renderable import AuditHead, Witnessed

    class Report:
        def __init__(self, seals):
            self.seals = seals

        def as_doc(self, full=False):
            return Doc("t", [], [Section("s", [Table(["a"], [["b"]])])], seals=self.seals)

        def to_json(self):
            return {}

        def default_filename(self, fmt):
            return "t"

    head = AuditHead(1, "ab")
    assert Witnessed(Report(("主任調査員", "業務責任者")), head, FRAME).as_doc().seals == (
        "主任調査員",
        "業務責任者",
        "確認印",
    )
    assert Witnessed(Report(()), head, FRAME).as_doc().seals == ()


def test_era_text_turns_iso_dates_into_the_era():
    assert era_text("2026-12-02（この日までの記録で集計）") == "令和8年12月2日（この日までの記録で集計）"
    assert era_text("2019-04-30") == "平成31年4月30日" and era_text("2019-05-01") == "令和元年5月1日"
    assert era_text("2027-02-30") == "2027-02-30" and era_text("R9-00012") == "R9-00012"
