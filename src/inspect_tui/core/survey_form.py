"""The survey form (認定調査票) as the content rules see it: answers, levels and notes.

Pure: no SQLite, no Textual. The items and their choices come from
data/survey_items.toml (the same file ``core.review.survey_items()`` reads;
this module reads the keys it added: ``choices``, ``multi``, ``page``,
``levels`` and group 6's ``form_code``).

The form's items (by the number printed on the form):

- ``1-1`` ... ``5-6``: one choice each, except 1-1 麻痺等 and 1-2 拘縮 (several).
- ``6``: 特別な医療, several of 1-12 (1.点滴の管理 ... 12.カテーテル); none chosen
  is a valid answer (no treatment).
- ``7-1`` / ``7-2``: a level (自立, J1 ... C2 / 自立, I, IIa ... M).
- a 特記事項 text per item (``6`` for 特別な医療, as on the form's note sheet).

CSV cells, as ``parse_form`` reads them (one row of a CSV, keyed by header):

- answer columns are named by the item (``1-3``; full-width ``１－３`` is fine);
  a cell holds the choice number (``3``), several with ``;`` (``2;5``);
  blank means not answered. Numbers have 1 or 2 digits.
- ``7-1`` / ``7-2`` hold the level as the form prints it or its id
  (``Ｂ2``, ``B2``, ``Ⅱａ``, ``IIa``, ``自立``).
- note columns are ``特記事項 1-3`` (``特記事項1-3`` too); any text.
- other columns (case number and so on) are not the form's and are left alone.

A cell that cannot be read is reported by item, in Japanese, without quoting
what was typed (a cell may hold personal data typed in the wrong column). A
number the item does not have (``4`` for 1-3) or two choices on a one-choice
item are not read errors: they are on the form as written, and the content
rules (core/form_rules.py) point them out to the inspector.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from functools import cached_property
from types import MappingProxyType
from typing import Any

from inspect_tui.core.records import field, record
from inspect_tui.system.paths import data_file

MEDICAL = "6"  # the form's item number of 特別な医療
LEVEL_ITEMS = ("7-1", "7-2")


class SurveyItemsError(ValueError):
    """data/survey_items.toml does not describe the form's choices as expected."""


# --------------------------------------------------------------------------- the items
@record(frozen=True)
class Level:
    id: str  # ASCII: "independent", "J1", "IIa"
    label: str  # as the form prints it: "自立", "Ｊ1", "Ⅱａ"
    plain: str  # for terminals: no ambiguous-width characters ("IIa")


@record(frozen=True)
class FormItem:
    code: str  # "1-3", "6", "7-1"
    name: str
    group: int
    page: int  # where the text defines the choices
    multi: bool = False
    choices: tuple[tuple[int, str], ...] = ()  # (number, label)
    levels: tuple[Level, ...] = ()

    @property
    def is_level(self) -> bool:
        return bool(self.levels)

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"

    def choice_label(self, no: int) -> str | None:
        return self._labels.get(no)

    @cached_property
    def _labels(self) -> dict[int, str]:
        return dict(self.choices)

    @cached_property
    def level_keys(self) -> dict[str, str]:
        """A level as it may be written (its id, label or plain label, reduced) -> its id."""
        out: dict[str, str] = {}
        for lv in self.levels:
            for text in (lv.id, lv.label, lv.plain):
                out.setdefault(_level_key(text), lv.id)
        return out

    def level(self, level_id: str) -> Level | None:
        for lv in self.levels:
            if lv.id == level_id:
                return lv
        return None

    @cached_property
    def values(self) -> frozenset[int | str]:
        """What an answer to this item may hold: choice numbers, or level ids."""
        if self.levels:
            return frozenset(lv.id for lv in self.levels)
        return frozenset(n for n, _ in self.choices)


_CHOICE = re.compile(r"^(\d+)\.(.+)$")


def _ambiguous(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) == "A" for ch in text)


def _choices(code: str, raw: Any) -> tuple[tuple[int, str], ...]:
    if not isinstance(raw, list) or not raw:
        raise SurveyItemsError(f"{code}: choices がありません")
    out = []
    for i, text in enumerate(raw, start=1):
        m = _CHOICE.match(text) if isinstance(text, str) else None
        if not m or int(m.group(1)) != i:
            raise SurveyItemsError(f"{code}: choices の {i} 番目は「{i}.ラベル」の形で書きます")
        out.append((i, m.group(2)))
    return tuple(out)


def _levels(code: str, raw: Any) -> tuple[Level, ...]:
    out = []
    for lv in raw:
        plain = lv.get("plain", lv["label"])
        if _ambiguous(plain):
            raise SurveyItemsError(f"{code}: 段階 {lv['id']} の plain に幅の曖昧な文字があります")
        out.append(Level(lv["id"], lv["label"], plain))
    return tuple(out)


