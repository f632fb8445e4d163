"""The monthly performance report (業務履行報告書（月次）, seed 001 §15 / 002 §4).

``build_monthly`` gathers the month's figures with a few aggregate queries
(store/report_queries.py); ``MonthlyReport.to_json()`` is the documented JSON
shape and ``as_doc()`` the document every other format draws (monthly_doc.py, imported
only when a document is drawn: not for --format json).

Definitions (M = the month; every date a Japan date; "as of" = --as-of,
default today in Japan). Everything is evaluated as of the as-of date: a step,
acceptance, cancellation or return dated after it has not happened yet, so a
report re-run later with the same --as-of gives the same figures unless
someone corrected a date.

- counts: received / contacted / visited / submitted / cancelled = cases
  whose date of that step falls in M (up to as-of); accepted = accepted_on in
  M and not cancelled, split into home (is_home=1) and other (is_home=0);
  welfare = home cases with welfare=1 (a subset of home); backlog_end =
  received by the end of M and, at the end of M (or at as-of if earlier),
  neither accepted, cancelled nor returned.
- deadlines (the case rules of core.deadlines: contact, standard, target20;
  the stored deadline columns, so an agreed extension counts): see
  core.metrics.deadline_outcome. Each rule is printed with its own words
  (「日程調整連絡（受理から3開庁日）」), so the report follows the rules file.
- billing: see core.metrics.bill and ``unit_prices``.
- inspection: the month's submissions (up to as-of) inspected before they went out,
  without inspection (a manager's override; target 0) and 点検記録なし（取込）
  (submission dates that came with the city's list), and 点検実施率
  (services/cases/inspection.py, the same counts as the metric inspection_rate).

The sections the other features fill (the first-ten review; complaints,
incidents, problems) are a plain list, ``feature_sections``, each built once.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from inspect_tui.core.deadlines import case_rules
from inspect_tui.core.metrics import Bill, Period, bill, parse_month
from inspect_tui.core.months import add_months
from inspect_tui.core.records import field, record, replace
from inspect_tui.core.renderable import EXTENSIONS
from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.cases.inspection_figures import InspectionFigures
from inspect_tui.services.cases.inspection_figures import figures as inspection_figures
from inspect_tui.services.config import Config
from inspect_tui.services.reports.monthly_terms import COUNT_KEYS, NOTE_KINDS, TREND_LATE
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import billing
from inspect_tui.store import report_queries as q

if TYPE_CHECKING:
    from inspect_tui.core.document import Doc, Section


class ReportError(ValueError):
    """A report that cannot be made as asked; the message says why."""


def note_key(month: Period, kind: str) -> str:
    """Settings key of a month's free text: monthly_note:2027-05:problems."""
    if kind not in NOTE_KINDS:
        raise ReportError(f"記入欄は {' / '.join(NOTE_KINDS)} のどれかです")
    return f"monthly_note:{month.key}:{kind}"


def get_monthly_note(s: Session, month: Period, kind: str) -> str:
    return q.get_setting(s.db.conn, note_key(month, kind)) or ""


@writes("report.notes")
def set_monthly_note(s: Session, month: Period, kind: str, text: str) -> None:
    """Save (empty text: clear) the month's problems or improvements (managers only)."""
    q.set_setting(s.db, note_key(month, kind), text.strip() or None, s.who)


def printed_notes(s: Session, month: Period, *, by_name: bool = True) -> dict[str, str]:
    """The month's problems and improvements as the report prints them: personal data
    masked (the report goes to the city), with the names and numbers of the month's cases.
    by_name=False masks the patterns only (for --format json, which never prints the
    notes: the names query is not worth its 10-20 ms there)."""
    from inspect_tui.services.trust.free_text import NOTHING, known_for_month, mask  # as feature_sections

    notes = {kind: get_monthly_note(s, month, kind) for kind in NOTE_KINDS}
    if any(notes.values()):
        known = known_for_month(s, month) if by_name else NOTHING
        notes = {kind: mask(text, known) for kind, text in notes.items()}
    return notes


# --------------------------------------------------------------------------- the other features' parts


