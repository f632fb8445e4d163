"""The survey form's content rules (data/form_rules.toml) against forms built by hand.

Every form below starts from ALL_ONES (every item's first choice, with the notes
the note rules ask for) and changes a few answers. The changes were worked out
by hand from the text's table (pp. 9-11) and item definitions, not by running
the checker: for code 01 (1-3 寝返り 3 with 1-10 洗身 1), setting 1-3 to 3 would
also make codes 47 (1-4 still 1) and 48 (1-8 still 1), so 1-4 and 1-8 move to 2.
Each case says what it had to switch off. The test asserts that exactly the one
expected point comes out, nothing else.
"""

from __future__ import annotations

import unicodedata

import pytest

from inspect_tui.core import review
from inspect_tui.core.form_rules import check_form
from inspect_tui.core.form_rules_file import FormRulesError, load_rules, parse_rules
from inspect_tui.core.survey_form import SurveyForm, form_items

RULES = load_rules()
ITEMS = form_items()
NOTES = {
    "3-1": "調査日も日頃も、身振りで伝えられる。",
    "5-3": "調査日も日頃も、献立を自分で選ぶ。",
    "6": "週3回、訪問看護師が実施。脱水のため。",
}


def form(changes: dict[str, object] | None = None, notes: dict[str, str | None] | None = None) -> SurveyForm:
    """ALL_ONES with some answers changed: an int or a tuple of ints, a level id, or None (blank)."""
    answers: dict[str, tuple[int, ...]] = {c: (1,) for c, it in ITEMS.items() if not it.is_level}
    levels = {"7-1": "independent", "7-2": "independent"}
    for code, value in (changes or {}).items():
        if code in ("7-1", "7-2"):
            if value is None:
                levels.pop(code, None)
            else:
                levels[code] = str(value)
        elif value is None:
            answers.pop(code, None)
        else:
            answers[code] = value if isinstance(value, tuple) else (int(value),)
    note_map: dict[str, str] = dict(NOTES)
    for code, text in (notes or {}).items():
        if text is None:
            note_map.pop(code, None)
        else:
            note_map[code] = text
    return SurveyForm(answers, levels, note_map)


def fired(f: SurveyForm) -> list[str]:
    return [p.rule_id for p in check_form(f, RULES)]


# --------------------------------------------------------------------------- the shipped file
def test_all_ones_form_triggers_nothing():
    assert check_form(form(), RULES) == []


def test_the_57_codes_are_there_with_their_numbers_and_pages():
    warnings = [r for r in RULES if r.kind == "warning"]
    assert [r.code for r in warnings] == list(range(1, 58))
    assert [r.id for r in warnings] == [f"W{n:02d}" for n in range(1, 58)]
    # the table runs over three pages: 01-11 on p.9, 12-52 on p.10, 53-57 on p.11
    pages = {r.code: r.sources[0].page for r in warnings}
    assert {c for c, p in pages.items() if p == 9} == set(range(1, 12))
    assert {c for c, p in pages.items() if p == 11} == set(range(53, 58))
    assert set(pages.values()) == {9, 10, 11}


def test_every_rule_names_its_source_and_relations_are_marked_derived():
    for r in RULES:
        assert r.sources and all(1 <= s.page <= 165 and s.section for s in r.sources), r.id
        assert r.derived == (r.kind == "relation"), r.id


