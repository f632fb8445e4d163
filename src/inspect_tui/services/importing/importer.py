"""Importing the city's request list (cases) and the surveyor roster (surveyors) from CSV.

All rows or none: the file is read and every row checked first; any problem
fails the whole import with a message listing the first 50 as
``行 N 列 <column>: <what is wrong>`` (and how many more there are) and the
database is left untouched. Re-importing a file updates rows by case number /
surveyor code and writes only what changed. Personal values (name, insured
number, date of birth) never appear in messages, events or the summary
(services/import_rows.py says how a swapped column is kept from quoting them).

Built for big files and safe with hostile ones: the file is read as its rows are
checked, within the limits of store/csvread.py (size, line length, columns,
rows, cell length); one query per table for what is already stored,
executemany for the writes, one transaction.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from inspect_tui.core import staff as staff_rules
from inspect_tui.core.calendar import OutOfRange
from inspect_tui.core.case_columns import DATE_FIELDS
from inspect_tui.core.deadlines import case_rules
from inspect_tui.core.masking import PERSONAL_FIELDS
from inspect_tui.core.records import field, record
from inspect_tui.core.staff import Entry as StaffEntry
from inspect_tui.core.steps import check_dates, order_problems
from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.importing.cells import (
    CASES,
    COLUMN_LABELS,
    SPECS,
    SURVEYOR_COLUMNS,
    SURVEYOR_DATES,
    SURVEYOR_ENTRY_COLUMNS,
    SURVEYOR_ORDER,
    SURVEYORS,
    Cells,
    HeaderMap,
    map_header,
)
from inspect_tui.services.importing.corrections import (
    STEP_COLUMNS,
    Conflict,
    plan_steps,
    shown,
    step_note,
    write_steps,
)
from inspect_tui.services.importing.csvread import (
    ENCODING_LABELS,
    LIMITS,
    CsvFileError,
    CsvLimits,
    CsvTable,
    open_csv,
)
from inspect_tui.services.importing.results import (
    ClosedMonthStep,
    ImportConflicts,
    ImportFailed,
    ImportSummary,
    OutOfScope,
    RowChange,
)
from inspect_tui.services.importing.rows import (
    CheckedRow,
    Problem,
    Problems,
    check_rows,
    failure_message,
)
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import staff as staff_store
from inspect_tui.store.audit import record_audit
from inspect_tui.store.billing import closed_months
from inspect_tui.store.cases import case_row, insert_cases
from inspect_tui.store.events import NewEvent, append_many
from inspect_tui.store.tx import read, write

__all__ = ["KINDS", "Problem", "import_file"]

KINDS = ("cases", "surveyors")
IMPORT_EVENT = "import"


def _date_problems(line: int, header: HeaderMap, problems: Iterable[tuple[str, str]]) -> list[Problem]:
    return [
        Problem(line, header.labels.get(f, COLUMN_LABELS.get(f, f)), msg, header.columns.get(f, 0))
        for f, msg in problems
    ]


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v


# -- cases --------------------------------------------------------------------------
@record
class CasePlan:
    # the new cases (store.cases.case_row: values in row_columns() order)
    inserts: list[tuple[Any, ...]] = field(default_factory=list)
    # (case id, version read, columns to write, event note)
    updates: list[tuple[int, int, dict[str, Any], str]] = field(default_factory=list)
    # case id -> (event to void, or None; step kind; date), in the order to write
    steps: dict[int, list[tuple[int | None, str, dt.date]]] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    # steps dated in a closed month: recorded, and listed as 前月以前分の訂正 (the summary says so)
    closed_steps: list[ClosedMonthStep] = field(default_factory=list)
    # rows whose kind of application the contract does not cover: imported, with a warning
    out_of_scope: list[OutOfScope] = field(default_factory=list)


def _note_closed(
    plan: CasePlan, closed: set[str], case_no: str, steps: Mapping[str, Any], label_of: Callable[[str], str]
) -> None:
    """Remember the steps of this row whose date falls in a closed month."""
    if not closed:
        return
    for column, day in steps.items():
        if column in STEP_COLUMNS and day is not None and f"{day:%Y-%m}" in closed:
            plan.closed_steps.append(ClosedMonthStep(case_no, label_of(column), day.isoformat()))


#: rows planned together: their case numbers are looked up in one go (never every case)
PLAN_CHUNK = 1000
_IN_LIMIT = 500  # values in one IN (...): well under SQLite's bound-parameter limit


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _rows_where_in(conn: sqlite3.Connection, sql: str, keys: Iterable[Any]) -> Iterator[sqlite3.Row]:
    """``sql`` has one ``IN ({})``: run it for the keys, _IN_LIMIT at a time."""
    wanted = sorted(set(keys))
    for i in range(0, len(wanted), _IN_LIMIT):
        part = wanted[i : i + _IN_LIMIT]
        yield from conn.execute(sql.format(",".join("?" * len(part))), part)


def _existing(conn: sqlite3.Connection, case_nos: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """The recorded cases among these case numbers (by the unique index on case_no), each
    as a dict: the planner reads ~20 columns of each by name, and sqlite3.Row looks a name
    up by comparing it with every column's (0.9 against 0.15 µs a read)."""
    wanted = sorted({k for k in case_nos if isinstance(k, str) and k})
    out: dict[str, dict[str, Any]] = {}
    cur = conn.cursor()
    cur.row_factory = None  # plain tuples, zipped with the column names once per statement
    for i in range(0, len(wanted), _IN_LIMIT):
        part = wanted[i : i + _IN_LIMIT]
        cur.execute(f"SELECT * FROM cases WHERE case_no IN ({','.join('?' * len(part))})", part)
        names = [d[0] for d in cur.description]
        for row in cur:
            found = dict(zip(names, row, strict=True))
            out[found["case_no"]] = found
    return out


