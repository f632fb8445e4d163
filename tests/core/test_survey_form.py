"""Reading a survey form from CSV cells (core/survey_form.py): what a user types, and what is refused."""

from __future__ import annotations

import pytest

from inspect_tui.core.survey_form import (
    SurveyForm,
    SurveyFormError,
    SurveyItemsError,
    describe,
    form_items,
    parse_catalogue,
    parse_form,
)

ITEMS = form_items()


def test_cells_become_answers_levels_and_notes():
    f = parse_form(
        {
            "依頼番号": "2027-000123",  # not the form's: left alone
            "1-1": "2;5",
            "1-2": "1",
            "１－３": "３",  # full width
            "1-4": " 2 ",
            "1-5": "",  # not answered
            "6": "２；９",
            "7-1": "Ｂ2",
            "7-2": "Ⅱａ",
            "特記事項 1-1": "左上肢と右下肢に麻痺。",
            "特記事項６": "週3回、訪問看護師が経管栄養。",
            "特記事項 1-4": "   ",  # only spaces: as if not written
        }
    )
    assert f.answers == {"1-1": (2, 5), "1-2": (1,), "1-3": (3,), "1-4": (2,), "6": (2, 9)}
    assert f.levels == {"7-1": "B2", "7-2": "IIa"}
    assert f.notes == {"1-1": "左上肢と右下肢に麻痺。", "6": "週3回、訪問看護師が経管栄養。"}
    assert f.values("1-5") == () and f.values("7-2") == ("IIa",)
    assert f.has_note("6") and not f.has_note("1-4")


@pytest.mark.parametrize(
    ("cell", "level"),
    [("自立", "independent"), ("J1", "J1"), ("ｊ１", "J1"), ("C-2", "C2"), ("Ｃ２", "C2")],
)
def test_7_1_levels_as_written(cell, level):
    assert parse_form({"7-1": cell}).levels == {"7-1": level}


@pytest.mark.parametrize(
    ("cell", "level"),
    [
        ("Ⅰ", "I"),
        ("Ⅱｂ", "IIb"),
        ("IIIa", "IIIa"),
        ("Ⅲｂ", "IIIb"),
        ("Ⅳ", "IV"),
        ("Ｍ", "M"),
        ("自立", "independent"),
    ],
)
def test_7_2_levels_as_written(cell, level):
    assert parse_form({"7-2": cell}).levels == {"7-2": level}


def test_a_number_the_item_lacks_is_read_and_left_to_the_rules():
    # the form says 4 for 1-3 and 1;2 for 1-3: that is what was written; the rules point it out
    f = parse_form({"1-3": "4", "1-4": "1;2"})
    assert f.answers == {"1-3": (4,), "1-4": (1, 2)}


BAD = [
    (
        {"1-3": "できない"},
        "1-3: 選択肢の番号（半角か全角の数字。複数は 2;5 のように ; で区切ります）で書きます",
    ),
    ({"1-1": "2;"}, "1-1: 空の番号があります"),
    ({"1-1": "2,5"}, "1-1: 選択肢の番号"),
    ({"1-1": "2;2"}, "1-1: 同じ番号が 2 回以上書かれています"),
    ({"1-3": "123"}, "1-3: 番号は 1 桁か 2 桁です"),
    ({"7-1": "D1"}, "7-1: 自立・Ｊ1・Ｊ2・Ａ1・Ａ2・Ｂ1・Ｂ2・Ｃ1・Ｃ2 のどれかで書きます"),
    ({"7-2": "II"}, "7-2: 自立・I・IIa・IIb・IIIa・IIIb・IV・Ｍ のどれかで書きます"),
    ({"1-14": "1"}, "1-14: 調査票にない項目です"),
    ({"特記事項 8-1": "メモ"}, "特記事項 8-1: 調査票にない項目です"),
    ({"1-3": "1", "１－３": "2"}, "1-3: 同じ項目の列が 2 つあります"),
]


@pytest.mark.parametrize(("cells", "expected"), BAD, ids=[f"bad-{i}" for i in range(len(BAD))])
def test_a_cell_that_cannot_be_read_is_named_by_item(cells, expected):
    with pytest.raises(SurveyFormError) as err:
        parse_form(cells, line=7)
    assert str(err.value).startswith("7行目 ")
    assert expected in str(err.value)


def test_every_bad_cell_is_listed_and_none_is_quoted():
    # personal data typed in the wrong column must not come back in the message
    cells = {"1-3": "山田花子", "1-4": "1234567890", "7-2": "昭和15年1月2日", "2-1": "1"}
    with pytest.raises(SurveyFormError) as err:
        parse_form(cells, line=3)
    assert [p.column for p in err.value.problems] == ["1-3", "1-4", "7-2"]
    for value in ("山田", "花子", "1234567890", "昭和15"):
        assert value not in str(err.value)


def test_the_form_is_frozen_all_the_way_down():
    f = parse_form({"1-3": "1"})
    with pytest.raises(TypeError):
        f.answers["1-3"] = (2,)  # type: ignore[index]
    mine = {"1-3": (1,)}
    g = SurveyForm(mine)
    mine["1-3"] = (3,)
    assert g.answers["1-3"] == (1,)


def test_answers_read_as_the_inspector_reads_them():
    assert describe(ITEMS["1-1"], (2, 6)) == "2.左上肢;6.その他（四肢の欠損）"
    assert describe(ITEMS["1-3"], ()) == "未記入"
    assert describe(ITEMS["6"], ()) == "なし"
    assert describe(ITEMS["7-2"], ("IIIa",)) == "IIIa"
    assert describe(ITEMS["1-3"], (12345,)) == "（選択肢にない番号）"


def test_the_catalogue_reader_refuses_choices_out_of_order_naming_the_item():
    raw = {"group": [{"no": 1, "name": "g", "items": [{"code": "1-3", "name": "寝返り", "page": 41,
                                                    "choices": ["1.できる", "3.できない"]}]}]}  # fmt: skip
    with pytest.raises(SurveyItemsError, match="1-3: choices の 2 番目"):
        parse_catalogue(raw)
    raw["group"][0]["items"][0]["choices"] = ["1.できる", "2.できない"]
    assert parse_catalogue(raw)["1-3"].choices == ((1, "できる"), (2, "できない"))
