"""The case list: filters and sorts pushed into SQL, read one page at a time.

The list covers the whole database (100k rows and more), so nothing here loads
every row: ``count_cases`` gives the size, ``fetch_page`` one page in the
chosen order, and the remaining business days are computed for the fetched
rows only. A row's deadline state is that of its next open deadline (the
earliest one not yet met and not excluded), so "超過" means at least one
deadline of the case is past.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor, wait

from inspect_tui.core.case_columns import OPEN_IN, OPEN_STATUSES, STATUS_LABELS
from inspect_tui.core.deadlines import (
    OPEN_STATES,
    STATE_WORDS,
    Horizon,
    business_days_left,
    case_rules,
    deadline_state,
)
from inspect_tui.core.masking import PERSONAL_FIELDS, REDACTED, visible_fields
from inspect_tui.core.records import field, record, replace
from inspect_tui.services.cases import search
from inspect_tui.services.cases.detail import deadlines_of
from inspect_tui.services.cases.history import voided_ids
from inspect_tui.services.cases.search import TextMatch, row_by_row, text_match
from inspect_tui.services.session import Session
from inspect_tui.services.trust.free_text import AS_TYPED, Known, Viewer
from inspect_tui.services.trust.permissions import role_of
from inspect_tui.store.cases import events_of, exceptions_of, get_case

#: Deadline states a case can be filtered by, in order of urgency (core.deadlines).
DEADLINE_STATES = (*OPEN_STATES, "none")

#: Status filter choices: "open" means any of OPEN_STATUSES.
STATUS_CHOICES = ("open", "", *STATUS_LABELS)
STATUS_CHOICE_LABELS = {"open": "未完了", "": "全件", **STATUS_LABELS}

_NO_DUE_DAY = "9999-12-31"  # sorts after every real deadline
_NO_DUE = f"'{_NO_DUE_DAY}'"


def _open_due(rule) -> str:
    """SQL: the rule's stored deadline while it is open (case open, its step not done, not
    excluded), else the far-off _NO_DUE. Column names come from the rule."""
    return (
        f"CASE WHEN c.status IN {OPEN_IN} AND c.{rule.ends_by} IS NULL AND c.{rule.due_column} IS NOT NULL"
        f" AND (x.excl IS NULL OR instr(x.excl, '{rule.id}') = 0) THEN c.{rule.due_column} ELSE {_NO_DUE} END"
    )


def next_due_sql() -> str:
    """SQL: the earliest open deadline of a case (_NO_DUE when none is open)."""
    dues = ", ".join(_open_due(rule) for rule in case_rules())
    earliest = f"min({dues})" if len(case_rules()) > 1 else dues
    return f"CASE WHEN c.status IN {OPEN_IN} THEN {earliest} ELSE {_NO_DUE} END"


def next_rule_sql() -> str:
    """SQL: the id of the rule whose deadline next_due_sql gives (NULL when none is open)."""
    whens = " ".join(f"WHEN {_open_due(rule)} THEN '{rule.id}'" for rule in case_rules())
    return f"CASE {next_due_sql()} WHEN {_NO_DUE} THEN NULL {whens} END"


#: The exclusions of the open cases (a closed case has no open deadline, whatever it
#: excludes): at 1M cases, sorting the 5,234 open ones by their next deadline took 11.8 ms
#: joined to every case's exclusions, 8.3 ms to the open ones' (4.9 with none at all).
_EXCL_JOIN = (
    "LEFT JOIN (SELECT case_id, group_concat(rule) AS excl FROM deadline_exceptions"
    f" WHERE kind = 'exclude' AND case_id IN (SELECT id FROM cases WHERE status IN {OPEN_IN})"
    " GROUP BY case_id) x ON x.case_id = c.id"
)

#: Sortable columns: key -> (label, SQL expression).
SORTS: dict[str, tuple[str, str]] = {
    "next_due": ("次の期限", "next_due"),
    "case_no": ("依頼番号", "c.case_no"),
    "received_on": ("受理日", "c.received_on"),
    "ward": ("区", "c.ward"),
    "status": ("状態", "c.status"),
    "surveyor": ("調査員", "c.surveyor"),
    "application": ("申請区分", "c.application"),
    "applicant_name": ("氏名", "c.applicant_name"),
}


@record(frozen=True)
class CaseFilter:
    """What the user asked to see. Empty strings mean "any"."""

    text: str = ""
    ward: str = ""
    status: str = "open"
    surveyor: str = ""
    deadline: str = ""
    sort: str = "next_due"
    descending: bool = False

    def with_(self, **changes: object) -> CaseFilter:
        return replace(self, **changes)  # type: ignore[arg-type]

    def describe(self) -> str:
        """A short Japanese summary of the active filters, for the screen's header line."""
        parts = [STATUS_CHOICE_LABELS.get(self.status, self.status)]
        if self.ward:
            parts.append(self.ward)
        if self.surveyor:
            parts.append(f"調査員 {self.surveyor}")
        if self.deadline:
            parts.append(f"期限 {STATE_WORDS[self.deadline]}")
        if self.text:
            parts.append(f"「{self.text}」")
        label = SORTS.get(self.sort, (self.sort,))[0]
        parts.append(f"並び: {label}（{'降順' if self.descending else '昇順'}）")
        return " / ".join(parts)


