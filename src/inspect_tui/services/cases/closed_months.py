"""Steps dated in a closed month (seed 001 §4(8), §14; issue 13 item 5).

A closed month's report and billing are frozen (services/reports/monthly.py). A step
whose business date falls in a closed month is accepted only as a correction that
names the month it belongs to (``correction_of``, ``--correction-of YYYY-MM``); it is
then listed in the next open month's report as 前月以前分の訂正, and the closed
month stays as it was closed.
"""

from __future__ import annotations

import datetime as dt

from inspect_tui.core.metrics import PeriodError, parse_month
from inspect_tui.core.steps import StepError
from inspect_tui.services.session import Session
from inspect_tui.store.billing import billing_closed_at


class ClosedMonthStep(StepError):
    """A step dated in a closed month, not named as a correction of it: the CLI says which
    option names it (``--correction-of``), the TUI asks whether to record it as one."""

    def __init__(self, on: dt.date, month: str, closed_at: str) -> None:
        self.on, self.month, self.closed_on = on, month, closed_at[:10]
        super().__init__(
            f"{self.what}前月以前分の訂正として記録するときは、{month} 分の訂正であることを指定してください"
        )

    @property
    def what(self) -> str:
        """The first sentence, the same in every front end: which closed month the date is in."""
        return f"{self.on.isoformat()} は締め済みの月（{self.month}、{self.closed_on} 締め）の日付です。"


def correction_note(s: Session, on: dt.date, correction_of: str | None) -> str:
    """'' for a step in an open month (no correction_of); the words the event's note
    carries for a correction of a closed month. StepError when a step dated in a closed
    month does not name it, or correction_of names a month the step is not in or that is
    not closed."""
    month = f"{on:%Y-%m}"
    closed = billing_closed_at(s.db.conn, month)
    if correction_of is None:
        if closed:
            raise ClosedMonthStep(on, month, closed)
        return ""
    try:
        named = parse_month(correction_of).key
    except PeriodError as exc:
        raise StepError(f"訂正する月: {exc}") from None
    if named != month:
        raise StepError(f"訂正する月 {correction_of}: 手順の日付 {on.isoformat()} は {month} の日付です")
    if not closed:
        raise StepError(f"訂正する月 {correction_of}: {month} はまだ締めていません（訂正は不要です）")
    return f"（{month} 分の訂正）"
