"""Surveyors: workload, on-time rate, first-ten review progress, registration expiry,
and the staff alerts on the Today screen.

- on-time rate: of the surveyor's cases submitted in the last 90 days, the share
  submitted on or before the standard deadline;
- solo form: a case of the surveyor visited (on or after their placement) with
  no chief alongside (accompanied_by NULL or not a chief); the first ten are the
  focused review;
- new surveyor: placed (placed_on, else hired_on) within a year of today.
"""

from __future__ import annotations

import datetime as dt

from inspect_tui.core.case_columns import OPEN_IN
from inspect_tui.core.deadlines import case_rule
from inspect_tui.core.masking import staff_value
from inspect_tui.core.records import record
from inspect_tui.core.staff import FLAGS, StaffAlert
from inspect_tui.services.review.queue import new_surveyors
from inspect_tui.services.session import Session
from inspect_tui.services.staff.records import card_not_returned, non_care_manager_share
from inspect_tui.services.trust.permissions import role_of

ON_TIME_WINDOW_DAYS = 90
EXPIRY_ALERT_DAYS = 60
REVIEW_FORMS = 10


@record(frozen=True)
class SurveyorRow:
    code: str
    name: str
    qualification: str
    is_chief: bool
    wards: str
    placed_on: str | None
    expires_on: str | None
    open_cases: int
    submitted_90: int
    on_time_90: int
    is_new: bool
    solo_forms: int
    checked: int | None = None  # focused checks finished (services.review), for new surveyors

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time_90 / self.submitted_90 if self.submitted_90 else None

    @property
    def review_progress(self) -> str:
        """Solo forms n/10 (and checks done) for a new surveyor's focused review, '' for others."""
        if not self.is_new:
            return ""
        done = f" 点検{self.checked}" if self.checked is not None else ""
        return f"{min(self.solo_forms, REVIEW_FORMS)}/{REVIEW_FORMS}{done}"

    def days_to_expiry(self, today: dt.date) -> int | None:
        return (dt.date.fromisoformat(self.expires_on) - today).days if self.expires_on else None


def _placed(row) -> str | None:
    return row["placed_on"] or row["hired_on"]


def _active_sql() -> str:
    return "(left_on IS NULL OR left_on > ?)"


def surveyor_overview(s: Session, today: dt.date) -> list[SurveyorRow]:
    """Every current surveyor with workload, on-time rate and review progress."""
    iso = today.isoformat()
    since = (today - dt.timedelta(days=ON_TIME_WINDOW_DAYS)).isoformat()
    # the open statuses written out (core.case_columns.OPEN_IN): the open cases' index answers it
    open_counts = {
        r[0]: r[1]
        for r in s.db.conn.execute(
            f"SELECT surveyor, count(*) FROM cases WHERE status IN {OPEN_IN} GROUP BY surveyor"
        )
    }
    # on time = the standard deadline met by the step that ends it (core.deadlines)
    due, done = case_rule("standard").due_column, case_rule("standard").ends_by
    submitted = {
        r[0]: (r[1], r[2])
        for r in s.db.conn.execute(
            f"SELECT surveyor, count(*), sum({due} IS NOT NULL AND {done} <= {due})"
            f" FROM cases WHERE {done} > ? AND {done} <= ? GROUP BY surveyor",
            (since, iso),
        )
    }

    # who is new and their forms 1-10: the review feature's rules, so both screens agree
    progress = {n.code: n for n in new_surveyors(s, today, sync=False)}
    role = role_of(s)
    out = []
    for r in s.db.conn.execute(f"SELECT * FROM surveyors WHERE {_active_sql()} ORDER BY code", (iso,)):
        sub, on_time = submitted.get(r["code"], (0, 0))
        out.append(
            SurveyorRow(
                code=r["code"],
                name=staff_value(role, r["name"]) or "",
                qualification=r["qualification"],
                is_chief=bool(r["is_chief"]),
                wards=r["wards"],
                placed_on=_placed(r),
                expires_on=r["expires_on"],
                open_cases=open_counts.get(r["code"], 0),
                submitted_90=sub,
                on_time_90=on_time or 0,
                is_new=r["code"] in progress,
                solo_forms=progress[r["code"]].numbered if r["code"] in progress else 0,
                checked=progress[r["code"]].checked if r["code"] in progress else None,
            )
        )
    return out


def staff_alerts(s: Session, today: dt.date) -> list[StaffAlert]:
    """Registrations expiring within 60 days (or expired), too many non-care-managers, and
    surveyors who left without returning their ID card (names hidden from a monitor)."""
    iso = today.isoformat()
    role = role_of(s)
    horizon = (today + dt.timedelta(days=EXPIRY_ALERT_DAYS)).isoformat()
    alerts: list[StaffAlert] = []
    for r in s.db.conn.execute(
        f"SELECT code, name, expires_on FROM surveyors WHERE {_active_sql()}"
        " AND expires_on IS NOT NULL AND expires_on <= ? ORDER BY expires_on, code",
        (iso, horizon),
    ):
        days = (dt.date.fromisoformat(r["expires_on"]) - today).days
        name = staff_value(role, r["name"]) or ""
        if days < 0:
            text = f"{name}（{r['code']}）の登録が{r['expires_on']}に切れています"
            alerts.append(StaffAlert("expired", text, r["code"], name, r["expires_on"], days))
        else:
            text = f"{name}（{r['code']}）の登録期限 {r['expires_on']}（あと{days}日）"
            alerts.append(StaffAlert("expiry", text, r["code"], name, r["expires_on"], days))
    share = non_care_manager_share(s, today)
    if share.over:
        alerts.append(
            StaffAlert(
                "non_care_manager",
                f"介護支援専門員以外の調査員が {share.other}/{share.total} 人（{share.ratio:.0%}）で、"
                "目安の30%を超えています",
                days=round(100 * share.ratio),
            )
        )
    for code in card_not_returned(s, today):
        alerts.append(StaffAlert("card_not_returned", f"{code}: {FLAGS['card_not_returned']}", code))
    return alerts
