"""Loading data/form_rules.toml strictly into the typed rules of core/form_rules.py.

Every problem in a rules file is collected and named by its rule (``rule[3]（id）:
...``) before anything is used; ``FormRulesError`` carries them all. The keys of
each kind and the shape of conditions are described in core/form_rules.py.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeGuard

from inspect_tui.core.form_rules import Condition, Rule, RuleSet, Source
from inspect_tui.core.survey_form import FormItem, form_items
from inspect_tui.system.paths import data_file

KINDS = ("structure", "warning", "note", "relation")
CHECKS = ("exclusive", "required", "known_choice", "single")
TEXT_PAGES = 165  # the text has pp. 1-165
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")
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