def feature_sections(s: Session, month: Period, as_of: dt.date) -> list[Section]:
    """What the other features contribute, in print order, each built once: the inspection
    of forms before submission (services.cases.inspection), the corrections after
    submission by surveyor (services.reports.corrections), the first-ten review
    (services.review.monthly), then complaints, incidents and problems
    (services.quality.monthly).

    Their modules are imported here, and the late trend's metrics in late_trend_counts: only
    the readable formats print them, and with core/history and store/events under them they
    were part of the ~20 ms these deferrals saved of a 270 ms ``report monthly --format json``
    at 1M cases (its SQL is ~100 ms; 21 interleaved runs).
    """
    from inspect_tui.services.cases.inspection import inspection_section
    from inspect_tui.services.quality.monthly import quality_sections
    from inspect_tui.services.reports.corrections import after_submission_section
    from inspect_tui.services.review.monthly import first_ten_section

    return [
        inspection_section(s, month, as_of),
        after_submission_section(s, month, as_of),
        first_ten_section(s, month, as_of),
        *quality_sections(s, month, as_of),
    ]


# --------------------------------------------------------------------------- prices


@record(frozen=True)
class UnitPrices:
    home: int | None
    other: int | None

    def json_value(self) -> int | dict[str, int | None] | None:
        """One integer when one price applies to both; {"home", "other"} when they differ."""
        if self.home == self.other:
            return self.home
        return {"home": self.home, "other": self.other}


def unit_prices(config: Config, override: int | None = None) -> UnitPrices:
    """The unit price (yen, before tax) for home and for other-municipality cases.

    --unit-price sets one price for both. Otherwise the config's [prices]: 0
    means "not set"; other = home when only home is set (and the reverse).
    Neither set: None, and the report says the price is missing instead of
    printing 0 yen.
    """
    if override is not None:
        if override < 0:
            raise ReportError("単価は0以上の整数（円）にしてください")
        return UnitPrices(override, override)
    home = config.unit_price_home or None
    other = config.unit_price_other or None
    return UnitPrices(home or other, other or home)


# --------------------------------------------------------------------------- the report


