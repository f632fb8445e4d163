"""Checking an import file's rows as they are read: each cell converted, each problem
named by line and column, and never a personal value quoted.

A problem reads ``行 N 列 <column>: <what is wrong>``. Only the first
``MAX_PROBLEMS_SHOWN`` (in file order) are kept and shown, with a count of the
rest, so a file of a million bad rows costs no more memory than one of fifty.

Personal cells (an applicant's name, insured number and date of birth; a
surveyor's name and registration number) are described, never quoted. Columns
get swapped or shifted, so a value is not quoted from any other column either
when it also stands in one of the row's personal columns, when it looks like an
insured number, or when a personal cell of the same row is itself wrong (the
sign of a swapped column).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from inspect_tui.core.case_columns import DATE_FIELDS
from inspect_tui.core.records import field, record
from inspect_tui.core.text import control_problem
from inspect_tui.services.importing.cells import COLUMN_LABELS, CellError, Cells, HeaderMap, KindSpec, nfkc
from inspect_tui.services.importing.csvread import CsvTable

MAX_PROBLEMS_SHOWN = 50
HEADER_NAMES = {"applicant_name": "name"}  # the header a user writes, where it differs from the column
HIDDEN = "値は表示しません"
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_INSURED_NO_LIKE = re.compile(r"\d{10}")


@record(frozen=True)
class Problem:
    line: int
    column: str  # as the user knows it: the header in the file, else the Japanese label
    message: str
    order: int = 0  # column position, to keep a line's problems in file order

    def __str__(self) -> str:
        return f"行 {self.line} 列 {self.column}: {self.message}"


class Problems:
    """Problems found, counted all, the first ``keep`` of them in file order kept."""

    def __init__(self, keep: int = MAX_PROBLEMS_SHOWN) -> None:
        self.keep = keep
        self.total = 0
        self._heap: list[tuple[int, int, int, Problem]] = []  # max-heap on (line, order, seq)

    def append(self, p: Problem) -> None:
        self.total += 1
        item = (-p.line, -p.order, -self.total, p)
        if len(self._heap) < self.keep:
            heapq.heappush(self._heap, item)
        elif item > self._heap[0]:  # earlier in the file than the latest one kept
            heapq.heapreplace(self._heap, item)

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.append(p)

    def shown(self) -> list[Problem]:
        """The problems kept, in file order (line, then column)."""
        return [item[3] for item in sorted(self._heap, reverse=True)]

    def __bool__(self) -> bool:
        return self.total > 0

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.shown())


def failure_message(name: str, problems: Problems) -> str:
    shown = problems.shown()
    head = (
        f"{name}: {problems.total} 件の問題があるため取り込みませんでした（データベースは変更していません）"
    )
    lines = [head, *(f"  {p}" for p in shown)]
    if problems.total > len(shown):
        lines.append(f"  ほか {problems.total - len(shown)} 件（最初の {len(shown)} 件だけを表示しました）")
    return "\n".join(lines)


# -- the rows -----------------------------------------------------------------------
@record
class Checked:
    """The rows, converted as they are read (one pass), and the problems found so far."""

    rows: Iterator[CheckedRow]
    problems: Problems = field(default_factory=Problems)


class CheckedRow(NamedTuple):
    line: int
    values: dict[str, Any]  # stored column -> value (dates as dates); failed cells left out
    ok: bool  # no problem in any cell
    dates_ok: bool  # every date cell read, so the order rules between dates can be checked


def _column_labels(header: tuple[str, ...]) -> list[str]:
    """How each column is named in a message: its header, or "3列目" when that cannot be shown."""
    return [
        text if text and not _CONTROL.search(text) else f"{index + 1}列目"
        for index, text in enumerate(header)
    ]


def header_problems(spec: KindSpec, table: CsvTable, header: HeaderMap) -> list[Problem]:
    line = table.header_line
    labels = _column_labels(table.header)
    out: list[Problem] = []
    for index, text in enumerate(table.header):
        bad = control_problem(text)
        if bad:
            out.append(Problem(line, labels[index], f"見出しの{bad}", index))
    if out:
        return out
    if not header.columns:  # a data row where the header should be: never echo its cells
        example = "、".join(COLUMN_LABELS[c] for c in spec.required)
        return [
            Problem(line, "-", f"見出しの行がありません。最初の行に列名（{example} など）を書いてください")
        ]
    known = ", ".join(HEADER_NAMES.get(c, c) for c in dict.fromkeys(spec.headers.values()))
    for index, text in header.unknown:
        if text:
            out.append(Problem(line, text, f"知らない列です（使える列: {known}）", index))
    for text, earlier in header.repeated:
        out.append(Problem(line, text, f"「{earlier}」と同じ列です。どちらか一方にしてください"))
    for column in spec.required:
        if column not in header.columns:
            out.append(Problem(line, COLUMN_LABELS[column], f"必須の列がありません（{column}）", 10_000))
    return out


def _unquoted(message: str, raw: str) -> str:
    """A message about a cell with the cell's value taken out."""
    for value in dict.fromkeys((raw, nfkc(raw))):
        message = message.replace(f"「{value}」", "この値")
        if message.startswith(f"{value} "):  # "K-9 が行 2 と重複しています"
            message = "この値" + message[len(value) :].lstrip()
    if raw in message or nfkc(raw) in message:
        return f"読めない値です（{HIDDEN}）"
    return f"{message}。個人情報かもしれないため{HIDDEN}（列が入れ替わっていませんか）"


