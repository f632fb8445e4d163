"""CSV files a user brings: decoding, rows with their line numbers, header mapping.

Excel in Japan saves CSV as CP932 ("CSV (コンマ区切り)") or UTF-8 with a BOM
("CSV UTF-8"); other tools write plain UTF-8. We try UTF-8 (BOM or not)
strictly, then CP932; anything else (UTF-16 "Unicode テキスト", binary) is
refused with a message saying how to save the file instead.

Headers may be the English column names or the Japanese labels a user would
write; ``map_header`` turns either into the column names we store. The cell
converters turn what a user types (○, はい, R9.4.1, full-width digits) into the
values we store, and ``CASES`` / ``SURVEYORS`` say which converter reads which
column. Checking whole rows and writing them is services/importing.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from inspect_tui.core.jpdate import DateError, parse_date
from inspect_tui.core.steps import DATE_FIELDS, FIELD_LABELS

ENCODINGS = ("utf-8-sig", "cp932")
ENCODING_LABELS = {"utf-8-sig": "UTF-8", "cp932": "CP932（Shift_JIS）"}
SAVE_AS_HINT = "Excel なら「CSV UTF-8」か「CSV（コンマ区切り）」で保存し直してください"


class CsvFileError(ValueError):
    """A file we cannot read as CSV; the message says why and what to do."""


class CsvRow(NamedTuple):
    line: int  # physical line number in the file where the record starts (header = 1)
    cells: tuple[str, ...]


@dataclass(frozen=True)
class CsvTable:
    encoding: str
    header: tuple[str, ...]  # as written in the file, trimmed
    header_line: int
    rows: tuple[CsvRow, ...]


# -- decoding -----------------------------------------------------------------------
def decode_bytes(data: bytes, name: str = "") -> tuple[str, str]:
    """(text, encoding) of a CSV file's bytes, or CsvFileError naming the problem."""
    where = f"{name}: " if name else ""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvFileError(f"{where}UTF-16 で保存されたファイルは読めません。{SAVE_AS_HINT}")
    if b"\x00" in data:
        raise CsvFileError(
            f"{where}CSV ではないか、UTF-16 などの読めない文字コードのファイルです。{SAVE_AS_HINT}"
        )
    failed: UnicodeDecodeError | None = None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding, errors="strict"), encoding
        except UnicodeDecodeError as exc:
            if data.startswith(b"\xef\xbb\xbf"):  # says UTF-8 (BOM) yet is not: no CP932 guess
                line = _line_at(data, exc.start)
                raise CsvFileError(
                    f"{where}行 {line}: UTF-8（BOM 付き）として読めないバイトがあります。{SAVE_AS_HINT}"
                ) from None
            failed = exc
    line = _line_at(data, failed.start) if failed else 1
    raise CsvFileError(
        f"{where}文字コードが UTF-8 でも CP932（Shift_JIS）でもありません（行 {line} で読めないバイト）。"
        f"{SAVE_AS_HINT}"
    )


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_csv(path: Path) -> CsvTable:
    """The whole file as a header and rows, blank lines skipped, cells trimmed."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CsvFileError(f"ファイルがありません: {path}") from None
    except IsADirectoryError:
        raise CsvFileError(f"{path} はフォルダです。CSV ファイルを指定してください") from None
    except OSError as exc:
        raise CsvFileError(f"{path}: 読めません: {exc.strerror}") from None
    text, encoding = decode_bytes(data, path.name)
    return parse_csv_text(text, encoding, path.name)


def parse_csv_text(text: str, encoding: str = "utf-8-sig", name: str = "") -> CsvTable:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[CsvRow] = []
    header: tuple[str, ...] | None = None
    header_line = 0
    last_line = 0
    try:
        for record in reader:
            start, last_line = last_line + 1, reader.line_num
            cells = tuple(map(str.strip, record))
            if not any(cells):
                continue
            if header is None:
                header, header_line = cells, start
            else:
                rows.append(CsvRow(start, cells))
    except csv.Error as exc:
        where = f"{name}: " if name else ""
        raise CsvFileError(f"{where}行 {reader.line_num}: CSV として読めません（{exc}）") from None
    if header is None:
        raise CsvFileError(f"{name + ': ' if name else ''}空のファイルです（見出しの行がありません）")
    return CsvTable(encoding, header, header_line, tuple(rows))


# -- header mapping -----------------------------------------------------------------
def header_key(text: str) -> str:
    """A header cell reduced for matching: NFKC, lower case, no spaces, _ - ・ or dots."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return "".join(ch for ch in text if ch not in " _-・.．()（）")