def _extended(conn: sqlite3.Connection, case_ids: Iterable[int]) -> set[tuple[int, str]]:
    """(case id, rule) of the deadline extensions of these cases."""
    sql = "SELECT case_id, rule FROM deadline_exceptions WHERE kind = 'extend' AND case_id IN ({})"
    return {(r[0], r[1]) for r in _rows_where_in(conn, sql, case_ids)}


def plan_cases(
    s: Session, table: CsvTable, header: HeaderMap, now: str, accept_changes: bool = False
) -> tuple[CasePlan, Problems]:
    conn = s.db.conn
    codes = [r[0] for r in conn.execute("SELECT code FROM surveyors")]
    checked = check_rows(CASES, table, header, Cells(s.config.wards, codes, today_jp()))
    problems = checked.problems
    plan = CasePlan()
    calendar = s.calendar
    has_insurer = "insurer" in header.columns
    closed = {month for month, _at in closed_months(conn)}
    scope = frozenset(s.config.application_kinds)
    app_label = header.labels.get("application", COLUMN_LABELS["application"])
    # the rows in chunks: only the chunk's case numbers are fetched (a daily file of 1,000 rows
    # into a city's 1M cases reads 1,000 rows, not 1M), in file order as before
    for chunk in _chunks(checked.rows, PLAN_CHUNK):
        existing = _existing(conn, (item.values.get("case_no") for item in chunk))
        extended = _extended(conn, (r["id"] for r in existing.values())) if existing else set()
        for item in chunk:
            kind = item.values.get("application")
            if kind is not None and kind not in scope:
                plan.out_of_scope.append(OutOfScope(item.line, app_label, kind))
            if not item.dates_ok:
                continue
            if has_insurer and "insurer" in item.values:
                item.values["is_home"] = int(s.config.is_home(item.values["insurer"]))
            old = existing.get(item.values.get("case_no"))
            if old is None:
                _plan_new_case(plan, problems, item, header, s, now, closed)
            else:
                _plan_case_update(
                    plan, problems, item, old, header, extended, calendar, s, accept_changes, closed
                )
    return plan, problems


