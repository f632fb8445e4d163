"""Free text staff type (notes, guidance, complaints, incident sheets, monthly notes):
the warnings while typing, and who sees it as typed.

- Typing: ``field_warnings`` names, per field, the kinds of personal data a text
  seems to hold (core.masking.personal_data_hints); the screens show them under
  the field and ask once before saving, the CLI prints them on stderr. Never
  blocking: a chief may be quoting a 10-digit rule number.
- Reading: managers and chiefs (who may read personal data) see free text as
  typed on screen; a monitor sees it masked (``viewer``). Every printed
  document masks it for everyone, since it goes to the city (``printer``).

A text belongs to cases (a step note to its case, a complaint to the case it
names, a guidance report to the surveyor's forms); their applicant names and
insured numbers are what ``Known`` carries, so those are found exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from inspect_tui.core.masking import mask_free_text, personal_data_hints
from inspect_tui.core.metrics import Period
from inspect_tui.core.records import record
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import may

CONFIRM_QUESTION = "個人情報のような文字があります。このまま保存しますか"
ADVICE = "個人情報は書かず、依頼番号で特定してください"
#: Step dates a month's cases are found by (every one indexed).
_STEP_COLUMNS = (
    "received_on",
    "contacted_on",
    "visited_on",
    "submitted_on",
    "accepted_on",
    "cancelled_on",
    "returned_on",
)


@record(frozen=True)
class Known:
    """Applicant names and insured numbers a text may quote (never shown, only searched for)."""

    names: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()

    def __or__(self, other: Known) -> Known:
        return Known(
            tuple(dict.fromkeys(self.names + other.names)), tuple(dict.fromkeys(self.numbers + other.numbers))
        )

    def __bool__(self) -> bool:
        return bool(self.names or self.numbers)


NOTHING = Known()


def _known(rows: Iterable) -> Known:
    names: dict[str, None] = {}
    numbers: dict[str, None] = {}
    for name, number in rows:
        if name:
            names[name] = None
        if number:
            numbers[number] = None
    return Known(tuple(names), tuple(numbers))


def known_for_cases(
    s: Session, case_nos: Iterable[str | None] = (), case_ids: Iterable[int | None] = ()
) -> Known:
    """The applicant names and insured numbers of the given cases (unknown ones are skipped)."""
    rows: list = []
    for column, values in (("case_no", case_nos), ("id", case_ids)):
        keys = sorted({v for v in values if v not in (None, "")}, key=str)
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT applicant_name, insured_no FROM cases WHERE {column} IN ({marks})"
            rows += s.db.conn.execute(sql, chunk).fetchall()
    return _known(rows)


def known_staff(s: Session) -> Known:
    """The surveyors' names and registration numbers: staff personal data a monitor's view of
    free text hides too (a printed document may name the staff, the city knows them)."""
    return _known(s.db.conn.execute("SELECT name, registration_no FROM surveyors").fetchall())


def known_for_month(s: Session, month: Period) -> Known:
    """The names and numbers of every case with a step (received … returned) in the month:
    the cases a month's notes are about."""
    union = " UNION ".join(
        f"SELECT applicant_name, insured_no FROM cases WHERE {c} BETWEEN ? AND ?" for c in _STEP_COLUMNS
    )
    params = [month.start.isoformat(), month.end.isoformat()] * len(_STEP_COLUMNS)
    return _known(s.db.conn.execute(union, params).fetchall())


# --------------------------------------------------------------------------- typing
def hints(text: str | None, known: Known = NOTHING) -> tuple[str, ...]:
    return personal_data_hints(text, known.names, known.numbers)


@record(frozen=True)
class FieldWarning:
    label: str
    kinds: tuple[str, ...]

    def line(self) -> str:
        return f"{self.label}: {'、'.join(self.kinds)}"


def field_warnings(fields: Mapping[str, object], known: Known = NOTHING) -> list[FieldWarning]:
    """(field label -> text typed) -> one warning per field that seems to hold personal data."""
    out = []
    for label, text in fields.items():
        kinds = hints(None if text is None else str(text), known)
        if kinds:
            out.append(FieldWarning(label, kinds))
    return out


def warning_line(kinds: Iterable[str]) -> str:
    """The line shown under a field while typing (empty when nothing was seen)."""
    kinds = list(kinds)
    if not kinds:
        return ""
    return f"注意：{'、'.join(kinds)}があります。{ADVICE}"


def warnings_text(warnings: Iterable[FieldWarning]) -> str:
    return "\n".join(f"  {w.line()}" for w in warnings)


# --------------------------------------------------------------------------- reading
def sees_as_typed(s: Session) -> bool:
    """Managers and chiefs see free text as typed; a monitor does not."""

    return may(s, "personal.read")


def mask(text: str | None, known: Known = NOTHING) -> str:
    return mask_free_text(text, known.names, known.numbers)


@record(frozen=True)
class Viewer:
    """Shows free text to one reader: as typed, or masked. Call it with the text."""

    masks: bool
    known: Known = NOTHING

    def __call__(self, text: str | None) -> str:
        if not text:
            return text or ""
        return mask(text, self.known) if self.masks else text


AS_TYPED = Viewer(False)


def viewer(
    s: Session,
    case_nos: Iterable[str | None] = (),
    case_ids: Iterable[int | None] = (),
    *,
    extra: Known = NOTHING,
) -> Viewer:
    """For a screen or a CLI listing: as typed for managers and chiefs, masked (with the
    given cases' names and numbers) for everyone else."""
    if sees_as_typed(s):
        return AS_TYPED
    return printer(s, case_nos, case_ids, extra=extra | known_staff(s))


def printer(
    s: Session,
    case_nos: Iterable[str | None] = (),
    case_ids: Iterable[int | None] = (),
    *,
    extra: Known = NOTHING,
) -> Viewer:
    """For a printed document (it goes to the city): always masked."""
    return Viewer(True, known_for_cases(s, case_nos, case_ids) | extra)