def parse_catalogue(raw: Mapping[str, Any]) -> dict[str, FormItem]:
    """The form's items from survey_items.toml's parsed content, in form order."""
    items: dict[str, FormItem] = {}
    for g in raw["group"]:
        if "form_code" in g:  # group 6: one question whose choices are the group's items
            choices = sorted((it["choice"], it["name"]) for it in g["items"])
            if [n for n, _ in choices] != list(range(1, len(choices) + 1)):
                raise SurveyItemsError(f"{g['form_code']}: choice が 1 から続いていません")
            items[g["form_code"]] = FormItem(
                g["form_code"], g["form_name"], g["no"], g["page"], bool(g.get("multi")), tuple(choices)
            )
            continue
        for it in g["items"]:
            code = it["code"]
            if "levels" in it:
                items[code] = FormItem(
                    code, it["name"], g["no"], it["page"], levels=_levels(code, it["levels"])
                )
            else:
                items[code] = FormItem(
                    code,
                    it["name"],
                    g["no"],
                    it["page"],
                    bool(it.get("multi")),
                    _choices(code, it.get("choices")),
                )
    return items


_ITEMS: dict[str, FormItem] | None = None


def form_items() -> Mapping[str, FormItem]:
    """The form's items by code, in form order: 1-1 ... 5-6, 6, 7-1, 7-2."""
    global _ITEMS
    if _ITEMS is None:
        raw = tomllib.loads(data_file("survey_items.toml").read_text(encoding="utf-8"))
        _ITEMS = parse_catalogue(raw)
    return MappingProxyType(_ITEMS)


# --------------------------------------------------------------------------- the form
@record(frozen=True)
class SurveyForm:
    """One filled-in form: no applicant personal data, only answers and notes.

    ``answers``: item code -> the chosen numbers, in the order written; an item
    that is missing or () is not answered (for ``6``: no treatment).
    ``levels``: "7-1"/"7-2" -> level id; missing = not answered.
    ``notes``: item code -> 特記事項 text.
    """

    answers: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    levels: Mapping[str, str] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # frozen all the way down: a form read once is the form the rules saw
        object.__setattr__(self, "answers", MappingProxyType({k: tuple(v) for k, v in self.answers.items()}))
        object.__setattr__(self, "levels", MappingProxyType(dict(self.levels)))
        object.__setattr__(self, "notes", MappingProxyType(dict(self.notes)))

    def values(self, item: str) -> tuple[int | str, ...]:
        """The answer to an item as a tuple: choice numbers, or (level id,), or ()."""
        if item in LEVEL_ITEMS:
            lv = self.levels.get(item)
            return (lv,) if lv else ()
        return self.answers.get(item, ())

    def has_note(self, item: str) -> bool:
        """A 特記事項 with something in it (not missing, not only spaces)."""
        return bool(self.notes.get(item, "").strip())


# --------------------------------------------------------------------------- stored
def form_to_json(form: SurveyForm) -> tuple[str, str]:
    """The form as the database keeps it: (answers, notes), canonical JSON in form order.

    answers: item -> [choice numbers] (an answered item; ``6`` with [] is "no treatment"
    only when written), 7-1/7-2 -> level id; notes: item -> text.
    """
    order = {code: i for i, code in enumerate(form_items())}
    answers: dict[str, Any] = {}
    for code in sorted(form.answers, key=lambda c: order.get(c, len(order))):
        answers[code] = list(form.answers[code])
    for code in LEVEL_ITEMS:
        if form.levels.get(code):
            answers[code] = form.levels[code]
    notes = {c: form.notes[c] for c in sorted(form.notes, key=lambda c: order.get(c, len(order)))}
    dump = {"ensure_ascii": False, "separators": (",", ":")}
    return json.dumps(answers, **dump), json.dumps(notes, **dump)  # type: ignore[arg-type]


def form_from_json(answers: str, notes: str) -> SurveyForm:
    """The form form_to_json wrote."""
    raw = json.loads(answers)
    levels = {k: v for k, v in raw.items() if k in LEVEL_ITEMS and isinstance(v, str)}
    choices = {k: tuple(int(n) for n in v) for k, v in raw.items() if k not in LEVEL_ITEMS}
    return SurveyForm(choices, levels, dict(json.loads(notes)))


# --------------------------------------------------------------------------- reading CSV cells
@record(frozen=True)
class CellProblem:
    column: str  # the item code, or the header as normalised
    message: str

    def text(self, line: int | None = None) -> str:
        where = f"{line}行目 " if line is not None else ""
        return f"{where}{self.column}: {self.message}"


class SurveyFormError(ValueError):
    """Cells of a form that cannot be read; every one is listed, by item."""

    def __init__(self, problems: list[CellProblem], line: int | None = None) -> None:
        self.problems = tuple(problems)
        self.line = line
        super().__init__("\n".join(p.text(line) for p in self.problems))


_DASHES = str.maketrans({"ー": "-", "−": "-", "‐": "-", "―": "-", ".": "-"})
_CODE = re.compile(r"^\d{1,2}(?:-\d{1,2})?$")
_NOTE = re.compile(r"^特記事項[ _]?(\d{1,2}(?:-\d{1,2})?)$")
_NUMBER = re.compile(r"^\d{1,2}$")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_DASHES).strip()