def _plan_new_case(
    plan: CasePlan,
    problems: Problems,
    item: CheckedRow,
    header: HeaderMap,
    s: Session,
    now: str,
    closed: set[str],
) -> None:
    line, values = item.line, item.values
    date_problems = check_dates(values)
    if date_problems:
        problems.extend(_date_problems(line, header, date_problems))
    if date_problems or not item.ok:
        return
    try:
        plan.inserts.append(case_row(values, s.calendar, now))
    except OutOfRange:
        problems.extend(_out_of_range(line, header, values, s.calendar))
        return
    plan.changes.append(RowChange(values["case_no"], "add"))
    _note_closed(plan, closed, values["case_no"], values, lambda c: header.labels.get(c, COLUMN_LABELS[c]))


def _out_of_range(line: int, header: HeaderMap, dates: Mapping[str, Any], calendar: Any) -> list[Problem]:
    """Which base date gives a deadline outside the calendar (rare: only then is this called)."""
    out: dict[str, Problem] = {}
    for rule in case_rules():
        base = dates.get(rule.base)
        try:
            if base:
                rule.due(base, calendar)
        except OutOfRange as exc:
            label = header.labels.get(rule.base, COLUMN_LABELS[rule.base])
            out.setdefault(rule.base, Problem(line, label, str(exc), header.columns.get(rule.base, 0)))
    return list(out.values())


def _plan_case_update(
    plan: CasePlan,
    problems: Problems,
    item: CheckedRow,
    old: Mapping[str, Any],
    header: HeaderMap,
    extended: set[tuple[int, str]],
    calendar: Any,
    s: Session,
    accept_changes: bool,
    closed: set[str],
) -> None:
    """A row for a case already recorded. An empty step cell is "not in this file" (the
    recorded step stays); a new date becomes a step event; a date that differs from the
    recorded one is a conflict, corrected (void + new event) only with accept_changes."""
    line, values = item.line, item.values
    purged = bool(old["personal_purged_on"])
    changed: dict[str, Any] = {}
    step_dates: dict[str, dt.date] = {}
    date = dt.date
    for column, value in values.items():
        if purged and column in PERSONAL_FIELDS:
            continue  # personal data already purged under the retention rule stays purged
        stored = value.isoformat() if type(value) is date else value
        if stored == old[column]:
            continue
        if column in STEP_COLUMNS:
            if value is not None:
                step_dates[column] = value
        else:
            changed[column] = stored
    if not changed and not step_dates:
        plan.unchanged += 1
        return
    dates = {f: dt.date.fromisoformat(old[f]) if old[f] else None for f in DATE_FIELDS}
    dates.update((f, values[f]) for f in DATE_FIELDS if values.get(f) is not None)
    date_problems = order_problems(dates, (("received_on", "dispatched_on"),), COLUMN_LABELS)
    if date_problems:
        problems.extend(_date_problems(line, header, date_problems))
    if date_problems or not item.ok:
        return
    label_of = {c: header.labels.get(c, COLUMN_LABELS[c]) for c in step_dates}
    conflicts = [
        Conflict(line, label_of[c], old[c], d.isoformat())
        for c, d in step_dates.items()
        if old[c] is not None
    ]
    plan.conflicts.extend(conflicts)
    if conflicts and not accept_changes:
        return
    if step_dates:
        steps = plan_steps(s, old, step_dates, line, header, problems)
        if steps is None:
            return
        plan.steps[old["id"]] = steps
        _note_closed(plan, closed, old["case_no"], step_dates, label_of.__getitem__)
    notes = [_change_note(c, old[c], v) for c, v in changed.items() if c != "is_home"]
    notes += [step_note(c, old[c], v) for c, v in step_dates.items()]
    cols = dict(changed)
    for rule in case_rules():
        if rule.base not in changed and rule.base not in step_dates:
            continue
        column = rule.due_column
        if (old["id"], rule.id) in extended:
            notes.append(f"期限「{rule.label}」は延長済みのため据え置き")
            continue
        base = dates[rule.base]
        try:
            due = _iso(rule.due(base, calendar)) if base else None
        except OutOfRange:
            problems.extend(_out_of_range(line, header, dates, calendar))
            return
        if due != old[column]:
            cols[column] = due
            notes.append(f"期限「{rule.label}」を再計算: {old[column] or 'なし'} から {due or 'なし'}")
    note = "取込で更新: " + "、".join(notes)
    plan.updates.append((old["id"], old["version"], cols, note))
    labels = tuple(COLUMN_LABELS[c] for c in (*changed, *step_dates) if c != "is_home")
    plan.changes.append(RowChange(old["case_no"], "update", labels or (COLUMN_LABELS["is_home"],)))


