"""Recording a survey form's content: typed in the check screen (``save_form``) or a file
from the contractor's survey system (``import_forms``: all rows or none).

A form belongs to its case's current survey cycle (a re-survey or a return for fixing
starts a new one: store/inspections.py ``cycle_of``). Saving a form that differs from the
cycle's current one adds a version; the same form again changes nothing. Nothing is ever
overwritten: the versions stay, and the inspector's marks stay with the points that still
fire. The 特記事項 are free text: what looks like personal data is reported (kinds and
places, never values), and ``strict`` refuses it.
"""

from __future__ import annotations

from pathlib import Path

from inspect_tui.core.records import field, record
from inspect_tui.core.survey_form import SurveyForm
from inspect_tui.core.today import now_jp_iso
from inspect_tui.services.forms.reading import FORM_LIMITS, FileForm, FormFileError, read_forms
from inspect_tui.services.importing.csvread import ENCODING_LABELS, CsvLimits
from inspect_tui.services.importing.rows import Problem, Problems, failure_message
from inspect_tui.services.session import Session
from inspect_tui.services.trust.audit import audit_change
from inspect_tui.services.trust.free_text import FieldWarning, field_warnings, known_for_cases, warnings_text
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import survey_forms as store
from inspect_tui.store.cases import get_case
from inspect_tui.store.connection import Database
from inspect_tui.store.inspections import cycle_of
from inspect_tui.store.tx import read, write

__all__ = ["FormRefused", "ImportedForms", "SavedForm", "import_forms", "save_form"]


class FormRefused(ValueError):
    """A form that cannot be recorded for this case; the message (Japanese) says why."""


@record(frozen=True)
class SavedForm:
    case_no: str
    cycle: int
    version: int | None  # None: the same as the current version (nothing written)
    warnings: tuple[FieldWarning, ...] = ()


@record(frozen=True)
class ImportedForms:
    file: str
    added: int  # forms new to their (case, cycle)
    updated: int  # new versions of a form already recorded
    unchanged: int
    encoding: str
    warnings: tuple[FieldWarning, ...] = field(default=())


def _refusal(db: Database, case_no: str):
    """(case row, None) or (None, why the case cannot take a form)."""
    row = get_case(db, case_no)
    if row is None:
        return None, f"依頼番号 {case_no} は見つかりません"
    if row["cancelled_on"] or row["returned_on"]:
        return None, f"{case_no} は中止・返却された依頼です（調査票は記録できません）"
    if not row["visited_on"]:
        return None, f"{case_no} はまだ訪問していません（訪問を記録してから調査票を記録します）"
    return row, None


def _note_warnings(s: Session, forms: list[tuple[str, str, SurveyForm]]) -> list[FieldWarning]:
    """(case_no, where, form) -> warnings for its 特記事項 that look like personal data."""
    if not forms:
        return []
    known = known_for_cases(s, [c for c, _, _ in forms])
    fields: dict[str, str] = {}
    for _case_no, where, form in forms:
        for code, text in form.notes.items():
            fields[f"{where}特記事項 {code}"] = text
    return field_warnings(fields, known)


@writes("form.save")
def save_form(s: Session, case_no: str, form: SurveyForm, *, strict: bool = False) -> SavedForm:
    """Record the form of the case's current cycle, as typed in the check screen."""
    row, why = _refusal(s.db, case_no)
    if row is None:
        raise FormRefused(why)
    warnings = _note_warnings(s, [(case_no, "", form)])
    if warnings and strict:
        raise FormRefused("特記事項に個人情報のような文字があるので保存していません")
    now = now_jp_iso()
    with write(s.db):
        cycle = cycle_of(s.db, row["id"]).number
        current = store.current_form(s.db, row["id"], cycle)
        if current is not None and current.holds(form):
            return SavedForm(case_no, cycle, None, tuple(warnings))
        form_id, version = store.insert_form(
            s.db, row["id"], cycle, form, source="entry", file=None, recorded_at=now, who=s.who
        )
        audit_change(
            s, "form.save", "case", case_no, None, {"form": form_id, "cycle": cycle, "version": version}
        )
    return SavedForm(case_no, cycle, version, tuple(warnings))


@writes("form.save")
def import_forms(
    s: Session,
    path: Path,
    *,
    dry_run: bool = False,
    strict: bool = False,
    limits: CsvLimits = FORM_LIMITS,
) -> ImportedForms:
    """Import a file of forms (CSV or .xlsx, one row per form): all rows or none.

    Every case must exist, be visited and not cancelled or handed back; every cell must
    read (core.survey_form.parse_form). Problems are listed by line and column and nothing
    is written. ``dry_run`` checks and writes nothing (it still needs the permission).
    """
    path = Path(path)
    forms, problems, encoding = read_forms(path, limits)
    now = now_jp_iso()
    with read(s.db) if dry_run else write(s.db):
        rows = []
        for f in forms:
            row, why = _refusal(s.db, f.case_no)
            if row is None:
                problems.append(Problem(f.line, "case_no", why))
                continue
            rows.append((f, row))
        if problems:
            raise FormFileError(failure_message(path.name, problems), tuple(problems.shown()))
        warnings = _note_warnings(s, [(f.case_no, f"{f.line}行目 ", f.form) for f, _ in rows])
        if warnings and strict:
            raise FormFileError(
                f"{path.name}: 特記事項に個人情報のような文字があるので取り込みませんでした"
                "（--strict。データベースは変更していません）:\n" + warnings_text(warnings)
            )
        added = updated = unchanged = 0
        written: list[list] = []
        for f, row in rows:
            cycle = cycle_of(s.db, row["id"]).number
            current = store.current_form(s.db, row["id"], cycle)
            if current is not None and current.holds(f.form):
                unchanged += 1
                continue
            if current is None:
                added += 1
            else:
                updated += 1
            if not dry_run:
                _form_id, version = store.insert_form(
                    s.db,
                    row["id"],
                    cycle,
                    f.form,
                    source="import",
                    file=path.name,
                    recorded_at=now,
                    who=s.who,
                )
                written.append([f.case_no, cycle, version])
        if written:
            audit_change(
                s, "form.import", "survey_form", path.name, None, {"file": path.name, "forms": written}
            )
    shown = ENCODING_LABELS.get(encoding, "Excel（.xlsx）" if encoding == "xlsx" else encoding)
    return ImportedForms(path.name, added, updated, unchanged, shown, tuple(warnings))


def file_forms(path: Path, limits: CsvLimits = FORM_LIMITS) -> tuple[list[FileForm], Problems]:
    """The forms of a file for ``form check FILE`` (nothing stored, no database)."""
    forms, problems, _ = read_forms(Path(path), limits)
    return forms, problems
