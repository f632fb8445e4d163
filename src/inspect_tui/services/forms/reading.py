"""Reading a file of survey forms (CSV or .xlsx): one row per form, ``case_no`` and the
form's columns (core/survey_form.py ``parse_form`` says which). Shared by ``form import``
(all rows or none) and ``form check FILE`` (no database: case numbers need not exist).

Every problem is named by line and column, never quoting the cell (a cell may hold
personal data typed in the wrong column).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from inspect_tui.core.records import record
from inspect_tui.core.survey_form import SurveyForm, SurveyFormError, parse_row, plan_columns
from inspect_tui.core.text import printable
from inspect_tui.services.importing.cells import header_key
from inspect_tui.services.importing.csvread import CsvFileError, CsvLimits
from inspect_tui.services.importing.rows import Problem, Problems
from inspect_tui.services.importing.xlsxread import open_table

CASE_NO_HEADERS = frozenset(
    header_key(h) for h in ("case_no", "依頼番号", "依頼No", "調査依頼番号", "caseno")
)
CASE_NO_MAX = 40
#: A file of forms is wider than the city's lists: case_no, 59 answer columns and a 特記事項
#: column per item (119), notes of a few hundred characters each.
FORM_LIMITS = CsvLimits(max_columns=200, max_cell_chars=4_000, max_line_chars=300_000)
#: A 特記事項 runs to a few hundred characters; a cell longer than this is not a note.
CELL_MAX = 4_000


class FormFileError(ValueError):
    """A file of forms that cannot be read as given; the message lists every problem."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


@record(frozen=True)
class FileForm:
    line: int
    case_no: str
    form: SurveyForm


def _case_no(raw: str) -> str | None:
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text or len(text) > CASE_NO_MAX or printable(text) != text or any(ch.isspace() for ch in text):
        return None
    return text


def read_forms(path: Path, limits: CsvLimits = FORM_LIMITS) -> tuple[list[FileForm], Problems, str]:
    """Every form of the file, the problems found (all of them counted), and the encoding."""
    try:
        table = open_table(Path(path), limits)
    except CsvFileError as exc:
        raise FormFileError(str(exc)) from None
    problems = Problems()
    forms: list[FileForm] = []
    try:
        header = tuple(table.header)
        case_col = next((i for i, h in enumerate(header) if header_key(h) in CASE_NO_HEADERS), None)
        if case_col is None:
            raise FormFileError(
                f"{table.name}: 行 {table.header_line}: 依頼番号の列（case_no）がありません。"
                "見出しは case_no, 1-1, 1-2, … 5-6, 6, 7-1, 7-2, 特記事項 1-1, … です"
            )
        seen: dict[str, int] = {}
        plan = plan_columns([h if i != case_col else "" for i, h in enumerate(header)])
        for row in table.rows():
            line, cells = row.line, row.cells
            if len(cells) > len(header):
                problems.append(Problem(line, f"{len(header) + 1}列目", "見出しのない列に値があります"))
                continue
            long = [i for i, c in enumerate(cells) if len(c) > CELL_MAX]
            if long:
                for i in long:
                    problems.append(Problem(line, header[i], f"長すぎます（{CELL_MAX:,} 文字まで）", i))
                continue
            raw_no = cells[case_col] if case_col < len(cells) else ""
            case_no = _case_no(raw_no)
            if case_no is None:
                what = (
                    "空です" if not raw_no.strip() else "依頼番号として読めません（空白・制御文字・40文字超）"
                )
                problems.append(Problem(line, header[case_col], what, case_col))
                continue
            if case_no in seen:
                problems.append(
                    Problem(
                        line, header[case_col], f"同じ依頼番号が {seen[case_no]} 行目にもあります", case_col
                    )
                )
                continue
            seen[case_no] = line
            try:
                form = parse_row(plan, cells, line=line)
            except SurveyFormError as exc:
                for p in exc.problems:
                    problems.append(Problem(line, p.column, p.message))
                continue
            forms.append(FileForm(line, case_no, form))
    except CsvFileError as exc:
        raise FormFileError(str(exc)) from None
    finally:
        table.close()
    if not forms and not problems:
        raise FormFileError(f"{table.name}: 調査票の行がありません（見出しだけです）")
    return forms, problems, table.encoding
