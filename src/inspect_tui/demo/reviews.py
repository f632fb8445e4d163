"""The first-ten review as the chiefs would have recorded it by today (demo only).

For each new hire (demo_staff.NEW_HIRES), the solo forms are numbered 1-10 by
the product's own rule (core.review.assign_form_numbers); each numbered form
already submitted has a finished focused check (重点チェック) by the ward's chief,
on the submission day, with fewer findings as the forms go on; a form visited
but not yet submitted has a draft check, except a tenth form (S038's waits for
demo-s001 to check it from the start). Each finding carries the guidance given
for it that day; the next finished check looks at it again (改善; one finding
of each hire is 継続指導 first, then 改善; the latest look of an unfinished
hire is 継続指導, so the next check has a point to look at). S040 (district 1;
placed about 200 days ago) has all ten checked and closed as improving, the
chief's confirmation of the record, the 3-month follow-up done and the 6-month
follow-up overdue, and a blind check of its fifth form asked of another chief
(S002, demo-s002) and waiting. S037's 3-month follow-up is due in a few days.
Chiefs and a contract monitor get users rows (demo-s001 …, demo-monitor) so
``--as`` shows their views.

Written only when the schema has the review tables (migration 0004); the
guidance per finding, its follow-through and the confirmation when it has
migration 0014's.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3

from inspect_tui.core.months import add_months
from inspect_tui.core.review import REVIEW_FORMS, CaseForNumbering, assign_form_numbers
from inspect_tui.demo.staff import NEW_HIRES, Surveyor, code_of
from inspect_tui.store.connection import utils_view

REVIEW_TABLES = {"review_forms", "review_checks", "review_points", "review_findings", "review_closures"}
FOLLOW_TABLES = {"review_followthrough", "review_confirmations"}  # migration 0014
POINTS = ("typo", "omission", "wording", "choice_note", "cross_item", "notes_quality")
FINDING_NOTES = {
    "typo": "特記事項に誤字（「介助」と「介護」の取り違え）",
    "omission": "選択漏れ（該当する選択肢に印がない）",
    "wording": "「徘徊」など不適切な表現。具体的な行動で書く",
    "choice_note": "選択肢と特記事項の内容が合っていない",
    "cross_item": "関連する項目の間で選択が矛盾している",
    "notes_quality": "介助の方法・頻度の記載が不足している",
}
ITEM_CODES = ("1-7", "1-10", "2-1", "2-4", "2-5", "3-1", "4-3", "5-2", "5-4", "7-2", "")
#: findings per form 1-10: fewer as the surveyor learns (verdict "improving")
FINDINGS_BY_FORM = (4, 3, 3, 2, 2, 1, 1, 1, 0, 0)
#: the guidance given for a finding, by point (指導内容)
FINDING_GUIDANCE = {
    "typo": "記入後に読み返し、似た語（介助・介護）を見直すよう指導",
    "omission": "提出前に全項目の選択を指でなぞって確かめるよう指導",
    "wording": "「徘徊」ではなく、いつ・どこで・どのような行動かを書くよう指導",
    "choice_note": "選んだ選択肢の根拠を特記事項に書き、両者を照らし合わせるよう指導",
    "cross_item": "関連する項目（移乗と移動など）を並べて見直すよう指導",
    "notes_quality": "介助の方法・頻度・誰が行うかを具体的に書くよう指導",
}
BLIND_FORM = 5  # S040's form asked of a second chief blind (calibration)
BLIND_SECOND = 2  # that chief: S002 (須磨区, demo-s002), or S001 when S002 checked the form
GUIDANCE = (
    "特記事項は「いつ・誰が・どのように」を具体的に書くよう指導",
    "選択の根拠を特記事項に残すよう口頭で説明",
    "前回の指摘は改善。引き続き項目間の整合を確認するよう助言",
    "大きな問題なし。記載の粒度は安定してきた",
)


def add_demo_users(conn: sqlite3.Connection, staff: list[Surveyor], stamp: str) -> None:
    """Chiefs, a contract monitor and a manager as users, for trying each role (--as, or the
    palette's デモの利用者を切り替える)."""
    rows: list[tuple[str, str, str | None, str]] = [
        (f"demo-{s.code.lower()}", "chief", s.code, stamp) for s in staff if s.is_chief
    ]
    rows.append(("demo-monitor", "monitor", None, stamp))
    rows.append(("demo-manager", "manager", None, stamp))
    conn.executemany(
        "INSERT OR IGNORE INTO users (login, role, surveyor_code, created_at) VALUES (?, ?, ?, ?)", rows
    )


def seed_reviews(conn: sqlite3.Connection, staff: list[Surveyor], today: dt.date, seed: int) -> int:
    """Write the new hires' numbered forms, checks and closures; return how many checks."""
    if not REVIEW_TABLES <= set(utils_view(conn).table_names()):
        return 0

    rng = random.Random(seed * 7919 + 17)
    chiefs = frozenset(s.code for s in staff if s.is_chief)
    by_code = {s.code: s for s in staff}
    follow = FOLLOW_TABLES <= set(utils_view(conn).table_names())
    checks = 0
    for district in sorted({s.district for s in staff}):
        for hire in NEW_HIRES:
            s = by_code[code_of(district, hire.n)]
            chief = code_of(district, _ward_no(staff, s))
            rows = conn.execute(
                "SELECT id, case_no, visited_on, submitted_on, accompanied_by, cancelled_on, returned_on"
                " FROM cases WHERE surveyor = ? AND visited_on IS NOT NULL",
                (s.code,),
            ).fetchall()
            info = {r[0]: r for r in rows}
            cases = [
                CaseForNumbering(r[0], r[1], dt.date.fromisoformat(r[2]), r[4], bool(r[5]), bool(r[6]))
                for r in rows
            ]
            pairs = assign_form_numbers({}, cases, chiefs)
            draft_done = False
            done: list[tuple[int, str, int]] = []  # (form no, checked on, check id)
            for form_no, case_id in pairs:
                visited, submitted = info[case_id][2], info[case_id][3]
                conn.execute(
                    "INSERT INTO review_forms (surveyor, form_no, case_id, assigned_at) VALUES (?, ?, ?, ?)",
                    (s.code, form_no, case_id, f"{visited}T18:00:00+09:00"),
                )
                if submitted:
                    cid = _check(
                        conn, rng, s.code, chief, case_id, form_no, submitted, done=True, guidance=follow
                    )
                    done.append((form_no, submitted, cid))
                    checks += 1
                elif not draft_done and form_no < REVIEW_FORMS:  # part-way through the next form
                    _check(conn, rng, s.code, chief, case_id, form_no, today.isoformat(), done=False)
                    draft_done = True
                    checks += 1
            finished = hire.solo is None and len(pairs) == REVIEW_FORMS
            if follow:
                _follow_through(conn, done, finished=finished)
            if finished:
                last_checked = max(info[cid][3] or today.isoformat() for _, cid in pairs)
                conn.execute(
                    "INSERT INTO review_closures (surveyor, verdict, closing_comment, updated_at, who)"
                    " VALUES (?, 'improving', ?, ?, ?)",
                    (
                        s.code,
                        "10件の重点チェックを終了。指摘は減り、特記事項の記載も安定した。指導終了報告を提出",
                        f"{last_checked}T17:30:00+09:00",
                        f"demo-{chief.lower()}",
                    ),
                )
                if follow:
                    conn.execute(
                        "INSERT INTO review_confirmations (surveyor, chief, confirmed_on, verdict, checked,"
                        " recorded_at, who) VALUES (?, ?, ?, 'improving', ?, ?, ?)",
                        (
                            s.code,
                            chief,
                            last_checked,
                            REVIEW_FORMS,
                            f"{last_checked}T17:40:00+09:00",
                            f"demo-{chief.lower()}",
                        ),
                    )
                    checks += _blind_request(conn, s.code, by_code, chief, last_checked)
                checks += _followup3(conn, s, chief, today)
    _help_across_wards(conn, staff, today)
    return checks


def _follow_through(conn: sqlite3.Connection, done: list[tuple[int, str, int]], *, finished: bool) -> None:
    """The later checks' looks at the earlier findings (review_followthrough). A finding is
    looked at by the check of the next form checked on or after its own day (forms go in
    out of visit order now and then): improved (改善), except the first finding after form 1,
    which needs guidance once more (継続指導) and is improved at the look after. An unfinished
    hire's first finding looked at by the latest check stays 継続指導, so the next check has
    a point to look at again. ``done``: (form no, checked on, check id) of finished checks."""
    done = sorted(done)
    found = {
        cid: [
            r[0]
            for r in conn.execute("SELECT id FROM review_findings WHERE check_id = ? ORDER BY id", (cid,))
        ]
        for _no, _on, cid in done
    }

    def next_look(k: int, on: str) -> int | None:
        """Index of the first check after done[k] in form order dated on or after `on`."""
        return next((j for j in range(k + 1, len(done)) if done[j][1] >= on), None)

    looks: list[tuple[int, int, str]] = []
    slow = False  # one finding took two looks
    last_continue = False
    for k, (_no, on, cid) in enumerate(done):
        for fid in found[cid]:
            j = next_look(k, on)
            if j is None:
                continue  # no later check yet: open (未確認)
            if not slow and k > 0:
                slow = True
                looks.append((done[j][2], fid, "continue"))
                j2 = next_look(j, done[j][1])
                if j2 is not None:
                    looks.append((done[j2][2], fid, "improved"))
                continue
            keep_on = not finished and not last_continue and next_look(j, done[j][1]) is None
            last_continue = last_continue or keep_on
            looks.append((done[j][2], fid, "continue" if keep_on else "improved"))
    conn.executemany(
        "INSERT INTO review_followthrough (check_id, finding_id, outcome) VALUES (?, ?, ?)", looks
    )


def _blind_request(
    conn: sqlite3.Connection, surveyor: str, by_code: dict[str, Surveyor], chief: str, on: str
) -> int:
    """A manager asks a second chief (S002) to check one of the forms blind
    (calibration, services/review/calibration.py): a 'requested' check with blind_of."""
    first = conn.execute(
        "SELECT rc.id, rc.case_id FROM review_checks rc JOIN review_forms rf ON rf.case_id = rc.case_id"
        " WHERE rc.surveyor = ? AND rf.form_no = ? AND rc.kind = 'focused' AND rc.state = 'done'",
        (surveyor, BLIND_FORM),
    ).fetchone()
    if first is None:
        return 0
    me = by_code[chief]
    second = code_of(me.district, BLIND_SECOND if me.n != BLIND_SECOND else 1)
    stamp = f"{on}T18:00:00+09:00"
    conn.execute(
        "INSERT INTO review_checks (case_id, surveyor, inspector, kind, blind_of, state, created_at,"
        " updated_at, who) VALUES (?, ?, ?, 'focused', ?, 'requested', ?, ?, 'demo-manager')",
        (first[1], surveyor, second, first[0], stamp, stamp),
    )
    return 1


def _help_across_wards(conn: sqlite3.Connection, staff: list[Surveyor], today: dt.date) -> None:
    """One assignment (help across wards, seed 001 §3(4); services/review/wards.py): the
    first chief (demo-s001) helps another ward with a new hire's review for two weeks."""
    chiefs = [s for s in staff if s.is_chief]
    if len(chiefs) < 2 or "review_assignments" not in set(utils_view(conn).table_names()):
        return
    helper = chiefs[0]
    hires = [r[0] for r in conn.execute("SELECT DISTINCT surveyor FROM review_forms ORDER BY surveyor")]
    by_code = {s.code: s for s in staff}
    other = next(
        (by_code[c] for c in hires if c in by_code and not set(by_code[c].wards) & set(helper.wards)), None
    )
    if other is None:
        return
    conn.execute(
        "INSERT INTO review_assignments (chief, surveyor, reason, from_on, until_on, recorded_at, who)"
        " VALUES (?, ?, ?, ?, ?, ?, 'demo-manager')",
        (
            helper.code,
            other.code,
            f"{other.wards[0]}の新任の点検を応援（主任の研修期間）",
            today.isoformat(),
            (today + dt.timedelta(days=14)).isoformat(),
            f"{today.isoformat()}T08:45:00+09:00",
        ),
    )


def _ward_no(staff: list[Surveyor], s: Surveyor) -> int:
    chief = next(c for c in staff if c.is_chief and c.district == s.district and c.wards[0] == s.wards[0])
    return chief.n


def _check(
    conn: sqlite3.Connection,
    rng: random.Random,
    surveyor: str,
    chief: str,
    case_id: int,
    form_no: int,
    on: str,
    *,
    done: bool,
    guidance: bool = False,
) -> int:
    n_findings = FINDINGS_BY_FORM[form_no - 1] if done else 1
    found = [POINTS[int(rng.random() * len(POINTS))] for _ in range(n_findings)]
    minutes = 15 + int(rng.random() * 30)
    stamp = f"{on}T{16 + int(rng.random() * 2)}:{int(rng.random() * 60):02d}:00+09:00"
    cur = conn.execute(
        "INSERT INTO review_checks (case_id, surveyor, inspector, kind, state, guidance, guidance_methods,"
        " fixed_before_submission, minutes, open_seconds, checked_on, created_at, updated_at, who)"
        " VALUES (?, ?, ?, 'focused', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            case_id,
            surveyor,
            chief,
            "done" if done else "draft",
            GUIDANCE[min(form_no - 1, 9) * len(GUIDANCE) // 10] if done else "",
            ("oral,accompany" if form_no <= 2 else "oral") if done else "",
            (1 if found else None) if done else None,
            minutes if done else None,
            minutes * 60,
            on if done else None,
            stamp,
            stamp,
            f"demo-{chief.lower()}",
        ),
    )
    check_id = cur.lastrowid
    looked_at = POINTS if done else POINTS[:3]
    conn.executemany(
        "INSERT INTO review_points (check_id, point, outcome) VALUES (?, ?, ?)",
        [(check_id, p, "finding" if p in found else "ok") for p in looked_at],
    )
    rows = [
        (
            check_id,
            p,
            "fix" if form_no <= 3 and k == 0 else "minor",
            ITEM_CODES[int(rng.random() * len(ITEM_CODES))],
            FINDING_NOTES[p],
        )
        for k, p in enumerate(found)
        if p in looked_at
    ]
    if done and rows and guidance:  # the guidance given for each finding, that day
        conn.executemany(
            "INSERT INTO review_findings (check_id, point, severity, item_code, note, guidance, guidance_on)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(*r, FINDING_GUIDANCE[r[1]], on) for r in rows],
        )
    else:
        conn.executemany(
            "INSERT INTO review_findings (check_id, point, severity, item_code, note) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
    return int(check_id or 0)


def _followup3(conn: sqlite3.Connection, s: Surveyor, chief: str, today: dt.date) -> int:
    """The 3-month proficiency check, done a few days after it fell due (6-month one left open)."""

    on = add_months(s.placed_on, 3) + dt.timedelta(days=3)
    if on > today:
        return 0
    stamp = f"{on.isoformat()}T17:00:00+09:00"
    conn.execute(
        "INSERT INTO review_checks (case_id, surveyor, inspector, kind, state, guidance, guidance_methods,"
        " minutes, open_seconds, proficiency_note, checked_on, created_at, updated_at, who)"
        " VALUES (NULL, ?, ?, 'followup3', 'done', ?, 'accompany', 60, 3600, ?, ?, ?, ?, ?)",
        (
            s.code,
            chief,
            "同行訪問で面接の進め方を確認",
            "聞き取りは丁寧。特記事項の具体性は改善途上",
            on.isoformat(),
            stamp,
            stamp,
            f"demo-{chief.lower()}",
        ),
    )
    return 1