# The table of pp. 9-11 written out a second time, independently of form_rules.toml:
# (item, choice number, words of the choice as the table gives them). The words must be
# in the item's own choice label (survey_items.toml, from the item definitions), so a
# number that points at the wrong choice of an item (as a vendor's table did for codes
# 10-12) cannot pass. "3-2..3-7" stands for the six items of codes 27 and 28.
TABLE = {
    1: [("1-3", 3, "できない"), ("1-10", 1, "介助されていない")],
    2: [("1-4", 3, "できない"), ("1-8", 1, "できる")],
    3: [("1-4", 3, "できない"), ("1-10", 1, "介助されていない")],
    4: [("1-5", 3, "支え"), ("1-9", 1, "できる")],
    5: [("1-5", 4, "できない"), ("1-6", 1, "できる")],
    6: [("1-5", 4, "できない"), ("1-7", 1, "できる")],
    7: [("1-5", 4, "できない"), ("1-8", 1, "できる")],
    8: [("1-5", 4, "できない"), ("1-9", 1, "できる")],
    9: [("1-5", 4, "できない"), ("1-10", 1, "介助されていない")],
    10: [("1-6", 3, "できない"), ("1-7", 1, "できる")],
    11: [("1-6", 3, "できない"), ("1-8", 1, "できる")],
    12: [("1-6", 3, "できない"), ("1-9", 1, "できる")],
    13: [("1-7", 1, "できる"), ("2-1", 4, "全介助")],
    14: [("1-7", 3, "できない"), ("1-9", 1, "できる")],
    15: [("2-1", 4, "全介助"), ("1-9", 1, "できる")],
    16: [("1-8", 3, "できない"), ("1-9", 1, "できる")],
    17: [("2-3", 3, "できない"), ("2-4", 1, "介助されていない")],
    18: [("2-3", 3, "できない"), ("5-1", 1, "介助されていない")],
    19: [("1-11", 1, "介助されていない"), ("4-11", 3, "ある")],
    20: [("5-1", 1, "介助されていない"), ("4-11", 3, "ある")],
    21: [("5-2", 1, "介助されていない"), ("3-8", 3, "ある")],
    22: [("5-2", 1, "介助されていない"), ("4-9", 3, "ある")],
    23: [("5-2", 1, "介助されていない"), ("4-10", 3, "ある")],
    24: [("5-2", 1, "介助されていない"), ("4-11", 3, "ある")],
    25: [("1-12", 5, "判断不能"), ("3-1", 1, "できる")],
    26: [("1-13", 5, "判断不能"), ("3-1", 1, "できる")],
    27: [("1-12", 5, "判断不能"), ("3-2..3-7", 1, "できる")],
    28: [("1-13", 5, "判断不能"), ("3-2..3-7", 1, "できる")],
    29: [("1-13", 5, "判断不能"), ("5-3", 1, "できる")],
    30: [("1-12", 5, "判断不能"), ("5-3", 1, "できる")],
    31: [("1-13", 5, "判断不能"), ("2-6", 1, "介助されていない")],
    32: [("3-1", 4, "できない"), ("5-3", 1, "できる")],
    33: [("1-13", 5, "判断不能"), ("2-5", 1, "介助されていない")],
    34: [("1-13", 5, "判断不能"), ("2-2", 1, "介助されていない")],
    35: [("4-11", 3, "ある"), ("5-3", 1, "できる")],
    36: [("3-5", 2, "できない"), ("5-3", 1, "できる")],
    37: [("1-12", 5, "判断不能"), ("2-6", 1, "介助されていない")],
    38: [("1-12", 5, "判断不能"), ("2-5", 1, "介助されていない")],
    39: [("1-12", 5, "判断不能"), ("2-2", 1, "介助されていない")],
    40: [("1-5", 4, "できない"), ("5-5", 1, "介助されていない")],
    41: [("2-8", 3, "全介助"), ("5-6", 1, "介助されていない")],
    42: [("2-9", 3, "全介助"), ("5-6", 1, "介助されていない")],
    43: [("5-2", 3, "全介助"), ("5-5", 1, "介助されていない")],
    44: [("5-3", 4, "できない"), ("5-5", 1, "介助されていない")],
    45: [("3-1", 4, "できない"), ("5-5", 1, "介助されていない")],
    46: [("4-11", 3, "ある"), ("4-14", 1, "ない")],
    47: [("1-3", 3, "できない"), ("1-4", 1, "できる")],
    48: [("1-3", 3, "できない"), ("1-8", 1, "できる")],
    49: [("1-4", 1, "できる"), ("1-5", 4, "できない")],
    50: [("1-7", 1, "できる"), ("2-2", 4, "全介助")],
    51: [("2-1", 4, "全介助"), ("1-8", 1, "できる")],
    52: [("1-10", 1, "介助されていない"), ("2-8", 3, "全介助")],
    53: [("1-10", 1, "介助されていない"), ("2-10", 4, "全介助")],
    54: [("1-10", 1, "介助されていない"), ("2-11", 4, "全介助")],
    55: [("2-8", 3, "全介助"), ("1-11", 1, "介助されていない")],
    56: [("1-11", 1, "介助されていない"), ("1-12", 5, "判断不能")],
    57: [("2-10", 4, "全介助"), ("2-11", 1, "介助されていない")],
}
SIX = ("3-2", "3-3", "3-4", "3-5", "3-6", "3-7")