def _change_note(column: str, old: Any, new: Any) -> str:
    label = COLUMN_LABELS[column]
    if column in PERSONAL_FIELDS:
        return label
    return f"{label} {shown(old)} から {shown(new)}"


def write_cases(s: Session, plan: CasePlan, now: str) -> None:
    conn = s.db.conn
    events: list[tuple[Any, ...]] = []
    if plan.inserts:
        before = conn.execute("SELECT COALESCE(MAX(id), 0) FROM cases").fetchone()[0]
        insert_cases(s.db, plan.inserts, who=s.who, source="import")
        events.extend(
            (case_id, IMPORT_EVENT, None, now, s.who, "取込")
            for (case_id,) in conn.execute("SELECT id FROM cases WHERE id > ? ORDER BY id", (before,))
        )
    for columns, group in _group_updates(plan.updates).items():
        if not columns:  # only steps changed: the events and derive write them
            events.extend((case_id, IMPORT_EVENT, None, now, s.who, note) for case_id, _, _, note in group)
            continue
        sets = ", ".join(f"{c} = ?" for c in columns)
        cur = conn.executemany(
            f"UPDATE cases SET {sets}, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
            ([*(cols[c] for c in columns), now, case_id, version] for case_id, version, cols, _ in group),
        )
        if cur.rowcount != len(group):
            raise ImportFailed("取り込みの途中で他の人が依頼を更新しました。もう一度取り込んでください")
        events.extend((case_id, IMPORT_EVENT, None, now, s.who, note) for case_id, _, _, note in group)
    write_steps(s, plan.steps, now)
    append_many(s.db, (NewEvent(c, kind, on, at, who, note) for c, kind, on, at, who, note in events))


def _group_updates(
    updates: list[tuple[int, int, dict[str, Any], str]],
) -> dict[tuple[str, ...], list[tuple[int, int, dict[str, Any], str]]]:
    groups: dict[tuple[str, ...], list[tuple[int, int, dict[str, Any], str]]] = {}
    for update in updates:
        groups.setdefault(tuple(update[2]), []).append(update)
    return groups


# -- surveyors ----------------------------------------------------------------------
@record
class SurveyorPlan:
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    #: staff entries the roster's date columns add: (code, kind, day, card number)
    entries: list[tuple[str, str, dt.date, str | None]] = field(default_factory=list)


