"""The survey form's content rules (issue 18), as data, and a pure checker.

The rules are data/form_rules.toml; core/form_rules_file.py loads them strictly
and this module checks a ``SurveyForm`` against them. The result is a list of points for the
inspector, not verdicts: each names the rule, the items, the answers found on
the form, what to look at, and the items whose 特記事項 should explain it.

Kinds of rule (the file's header explains each key):

- ``warning``: one of the 57 警告コード of the text's §2-3(2) (pp. 9-11), with
  its official number: a pair of answers that rarely occur together. They can
  be real; then the relation must be explained in the 特記事項 (p. 22).
- ``note``: a choice that always needs a 特記事項; fires when that note is
  missing or only spaces.
- ``relation``: a cross-item relation we derived from the item definitions
  (``derived = true``): what is normally so, not an official code.
- ``structure``: the form as written: 1.ない with another choice
  (``exclusive``), a required item left blank (``required``), a number the item
  does not have (``known_choice``), two choices on a one-choice item (``single``).

Conditions (``when``: all must hold; an unanswered item never matches):

- ``{ item = "1-3", in = [3] }``: the item's answer is (or, multi-select,
  includes) one of these; for 7-1/7-2 the values are level ids (``"C2"``).
- ``{ item = "2-4", not_in = [4] }``: answered, and none of these.
- ``{ item = "3-1", answered = true }``: answered at all.
- ``{ all_of = ["3-2", "3-3"], in = [1] }``: every one answered and in the set.
- ``{ any_of = [cond, cond] }``: at least one of the (simple) conditions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from inspect_tui.core.records import field, record
from inspect_tui.core.survey_form import FormItem, SurveyForm, describe

_CODE_SHAPE = re.compile(r"^\d{1,2}(?:-\d{1,2})?$")


# --------------------------------------------------------------------------- the model
@record(frozen=True)
class Source:
    section: str
    page: int

    @property
    def text(self) -> str:
        return f"{self.section} p.{self.page}"


@record(frozen=True)
class Condition:
    op: str  # in | not_in | answered | all_in | any
    items: tuple[str, ...]
    values: frozenset[int | str] = frozenset()
    parts: tuple[Condition, ...] = ()

    def holds(self, vals: Mapping[str, tuple[int | str, ...]]) -> bool:
        """On a form's answers as check_form sees them: item -> values (levels as 1-tuples)."""
        op = self.op
        if op == "in":
            for v in vals.get(self.items[0], ()):
                if v in self.values:
                    return True
            return False
        if op == "not_in":
            got = vals.get(self.items[0], ())
            return bool(got) and self.values.isdisjoint(got)
        if op == "answered":
            return bool(vals.get(self.items[0]))
        if op == "all_in":
            for item in self.items:
                got = vals.get(item, ())
                if not got or not self.values.issuperset(got):
                    return False
            return True
        for p in self.parts:
            if p.holds(vals):
                return True
        return False


@record(frozen=True)
class Rule:
    id: str
    kind: str
    message: str
    sources: tuple[Source, ...]
    code: int | None = None  # official 警告コード (warning)
    when: tuple[Condition, ...] = ()
    note: str | None = None  # the note that must be written (note)
    notes: tuple[str, ...] = ()  # the notes that should explain a point
    derived: bool = False
    check: str | None = None  # structure
    item: str | None = None  # structure: exclusive
    choice: int | None = None  # structure: exclusive
    groups: tuple[int, ...] = ()  # structure: required
    items: tuple[str, ...] = ()  # every item the conditions look at, in order

    @property
    def source_text(self) -> str:
        return "、".join(s.text for s in self.sources)


@record(frozen=True)
class Answer:
    """An answer found on the form, as the inspector reads it."""

    item: str  # "1-3"
    name: str  # "寝返り"
    text: str  # "3.できない", "未記入"


@record(frozen=True)
class Point:
    """Something for the inspector to look at on one form."""

    rule_id: str
    kind: str
    code: int | None  # 警告コード, or None
    items: tuple[str, ...]  # the items the point is about
    answers: tuple[Answer, ...]  # what the form says for those items
    message: str
    notes: tuple[str, ...]  # items whose 特記事項 should explain it
    notes_missing: tuple[str, ...]  # of those, the ones with no 特記事項
    source: str  # テキスト section and page
    derived: bool = False

    @property
    def key(self) -> str:
        """The point's identity on a form, kept with the inspector's mark: the rule and its
        items (a structure rule raises one point per item)."""
        return f"{self.rule_id}:{','.join(self.items)}"

    @property
    def aspect(self) -> str:
        """The check's aspect a finding made of this point goes under by default (core.review's
        ids): a missing note is 選択肢と特記事項の整合性, a warning code or a derived relation
        項目間の整合性, a form written wrongly (structure) 選択漏れ・記載漏れ."""
        if self.kind == "note":
            return "choice_note"
        if self.kind == "structure":
            return "omission"
        return "cross_item"

    def head(self) -> str:
        """The point's kind in a few words: 警告コード 01, 特記事項, 項目間, 記入."""
        return {
            "warning": f"警告コード {self.code:02d}" if self.code is not None else "警告",
            "note": "特記事項",
            "relation": "項目間（テキストの定義から）",
            "structure": "記入",
        }[self.kind]

    def text(self) -> str:
        """One line for a terminal or a list (no ambiguous-width symbols)."""
        head = self.head()
        found = "、".join(f"{a.item} {a.name}「{a.text}」" for a in self.answers)
        tail = f"（特記事項なし: {'、'.join(self.notes_missing)}）" if self.notes_missing else ""
        return f"[{head}] {found}: {self.message}{tail}［{self.source}］"


