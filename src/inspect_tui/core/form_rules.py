"""The survey form's content rules (issue 18), as data, and a pure checker.

The rules are data/form_rules.toml; this module loads them strictly and checks
a ``SurveyForm`` against them. The result is a list of points for the
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
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from inspect_tui.core.survey_form import FormItem, SurveyForm, describe, form_items
from inspect_tui.system.paths import data_file

KINDS = ("structure", "warning", "note", "relation")
CHECKS = ("exclusive", "required", "known_choice", "single")
TEXT_PAGES = 165  # the text has pp. 1-165
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")
_CODE_SHAPE = re.compile(r"^\d{1,2}(?:-\d{1,2})?$")
Bad = Callable[[str], None]  # the loader's "record this problem for the current rule"

_KEYS = {
    "warning": {"code", "when", "notes"},
    "note": {"when", "note"},
    "relation": {"when", "derived", "notes"},
    "structure": {"check", "item", "choice", "groups"},
}
_COMMON = {"id", "kind", "message", "source"}


class FormRulesError(ValueError):
    """A rules file that cannot be used; every problem names its rule."""

    def __init__(self, problems: Sequence[str], name: str = "form_rules.toml") -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{name}: {p}" for p in self.problems))


# --------------------------------------------------------------------------- the model
@dataclass(frozen=True)
class Source:
    section: str
    page: int

    @property
    def text(self) -> str:
        return f"{self.section} p.{self.page}"


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Answer:
    """An answer found on the form, as the inspector reads it."""

    item: str  # "1-3"
    name: str  # "寝返り"
    text: str  # "3.できない", "未記入"


@dataclass(frozen=True)
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

    def text(self) -> str:
        """One line for a terminal or a list (no ambiguous-width symbols)."""
        head = {
            "warning": f"警告コード {self.code:02d}" if self.code is not None else "警告",
            "note": "特記事項",
            "relation": "項目間（テキストの定義から）",
            "structure": "記入",
        }[self.kind]
        found = "、".join(f"{a.item} {a.name}「{a.text}」" for a in self.answers)
        tail = f"（特記事項なし: {'、'.join(self.notes_missing)}）" if self.notes_missing else ""
        return f"[{head}] {found}: {self.message}{tail}［{self.source}］"


@dataclass(frozen=True)
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


def _answers(form: SurveyForm, codes: Iterable[str], items: Mapping[str, FormItem]) -> tuple[Answer, ...]:
    out = []
    for code in codes:
        item = items.get(code)
        if item is None:
            out.append(Answer(code, "", "（不明な項目）"))
        else:
            out.append(Answer(code, item.name, describe(item, form.values(code))))
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


# --------------------------------------------------------------------------- the loader
_DEFAULT: RuleSet | None = None


def load_rules() -> RuleSet:
    """The shipped rules (data/form_rules.toml), strictly checked, loaded once.

    A rules file of the user's is read by the caller and given to ``parse_rules``: the
    core reads no file of the user's.
    """
    global _DEFAULT
    if _DEFAULT is None:
        file = data_file("form_rules.toml")
        _DEFAULT = parse_rules(file.read_text(encoding="utf-8"), name=file.name)
    return _DEFAULT


def parse_rules(
    text: str, *, name: str = "form_rules.toml", items: Mapping[str, FormItem] | None = None
) -> RuleSet:
    """Rules from the text of a rules file; FormRulesError lists every problem by rule."""

    catalogue = form_items() if items is None else items
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FormRulesError([f"TOML として読めません（{exc}）"], name) from None
    problems: list[str] = []
    extra = set(raw) - {"rule"}
    if extra:
        problems.append(f"知らないキー {', '.join(sorted(extra))} があります（[[rule]] だけを書きます）")
    tables = raw.get("rule", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise FormRulesError([*problems, "[[rule]] の表として書きます"], name)
    loader = _Loader(catalogue, problems)
    rules = [r for i, t in enumerate(tables) if (r := loader.rule(i, t)) is not None]
    if problems:
        raise FormRulesError(problems, name)
    return RuleSet(tuple(rules), catalogue)


def _is_int(v: Any) -> TypeGuard[int]:
    return isinstance(v, int) and not isinstance(v, bool)


class _Loader:
    def __init__(self, items: Mapping[str, FormItem], problems: list[str]) -> None:
        self.items = items
        self.problems = problems
        self.ids: dict[str, str] = {}
        self.codes: dict[int, str] = {}

    # each check appends "rule[i]（id）: what is wrong" and returns None on failure
    def rule(self, i: int, t: dict[str, Any]) -> Rule | None:
        rid = t.get("id")
        where = f"rule[{i}]（{rid}）" if isinstance(rid, str) and _ID.match(rid) else f"rule[{i}]"
        before = len(self.problems)

        def bad(msg: str) -> None:
            self.problems.append(f"{where}: {msg}")

        if not isinstance(rid, str) or not _ID.match(rid):
            bad("id がないか、英数字と - だけの 40 字までになっていません")
        elif rid in self.ids:
            bad(f"id「{rid}」は {self.ids[rid]} と同じです")
        else:
            self.ids[rid] = where
        kind = t.get("kind")
        if kind not in KINDS:
            bad(f"kind は {' / '.join(KINDS)} のどれかです")
            return None
        unknown = set(t) - _COMMON - _KEYS[kind]
        if unknown:
            allowed = ", ".join(sorted(_COMMON | _KEYS[kind]))
            bad(f"知らないキー {', '.join(sorted(unknown))} があります（{kind} に使えるのは {allowed}）")
        message = t.get("message")
        if not isinstance(message, str) or not message.strip():
            bad("message がありません")
        elif amb := [ch for ch in message if unicodedata.east_asian_width(ch) == "A"]:
            bad(f"message に幅の曖昧な文字「{amb[0]}」があります（端末で桁がずれます）")
        sources = self.sources(t.get("source"), bad)
        when: tuple[Condition, ...] = ()
        if kind != "structure":
            when = self.conditions(t.get("when"), bad)
        code: int | None = None
        note: str | None = None
        check: str | None = None
        item: str | None = None
        choice: int | None = None
        groups: tuple[int, ...] = ()
        derived = False
        if kind == "warning":
            raw_code = t.get("code")
            if not _is_int(raw_code) or not 1 <= raw_code <= 99:
                bad("code（警告コードの番号）がないか、1 から 99 の整数ではありません")
            elif (code := raw_code) in self.codes:
                bad(f"警告コード {code:02d} は {self.codes[code]} と同じです")
            else:
                self.codes[code] = where
        if kind == "relation":
            derived = t.get("derived") is True
            if not derived:
                bad("項目の定義から導いた関係には derived = true を書きます")
        if kind == "note":
            raw_note = t.get("note")
            if not isinstance(raw_note, str) or raw_note not in self.items:
                bad("note（特記事項が要る項目）がないか、調査票にない項目です")
            else:
                note = raw_note
        if kind == "structure":
            check, item, choice, groups = self.structure(t, bad)
        notes = self.notes(t, kind, when, note, bad)
        if len(self.problems) > before:
            return None
        assert isinstance(rid, str) and isinstance(message, str)
        looked_at = _items_of(when)
        if check == "required":  # the items of its groups, in form order
            looked_at = tuple(c for c, it in self.items.items() if it.group in groups)
        return Rule(
            rid,
            kind,
            message,
            sources,
            code,
            when,
            note,
            notes,
            derived,
            check,
            item,
            choice,
            groups,
            looked_at,
        )

    def sources(self, raw: Any, bad: Bad) -> tuple[Source, ...]:
        tables = [raw] if isinstance(raw, dict) else raw
        if not isinstance(tables, list) or not tables:
            bad('source（テキストの節と頁: { section = "...", page = 9 }）がありません')
            return ()
        out = []
        for s in tables:
            if not isinstance(s, dict) or set(s) != {"section", "page"}:
                bad("source は section と page だけを書きます")
                continue
            section, page = s["section"], s["page"]
            if not isinstance(section, str) or not section.strip():
                bad("source の section が空です")
            elif amb := [ch for ch in section if unicodedata.east_asian_width(ch) == "A"]:
                bad(f"source の section に幅の曖昧な文字「{amb[0]}」があります（端末で桁がずれます）")
            elif not _is_int(page) or not 1 <= page <= TEXT_PAGES:
                bad(f"source の page は 1 から {TEXT_PAGES} の整数です")
            else:
                out.append(Source(section, page))
        return tuple(out)

    def conditions(self, raw: Any, bad: Bad) -> tuple[Condition, ...]:
        if not isinstance(raw, list) or not raw:
            bad("when（条件の並び）がありません")
            return ()
        out = []
        for k, c in enumerate(raw):
            cond = self.condition(c, f"when[{k}]", bad, nested=False)
            if cond is not None:
                out.append(cond)
        return tuple(out)

    def condition(self, c: Any, at: str, bad: Bad, *, nested: bool) -> Condition | None:
        if not isinstance(c, dict):
            bad(f'{at}: 条件は {{ item = "1-3", in = [3] }} の形で書きます')
            return None
        keys = set(c)
        if keys == {"any_of"} and not nested:
            parts = c["any_of"]
            if not isinstance(parts, list) or len(parts) < 2:
                bad(f"{at}: any_of には条件を 2 つ以上書きます")
                return None
            got = [self.condition(p, f"{at}.any_of[{j}]", bad, nested=True) for j, p in enumerate(parts)]
            if any(g is None for g in got):
                return None
            subs = tuple(g for g in got if g is not None)
            return Condition("any", tuple(dict.fromkeys(i for s in subs for i in s.items)), parts=subs)
        if keys == {"all_of", "in"}:
            codes = c["all_of"]
            if not isinstance(codes, list) or len(codes) < 2 or not all(isinstance(x, str) for x in codes):
                bad(f"{at}: all_of には項目を 2 つ以上書きます")
                return None
            values: frozenset[int | str] = frozenset()
            for code in codes:
                v = self.values(code, c["in"], at, bad)
                if v is None:
                    return None
                values = v
            return Condition("all_in", tuple(codes), values)
        if keys == {"item", "answered"}:
            if c["answered"] is not True or self.item(c["item"], at, bad) is None:
                if c["answered"] is not True:
                    bad(f"{at}: answered は true だけです")
                return None
            return Condition("answered", (c["item"],))
        for op in ("in", "not_in"):
            if keys == {"item", op}:
                v = self.values(c["item"], c[op], at, bad)
                return None if v is None else Condition(op, (c["item"],), v)
        forms = "item と in / not_in / answered、all_of と in、any_of"
        bad(f"{at}: 条件のキー {', '.join(sorted(keys))} は使えません（{forms}）")
        return None

    def item(self, code: Any, at: str, bad: Bad) -> FormItem | None:
        item = self.items.get(code) if isinstance(code, str) else None
        if item is None:
            shown = code if isinstance(code, str) and len(code) <= 10 else "?"
            bad(f"{at}: 調査票に {shown} という項目はありません")
        return item

    def values(self, code: Any, raw: Any, at: str, bad: Bad) -> frozenset[int | str] | None:
        item = self.item(code, at, bad)
        if item is None:
            return None
        if not isinstance(raw, list) or not raw:
            bad(f"{at}: {code} の選択肢の並びが空です")
            return None
        for v in raw:
            if item.is_level:
                if not isinstance(v, str) or item.level(v) is None:
                    ids = "、".join(f'"{lv.id}"' for lv in item.levels)
                    bad(f"{at}: {code} に {v!r} という段階はありません（{ids}）")
                    return None
            elif not _is_int(v) or item.choice_label(v) is None:
                nums = "、".join(str(n) for n, _ in item.choices)
                bad(f"{at}: {code} {item.name} に {v!r} という選択肢はありません（{nums}）")
                return None
        return frozenset(raw)

    def structure(
        self, t: dict[str, Any], bad: Bad
    ) -> tuple[str | None, str | None, int | None, tuple[int, ...]]:
        check = t.get("check")
        if check not in CHECKS:
            bad(f"check は {' / '.join(CHECKS)} のどれかです")
            return None, None, None, ()
        want = {"exclusive": {"item", "choice"}, "required": {"groups"}}.get(check, set())
        got = set(t) & {"item", "choice", "groups"}
        if got != want:
            bad(f'check = "{check}" に書くのは {", ".join(sorted(want)) or "（ほかのキーなし）"} です')
            return None, None, None, ()
        if check == "exclusive":
            item = self.item(t["item"], "item", bad)
            if item is None:
                return None, None, None, ()
            if not item.multi or not _is_int(t["choice"]) or item.choice_label(t["choice"]) is None:
                bad(f"exclusive は複数選べる項目と、その項目の選択肢の番号に使います（{t['item']}）")
                return None, None, None, ()
            return check, t["item"], t["choice"], ()
        if check == "required":
            groups = t["groups"]
            known = {it.group for it in self.items.values()}
            if (
                not isinstance(groups, list)
                or not groups
                or not all(_is_int(g) and g in known for g in groups)
            ):
                bad(f"groups は調査票の群の番号の並びです（{', '.join(map(str, sorted(known)))}）")
                return None, None, None, ()
            return check, None, None, tuple(groups)
        return check, None, None, ()

    def notes(
        self, t: dict[str, Any], kind: str, when: tuple[Condition, ...], note: str | None, bad: Bad
    ) -> tuple[str, ...]:
        if kind == "note":
            return (note,) if note else ()
        if kind == "structure":
            return ()
        raw = t.get("notes")
        if raw is None:
            return _items_of(when)
        if not isinstance(raw, list) or not all(isinstance(x, str) and x in self.items for x in raw):
            bad("notes は調査票の項目の並びです")
            return ()
        return tuple(raw)


def _items_of(when: Iterable[Condition]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for c in when for i in c.items))
