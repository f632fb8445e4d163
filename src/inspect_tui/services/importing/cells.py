"""What the columns of a CSV file a user brings mean: header mapping and cell values.

Reading the file (encodings, limits, rows with their line numbers) is
store/csvread.py. Headers may be the English column names or the Japanese
labels a user would write; ``map_header`` turns either into the column names
we store. The cell converters turn what a user types (○, はい, R9.4.1,
full-width digits) into the values we store, and ``CASES`` / ``SURVEYORS`` say
which converter reads which column. Checking whole rows is
services/import_rows.py; writing them is services/importing.py.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from inspect_tui.core.case_columns import DATE_FIELDS, FIELD_LABELS
from inspect_tui.core.district import APPLICATION_KINDS
from inspect_tui.core.jpdate import DateError, parse_date
from inspect_tui.core.records import field, record
from inspect_tui.core.steps import future_date_problem


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
        "birth_date": ("生年月日",),
        "other_qualification": ("その他の資格", "保有資格", "資格名"),
        "qualification_evidence": ("資格の証明", "資格証明", "証明書類", "資格の根拠"),
        # dates that become staff entries (core.staff): an empty cell records nothing
        "notified_new": ("届出日（新規）", "新規届出日", "従事者届出日"),
        "notified_change": ("届出日（変更）", "変更届出日"),
        "notified_cancel": ("届出日（取消）", "取消届出日"),
        "pledge": ("誓約書提出日", "誓約日", "セキュリティ遵守誓約書"),
        "card_issued": ("調査員証交付日", "交付日"),
        "card_reissued": ("調査員証再交付日", "再交付日"),
        "card_returned": ("調査員証返却日", "調査員証返却"),
        "card_no": ("調査員証番号",),
    }
)


@record(frozen=True)
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

APPLICATIONS = APPLICATION_KINDS  # all valid; the contract covers config.application_kinds
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


_DIGIT = re.compile(r"\d")
SWAPPED_HINT = "値は表示しません。列が入れ替わっていませんか"


def person_name(raw: str) -> str | None:
    """A person's name: never holds a digit (a date or a number there means shifted columns).

    The message describes the value without repeating it (personal data).
    """
    if not raw:
        return None
    if _DIGIT.search(raw):
        try:
            parse_date(raw)
            looks = "日付のような値"
        except DateError:
            looks = "数字の入った値"
        raise CellError(f"氏名の列に{looks}があります（{SWAPPED_HINT}）")
    return raw


def insured_no(raw: str) -> str | None:
    """被保険者番号: ten digits (full-width digits are made ASCII); never repeated in a message."""
    if len(raw) == 10 and raw.isdigit() and raw.isascii():
        return raw
    value = code_or_none(raw)
    if value is None:
        return None
    if not (value.isdigit() and value.isascii()):
        raise CellError(f"被保険者番号の列に数字以外を含む値があります（{SWAPPED_HINT}）")
    if len(value) != 10:
        raise CellError(f"被保険者番号は10桁です（この値は {len(value)} 桁。値は表示しません）")
    return value


def code_or_none(raw: str) -> str | None:
    """Codes and numbers: full-width digits and letters made ASCII."""
    if raw.isascii():
        return raw or None
    return unicodedata.normalize("NFKC", raw).strip() or None


def plain_text(raw: str) -> str | None:
    """A short text as written (control characters and giant cells are refused by the row
    check before this)."""
    return raw.strip() or None


def split_wards(raw: str) -> list[str]:
    text = nfkc(raw)
    for sep in WARD_SEPARATORS:
        text = text.replace(sep, " ")
    return text.split()


class _Memo(dict):
    """A converter's results by cell text, for one import (``memo``)."""

    __slots__ = ("_convert",)

    def __init__(self, convert: Callable[[str], Any]) -> None:
        super().__init__()
        self._convert = convert

    def __missing__(self, raw: str) -> Any:
        value = self[raw] = self._convert(raw)  # a CellError keeps nothing: the cell is read again
        return value


def memo(convert: Callable[[str], Any]) -> Callable[[str], Any]:
    """convert, remembering what each text gave: a text seen before (the same date, ward,
    surveyor's code or flag in most rows of a file) is one dict lookup in C, not a call of
    Python code. Only for converters whose result depends on the text alone (and the
    import's Cells), and whose valid texts are few: never a name or a number."""
    return _Memo(convert).__getitem__