@record(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    items: Mapping[str, FormItem] = field(repr=False)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


# --------------------------------------------------------------------------- the checker
_WARNING_TAIL = "。まれな組み合わせです。入力の誤りでなければ、両者の関係を特記事項に書きます"


def check_form(form: SurveyForm, rules: RuleSet) -> list[Point]:
    """The points a form raises, in the order of the rules file."""
    items = rules.items
    vals: dict[str, tuple[int | str, ...]] = dict(form.answers)
    for code, level in form.levels.items():
        if level:
            vals[code] = (level,)
    out: list[Point] = []
    for rule in rules.rules:
        if rule.kind == "structure":
            out.extend(_structure(form, vals, rule, items))
            continue
        for c in rule.when:
            if not c.holds(vals):
                break
        else:
            if rule.kind == "note" and rule.note is not None and form.has_note(rule.note):
                continue
            message = rule.message + (_WARNING_TAIL if rule.kind == "warning" else "")
            out.append(_point(form, rule, rule.items, message, items))
    return out


#: Answers as the inspector reads them, by (item, values): a file of 10,000 forms describes the
#: same few hundred answers 130,000 times (bounded: cleared when it grows past the limit).
_DESCRIBED: dict[tuple[int, str, tuple[int | str, ...]], Answer] = {}
_DESCRIBED_MAX = 20_000


def _answers(form: SurveyForm, codes: Iterable[str], items: Mapping[str, FormItem]) -> tuple[Answer, ...]:
    out = []
    for code in codes:
        item = items.get(code)
        if item is None:
            out.append(Answer(code, "", "（不明な項目）"))
            continue
        values = form.values(code)
        key = (id(item), code, values)
        answer = _DESCRIBED.get(key)
        if answer is None or answer.name != item.name:
            if len(_DESCRIBED) >= _DESCRIBED_MAX:
                _DESCRIBED.clear()
            answer = _DESCRIBED[key] = Answer(code, item.name, describe(item, values))
        out.append(answer)
    return tuple(out)


def _point(
    form: SurveyForm, rule: Rule, codes: tuple[str, ...], message: str, items: Mapping[str, FormItem]
) -> Point:
    return Point(
        rule.id,
        rule.kind,
        rule.code,
        codes,
        _answers(form, codes, items),
        message,
        rule.notes,
        tuple(n for n in rule.notes if not form.has_note(n)),
        rule.source_text,
        rule.derived,
    )


def _structure(
    form: SurveyForm, vals: Mapping[str, tuple[int | str, ...]], rule: Rule, items: Mapping[str, FormItem]
) -> list[Point]:
    check = rule.check
    if check == "exclusive":
        assert rule.item is not None
        got = vals.get(rule.item, ())
        if rule.choice in got and len(got) > 1:
            return [_point(form, rule, (rule.item,), rule.message, items)]
        return []
    if check == "required":
        blank = tuple(c for c in rule.items if not vals.get(c))
        return [_point(form, rule, blank, rule.message, items)] if blank else []
    out = []
    if check == "single":
        for code, got in vals.items():
            if len(got) > 1 and code in items and not items[code].multi:
                out.append(_point(form, rule, (code,), rule.message, items))
        return out
    # known_choice: every value on the form is one its item has; every item is the form's
    for code, got in vals.items():
        item = items.get(code)
        if item is None:
            shown = code if _CODE_SHAPE.match(code) else "（不明な項目）"
            unknown = (Answer(shown, "", "（不明な項目）"),)
            out.append(
                Point(
                    rule.id,
                    rule.kind,
                    None,
                    (shown,),
                    unknown,
                    "調査票にない項目です",
                    (),
                    (),
                    rule.source_text,
                )
            )
        elif not item.values.issuperset(got):
            allowed = "、".join(lv.plain for lv in item.levels) if item.is_level else f"1-{len(item.choices)}"
            message = f"{rule.message}（{item.label} で選べるのは {allowed}）"
            out.append(_point(form, rule, (code,), message, items))
    return out