@record(frozen=True)
class CaseListRow:
    id: int
    case_no: str
    ward: str
    application: str
    status: str
    urgent: bool
    surveyor: str
    surveyor_name: str
    received_on: str
    next_rule: str | None
    next_due: dt.date | None
    days_left: int | None  # business days from today; negative = overdue
    state: str  # one of DEADLINE_STATES
    applicant_name: str | None  # None when the role may not see it
    deadlines: tuple[str, ...] = ()  # per case rule (contact, standard, 20-day): "MM-DD" or "済"

    @property
    def state_word(self) -> str:
        return STATE_WORDS[self.state]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@record
class CaseQuery:
    """A filter turned into SQL for one day and one role."""

    where: str
    params: list[object] = field(default_factory=list)
    base: str = "1"  # the clauses but the text's
    base_params: list[object] = field(default_factory=list)
    text: TextMatch | None = None


def viewer_role(s: Session) -> str:
    """The role of the person working, as services.trust decides it (users table;
    a login not in it sees what a monitor sees)."""

    return role_of(s)


def may_see_names(role: str) -> bool:
    return "applicant_name" in visible_fields(role)


def _open_only(f: CaseFilter) -> bool:
    """Whether the filter keeps to open cases (a few thousand rows, found by the status index)."""
    return f.status == "open" or f.status in OPEN_STATUSES or f.deadline not in ("", "none")


def build_query(s: Session, f: CaseFilter, today: dt.date, role: str, narrow: bool = False) -> CaseQuery:
    """WHERE clause and parameters for a filter. narrow: the rows are already few (open
    cases), so free text is matched row by row instead of through the text index."""
    clauses: list[str] = []
    params: list[object] = []
    if f.status == "open":
        clauses.append(f"c.status IN {OPEN_IN}")
    elif f.status:
        clauses.append("c.status = ?")
        params.append(f.status)
    if f.ward:
        clauses.append("c.ward = ?")
        params.append(f.ward)
    if f.surveyor:
        clauses.append("c.surveyor = ?")
        params.append(f.surveyor)
    text = f.text.strip()
    m: TextMatch | None = None
    if text:
        names = may_see_names(role)
        # open cases are few (a few thousand at 1M): each is tested; over every case the
        # text finds its rows through an index where it can (services/cases/search.py)
        m = row_by_row(text, names) if narrow or _open_only(f) else text_match(s.db.conn, text, names)
    if f.deadline:
        iso_today = today.isoformat()
        limit = Horizon.on(today, s.calendar).soon_until.isoformat()
        # the SQL form of core.deadlines.deadline_state on a case's next open deadline
        cond = {
            "overdue": ("next_due < ?", [iso_today]),
            "today": ("next_due = ?", [iso_today]),
            "soon": ("next_due > ? AND next_due < ?", [iso_today, limit]),
            "ok": (f"next_due >= ? AND next_due < {_NO_DUE}", [limit]),
            "none": (f"next_due = {_NO_DUE}", []),
        }[f.deadline]
        clauses.append(cond[0])
        params += cond[1]
        if f.deadline != "none" and f.status != "open":
            clauses.append(f"c.status IN {OPEN_IN}")  # only open cases have open deadlines
    base = " AND ".join(clauses) or "1"
    if m is None:
        return CaseQuery(base, params, base, list(params))
    return CaseQuery(f"{base} AND {m.sql}", [*params, *m.params], base, list(params), m)


