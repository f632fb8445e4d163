"""The first-ten review's part of the monthly performance report: the focused checks of new
surveyors' forms 1-10 finished in the month (001 §5(3)②), by surveyor code and form
number. A surveyor whose 10th form was checked is due the guidance completion report."""

from __future__ import annotations

import datetime as dt

from inspect_tui.core.document import Section, Table
from inspect_tui.core.metrics import Period
from inspect_tui.services.session import Session
from inspect_tui.store import report_queries as q


def first_ten_section(s: Session, month: Period, as_of: dt.date) -> Section:
    heading = "初任者の重点チェック（1〜10件目）の実施"
    rows = q.first_ten_checks(s.db.conn, month.start, min(month.end, as_of))
    if rows is None:
        return Section(heading, paragraphs=["（未記録） この機能はまだ記録を取っていません"])
    if not rows:
        return Section(heading, paragraphs=["当月に終えた重点チェックはありません。"])
    by_surveyor: dict[str, list[int]] = {}
    for code, form_no, _day in rows:
        by_surveyor.setdefault(code, []).append(form_no)
    table = Table(
        ["調査員コード", "点検した様式（件目）", "件数", "10件目"],
        [
            [
                code,
                "・".join(str(n) for n in forms),
                len(forms),
                "完了（指導終了報告へ）" if 10 in forms else "",
            ]
            for code, forms in by_surveyor.items()
        ],
        align=["l", "l", "r", "l"],
    )
    return Section(
        heading,
        tables=[table],
        paragraphs=[f"当月の重点チェック: {len(rows):,} 件（{len(by_surveyor):,} 人）"],
    )