def _plan_entries(
    line: int,
    header: HeaderMap,
    code: str,
    values: Mapping[str, Any],
    recorded: list[StaffEntry],
    today: dt.date,
) -> tuple[list[tuple[str, str, dt.date, str | None]], list[Problem]]:
    """The staff entries a roster row adds: a date not yet recorded for its kind becomes an
    entry (an empty cell, or a date already recorded, adds nothing: the import never takes
    an entry back). Each must follow the entries before it (core.staff.entry_problem)."""
    card_no = values.get("card_no")
    known = {(e.kind, e.on) for e in staff_rules.standing(recorded)}
    wanted = sorted(
        ((values[k], i, k) for i, k in enumerate(SURVEYOR_ENTRY_COLUMNS) if values.get(k) is not None),
    )
    planned: list[tuple[str, str, dt.date, str | None]] = []
    problems: list[Problem] = []
    so_far = list(recorded)
    for on, _, kind in wanted:
        if (kind, on) in known:
            continue
        problem = staff_rules.entry_problem(kind, on, so_far, today)
        if problem:
            problems.append(
                Problem(line, header.labels.get(kind, COLUMN_LABELS[kind]), problem, header.columns[kind])
            )
            continue
        number = card_no if kind in ("card_issued", "card_reissued") else None
        so_far.append(StaffEntry(-len(so_far) - 1, kind, on, number))
        planned.append((code, kind, on, number))
    return planned, problems


def plan_surveyors(s: Session, table: CsvTable, header: HeaderMap, now: str) -> tuple[SurveyorPlan, Problems]:
    existing = {r["code"]: r for r in s.db.conn.execute("SELECT * FROM surveyors")}
    checked = check_rows(SURVEYORS, table, header, Cells(s.config.wards, existing, today_jp()))
    problems = checked.problems
    plan = SurveyorPlan()
    recorded = staff_store.entries(s.db)
    today = today_jp()
    for item in checked.rows:
        line, values = item.line, item.values
        old = existing.get(values.get("code"))
        order = _surveyor_date_problems(values, old) if item.dates_ok else []
        if order:
            problems.extend(_date_problems(line, header, order))
        if order or not item.ok:
            continue
        entries, entry_problems = _plan_entries(
            line, header, values["code"], values, recorded.get(values["code"], []), today
        )
        if entry_problems:
            problems.extend(entry_problems)
            continue
        plan.entries.extend(entries)
        entry_labels = tuple(COLUMN_LABELS[k] for _, k, _, _ in entries)
        stored = {c: _iso(v) for c, v in values.items() if c in SURVEYOR_COLUMNS}
        if old is None:
            full = {c: stored.get(c) for c in SURVEYOR_COLUMNS}
            full["is_chief"] = stored.get("is_chief", 0)
            full["wards"] = stored.get("wards", "")
            full["updated_at"] = now
            plan.inserts.append(full)
            plan.changes.append(RowChange(values["code"], "add"))
            continue
        changed = {c: v for c, v in stored.items() if v != old[c]}
        if not changed and not entries:
            plan.unchanged += 1
            continue
        if changed:
            plan.updates.append((old["code"], changed))
        plan.changes.append(
            RowChange(old["code"], "update", tuple(COLUMN_LABELS[c] for c in changed) + entry_labels)
        )
    return plan, problems


def _surveyor_date_problems(values: Mapping[str, Any], old: sqlite3.Row | None) -> list[tuple[str, str]]:
    """Order rules between a surveyor's dates, with stored dates filling columns not in the file."""
    dates = {f: dt.date.fromisoformat(old[f]) if old[f] else None for f in SURVEYOR_DATES} if old else {}
    dates.update((f, values[f]) for f in SURVEYOR_DATES if f in values)
    return order_problems(dates, SURVEYOR_ORDER, COLUMN_LABELS)


def write_surveyors(s: Session, plan: SurveyorPlan, now: str) -> None:
    conn = s.db.conn
    if plan.inserts:
        cols = (*SURVEYOR_COLUMNS, "updated_at")
        conn.executemany(
            f"INSERT INTO surveyors ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            ([r[c] for c in cols] for r in plan.inserts),
        )
    groups: dict[tuple[str, ...], list[tuple[str, dict[str, Any]]]] = {}
    for code, changed in plan.updates:
        groups.setdefault(tuple(changed), []).append((code, changed))
    for columns, group in groups.items():
        sets = ", ".join(f"{c} = ?" for c in columns)
        conn.executemany(
            f"UPDATE surveyors SET {sets}, updated_at = ? WHERE code = ?",
            ([*(changed[c] for c in columns), now, code] for code, changed in group),
        )
    for code, kind, on, card_no in plan.entries:
        staff_store.insert(s.db, code, kind, on, now, s.who, card_no=card_no)


