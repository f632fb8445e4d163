"""The hand-over document (業務引継書, issue 15 item 5): the open cases with what becomes of
each at the contract's end, the manual and FAQ, the open problems, the deliverables."""

from __future__ import annotations

import datetime as dt
import json

from builders import add_case
from inspect_tui.render.formats import render
from inspect_tui.services.contract.deliverables import record_delivery
from inspect_tui.services.reports.handover import build_handover

D = dt.date


def _cases(s):
    add_case(s, "H-1", "2027-06-01")  # not contacted
    add_case(s, "H-2", "2027-06-02", contacted_on="2027-06-03", visited_on="2027-06-07")  # visited
    add_case(
        s, "H-3", "2027-06-02", contacted_on="2027-06-03", visited_on="2027-06-04", submitted_on="2027-06-08"
    )
    add_case(s, "H-4", "2027-05-10", cancelled_on="2027-05-12")  # closed: not handed over


def test_open_cases_and_what_becomes_of_them(session):
    _cases(session)
    r = build_handover(session, D(2027, 6, 15))
    data = r.to_json()
    assert data["contract_end"] == "2030-03-31" and data["return_by"] == "2030-03-26"
    actions = {c["case_no"]: c["action"] for c in data["open_cases"]}
    assert actions == {"H-1": "訪問を調整", "H-2": "調査票を仕上げて提出", "H-3": "提出済（受理を待つ）"}
    # five days before the end, a case not visited is a candidate to go back to the office
    late = {
        c["case_no"]: c["action"] for c in build_handover(session, D(2030, 3, 27)).to_json()["open_cases"]
    }
    assert late["H-1"] == "返却の候補（訪問できない場合）" and late["H-2"] == "調査票を仕上げて提出"
    assert data["manual_delivered_on"] is None
    record_delivery(session, "manual-faq", D(2027, 3, 30))
    assert build_handover(session, D(2027, 6, 15)).to_json()["manual_delivered_on"] == "2027-03-30"


def test_the_document_has_no_applicant_data_and_lists_cases_in_an_appendix(session):
    _cases(session)
    session.db.conn.execute("UPDATE cases SET applicant_name = '引継 花子' WHERE case_no = 'H-1'")
    r = build_handover(session, D(2027, 6, 15))
    text = render(r, "text")
    assert "業務引継書" in text and "未完了の依頼: 3 件" in text and "H-1" in text
    assert "引継 花子" not in text and "別紙1" in text
    assert "引継 花子" not in json.dumps(r.to_json(), ensure_ascii=False)


def test_cli_report_handover(cli, session):
    _cases(session)
    session.close()
    code, out, _ = cli("report", "handover", "--format", "json")
    assert code == 0 and len(json.loads(out)["open_cases"]) == 3