@pytest.mark.parametrize("code", sorted(TABLE))
def test_each_code_is_the_table_and_the_choices_mean_what_the_table_says(code):
    rule = RULES.get(f"W{code:02d}")
    encoded = [(c.items, c.values) for c in rule.when]
    expected = []
    for item, no, words in TABLE[code]:
        codes = SIX if item == "3-2..3-7" else (item,)
        expected.append((codes, frozenset({no})))
        for c in codes:
            label = ITEMS[c].choice_label(no)
            assert label is not None and words in label, (code, c, no, label)
    assert encoded == expected


# --------------------------------------------------------------------------- each code alone
# Switching off what a change would also set off, worked out by hand (see the module docstring).
# 1-5 4.できない (背もたれがあっても座れない) also makes R-sitting-rank unless 7-1 is C, and C makes
# R-C-self-care unless 2-4, 2-10 and 2-11 are not 1; 2 (見守り等) is in no rule. 1-4 1 with 1-5 4 is
# code 49, 5-5 1 code 40, and 1-6..1-10 at their first choice codes 05-09.
SEATED = {"1-5": 4, "1-4": 2, "5-5": 2, "7-1": "C1", "2-4": 2, "2-10": 2, "2-11": 2}


def standing_off(keep: str | None) -> dict[str, object]:
    return {c: 2 for c in ("1-6", "1-7", "1-8", "1-9", "1-10") if c != keep}


# 1-12 5 (見えているのか判断不能) pairs with 3-1, the six of 3-2..3-7, 5-3, 2-6, 2-5, 2-2 and 1-11 at 1
# (codes 25, 27, 30, 37, 38, 39, 56); 1-13 5 with the same but 1-11 (26, 28, 29, 31, 33, 34).
# Moving 3-2 alone to 2 breaks "all six".
SIGHT = {"3-1": 2, "3-2": 2, "5-3": 2, "2-6": 2, "2-5": 2, "2-2": 2, "1-11": 2}
HEARING = {"3-1": 2, "3-2": 2, "5-3": 2, "2-6": 2, "2-5": 2, "2-2": 2}


def but(base: dict[str, object], *keep: str) -> dict[str, object]:
    return {k: v for k, v in base.items() if k not in keep}


# 4-11 3 (物を壊す、週1回以上) pairs with 1-11, 5-1, 5-2, 5-3 at 1 and 4-14 at 1 (19, 20, 24, 35, 46).
BREAKS = {"4-11": 3, "1-11": 2, "5-1": 2, "5-2": 2, "5-3": 2, "4-14": 2}