@record
class MonthlyReport:
    month: Period
    as_of: dt.date
    issued_on: dt.date
    counts: dict[str, int]
    deadlines: dict[str, q.DeadlineCounts]
    prices: UnitPrices
    home: Bill
    other: Bill
    late_cases: dict[str, list[tuple[str, str, str | None]]] | None
    notes: dict[str, str]
    extra: list[Section]
    wards: dict[str, dict[str, int]] = field(default_factory=dict)
    billing_closed_at: str | None = None  # the month was closed for billing (figures frozen)
    repaid: int = 0  # accepted again this month but paid in an earlier closed month: not billed
    inspection: InspectionFigures | None = None  # submissions by inspection before submission
    corrections: list[billing.LateEvent] = field(default_factory=list)  # 前月以前分の訂正
    #: the 12 months up to this one: (month, received, submitted, accepted); readable formats only
    trend: list[tuple[Period, int, int, int]] = field(default_factory=list)
    #: the same 12 months' late counts, one per deadline metric (TREND_LATE), each month
    late_trend: list[tuple[Period, tuple[int | None, ...]]] = field(default_factory=list)

    @property
    def cutoff(self) -> dt.date:
        return min(self.month.end, self.as_of)

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape (docs/report-formats.md); nothing else."""

        def money(b: Bill) -> dict[str, int | None]:
            return {"count": b.count, "subtotal": b.subtotal, "tax": b.tax, "total": b.total}

        return {
            "month": self.month.key,
            "as_of": self.as_of.isoformat(),
            "counts": {k: self.counts[k] for k in COUNT_KEYS},
            "deadlines": {
                rule: {
                    "due": d.due,
                    "on_time": d.on_time,
                    "late": d.late,
                    "pending": d.pending,
                    "excluded": d.excluded,
                }
                for rule, d in self.deadlines.items()
            },
            "billing": {
                "unit_price": self.prices.json_value(),
                "home": money(self.home),
                "other": money(self.other),
            },
            "inspection": self.inspection.to_json() if self.inspection else None,
        }

    def as_doc(self, full: bool = False) -> Doc:
        from inspect_tui.services.reports.monthly_doc import LATE_LIST_LIMIT, monthly_doc  # not for json

        return monthly_doc(self, None if full else LATE_LIST_LIMIT)

    def default_filename(self, fmt: str) -> str:
        """monthly_2027-05.xlsx: the kind and the month, never personal data."""
        return f"monthly_{self.month.key}.{EXTENSIONS[fmt]}"


def build_monthly(
    s: Session,
    month: Period,
    as_of: dt.date | None = None,
    unit_price: int | None = None,
    *,
    readable: bool = True,
    issued_on: dt.date | None = None,
) -> MonthlyReport | ClosedMonthReport:
    """The month's figures as of as_of (default: today in Japan); a closed month's report
    as it was frozen at its close (as_of and unit_price do not apply to it).

    readable=False builds only what the JSON holds (counts, deadlines, billing): the
    late-case lists, the ward breakdown, the notes and the other features' sections
    are for the readable formats, and their queries are not run (--format json).
    """
    today = today_jp()
    as_of = as_of or today
    if month.kind != "month":
        raise ReportError("月次報告は月（例: 2027-05）で指定してください")
    if as_of < month.start:
        raise ReportError(
            f"基準日 {as_of.isoformat()} が対象月 {month.key} より前です（--as-of を月の初日以降に）"
        )
    conn = s.db.conn
    closed_at, frozen = billing.month_snapshot(conn, month.key)
    if frozen is not None:  # a closed month prints as it was closed, whatever came later
        return ClosedMonthReport(month, frozen.closed_at, json.loads(frozen.json), issued_on or today)
    cutoff = min(month.end, as_of)
    counts = q.step_counts(conn, month.start, cutoff)
    counts["backlog_end"] = q.backlog_at(conn, cutoff)
    rules = [rule.id for rule in case_rules()]
    deadlines = {rule: q.deadline_counts(conn, rule, month.start, month.end, as_of) for rule in rules}
    late = (
        {rule: q.late_case_numbers(conn, rule, month.start, month.end, as_of) for rule in rules}
        if readable
        else None
    )
    # the breakdown, the notes and the features' sections are for reading (text, html, …);
    # JSON has its fixed shape without them
    wards = q.by_ward(conn, month.start, cutoff) if readable else {}
    prices = unit_prices(s.config, unit_price)
    billable = billing.billable_counts(conn, month.key, month.start, cutoff)
    notes = printed_notes(s, month) if readable else {}
    extra = feature_sections(s, month, as_of) if readable else []
    return MonthlyReport(
        month=month,
        as_of=as_of,
        issued_on=issued_on or today,
        counts=counts,
        deadlines=deadlines,
        prices=prices,
        home=bill(prices.home, billable["home"]),
        other=bill(prices.other, billable["other"]),
        late_cases=late,
        notes=notes,
        extra=extra,
        wards=wards,
        billing_closed_at=closed_at,
        repaid=billable["repaid"],
        inspection=inspection_figures(s, month.start, cutoff),
        corrections=billing.earlier_corrections(conn, month.key) if readable else [],
        trend=trend_counts(conn, month, cutoff) if readable else [],
        late_trend=late_trend_counts(conn, month, as_of) if readable else [],
    )


TREND_MONTHS = 12


def trend_months(month: Period) -> list[Period]:
    """The month and the 11 before it, oldest first."""
    start = add_months(month.start, 1 - TREND_MONTHS)
    return [parse_month(f"{add_months(start, i):%Y-%m}") for i in range(TREND_MONTHS)]


def trend_counts(conn, month: Period, cutoff: dt.date) -> list[tuple[Period, int, int, int]]:
    """The month and the 11 before it: cases received, submitted and accepted in each
    (accepted: not cancelled by the cutoff, as 受理（履行件数） in the month's counts)."""
    months = trend_months(month)
    by = {
        column: q.step_counts_by_month(conn, column, months[0].start, cutoff, where)
        for column, where in (
            ("received_on", ""),
            ("submitted_on", ""),
            ("accepted_on", "AND (cancelled_on IS NULL OR cancelled_on > :c)"),
        )
    }
    return [
        (m, *(by[c].get(m.key, 0) for c in ("received_on", "submitted_on", "accepted_on"))) for m in months
    ]


def late_trend_counts(conn, month: Period, as_of: dt.date) -> list[tuple[Period, tuple[int | None, ...]]]:
    """The month and the 11 before it: each TREND_LATE metric's count per month, by deadline
    month as of the report's 基準日 (as section 2 and the SLA report count them: the month's
    own figure is the same number); one grouped query per metric over the 12 months, None
    where a metric is not recorded."""
    from inspect_tui.services.reports.metrics import METRICS  # readable formats only: feature_sections

    months = trend_months(month)
    metrics = [METRICS[m] for m in TREND_LATE]
    by = [m.counter(conn, months[0].start, month.end, as_of) if m.counter else None for m in metrics]

    def count(metric, counted, m: Period) -> int | None:
        v = None if counted is None else metric.value_of(counted.get(m.key, {}))
        return None if v is None else int(v)

    return [
        (m, tuple(count(metric, counted, m) for metric, counted in zip(metrics, by, strict=True)))
        for m in months
    ]


ISSUED = "発行日"


@record
class ClosedMonthReport:
    """A closed month's report, reproduced from what was frozen at its close
    (month_snapshots): its figures and lists as they were; only the printing date (発行日)
    is of today, and the audit head the registry puts in the footer."""

    month: Period
    closed_at: str
    frozen: dict[str, Any]  # {"report": to_json(), "doc": as_doc(), "doc_full": as_doc(True)}
    issued_on: dt.date

    @property
    def billing_closed_at(self) -> str:
        return self.closed_at

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.frozen["report"]["counts"])

    @property
    def as_of(self) -> dt.date:
        return dt.date.fromisoformat(self.frozen["report"]["as_of"])

    def _bill(self, kind: str) -> Bill:
        billing = self.frozen["report"]["billing"]
        price = billing["unit_price"]
        unit = price.get(kind) if isinstance(price, dict) else price
        b = billing[kind]
        return Bill(unit, b["count"], b["subtotal"], b["tax"], b["total"])

    @property
    def home(self) -> Bill:
        return self._bill("home")

    @property
    def other(self) -> Bill:
        return self._bill("other")

    repaid = 0

    def to_json(self) -> dict[str, Any]:
        return dict(self.frozen["report"])

    def as_doc(self, full: bool = False) -> Doc:
        from inspect_tui.core.document import doc_from_data  # not for json

        doc = doc_from_data(self.frozen["doc_full" if full else "doc"])
        facts = [(k, self.issued_on.isoformat() if k == ISSUED else v) for k, v in doc.facts]
        return replace(doc, facts=facts)

    def default_filename(self, fmt: str) -> str:
        return f"monthly_{self.month.key}.{EXTENSIONS[fmt]}"