def _aliases(table: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for column, names in table.items():
        for name in (column, *names):
            out[header_key(name)] = column
    return out


CASE_HEADERS: dict[str, str] = _aliases(
    {
        "case_no": ("依頼番号", "依頼No", "調査依頼番号", "案件番号", "caseno"),
        "insurer": ("保険者", "保険者名"),
        "welfare": ("生活保護", "生保", "生活保護受給"),
        "application": ("申請区分", "申請種別", "区分"),
        "ward": ("区", "区名", "行政区"),
        "insured_no": ("被保険者番号", "被保番号"),
        "applicant_name": ("name", "氏名", "申請者氏名", "申請者名", "名前"),
        "birth_date": ("生年月日", "birthday"),
        "received_on": ("依頼受理日", "依頼受付日", "受付日", "依頼日"),
        "dispatched_on": ("発送日", "依頼発送日"),
        "urgent": ("緊急", "至急"),
        "surveyor": ("調査員", "調査員コード", "担当調査員"),
        "accompanied_by": ("同行者", "同行調査員", "同行者コード"),
        "contacted_on": ("日程調整日", "日程調整連絡日", "連絡日"),
        "visited_on": ("訪問日", "訪問調査日", "調査日"),
        "submitted_on": ("提出日",),
        "accepted_on": ("受理日",),
        "cancelled_on": ("中止日",),
        "returned_on": ("返却日",),
    }
)

SURVEYOR_HEADERS: dict[str, str] = _aliases(
    {
        "code": ("調査員コード", "コード", "調査員番号"),
        "name": ("氏名", "調査員氏名", "名前"),
        "qualification": ("資格", "資格区分", "資格種別"),
        "registration_no": ("登録番号", "介護支援専門員登録番号"),
        "registered_on": ("登録日", "登録年月日"),
        "expires_on": ("有効期限", "有効期間満了日"),
        "hired_on": ("採用日", "入社日"),
        "placed_on": ("配置日",),
        "is_chief": ("主任", "主任調査員"),
        "wards": ("担当区", "区", "担当地区"),
        "left_on": ("退職日",),
    }
)


@dataclass(frozen=True)
class HeaderMap:
    columns: dict[str, int]  # stored column name -> cell index
    labels: dict[str, str]  # stored column name -> header as written in the file
    unknown: tuple[tuple[int, str], ...]  # (cell index, header) we do not know
    repeated: tuple[tuple[str, str], ...]  # (header, the earlier header naming the same column)


def map_header(header: tuple[str, ...], aliases: Mapping[str, str]) -> HeaderMap:
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    unknown: list[tuple[int, str]] = []
    repeated: list[tuple[str, str]] = []
    for index, text in enumerate(header):
        column = aliases.get(header_key(text))
        if column is None:
            unknown.append((index, text))
        elif column in columns:
            repeated.append((text, labels[column]))
        else:
            columns[column] = index
            labels[column] = text
    return HeaderMap(columns, labels, tuple(unknown), tuple(repeated))


# -- cell values --------------------------------------------------------------------
# Each converter takes a trimmed cell and returns the value we store (None for an
# empty cell), or raises CellError. The common spellings are looked up in a dict
# first, so a 100,000-row file does not pay for Unicode normalization per cell.
class CellError(ValueError):
    """A cell we cannot use; the message says why."""


def nfkc(raw: str) -> str:
    """Full-width letters and digits made ASCII, trimmed (ASCII text passes untouched)."""
    return raw if raw.isascii() else unicodedata.normalize("NFKC", raw).strip()


TRUE_WORDS = ("1", "true", "yes", "y", "はい", "○", "〇", "◯")
FALSE_WORDS = ("", "0", "false", "no", "n", "いいえ", "×")
FLAG_HINT = "1/0、true/false、yes/no、はい/いいえ、○/空欄 のどれか"
_FLAGS = {**dict.fromkeys(TRUE_WORDS, 1), **dict.fromkeys(FALSE_WORDS, 0)}

APPLICATIONS = ("新規", "区分変更", "更新")
QUALIFICATIONS = {
    "介護支援専門員": "care_manager",
    "ケアマネジャー": "care_manager",
    "ケアマネージャー": "care_manager",
    "care_manager": "care_manager",
    "caremanager": "care_manager",
    "その他": "other",
    "other": "other",
}
WARD_SEPARATORS = ("、", ",", "・")


def parse_flag(raw: str) -> int:
    found = _FLAGS.get(raw)
    if found is None:
        found = _FLAGS.get(nfkc(raw).lower())
        if found is None:
            raise CellError(f"「{raw}」は読めません（{FLAG_HINT}）")
    return found


def parse_application(raw: str) -> str | None:
    if raw in APPLICATIONS:
        return raw
    value = nfkc(raw)
    if not value:
        return None
    if value not in APPLICATIONS:
        raise CellError(f"「{raw}」は申請区分ではありません（{' / '.join(APPLICATIONS)}）")
    return value


def parse_qualification(raw: str) -> str | None:
    value = nfkc(raw)
    if not value:
        return None
    found = QUALIFICATIONS.get(value.lower().replace(" ", "_"))
    if found is None:
        raise CellError(f"「{raw}」は資格として読めません（介護支援専門員 / その他）")
    return found


def text_or_none(raw: str) -> str | None:
    return raw or None


def code_or_none(raw: str) -> str | None:
    """Codes and numbers: full-width digits and letters made ASCII."""
    if raw.isascii():
        return raw or None
    return unicodedata.normalize("NFKC", raw).strip() or None


def split_wards(raw: str) -> list[str]:
    text = nfkc(raw)
    for sep in WARD_SEPARATORS:
        text = text.replace(sep, " ")
    return text.split()


class Cells:
    """Converters that need the config or the database, with a date cache per import."""

    def __init__(self, wards: Iterable[str], surveyor_codes: Iterable[str]) -> None:
        self.wards = tuple(wards)
        self._ward_set = frozenset(self.wards)
        self.surveyor_codes = frozenset(surveyor_codes)
        self._dates: dict[str, dt.date | str] = {}

    def date(self, raw: str) -> dt.date | None:
        """Any form parse_date reads; the same text is parsed once per import."""
        if not raw:
            return None
        found = self._dates.get(raw)
        if found is None:
            try:
                found = parse_date(raw)
            except DateError as exc:
                found = str(exc)
            self._dates[raw] = found
        if isinstance(found, str):
            raise CellError(found)
        return found

    def personal_date(self, raw: str) -> dt.date | None:
        """A date of personal data: the error never repeats the value."""
        try:
            return self.date(raw)
        except CellError:
            raise CellError("日付として読めません（値は表示しません）") from None

    def ward(self, raw: str) -> str | None:
        if raw in self._ward_set:
            return raw
        value = nfkc(raw)
        if value and value not in self._ward_set:
            raise CellError(f"「{raw}」は設定の区（{'・'.join(self.wards)}）にありません")
        return value or None

    def ward_list(self, raw: str) -> str:
        """One or more wards separated by 、 , ・ or spaces, stored comma-joined."""
        names = split_wards(raw)
        bad = [n for n in names if n not in self._ward_set]
        if bad:
            raise CellError(f"「{'、'.join(bad)}」は設定の区（{'・'.join(self.wards)}）にありません")
        return ",".join(dict.fromkeys(names))

    def surveyor(self, raw: str) -> str | None:
        code = nfkc(raw)
        if code and code not in self.surveyor_codes:
            raise CellError(
                f"調査員コード「{code}」は登録されていません（先に調査員名簿を取り込んでください）"
            )
        return code or None


# -- what each kind of file holds ---------------------------------------------------
COLUMN_LABELS: dict[str, str] = {
    **FIELD_LABELS,
    "case_no": "依頼番号",
    "insurer": "保険者",
    "is_home": "自市・他市町村",
    "welfare": "生活保護",
    "application": "申請区分",
    "ward": "区",
    "insured_no": "被保険者番号",
    "applicant_name": "氏名",
    "birth_date": "生年月日",
    "urgent": "緊急",
    "surveyor": "調査員",
    "accompanied_by": "同行者",
    "code": "調査員コード",
    "name": "氏名",
    "qualification": "資格",
    "registration_no": "登録番号",
    "registered_on": "登録日",
    "expires_on": "有効期限",
    "hired_on": "採用日",
    "placed_on": "配置日",
    "is_chief": "主任",
    "wards": "担当区",
    "left_on": "退職日",
}


@dataclass(frozen=True)
class KindSpec:
    """One kind of file: its key column, header names, required columns and cell converters."""

    kind: str
    key: str
    headers: Mapping[str, str]
    required: tuple[str, ...]
    converters: Callable[[Cells], dict[str, Callable[[str], Any]]] = field(repr=False)


def _case_converters(c: Cells) -> dict[str, Callable[[str], Any]]:
    conv: dict[str, Callable[[str], Any]] = {f: c.date for f in DATE_FIELDS}
    conv.update(
        case_no=code_or_none,
        insurer=nfkc,
        welfare=parse_flag,
        application=parse_application,
        ward=c.ward,
        insured_no=code_or_none,
        applicant_name=text_or_none,
        birth_date=c.personal_date,
        urgent=parse_flag,
        surveyor=c.surveyor,
        accompanied_by=c.surveyor,
    )
    return conv


def _surveyor_converters(c: Cells) -> dict[str, Callable[[str], Any]]:
    return {
        "code": code_or_none,
        "name": text_or_none,
        "qualification": parse_qualification,
        "registration_no": code_or_none,
        "registered_on": c.date,
        "expires_on": c.date,
        "hired_on": c.date,
        "placed_on": c.date,
        "is_chief": parse_flag,
        "wards": c.ward_list,
        "left_on": c.date,
    }


CASES = KindSpec(
    "cases",
    "case_no",
    CASE_HEADERS,
    ("case_no", "application", "ward", "received_on"),
    _case_converters,
)
SURVEYORS = KindSpec(
    "surveyors",
    "code",
    SURVEYOR_HEADERS,
    ("code", "name", "qualification"),
    _surveyor_converters,
)
SPECS = {"cases": CASES, "surveyors": SURVEYORS}
SURVEYOR_COLUMNS = tuple(dict.fromkeys(SURVEYOR_HEADERS.values()))
SURVEYOR_DATES = ("registered_on", "expires_on", "hired_on", "placed_on", "left_on")
# (later, earlier): the later may not be before the earlier
SURVEYOR_ORDER = (("expires_on", "registered_on"), ("placed_on", "hired_on"), ("left_on", "hired_on"))