class Cells:
    """Converters that need the config or the database, with a date cache per import."""

    def __init__(
        self, wards: Iterable[str], surveyor_codes: Iterable[str], today: dt.date | None = None
    ) -> None:
        self.wards = tuple(wards)
        self._ward_set = frozenset(self.wards)
        self.surveyor_codes = frozenset(surveyor_codes)
        self.today = today  # today in Japan: no step and no birth after it (None: not checked)
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

    def step_date(self, field: str) -> Callable[[str], dt.date | None]:
        """The converter of a case's step date column: a date, and not after today."""
        label = FIELD_LABELS[field]
        today = self.today

        def convert(raw: str) -> dt.date | None:
            day = self.date(raw)
            if day is not None and today is not None and day > today:
                raise CellError(future_date_problem(label, day, today) or "")
            return day

        return memo(convert)  # a date seen before in this column (most cells of a file): one lookup

    def personal_date(self, raw: str) -> dt.date | None:
        """A date of personal data (birth): the error never repeats the value."""
        try:
            day = self.date(raw)
        except CellError:
            raise CellError("日付として読めません（値は表示しません）") from None
        if day is not None and self.today is not None and day > self.today:
            raise CellError(f"今日（日本時間 {self.today.isoformat()}）より後の日付です（値は表示しません）")
        return day

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
    "other_qualification": "その他の資格",
    "qualification_evidence": "資格の証明",
    "notified_new": "届出日（新規）",
    "notified_change": "届出日（変更）",
    "notified_cancel": "届出日（取消）",
    "pledge": "誓約書提出日",
    "card_issued": "調査員証交付日",
    "card_reissued": "調査員証再交付日",
    "card_returned": "調査員証返却日",
    "card_no": "調査員証番号",
}


@record(frozen=True)
class KindSpec:
    """One kind of file: its key column, header names, required columns and cell converters."""

    kind: str
    key: str
    headers: Mapping[str, str]
    required: tuple[str, ...]
    converters: Callable[[Cells], dict[str, Callable[[str], Any]]] = field(repr=False)
    # columns of personal data: never quoted in a message, nor is their value when it turns
    # up in another column of the same row (columns swapped)
    personal: frozenset[str] = frozenset()


def _case_converters(c: Cells) -> dict[str, Callable[[str], Any]]:
    conv: dict[str, Callable[[str], Any]] = {f: c.step_date(f) for f in DATE_FIELDS}
    flag, surveyor = memo(parse_flag), memo(c.surveyor)
    conv.update(  # the columns of few values remembered (memo); names and numbers never
        case_no=code_or_none,
        insurer=nfkc,
        welfare=flag,
        application=memo(parse_application),
        ward=memo(c.ward),
        insured_no=insured_no,
        applicant_name=person_name,
        birth_date=c.personal_date,
        urgent=flag,
        surveyor=surveyor,
        accompanied_by=surveyor,
    )
    return conv


#: Roster columns whose date is recorded as a staff entry of the same kind (core.staff)
SURVEYOR_ENTRY_COLUMNS = (
    "notified_new",
    "pledge",
    "card_issued",
    "card_reissued",
    "card_returned",
    "notified_change",
    "notified_cancel",
)


def _surveyor_converters(c: Cells) -> dict[str, Callable[[str], Any]]:
    return {
        "code": code_or_none,
        "name": person_name,
        "qualification": parse_qualification,
        "registration_no": code_or_none,
        "registered_on": c.date,
        "expires_on": c.date,
        "hired_on": c.date,
        "placed_on": c.date,
        "is_chief": parse_flag,
        "wards": c.ward_list,
        "left_on": c.date,
        "birth_date": c.personal_date,
        "other_qualification": plain_text,
        "qualification_evidence": plain_text,
        **dict.fromkeys(SURVEYOR_ENTRY_COLUMNS, c.date),
        "card_no": code_or_none,
    }


CASES = KindSpec(
    "cases",
    "case_no",
    CASE_HEADERS,
    ("case_no", "application", "ward", "received_on"),
    _case_converters,
    frozenset({"applicant_name", "insured_no", "birth_date"}),
)
SURVEYORS = KindSpec(
    "surveyors",
    "code",
    SURVEYOR_HEADERS,
    ("code", "name", "qualification"),
    _surveyor_converters,
    frozenset({"name", "registration_no", "birth_date", "qualification_evidence"}),  # staff personal data
)
SPECS = {"cases": CASES, "surveyors": SURVEYORS}
SURVEYOR_COLUMNS = tuple(
    c for c in dict.fromkeys(SURVEYOR_HEADERS.values()) if c not in (*SURVEYOR_ENTRY_COLUMNS, "card_no")
)
SURVEYOR_DATES = ("registered_on", "expires_on", "hired_on", "placed_on", "left_on")
# (later, earlier): the later may not be before the earlier
SURVEYOR_ORDER = (("expires_on", "registered_on"), ("placed_on", "hired_on"), ("left_on", "hired_on"))