def _ids_through_the_index(f: CaseFilter, q: CaseQuery, extra: str, direction: str, limit: int, offset: int):
    """(SQL, params) of the ids of a page in id order, found from the trigram index's rows
    (in its rowid order, stopping at the page's end) and the held names, merged: over 1M
    cases "2025" matches 146k rows clustered in one part of the table, which a LIKE in id
    order reads a third of the table to reach (104 against 1.8 ms). None when the text does
    not go through the trigram index, or the filter needs the computed deadline (_from)."""
    m = q.text
    if m is None or m.phrase is None or f.deadline:
        return None
    base = f"{q.base} AND {extra}" if extra else q.base
    n = int(limit) + int(offset)
    parts = [
        "SELECT * FROM (SELECT c.id AS id FROM cases_no_fts f JOIN cases c ON c.id = f.rowid"
        f" WHERE cases_no_fts MATCH ? AND {base} ORDER BY f.rowid {direction} LIMIT {n})"
    ]
    params: list[object] = [m.phrase, *q.base_params]
    if m.names_like is not None:
        parts.append(
            f"SELECT * FROM (SELECT c.id AS id FROM cases c WHERE {search.NAMES_IN} AND {base}"
            f" ORDER BY c.id {direction} LIMIT {n})"
        )
        params += [m.names_like, *q.base_params]
    sql = " UNION ".join(parts) + f" ORDER BY 1 {direction} LIMIT {int(limit)} OFFSET {int(offset)}"
    return sql, params


def _needs_next_due(f: CaseFilter) -> bool:
    return bool(f.deadline) or f.sort == "next_due"


def _from(f: CaseFilter) -> str:
    if _needs_next_due(f):
        return f"(SELECT c.*, {next_due_sql()} AS next_due FROM cases c {_EXCL_JOIN}) c"
    return "cases c"


def count_cases(s: Session, f: CaseFilter, today: dt.date, role: str, exact: bool = False) -> int:
    """How many cases the filter shows; past search.CAP, CAP + 1 (「10,000 件以上」) unless
    exact: a broad filter over 1M cases is counted in a few ms, exactly in ~100 ms."""
    if not exact:
        q = build_query(s, f, today, role)
        source = _from(f) if f.deadline else "cases c"
        through = _ids_through_the_index(f, q, "", "ASC", search.CAP + 1, 0)
        if through is not None:  # the index's rows in order, until past the cap
            return s.db.conn.execute(f"SELECT count(*) FROM ({through[0]})", through[1]).fetchone()[0]
        return s.db.conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {q.where} LIMIT {search.CAP + 1})", q.params
        ).fetchone()[0]
    # free text alone over every status: the plain LIKE scans the narrow text index once
    # (100 ms at 1M cases); the id subquery form builds a list of every match and looks
    # each up again (540 ms when most cases match, as a typed "2" does)
    only_text = not (f.status or f.ward or f.surveyor or f.deadline)
    q = build_query(s, f, today, role, narrow=only_text)
    where = q.where
    if not f.deadline:  # the count does not need the computed deadline
        return s.db.conn.execute(f"SELECT count(*) FROM cases c WHERE {where}", q.params).fetchone()[0]
    return s.db.conn.execute(f"SELECT count(*) FROM {_from(f)} WHERE {where}", q.params).fetchone()[0]


def is_capped(total: int) -> bool:
    """Whether a count_cases answer stopped at the cap (the exact count is still to come)."""
    return total > search.CAP


#: One thread that reads a list's first page while its caller counts (count_and_first_page);
#: it lives on, so it keeps its connection from one keystroke to the next.
_FIRST_PAGES = ThreadPoolExecutor(max_workers=1, thread_name_prefix="case-first-page")


def count_and_first_page(
    s: Session, f: CaseFilter, today: dt.date, role: str, limit: int
) -> tuple[int, list[CaseListRow]]:
    """count_cases and the first page at once: the page is read on another thread (its own
    connection) while this one counts. SQLite lets go of the interpreter while it reads, so
    two cores do both together: at 1M cases, all of them, a typed filter's count took ~16 ms
    and its page ~20 ms one after the other. The first page never needs the count (a capped
    one is no help; from offset 0 nothing is read from the far end)."""
    page = _FIRST_PAGES.submit(fetch_page, s, f, today, role, 0, limit)
    try:
        total = count_cases(s, f, today, role)
    except BaseException:
        wait([page])  # not left reading while the caller goes on (or the database closes)
        raise
    rows = page.result()  # the page's own error, if any, is raised here
    return total, rows if total else []