CODE_FORMS: dict[int, dict[str, object]] = {
    1: {"1-3": 3, "1-4": 2, "1-8": 2},  # 47 (1-4), 48 (1-8) off
    2: {"1-4": 3, "1-10": 2},  # 03 (1-10) off
    3: {"1-4": 3, "1-8": 2},  # 02 (1-8) off
    4: {"1-5": 3},
    5: {**SEATED, **standing_off("1-6")},
    6: {**SEATED, **standing_off("1-7")},
    7: {**SEATED, **standing_off("1-8")},
    8: {**SEATED, **standing_off("1-9")},
    9: {**SEATED, **standing_off("1-10")},  # 2-10/2-11 at 2: no 53/54
    10: {"1-6": 3, "1-8": 2, "1-9": 2},  # 11, 12 off
    11: {"1-6": 3, "1-7": 2, "1-9": 2},  # 10, 12 off
    12: {"1-6": 3, "1-7": 2, "1-8": 2},  # 10, 11 off
    13: {"2-1": 4, "1-9": 2, "1-8": 2},  # 15 (1-9), 51 (1-8) off
    14: {"1-7": 3},
    15: {"2-1": 4, "1-7": 2, "1-8": 2},  # 13 (1-7), 51 (1-8) off
    16: {"1-8": 3},
    17: {"2-3": 3, "5-1": 2},  # 18 off
    18: {"2-3": 3, "2-4": 2},  # 17 off
    19: but(BREAKS, "1-11"),
    20: but(BREAKS, "5-1"),
    21: {"3-8": 3},
    22: {"4-9": 3},  # R-walk-out needs 1-7 3 and 2-2 4
    23: {"4-10": 3},
    24: but(BREAKS, "5-2"),
    25: {"1-12": 5, **but(SIGHT, "3-1")},
    26: {"1-13": 5, **but(HEARING, "3-1")},
    27: {"1-12": 5, **but(SIGHT, "3-2")},
    28: {"1-13": 5, **but(HEARING, "3-2")},
    29: {"1-13": 5, **but(HEARING, "5-3")},
    30: {"1-12": 5, **but(SIGHT, "5-3")},
    31: {"1-13": 5, **but(HEARING, "2-6")},
    32: {"3-1": 4, "5-5": 2},  # 45 off
    33: {"1-13": 5, **but(HEARING, "2-5")},
    34: {"1-13": 5, **but(HEARING, "2-2")},
    35: but(BREAKS, "5-3"),
    36: {"3-5": 2},
    37: {"1-12": 5, **but(SIGHT, "2-6")},
    38: {"1-12": 5, **but(SIGHT, "2-5")},
    39: {"1-12": 5, **but(SIGHT, "2-2")},
    40: {**SEATED, "5-5": 1, **standing_off(None)},
    41: {"2-8": 3, "1-10": 2, "1-11": 2},  # 52 (1-10), 55 (1-11) off
    42: {"2-9": 3},
    43: {"5-2": 3},
    44: {"5-3": 4},
    45: {"3-1": 4, "5-3": 2},  # 32 off
    46: but(BREAKS, "4-14"),
    47: {"1-3": 3, "1-10": 2, "1-8": 2},  # 01, 48 off
    48: {"1-3": 3, "1-10": 2, "1-4": 2},  # 01, 47 off
    49: {**SEATED, "1-4": 1, **standing_off(None)},
    50: {"2-2": 4},  # R-walk-out needs 1-7 3
    51: {"2-1": 4, "1-7": 2, "1-9": 2},  # 13, 15 off
    52: {"2-8": 3, "5-6": 2, "1-11": 2},  # 41, 55 off
    53: {"2-10": 4, "2-11": 2},  # 57 off
    54: {"2-11": 4},
    55: {"2-8": 3, "5-6": 2, "1-10": 2},  # 41, 52 off
    56: {"1-12": 5, **but(SIGHT, "1-11")},
    57: {"2-10": 4, "1-10": 2},  # 53 off
}


@pytest.mark.parametrize("code", range(1, 58))
def test_a_form_built_for_one_code_triggers_that_code_alone(code):
    points = check_form(form(CODE_FORMS[code]), RULES)
    assert [p.rule_id for p in points] == [f"W{code:02d}"]
    p = points[0]
    assert p.code == code and p.kind == "warning" and not p.derived
    rule = RULES.get(p.rule_id)
    assert p.items == rule.items == p.notes  # the notes that should explain it: the items it pairs
    for a in p.answers:
        assert a.text.startswith(f"{form(CODE_FORMS[code]).values(a.item)[0]}.")
    assert f"警告コード {code:02d}" in p.text()