def check_rows(spec: KindSpec, table: CsvTable, header: HeaderMap, cells: Cells) -> Checked:
    """The file's rows, each converted and checked as it is read (keys for blanks and
    repeats too); header problems at once, row problems as the rows are read."""
    problems = Problems()
    problems.extend(header_problems(spec, table, header))
    return Checked(_checked_rows(spec, table, header, cells, problems), problems)


def _checked_rows(
    spec: KindSpec, table: CsvTable, header: HeaderMap, cells: Cells, problems: Problems
) -> Iterator[CheckedRow]:
    converters = spec.converters(cells)
    present = [
        (column, index, converters[column], header.labels[column], column in spec.personal)
        for column, index in header.columns.items()
    ]
    plain = [(column, index, convert) for column, index, convert, _label, _personal in present]
    personal_at = [index for column, index in header.columns.items() if column in spec.personal]
    width = len(table.header)
    labels = _column_labels(table.header)
    blank = {index for index, text in header.unknown if not text}  # values there are a problem, once
    required = [(c, header.labels[c], header.columns[c]) for c in spec.required if c in header.columns]
    complete = len(required) == len(spec.required)  # else the header is already a problem
    key_label = header.labels.get(spec.key, COLUMN_LABELS[spec.key])
    max_cell = table.limits.max_cell_chars
    seen: dict[str, int] = {}
    for row in table.rows():
        cells_, line = row.cells, row.line
        if len(cells_) != width and (len(cells_) < width or any(cells_[width:])):
            problems.append(Problem(line, "-", f"列の数（{len(cells_)}）が見出し（{width}）と合いません"))
            continue
        for index in [i for i in blank if cells_[i]]:
            problems.append(Problem(table.header_line, labels[index], "見出しがないのに値があります", index))
            blank.discard(index)
        unreadable: set[int] = set()
        joined = "".join(cells_)
        if len(joined) > max_cell or _CONTROL.search(joined):
            unreadable = _unsafe_cells(cells_, labels, line, max_cell, problems)
        values: dict[str, Any] = {}
        bad = dates_bad = personal_bad = False
        quoted: list[tuple[int, str, str, str]] = []  # (index, label, message, value it quotes)
        if not unreadable:
            try:  # the usual row, every cell readable: one comprehension, no per-cell bookkeeping
                values = {column: convert(cells_[index]) for column, index, convert in plain}
                cells_left: list[tuple[str, int, Callable[[str], Any], str, bool]] = []
            except CellError:
                values = {}
                cells_left = present  # read again cell by cell, to name every cell that fails
        else:
            cells_left = present
        for column, index, convert, label, personal in cells_left:
            raw = cells_[index]
            if index in unreadable:
                bad = True
                dates_bad = dates_bad or column in DATE_FIELDS
                continue
            try:
                values[column] = convert(raw)
            except CellError as exc:
                bad = True
                dates_bad = dates_bad or column in DATE_FIELDS
                message = str(exc)
                if personal:
                    personal_bad = True  # columns may be swapped: quote nothing from this row
                    if raw and raw in message:
                        message = f"読めない値です（{HIDDEN}）"
                    problems.append(Problem(line, label, message, index))
                else:
                    quoted.append((index, label, message, raw))
        for column, label, index in required:
            if column in values and values[column] is None:
                bad = True
                problems.append(Problem(line, label, "空欄にできません", index))
        key = values.get(spec.key)
        if key:
            if key in seen:
                bad = True
                message = f"{key} が行 {seen[key]} と重複しています"
                quoted.append((header.columns[spec.key], key_label, message, key))
            else:
                seen[key] = line
        if quoted:
            hide = {cells_[i] for i in personal_at if cells_[i]}
            for index, label, message, raw in quoted:
                if raw and (personal_bad or raw in hide or _INSURED_NO_LIKE.fullmatch(nfkc(raw))):
                    message = _unquoted(message, raw)
                problems.append(Problem(line, label, message, index))
        yield CheckedRow(line, values, complete and not bad, not dates_bad)


def _unsafe_cells(
    cells: tuple[str, ...], labels: list[str], line: int, max_cell: int, problems: Problems
) -> set[int]:
    """Cells too long or holding a control character, each a problem (the value never quoted)."""
    unsafe: set[int] = set()
    for index, raw in enumerate(cells[: len(labels)]):
        if len(raw) > max_cell:
            message = f"値が長すぎます（{len(raw):,} 文字。{max_cell:,} 文字まで）"
        else:
            found = control_problem(raw)
            if found is None:
                continue
            message = f"{found}。取り除いてから取り込んでください"
        problems.append(Problem(line, labels[index], message, index))
        unsafe.add(index)
    return unsafe