def fetch_page(
    s: Session,
    f: CaseFilter,
    today: dt.date,
    role: str,
    offset: int,
    limit: int,
    total: int | None = None,
) -> list[CaseListRow]:
    """limit rows from offset, in the filter's order, with deadline state and days left.

    total (the count_cases of the filter, when the caller knows it) lets a page in
    the far half be read from the other end: the last page of 100k rows costs
    what the first does, instead of skipping 100k rows.

    Sorting by the next deadline only computes it for open cases: closed ones
    have none, so they come after the open ones (before them when descending),
    in case order. That keeps the sort on an index-sized set, not the table.
    """
    if total is not None and is_capped(total):
        total = None  # a count that stopped at the cap: pages are read from the start
    if f.sort != "next_due" or f.status == "open" or (f.deadline and f.deadline != "none"):
        return _fetch(s, f, today, role, offset, limit, "", size=total)
    if f.status and f.status not in OPEN_STATUSES:  # one closed status: no deadlines at all
        return _fetch(s, f, today, role, offset, limit, "", order_by_id=True, size=total)
    open_part = f"c.status IN {OPEN_IN}"
    closed_part = f"c.status NOT IN {OPEN_IN}"
    first, second = (open_part, closed_part) if not f.descending else (closed_part, open_part)
    q = build_query(s, f, today, role, narrow=True)
    source = _from(f) if f.deadline else "cases c"
    # the open part is counted (a few hundred rows on the status index); the closed part is
    # what the total leaves, not a second count over every closed case (90 ms at 1M)
    n_open = s.db.conn.execute(
        f"SELECT count(*) FROM {source} WHERE {q.where} AND {open_part}", q.params
    ).fetchone()[0]
    first_exact = True
    if first == open_part:
        n_first = n_open
    elif total is not None:
        n_first = total - n_open
    else:  # the closed cases up to the page's end are enough to place the page (a capped count)
        wide = build_query(s, f, today, role)
        need = offset + limit
        through = _ids_through_the_index(f, wide, closed_part, "ASC", need, 0)
        if through is not None:
            sql, params = f"SELECT count(*) FROM ({through[0]})", through[1]
        else:
            sql = (
                f"SELECT count(*) FROM (SELECT 1 FROM {source}"
                f" WHERE {wide.where} AND {closed_part} LIMIT {need})"
            )
            params = wide.params
        n_first = s.db.conn.execute(sql, params).fetchone()[0]
        first_exact = n_first < need  # else the page lies inside the closed part
    rows: list[CaseListRow] = []
    if offset < n_first:
        rows = _fetch(
            s,
            f,
            today,
            role,
            offset,
            limit,
            first,
            order_by_id=first == closed_part,
            size=n_first if first_exact else None,
        )
    if len(rows) < limit:
        rest_offset = max(0, offset - n_first)
        rows += _fetch(
            s,
            f,
            today,
            role,
            rest_offset,
            limit - len(rows),
            second,
            order_by_id=second == closed_part,
            size=None if total is None else total - n_first,
        )
    return rows


def _fetch(
    s: Session,
    f: CaseFilter,
    today: dt.date,
    role: str,
    offset: int,
    limit: int,
    extra: str,
    order_by_id: bool = False,
    size: int | None = None,
) -> list[CaseListRow]:
    descending = f.descending
    from_end = size is not None and offset > size // 2
    if from_end:  # read the far half from the other end, then turn the page round
        assert size is not None
        limit = min(limit, size - offset)
        if limit <= 0:
            return []
        offset = size - offset - limit
        descending = not descending
    q = build_query(s, f, today, role, narrow=extra == f"c.status IN {OPEN_IN}")
    where = f"{q.where} AND {extra}" if extra else q.where
    direction = "DESC" if descending else "ASC"
    if order_by_id:
        order_by = f"c.id {direction}"
    elif f.sort == "next_due":
        order_by = f"next_due {direction}, c.id {direction}"
    else:
        order_by = f"{SORTS.get(f.sort, SORTS['case_no'])[1]} {direction}, c.id {direction}"
    source = _from(f) if (f.deadline or (f.sort == "next_due" and not order_by_id)) else "cases c"
    names = may_see_names(role)
    through = _ids_through_the_index(f, q, extra, direction, limit, offset) if order_by_id else None
    if through is not None:
        ids, params = through
    else:
        # LIMIT and OFFSET as literals (ints, formatted here): bound, SQLite 3.40 plans the
        # subquery without knowing the page is small and scans the table (52 against ~3 ms at 1M)
        ids = (
            f"SELECT c.id FROM {source} WHERE {where} ORDER BY {order_by}"
            f" LIMIT {int(limit)} OFFSET {int(offset)}"
        )
        params = q.params
    # the page's exclusions only, looked up by (rule, kind, case_id) for its ids: the join of
    # every case's exclusions took 5-6 ms a page at 1M cases
    rule_ids = ", ".join(f"'{rule.id}'" for rule in case_rules())
    page_excl = (
        "LEFT JOIN (SELECT d.case_id, group_concat(d.rule) AS excl FROM ids CROSS JOIN deadline_exceptions d"
        f" ON d.rule IN ({rule_ids}) AND d.kind = 'exclude' AND d.case_id = ids.id GROUP BY d.case_id) x"
        " ON x.case_id = c.id"
    )
    sql = (
        f"WITH ids AS MATERIALIZED ({ids})"
        f" SELECT c.*, s.name AS surveyor_name, {next_due_sql()} AS next_due, {next_rule_sql()} AS next_rule"
        f" FROM ids JOIN cases c ON c.id = ids.id {page_excl} LEFT JOIN surveyors s ON s.code = c.surveyor"
        f" ORDER BY {order_by}"
    )
    rows = s.db.conn.execute(sql, params).fetchall()
    cal = s.calendar
    horizon = Horizon.on(today, cal)
    rules = case_rules()
    out = []
    for r in rows:
        due_s = r["next_due"]
        due = None if due_s == _NO_DUE_DAY else dt.date.fromisoformat(due_s)
        out.append(
            CaseListRow(
                id=r["id"],
                case_no=r["case_no"],
                ward=r["ward"],
                application=r["application"],
                status=r["status"],
                urgent=bool(r["urgent"]),
                surveyor=r["surveyor"] or "",
                surveyor_name=r["surveyor_name"] or "",
                received_on=r["received_on"],
                next_rule=r["next_rule"],
                next_due=due,
                days_left=business_days_left(cal, today, due) if due else None,
                state=deadline_state(due, horizon),
                applicant_name=(r["applicant_name"] or "") if names else None,
                deadlines=tuple(_due_cell(r, rule) for rule in rules),
            )
        )
    return out[::-1] if from_end else out