def test_a_point_says_which_notes_are_missing():
    changes = CODE_FORMS[1]
    (p,) = check_form(form(changes), RULES)
    assert p.notes_missing == ("1-3", "1-10")
    (p,) = check_form(form(changes, {"1-3": "ベッド柵を使っても寝返りできない。洗身は自分で行う。"}), RULES)
    assert p.notes_missing == ("1-10",)
    assert "特記事項なし: 1-10" in p.text()
    assert p.answers[0].name == "寝返り" and p.answers[0].text == "3.できない"


def test_codes_27_and_28_need_all_six_items_at_1():
    assert fired(form(CODE_FORMS[27])) == ["W27"]
    for one in SIX:
        assert fired(form({**CODE_FORMS[27], one: 2})) == []
    assert fired(form({**CODE_FORMS[28], "3-7": None})) == ["S-required"]


# --------------------------------------------------------------------------- notes, structure, relations
# (rule, the form that breaks it, the same form fixed). Hand-made; comments say what else had to move.
CASES: list[tuple[str, tuple[dict, dict], tuple[dict, dict]]] = [
    ("N-1-1-other", ({"1-1": (6,)}, {}), ({"1-1": (6,)}, {"1-1": "右手の指2本を欠損。"})),
    ("N-1-1-other", ({"1-1": (3, 6)}, {"1-1": "  　"}), ({"1-1": (3, 6)}, {"1-1": "頸部に麻痺。"})),
    ("N-1-2-other", ({"1-2": (5,)}, {}), ({"1-2": (5,)}, {"1-2": "腰椎に制限。"})),
    ("N-1-10-none", ({"1-10": 4}, {}), ({"1-10": 4}, {"1-10": "清拭だけで、入浴は本人が拒む。"})),
    ("N-6-medical", ({}, {"6": None}), ({}, {})),
    ("N-6-medical", ({"6": (3, 12)}, {"6": ""}), ({"6": (3, 12)}, {})),
    ("N-3-1-both", ({}, {"3-1": None}), ({}, {})),
    ("N-5-3-both", ({}, {"5-3": "\n"}), ({}, {})),
    ("S-1-1-none", ({"1-1": (1, 2)}, {}), ({"1-1": (2,)}, {})),
    ("S-1-2-none", ({"1-2": (4, 1)}, {}), ({"1-2": (1,)}, {})),
    ("S-required", ({"2-4": None}, {}), ({}, {})),
    ("S-required", ({"7-2": None}, {}), ({}, {})),
    ("S-known-choice", ({"1-3": 4}, {}), ({"1-3": 2}, {})),  # 1-3 has 3 choices
    ("S-known-choice", ({"1-1": (7,)}, {}), ({"1-1": (1,)}, {})),  # (1, 7) would also be S-1-1-none
    ("S-known-choice", ({"7-1": "D1"}, {}), ({"7-1": "J1"}, {})),
    ("S-known-choice", ({"6": (13,)}, {}), ({"6": (12,)}, {})),
    ("S-single", ({"4-5": (1, 2)}, {}), ({"4-5": (2,)}, {})),
    # 6 9.経管栄養 (note kept) with 2-4 1; 2-3 at 2, since 1 is R-feeding-swallow and 3 is code 17
    ("R-feeding-meal", ({"6": (9,), "2-3": 2}, {}), ({"6": (9,), "2-3": 2, "2-4": 4}, {})),
    ("R-feeding-meal", ({"6": (1, 2), "2-3": 2, "2-4": 3}, {}), ({"6": (1, 2), "2-3": 2, "2-4": 4}, {})),
    # 2-4 at 4 (else R-feeding-meal); the fix 2-3 2, since 3 with 5-1 1 is code 18
    ("R-feeding-swallow", ({"6": (2,), "2-4": 4}, {}), ({"6": (2,), "2-4": 4, "2-3": 2}, {})),
]
# Bedridden, C2, with everything that keeps other rules quiet (by hand): 2-4/2-10/2-11 at 4 for
# R-C-self-care, then 1-10 at 3 for codes 53/54; 2-1 at 4 for R-C2-transfer, then 1-7, 1-8, 1-9 at 3
# for codes 13, 51, 15; 1-3 3 (C2 cannot roll) with 1-4 3 so code 47 stays off.
BED = {
    "7-1": "C2",
    "2-4": 4,
    "2-10": 4,
    "2-11": 4,
    "1-10": 3,
    "2-1": 4,
    "1-7": 3,
    "1-8": 3,
    "1-9": 3,
    "1-4": 3,
    "1-3": 3,
}
CASES += [
    ("R-C2-roll", ({**BED, "1-3": 1}, {}), (BED, {})),
    ("R-C2-roll", ({**BED, "1-3": 2}, {}), (BED, {})),
    ("R-C1-roll", ({**BED, "7-1": "C1"}, {}), ({**BED, "7-1": "C1", "1-3": 2}, {})),
    ("R-C-self-care", ({**BED, "2-4": 1}, {}), (BED, {})),
    ("R-C-self-care", ({**BED, "2-10": 1}, {}), (BED, {})),  # 2-11 1 would be code 57 (2-10 is 4)
    ("R-C2-transfer", ({**BED, "2-1": 2}, {}), (BED, {})),
    ("R-B1-transfer", ({"7-1": "B1", "2-1": 3}, {}), ({"7-1": "B1"}, {})),
    ("R-B2-transfer", ({"7-1": "B2"}, {}), ({"7-1": "B2", "2-1": 3}, {})),
    # 1-5 4 with 7-1 A2; the rest as SEATED / standing_off so that codes 05-09, 40, 49 stay off
    (
        "R-sitting-rank",
        ({**SEATED, **standing_off(None), "7-1": "A2"}, {}),
        ({**SEATED, **standing_off(None)}, {}),
    ),
    # 4-9 3 needs 5-2 off 1 (code 22); 1-7 3 needs 1-9 off 1 (code 14)
    (
        "R-walk-out",
        ({"1-7": 3, "2-2": 4, "4-9": 3, "5-2": 2, "1-9": 3}, {}),
        ({"1-7": 3, "2-2": 4, "5-2": 2, "1-9": 3}, {}),
    ),
]


