"""The demo's survey form contents (issue 18), so the check screen has points to show.

Forms are stored for every numbered form of the new hires' first-ten review and for every
case visited and not yet submitted (the forms waiting for their inspection). Each is the
plain form (every item its first choice, no 特別な医療, the 特記事項 3-1 and 5-3 always
need) with a few slips a new surveyor makes, each raising one known point:

- ``no_bath_note``: 1-10 洗身 4.行っていない with no 特記事項 (N-1-10-none, p.58);
- ``rare_pair``: 1-3 寝返り 3.できない with 1-10 洗身 1 (警告コード 01, p.9);
- ``no_5_3_note`` / ``no_3_1_note``: the survey-day and usual state not written (p.138, p.102).

A new hire's form n has ``SLIPS_BY_FORM[n-1]`` of them (fewer as the forms go on); the
other waiting forms one in three. The points of a form already submitted are marked
確認済 by the chief who inspected it (a form never leaves with a point unmarked); a
waiting form's points are left for the chief. Deterministic: chosen by case id.
"""

from __future__ import annotations

import sqlite3

from inspect_tui.core.form_rules import check_form
from inspect_tui.core.form_rules_file import load_rules
from inspect_tui.core.inspection import CYCLE_RESET_STEPS
from inspect_tui.core.survey_form import SurveyForm, form_items, form_to_json

NOTES = {
    "3-1": "調査日は身振りを交えて意思を伝えた。日頃も同様と家族から聞き取り。",
    "5-3": "調査日は献立を自分で選んだ。日頃も日課は自分で決めていると本人・家族。",
}
SLIPS = ("no_bath_note", "rare_pair", "no_5_3_note", "no_3_1_note")
SLIPS_BY_FORM = (3, 2, 2, 1, 1, 1, 0, 1, 0, 0)


def demo_form(slips: tuple[str, ...]) -> SurveyForm:
    answers = {c: (1,) for c, it in form_items().items() if not it.is_level and c != "6"}
    notes = dict(NOTES)
    if "no_bath_note" in slips:
        answers["1-10"] = (4,)
    if "rare_pair" in slips:
        answers.update({"1-3": (3,), "1-4": (2,), "1-8": (2,)})
        if "no_bath_note" in slips:  # the pair needs 1-10 at 1: the bath slip moves to the note rule
            answers["1-10"] = (1,)
    if "no_5_3_note" in slips:
        notes.pop("5-3")
    if "no_3_1_note" in slips:
        notes.pop("3-1")
    return SurveyForm(answers, {"7-1": "J2", "7-2": "independent"}, notes)


def seed_forms(conn: sqlite3.Connection, stamp: str) -> int:
    """Write the forms and the marks; return how many forms."""
    rules = load_rules()
    numbered = dict(conn.execute("SELECT case_id, form_no FROM review_forms").fetchall())
    waiting = [r[0] for r in conn.execute("SELECT id FROM cases WHERE status = 'visited' ORDER BY id")]
    resets = ",".join(f"'{k}'" for k in CYCLE_RESET_STEPS)
    forms: list[tuple] = []
    marks: list[tuple] = []
    next_id = (conn.execute("SELECT COALESCE(MAX(id), 0) FROM survey_forms").fetchone()[0] or 0) + 1
    for case_id in sorted(set(numbered) | set(waiting)):
        form_no = numbered.get(case_id)
        if form_no is not None:
            n = SLIPS_BY_FORM[min(form_no, 10) - 1]
        else:
            n = 1 if case_id % 3 == 0 else 0
        slips = tuple(SLIPS[(case_id + i) % len(SLIPS)] for i in range(n))
        form = demo_form(slips)
        cycle = conn.execute(
            f"SELECT COUNT(*) FROM case_events e WHERE e.case_id = ? AND e.kind IN ({resets})"
            " AND NOT EXISTS (SELECT 1 FROM case_events v WHERE v.void_of = e.id)",
            (case_id,),
        ).fetchone()[0]
        answers, notes = form_to_json(form)
        forms.append((next_id, case_id, cycle, 1, answers, notes, "import", "demo.csv", stamp, "demo"))
        who = conn.execute(
            "SELECT who FROM submission_checks WHERE case_id = ? ORDER BY id DESC LIMIT 1", (case_id,)
        ).fetchone()
        if who is not None:
            for p in check_form(form, rules):
                marks.append((case_id, cycle, next_id, p.key, "explained", None, stamp, who[0]))
        next_id += 1
    conn.executemany(
        "INSERT INTO survey_forms (id, case_id, cycle, version, form_answers, form_notes, source, file,"
        " recorded_at, who) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        forms,
    )
    conn.executemany(
        "INSERT INTO form_point_marks (case_id, cycle, form_id, point_key, mark, finding, recorded_at, who)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        marks,
    )
    return len(forms)