def _level_key(text: str) -> str:
    return _norm(text).replace("-", "").replace(" ", "").casefold()


def _read_choices(item: FormItem, cell: str) -> tuple[tuple[int, ...], str | None]:
    text = unicodedata.normalize("NFKC", cell).strip()
    if not text:
        return (), None
    parts = [p.strip() for p in text.split(";")]
    if any(not p for p in parts):
        return (), "空の番号があります（複数は 2;5 のように ; で区切ります）"
    if not all(_NUMBER.match(p) for p in parts):
        if all(p.isdigit() for p in parts):
            return (), "番号は 1 桁か 2 桁です"
        return (), "選択肢の番号（半角か全角の数字。複数は 2;5 のように ; で区切ります）で書きます"
    numbers = tuple(int(p) for p in parts)
    if len(set(numbers)) != len(numbers):
        return (), "同じ番号が 2 回以上書かれています"
    return numbers, None


def _read_level(item: FormItem, cell: str) -> tuple[str | None, str | None]:
    if not cell.strip():
        return None, None
    found = item.level_keys.get(_level_key(cell))
    if found is not None:
        return found, None
    allowed = "・".join(lv.plain for lv in item.levels)
    return None, f"{allowed} のどれかで書きます"


@record(frozen=True)
class FormColumns:
    """What each header of a file of forms is, worked out once per file (not per row):
    ``columns`` (cell index, item code, is a note), and the problems of the header itself
    (an item the form does not have, the same item twice), reported on every row."""

    columns: tuple[tuple[int, FormItem, bool], ...]
    problems: tuple[CellProblem, ...]


def plan_columns(
    headers: list[str] | tuple[str, ...], items: Mapping[str, FormItem] | None = None
) -> FormColumns:
    """The form's columns among these headers; other columns (case number …) are left alone."""
    catalogue = form_items() if items is None else items
    columns: list[tuple[int, FormItem, bool]] = []
    problems: list[CellProblem] = []
    seen: set[str] = set()
    for index, header in enumerate(headers):
        key = _norm(header)
        note = _NOTE.match(key)
        code = note.group(1) if note else key if _CODE.match(key) else None
        if code is None:
            continue  # not a column of the form
        column = f"特記事項 {code}" if note else code
        if code not in catalogue:
            problems.append(CellProblem(column, "調査票にない項目です（1-1 ... 5-6、6、7-1、7-2）"))
            continue
        if column in seen:
            problems.append(CellProblem(column, "同じ項目の列が 2 つあります"))
            continue
        seen.add(column)
        columns.append((index, catalogue[code], bool(note)))
    return FormColumns(tuple(columns), tuple(problems))


#: The cells most forms are made of, read without Unicode normalisation: "1" … "12".
_PLAIN_NUMBERS = {str(n): (n,) for n in range(1, 100)}


def parse_row(
    plan: FormColumns, cells: tuple[str, ...] | list[str], *, line: int | None = None
) -> SurveyForm:
    """A SurveyForm from one row's cells (by index, as ``plan_columns`` read the header)."""
    answers: dict[str, tuple[int, ...]] = {}
    levels: dict[str, str] = {}
    notes: dict[str, str] = {}
    problems: list[CellProblem] = list(plan.problems)
    width = len(cells)
    for index, item, is_note in plan.columns:
        cell = cells[index] if index < width else ""
        text = "" if cell is None else str(cell)
        code = item.code
        if is_note:
            if text.strip():
                notes[code] = text
            continue
        if not text:
            continue
        if item.is_level:
            level, problem = _read_level(item, text)
            if problem:
                problems.append(CellProblem(code, problem))
            elif level:
                levels[code] = level
            continue
        plain = _PLAIN_NUMBERS.get(text)
        if plain is not None:
            answers[code] = plain
            continue
        numbers, problem = _read_choices(item, text)
        if problem:
            problems.append(CellProblem(code, problem))
        elif numbers:
            answers[code] = numbers
    if problems:
        raise SurveyFormError(problems, line)
    return SurveyForm(answers, levels, notes)


def parse_form(
    cells: Mapping[str, str], *, line: int | None = None, items: Mapping[str, FormItem] | None = None
) -> SurveyForm:
    """A SurveyForm from one CSV row's cells (header -> text), or SurveyFormError listing every bad cell."""
    headers = list(cells)
    return parse_row(plan_columns(headers, items), [cells[h] for h in headers], line=line)


def describe(item: FormItem, values: tuple[int | str, ...]) -> str:
    """An answer as the inspector reads it: '3.できない', '2.左上肢;6.その他（四肢の欠損）', '未記入'."""
    if not values:
        return "未記入" if item.code != MEDICAL else "なし"
    out = []
    for v in values:
        if item.is_level:
            lv = item.level(str(v))
            out.append(lv.plain if lv else "（段階にない値）")
            continue
        label = item.choice_label(int(v))
        if label is not None:
            out.append(f"{v}.{label}")
        else:
            out.append(f"{v}（選択肢にない番号）" if 0 <= int(v) <= 99 else "（選択肢にない番号）")
    return ";".join(out)