# -- the import ---------------------------------------------------------------------
PLANNERS = {"cases": (plan_cases, write_cases), "surveyors": (plan_surveyors, write_surveyors)}


#: progress(stage, done, total): ("read", bytes read, file size or 0), then ("write", 0, 0).
Progress = Callable[[str, int, int], None]


@writes("import")
def import_file(
    s: Session,
    kind: str,
    path: Path,
    *,
    dry_run: bool = False,
    limits: CsvLimits = LIMITS,
    progress: Progress | None = None,
    accept_changes: bool = False,
) -> ImportSummary:
    """Import a cases or surveyors CSV file: all rows or none. dry_run writes nothing
    (and still needs the import permission: it reads the whole file and reports on it).

    The file is read as its rows are checked, never whole in memory, within ``limits``.
    progress, if given, hears how far the reading is and when the writing starts.
    """
    if kind not in SPECS:
        raise ValueError(f"知らない取り込みの種類です: {kind}（{' / '.join(KINDS)}）")

    path = Path(path)
    on_read = None
    if progress is not None:
        size, told = (path.stat().st_size if path.is_file() else 0), progress

        def on_read(done: int) -> None:
            told("read", done, size)

    try:
        table = open_csv(path, limits, on_read)
    except CsvFileError as exc:
        raise ImportFailed(str(exc)) from None
    header = map_header(table.header, SPECS[kind].headers)
    plan_fn, write_fn = PLANNERS[kind]
    now = now_jp_iso()
    try:
        # a dry run reads one snapshot and writes nothing; an import holds the write lock
        # (store.tx.write: it waits while another process writes) from the first row read
        with read(s.db) if dry_run else write(s.db):
            try:
                if kind == "cases":
                    plan, problems = plan_cases(s, table, header, now, accept_changes)
                else:
                    plan, problems = plan_fn(s, table, header, now)  # type: ignore[operator]
            except CsvFileError as exc:  # found while the rows were read: nothing is written
                raise ImportFailed(str(exc)) from None
            if problems:
                raise ImportFailed(failure_message(path.name, problems), tuple(problems))
            conflicts = getattr(plan, "conflicts", [])
            if conflicts and not accept_changes:
                raise ImportConflicts(path.name, conflicts)
            if not dry_run:
                if progress is not None:
                    progress("write", 0, 0)
                write_fn(s, plan, now)  # type: ignore[operator]
                if plan.changes:
                    # One audit row per import: who, when, which file, and every record it added
                    # or changed with the columns changed (the per-case events keep old -> new
                    # dates). A chained row per record cost 28% of a 100k-row import.
                    record_audit(
                        s.db,
                        s.who,
                        "import",
                        "case" if kind == "cases" else "surveyor",
                        path.name,
                        None,
                        {
                            "file": path.name,
                            "added": sum(1 for c in plan.changes if c.action == "add"),
                            "updated": sum(1 for c in plan.changes if c.action == "update"),
                            "changes": [[c.key, c.action, *c.columns] for c in plan.changes],
                        },
                        at=now,
                    )
    finally:
        table.close()
    return ImportSummary(
        kind=kind,
        added=sum(1 for c in plan.changes if c.action == "add"),
        updated=sum(1 for c in plan.changes if c.action == "update"),
        unchanged=plan.unchanged,
        changes=tuple(plan.changes),
        encoding=ENCODING_LABELS.get(table.encoding, table.encoding),
        closed_steps=tuple(getattr(plan, "closed_steps", ())),
        out_of_scope=tuple(getattr(plan, "out_of_scope", ())),
        scope=tuple(s.config.application_kinds),
    )