@pytest.mark.parametrize(
    ("rule_id", "broken", "fixed"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_each_rule_fires_on_its_form_and_not_on_the_fixed_one(rule_id, broken, fixed):
    assert fired(form(*broken)) == [rule_id]
    assert fired(form(*fixed)) == []


def test_note_rules_point_at_the_note_and_say_it_is_missing():
    (p,) = check_form(form({"1-10": 4}), RULES)
    assert p.kind == "note" and p.items == ("1-10",) and p.notes_missing == ("1-10",)
    assert p.answers[0].text == "4.行っていない"


def test_structure_points_name_the_item_and_what_is_allowed():
    (p,) = check_form(form({"1-3": 4}), RULES)
    assert p.items == ("1-3",) and p.answers[0].text == "4（選択肢にない番号）"
    assert "1-3 寝返り で選べるのは 1-3" in p.message
    (p,) = check_form(form({"7-1": "D1"}), RULES)
    assert "自立、Ｊ1、Ｊ2" in p.message and p.message.endswith("Ｃ1、Ｃ2）")
    assert p.answers[0].text == "（段階にない値）"  # what was typed is not echoed
    (p,) = check_form(form({"2-4": None, "3-9": None, "7-1": None}), RULES)
    assert p.rule_id == "S-required" and p.items == ("2-4", "3-9", "7-1")
    assert all(a.text == "未記入" for a in p.answers)
    # 6 特別な医療 left empty means no treatment: not a blank
    assert fired(form({"6": ()}, {"6": None})) == []


def test_a_blank_item_matches_no_condition_only_the_blank_is_pointed_out():
    # 6 経管栄養 with 2-4 blank: "2-4 not 4" does not hold for a blank, and 1-5 blank is not "not C"
    assert fired(form({"6": (9,), "2-3": 2, "2-4": None})) == ["S-required"]
    assert fired(form({"7-1": None, "1-5": 4, **standing_off(None), "1-4": 2, "5-5": 2})) == ["S-required"]


def test_an_item_the_form_does_not_have_is_pointed_out():
    f = form()
    odd = SurveyForm({**f.answers, "8-1": (1,), "山田太郎": (1,)}, f.levels, f.notes)
    points = check_form(odd, RULES)
    assert [(p.rule_id, p.items) for p in points] == [
        ("S-known-choice", ("8-1",)),
        ("S-known-choice", ("（不明な項目）",)),  # a key that is not an item code is not echoed
    ]


def test_every_rule_in_the_file_has_a_case_here():
    covered = {f"W{c:02d}" for c in CODE_FORMS} | {c[0] for c in CASES}
    assert covered == {r.id for r in RULES}


def test_terminal_text_has_no_ambiguous_width_symbols():
    seen = set()
    forms = [form(changes) for changes in CODE_FORMS.values()] + [form(*c[1]) for c in CASES]
    for f in forms:
        for p in check_form(f, RULES):
            seen.add(p.rule_id)
            bad = [ch for ch in p.text() if unicodedata.east_asian_width(ch) == "A"]
            assert not bad, (p.rule_id, bad)
    assert len(seen) == len(RULES)


def test_choice_labels_are_those_of_the_item_definitions():
    assert ITEMS["1-12"].choice_label(5) == "見えているのか判断不能"
    assert ITEMS["1-6"].choices == ((1, "支えなしでできる"), (2, "何か支えがあればできる"), (3, "できない"))
    assert ITEMS["6"].multi and ITEMS["6"].choice_label(9) == "経管栄養" and len(ITEMS["6"].choices) == 12
    assert ITEMS["1-1"].multi and ITEMS["1-2"].multi
    assert [c for c, it in ITEMS.items() if it.multi] == ["1-1", "1-2", "6"]
    assert [lv.id for lv in ITEMS["7-2"].levels] == [
        "independent",
        "I",
        "IIa",
        "IIb",
        "IIIa",
        "IIIb",
        "IV",
        "M",
    ]
    assert ITEMS["7-2"].level("IIa").label == "Ⅱａ" and ITEMS["7-2"].level("IIa").plain == "IIa"
    assert [lv.id for lv in ITEMS["7-1"].levels] == [
        "independent",
        "J1",
        "J2",
        "A1",
        "A2",
        "B1",
        "B2",
        "C1",
        "C2",
    ]
    assert len(ITEMS) == 55 + 1 + 2
    # the older reader of the same file still sees what it saw
    assert len(review.survey_items()) == 55 + 12 + 2 and review.survey_items()["1-1"].parts[0] == "左上肢"


# --------------------------------------------------------------------------- the loader refuses
GOOD = """
[[rule]]
id = "W10"
kind = "warning"
code = 10
when = [{ item = "1-6", in = [3] }, { item = "1-7", in = [1] }]
message = "両足で立てないのに歩ける"
source = { section = "2章3(2)", page = 9 }
"""


def test_a_minimal_rules_file_loads():
    rules = parse_rules(GOOD)
    assert [r.id for r in rules] == ["W10"]
    assert fired_with(rules, CODE_FORMS[10]) == ["W10"]


def fired_with(rules, changes):
    return [p.rule_id for p in check_form(form(changes), rules)]


BROKEN = [
    # the mistake a vendor's table made: a choice the item does not have (1-6 has 1-3)
    (
        GOOD.replace('"1-6", in = [3]', '"1-6", in = [4]'),
        "rule[0]（W10）: when[0]: 1-6 両足での立位保持 に 4 という選択肢はありません（1、2、3）",
    ),
    (GOOD.replace('"1-7"', '"1-14"'), "rule[0]（W10）: when[1]: 調査票に 1-14 という項目はありません"),
    (GOOD + GOOD.replace('"W10"', '"W11"'), "rule[1]（W11）: 警告コード 10 は rule[0]（W10） と同じです"),
    (GOOD + GOOD.replace("code = 10", "code = 11"), "rule[1]（W10）: id「W10」は rule[0]（W10） と同じです"),
    (GOOD.replace("page = 9", "page = 0"), "rule[0]（W10）: source の page は 1 から 165 の整数です"),
    (GOOD.replace('source = { section = "2章3(2)", page = 9 }', ""), "rule[0]（W10）: source"),
    (
        GOOD.replace('kind = "warning"', 'kind = "warning"\ncolour = "red"'),
        "rule[0]（W10）: 知らないキー colour",
    ),
    (
        GOOD.replace('kind = "warning"', 'kind = "relation"').replace("code = 10", ""),
        "rule[0]（W10）: 項目の定義から導いた関係には derived = true",
    ),
    (GOOD.replace("の", "の→"), "rule[0]（W10）: message に幅の曖昧な文字「→」"),
    (
        GOOD.replace('{ item = "1-7", in = [1] }', '{ item = "7-1", in = [1] }'),
        "rule[0]（W10）: when[1]: 7-1 に 1 という段階はありません",
    ),
    (
        GOOD.replace('{ item = "1-7", in = [1] }', '{ item = "1-7", is = [1] }'),
        "rule[0]（W10）: when[1]: 条件のキー is, item は使えません",
    ),
    (GOOD.replace("code = 10", 'code = "10"'), "rule[0]（W10）: code（警告コードの番号）"),
    (GOOD.replace('kind = "warning"', 'kind = "advice"'), "rule[0]（W10）: kind は"),
    (GOOD.replace("[[rule]]", "[[rules]]"), "知らないキー rules"),
    (GOOD.replace('kind = "warning"', 'kind = "warning'), "TOML として読めません"),
    (GOOD.replace("when = [", "when = [[").replace("}]", "}]]", 1), "when[0]: 条件は"),
    (
        GOOD.replace('{ item = "1-7", in = [1] }', '{ item = "1-7", in = [true] }'),
        "1-7 歩行 に True という選択肢はありません",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BROKEN, ids=[f"broken-{i}" for i in range(len(BROKEN))])
def test_the_loader_refuses_a_broken_rules_file_naming_the_rule(text, expected):
    with pytest.raises(FormRulesError) as err:
        parse_rules(text, name="my_rules.toml")
    assert expected in str(err.value)
    assert str(err.value).startswith("my_rules.toml: ")


def test_the_loader_lists_every_problem_at_once():
    text = GOOD.replace('"1-6", in = [3]', '"1-6", in = [4]') + GOOD.replace('"W10"', '"W11"').replace(
        "page = 9", "page = 999"
    )
    with pytest.raises(FormRulesError) as err:
        parse_rules(text)
    assert len(err.value.problems) == 3  # a bad choice in W10; a page and a duplicate code in W11


def test_the_shipped_structure_and_note_rules_reject_misuse():
    bad_exclusive = """
[[rule]]
id = "S-x"
kind = "structure"
check = "exclusive"
item = "1-3"
choice = 1
message = "x"
source = { section = "s", page = 31 }
"""
    with pytest.raises(FormRulesError, match="exclusive は複数選べる項目"):
        parse_rules(bad_exclusive)
    bad_note = bad_exclusive.replace(
        'kind = "structure"\ncheck = "exclusive"\nitem = "1-3"\nchoice = 1',
        'kind = "note"\nnote = "9-9"\nwhen = [{ item = "1-3", answered = true }]',
    )
    with pytest.raises(FormRulesError, match="rule\\[0\\]（S-x）: note"):
        parse_rules(bad_note)