def freeze(r: MonthlyReport) -> str:
    """What month_snapshots keeps of a report: its JSON (with the day it was closed) and
    its document, short and full, as plain JSON."""
    from inspect_tui.core.document import doc_to_data

    report = {**r.to_json(), "closed_on": (r.billing_closed_at or "")[:10]}
    data = {"report": report, "doc": doc_to_data(r.as_doc()), "doc_full": doc_to_data(r.as_doc(True))}
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


@writes("billing.close")
def close_billing_month(s: Session, month: Period) -> int:
    """Close a month for billing (managers): the cases it pays for are frozen, and a
    form paid here is never billed again (seed 001 §14); the month's report is frozen
    with them (month_snapshots) and printed from then on as it was closed. Months close
    in order: once a month has been closed, the month before this one must be closed
    first. Returns how many cases it pays for."""

    today = today_jp()
    if today <= month.end:
        raise ValueError(f"{month.key} はまだ終わっていません（締めは月末の翌日から）")
    previous = parse_month(f"{(month.start - dt.timedelta(days=1)):%Y-%m}")

    def snapshot() -> str:
        built = build_monthly(s, month, today, issued_on=today)
        assert isinstance(built, MonthlyReport)  # the snapshot is written after this
        return freeze(built)

    return billing.close_billing_month(
        s.db, month.key, month.start, month.end, s.who, now_jp_iso(), snapshot, previous.key
    )
