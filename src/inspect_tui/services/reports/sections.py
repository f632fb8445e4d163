"""Monthly report sections filled from other features' records.

- first_ten: the focused checks of new surveyors' forms 1-10 finished in the
  month (001 §5(3)②), by surveyor code and form number, from the review
  feature's tables. A surveyor whose 10th form was checked is due the
  guidance completion report (指導終了報告).
- complaints / incidents / problems: the quality feature's own providers
  (services.quality_monthly.register_monthly_sections), loaded by name so this
  module does not depend on that feature being installed.
"""

from __future__ import annotations

import datetime as dt
import importlib

from inspect_tui.core.document import Table
from inspect_tui.core.metrics import Period
from inspect_tui.services.session import Session
from inspect_tui.store import report_queries as q

#: "module:function" registering monthly sections; skipped when the module is absent.
SECTION_PLUGINS = ("inspect_tui.services.quality.monthly:register_monthly_sections",)


def first_ten_section(s: Session, month: Period, as_of: dt.date):
    from inspect_tui.services.reports.monthly import NOT_RECORDED, ExtraSection

    heading = "初任者の重点チェック（1〜10件目）の実施"
    rows = q.first_ten_checks(s.db.conn, month.start, min(month.end, as_of))
    if rows is None:
        return ExtraSection(heading, paragraphs=[NOT_RECORDED + " この機能はまだ記録を取っていません"])
    if not rows:
        return ExtraSection(heading, paragraphs=["当月に終えた重点チェックはありません。"])
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
    return ExtraSection(
        heading,
        tables=[table],
        paragraphs=[f"当月の重点チェック: {len(rows):,} 件（{len(by_surveyor):,} 人）"],
    )


def load_feature_sections() -> None:
    """Register the built-in and the other features' monthly sections (services.reports
    calls it once, when it is imported)."""
    from inspect_tui.services.reports.monthly import MONTHLY_SECTIONS, register_monthly_section

    if getattr(MONTHLY_SECTIONS.get("first_ten"), "placeholder", False):
        register_monthly_section("first_ten", first_ten_section)
    for spec in SECTION_PLUGINS:
        module, _, func = spec.partition(":")
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                continue
            raise
        getattr(mod, func)()