def _due_cell(r, rule) -> str:
    """One deadline for a wide list: its date (MM-DD), or 済 once met."""
    if r[rule.ends_by]:
        return "済"
    due = r[rule.due_column]
    return due[5:] if due else ""


def wards_in_use(s: Session) -> list[str]:
    """Wards with at least one case, configured wards first."""
    found = [r[0] for r in s.db.conn.execute("SELECT DISTINCT ward FROM cases ORDER BY ward")]
    configured = [w for w in s.config.wards if w in found]
    return configured + [w for w in found if w not in configured]


def surveyor_choices(s: Session) -> list[tuple[str, str]]:
    """(code, name) of every surveyor, current staff first."""
    return [
        (r["code"], r["name"])
        for r in s.db.conn.execute("SELECT code, name FROM surveyors ORDER BY left_on IS NOT NULL, code")
    ]


@record(frozen=True)
class CaseDetail:
    """One case for the detail screen: its fields with personal ones masked per role,
    derived deadlines, events and deadline exceptions."""

    case_no: str
    version: int
    fields: dict[str, object]
    deadlines: list  # case_view.DeadlineView
    events: list[dict[str, object]]
    exceptions: list[dict[str, object]]
    surveyor_name: str
    accompanied_name: str


def _personal_of(row) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(x for x in (row["applicant_name"],) if x), tuple(x for x in (row["insured_no"],) if x)


def load_case_detail(s: Session, case_no: str, today: dt.date, role: str) -> CaseDetail | None:

    row = get_case(s.db, case_no)
    if row is None:
        return None
    allowed = visible_fields(role)
    fields = {
        k: (REDACTED if k in PERSONAL_FIELDS and k not in allowed and row[k] else row[k]) for k in row.keys()
    }

    def name_of(code: str | None) -> str:
        if not code:
            return ""
        r = s.db.conn.execute("SELECT name FROM surveyors WHERE code = ?", (code,)).fetchone()
        return f"{r['name']}（{code}）" if r else code

    # free text (step notes, reasons) as typed for whoever sees the personal fields, masked otherwise
    view = AS_TYPED if "applicant_name" in allowed else Viewer(True, Known(*_personal_of(row)))
    events = events_of(s.db, row["id"])
    voided = voided_ids(events)
    return CaseDetail(
        case_no=row["case_no"],
        version=row["version"],
        fields=fields,
        deadlines=deadlines_of(s, row, today),
        events=[{**dict(e), "note": view(e["note"]), "voided": e["id"] in voided} for e in events],
        exceptions=[{**dict(e), "reason": view(e["reason"])} for e in exceptions_of(s.db, row["id"])],
        surveyor_name=name_of(row["surveyor"]),
        accompanied_name=name_of(row["accompanied_by"]),
    )
