"""Typing a paper survey form in (tui/screens/review/form_entry.py), in the real app with
Pilot: the screen pushed on top of the sample database's first screen, its dismissed
SurveyForm caught. Snapshots at 80x24 and 120x40 and one under NO_COLOR
(regenerate with ``pytest tests/tui/test_form_entry.py --snapshot-update``)."""

from __future__ import annotations

import re
import time
import unicodedata

import pytest

from inspect_tui.core.form_rules import check_form
from inspect_tui.core.form_rules_file import load_rules
from inspect_tui.core.survey_form import SurveyForm, form_items
from inspect_tui.tui.screens.confirm import ConfirmDialog
from inspect_tui.tui.screens.review.form_entry import FormEntryScreen, NoteDialog, window
from tui.conftest import make_app, settle
from tui.screen import screen_text
from tui.test_keys_never_leak import CTRL_KEYS, burst, keys_to_type

SIZE = (80, 24)
MULTI = ("1-1", "1-2")  # the multi-select items of groups 1-5: a digit, then Enter
ONE_CHOICE = [c for c, it in form_items().items() if c not in (*MULTI, "6", "7-1", "7-2")]
ALL_ONES = SurveyForm(
    {c: (1,) for c in ["1-1", "1-2", *ONE_CHOICE]}, {"7-1": "independent", "7-2": "independent"}
)


def all_ones_keys() -> list[str]:
    """The whole form as a chief types it from a paper form of all 1s: one digit per
    one-choice item, a digit and Enter on 1-1 and 1-2, Enter on 6 (no treatment), the
    index 1 (自立) of each level, and Ctrl+S."""
    keys: list[str] = []
    for code, item in form_items().items():
        if code in MULTI:
            keys += ["1", "enter"]
        elif code == "6":
            keys.append("enter")
        else:
            assert not item.multi
            keys.append("1")
    return [*keys, "ctrl+s"]


class Host:
    """The entry screen on top of the app, and what it was dismissed with."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.app = pilot.app
        self.result: list[SurveyForm | None] = []

    async def open(self, form: SurveyForm | None = None) -> FormEntryScreen:
        await settle(self.pilot)
        screen = FormEntryScreen(form, title="R9-00100")
        self.app.push_screen(screen, self.result.append)
        await self.pilot.pause()
        assert self.app.screen is screen
        return screen

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause()

    @property
    def text(self) -> str:
        return screen_text(self.app)

    @property
    def status(self) -> str:
        return str(self.app.screen.query_one("#form-status").render())


def points_shown(host: Host) -> int:
    m = re.search(r"点検ポイント (\d+) 件", host.status)
    assert m, host.status
    return int(m.group(1))


# --------------------------------------------------------------------------- a whole form
async def test_an_all_ones_form_typed_in_takes_one_key_per_item(sample_db):
    keys = all_ones_keys()
    # 53 one-choice items + 2 x (digit, Enter) on 1-1/1-2 + Enter on 6 + two levels + Ctrl+S
    assert len(keys) == 53 + 4 + 1 + 2 + 1 == 61
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        host = Host(pilot)
        await host.open()
        started = time.perf_counter()
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
        elapsed = time.perf_counter() - started
        print(f"61 keys typed and shown in {elapsed:.2f} s")
        assert host.result == [ALL_ONES]
        assert elapsed < 20, f"the screen took {elapsed:.1f} s for 61 keys"


async def test_the_cursor_moves_to_the_next_group_after_a_groups_last_item(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        host = Host(pilot)
        screen = await host.open()
        await host.press("1", "enter", "1", "enter", *"1" * 11)  # group 1: 13 items
        assert screen.item.code == "2-1"
        assert "[2群 0/12]" in host.text and " 1群 13/13 " in host.text


# --------------------------------------------------------------------------- multi-select, 6, levels
async def test_two_choices_on_a_multi_item_and_choice_11_of_item_6(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        host = Host(pilot)
        screen = await host.open()
        await host.press("2", "5", "3", "5")  # 5 on, then off again
        assert screen.item.code == "1-1"  # a multi item waits for Enter
        assert "[x] 2.左上肢" in host.text and "[x] 3.右上肢" in host.text and "[ ] 5.右下肢" in host.text
        await host.press("enter")
        assert screen.item.code == "1-2"
        await host.press(*["pagedown"] * 5)
        assert screen.item.code == "6"
        assert "10-12 は 0 に続けて 0/1/2（0 1 で 11）" in host.text
        assert "[ ] 0 1 11.じょくそうの処置" in host.text
        assert "[ ] 0 2 12.カテーテル（コンドームカテーテル、留置カテーテル、ウロストーマ等）" in host.text
        await host.press("0")
        assert "0 を押しました" in host.status and screen.item.code == "6"
        await host.press("1")
        assert "[x] 0 1 11.じょくそうの処置" in host.text and "[ ] 1   1.点滴の管理" in host.text
        await host.press("enter")
        assert screen.item.code == "7-1"
        await host.press("ctrl+s")
    assert host.result == [SurveyForm({"1-1": (2, 3), "6": (11,)})]


async def test_a_level_is_chosen_by_its_index_and_a_number_it_lacks_is_refused(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        host = Host(pilot)
        screen = await host.open()
        await host.press("right_square_bracket", *["pagedown"] * 5)
        assert screen.item.code == "7-1"
        assert "( ) 1 自立" in host.text and "( ) 7 Ｂ2" in host.text and "( ) 9 Ｃ2" in host.text
        await host.press("7")
        assert screen.item.code == "7-2"
        await host.press("9")  # 7-2 has 8 levels
        assert screen.item.code == "7-2" and "7-2 は 1 から 8 の番号で選びます" in host.status
        await host.press("3")
        await host.press("k")
        assert "(*) 7 Ｂ2" in host.text
        await host.press("ctrl+s")
    assert host.result == [SurveyForm({}, {"7-1": "B2", "7-2": "IIa"})]


async def test_a_choice_the_item_lacks_is_refused_and_backspace_clears(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        host = Host(pilot)
        screen = await host.open()
        await host.press("j", "j")
        assert screen.item.code == "1-3"
        await host.press("4")  # 寝返り has 1-3
        assert screen.item.code == "1-3" and "1-3" not in screen.answers
        assert "1-3 に 4 はありません（1 から 3）" in host.status
        await host.press("2")
        assert screen.item.code == "1-4" and screen.answers["1-3"] == (2,)
        await host.press("up", "backspace")
        assert screen.item.code == "1-3" and "1-3" not in screen.answers
        assert re.search(r"> 1-3 +寝返り +未記入", host.text)
        await host.press("3", "k", "delete")
        assert "1-3" not in screen.answers


# --------------------------------------------------------------------------- notes
async def test_a_note_is_typed_in_its_box_and_no_key_reaches_the_form(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        host = Host(pilot)
        screen = await host.open()
        await host.press("pagedown", "pagedown")
        assert screen.item.code == "3-1"
        before = points_shown(host)
        await host.press("n")
        assert isinstance(app.screen, NoteDialog)
        box = app.screen.query_one("#note-text")
        assert app.focused is box
        # every key any binding uses, every digit, and the ctrl keys but the box's own Ctrl+S
        typed = keys_to_type()
        await burst(pilot, [*typed, *(k for k in CTRL_KEYS if k != "ctrl+s")])
        assert isinstance(app.screen, NoteDialog) and app.focused is box
        assert box.text == "".join(typed)  # every key went into the box
        assert screen.answers == {} and screen.levels == {} and screen.notes == {}
        assert screen.item.code == "3-1" and not screen.tens
        assert app.return_code is None and list(app.screen_stack)[-2] is screen
        await host.press("escape")  # the box changed: asks before throwing it away
        assert isinstance(app.screen, ConfirmDialog)
        await host.press("right", "enter")
        assert app.screen is screen and screen.notes == {}

        await host.press("n", *"日頃から自分で伝えられる", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert screen.notes == {"3-1": "日頃から自分で伝えられる"}
        assert re.search(r"> 3-1 .*特記", host.text)
        await host.press("1")  # 3-1 answered: its note rule is satisfied by the note
        assert points_shown(host) == before == len(check_form(screen.current_form(), load_rules()))
        await host.press("ctrl+s")
    assert host.result == [SurveyForm({"3-1": (1,)}, {}, {"3-1": "日頃から自分で伝えられる"})]


async def test_a_digit_remapped_in_the_config_is_the_binding_not_an_answer(sample_db):
    app = make_app(sample_db, keys={"review.form.note": "9"})
    async with app.run_test(size=SIZE) as pilot:
        host = Host(pilot)
        screen = await host.open()
        assert app.startup_problems == []
        await host.press("9")
        assert isinstance(app.screen, NoteDialog) and screen.answers == {}


# --------------------------------------------------------------------------- an existing form
async def test_an_existing_form_is_shown_and_one_item_changed(sample_db):
    form = SurveyForm({**ALL_ONES.answers, "2-4": (3,)}, ALL_ONES.levels, {"3-1": "日頃も伝えられる"})
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        host = Host(pilot)
        screen = await host.open(form)
        assert "記入 57 / 未記入 0" in host.status
        assert re.search(r"1-3 +寝返り +1\.つかまらないでできる", host.text)
        await host.press("right_square_bracket", "j", "j", "j")
        assert screen.item.code == "2-4"
        assert re.search(r"> 2-4 +食事摂取 +3\.一部介助", host.text) and "(*) 3.一部介助" in host.text
        await host.press("4")
        assert screen.item.code == "2-5"
        await host.press("ctrl+s")
    assert host.result == [SurveyForm({**form.answers, "2-4": (4,)}, form.levels, form.notes)]


# --------------------------------------------------------------------------- leaving
async def test_escape_after_a_change_asks_and_no_keeps_the_screen(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        host = Host(pilot)
        screen = await host.open()
        await host.press("1", "enter", "2")  # 1-1 and 1-2
        await host.press("escape")
        assert isinstance(app.screen, ConfirmDialog) and app.screen.title_text == "変更を破棄しますか"
        await host.press("enter")  # いいえ is where the cursor is
        assert app.screen is screen and host.result == []
        assert screen.answers == {"1-1": (1,), "1-2": (2,)}
        await host.press("escape", "right", "enter")  # はい
        assert host.result == [None]


async def test_escape_on_an_untouched_form_closes_at_once(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        host = Host(pilot)
        await host.open(ALL_ONES)
        await host.press("j", "pagedown")  # moving changes nothing
        await host.press("escape")
        assert host.result == [None]


async def test_escape_after_0_on_item_6_only_drops_the_half_typed_number(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        host = Host(pilot)
        screen = await host.open()
        await host.press(*["pagedown"] * 5, "0", "escape")
        assert app.screen is screen and not screen.tens and host.result == []
        await host.press("2")
        assert screen.answers == {"6": (2,)}


# --------------------------------------------------------------------------- the live points
async def test_the_point_count_is_check_forms_on_the_form_as_typed(sample_db):
    rules = load_rules()
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        host = Host(pilot)
        screen = await host.open()

        def expected() -> int:
            return len(check_form(screen.current_form(), rules))

        assert points_shown(host) == expected() == 1  # every item blank: one 「未記入」 point
        await host.press("1", "2", "enter")  # 1-1: 1.ない with 2.左上肢
        assert points_shown(host) == expected() == 2
        await host.press("enter", "3", "1")  # 1-3 寝返り できない, 1-4 起き上がり できる
        warning = [p for p in check_form(screen.current_form(), rules) if p.kind == "warning"]
        assert [p.items for p in warning] == [("1-3", "1-4")]
        assert points_shown(host) == expected() == 3
        assert re.search(r"1-3 .*点検", host.text) and re.search(r"1-4 .*点検", host.text)
        await host.press("up", "backspace")  # 1-4 cleared: the warning goes
        assert points_shown(host) == expected() == 2


# --------------------------------------------------------------------------- 80x24
async def test_a_long_group_scrolls_with_its_cue_and_the_choices_stay_visible(sample_db):
    """Group 1 (13 items, 1-1 with six choices) does not fit at 80x24 beside its choices."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        host = Host(pilot)
        screen = await host.open()
        text = host.text
        assert "1-12" not in text and "1-13" not in text
        assert "（下にあと 2 項目）" in text and "[ ] 6.その他（四肢の欠損）" in text
        await host.press("1", "enter", "1", "enter", *"1" * 10)
        assert screen.item.code == "1-13"
        text = host.text
        assert re.search(r"> 1-13 +聴力", text) and re.search(r"（上にあと \d+ 項目）", text)
        assert "1-13 聴力" in text and "( ) 5.聞こえているのか判断不能" in text  # its choices, in full
        assert "n: 特記事項" in text  # the last line of keys is still on the screen
        await host.press("pagedown", "pagedown", "pagedown")  # group 4's 15 items fit: no cue
        assert screen.item.code == "4-1"
        text = host.text
        assert "4-15  話がまとまらない" in text and "あと" not in text


async def test_no_character_of_ambiguous_width_on_any_items_screen(sample_db):
    """Every item with the cursor on it (its choices, levels, the point lines) at 80x24."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        host = Host(pilot)
        screen = await host.open()
        await host.press("1", "2", "enter", "enter", "3", "1")  # a structure and a warning point
        await host.press("pageup")  # in the first group: back to its first item
        assert screen.item.code == "1-1"
        seen = set()
        for _ in range(len(form_items())):
            seen.add(screen.item.code)
            odd = {ch for ch in host.text if unicodedata.east_asian_width(ch) == "A"}
            assert not odd, f"{screen.item.code}: {sorted(odd)}"
            await host.press("j")
        assert seen == set(form_items())


@pytest.mark.parametrize(
    ("n", "height", "cursor", "expected"),
    [(5, 10, 4, (0, 5)), (15, 12, 0, (0, 11)), (15, 12, 14, (4, 15)), (30, 10, 15, (11, 19))],
)
def test_window_keeps_the_cursor_in_and_leaves_room_for_the_cues(n, height, cursor, expected):
    start, end = window(n, height, cursor)
    assert (start, end) == expected and start <= cursor < end
    assert (end - start) + (start > 0) + (end < n) <= height


# --------------------------------------------------------------------------- snapshots
SIZES = [(80, 24), (120, 40)]


def _typed(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(FormEntryScreen(title="R9-00100"))
        await pilot.pause()
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


#: 1-1 ない, 1-2 肩関節, 1-3 できない, 1-4 できる (a warning), the cursor on 1-5
PART_WAY = ("1", "enter", "2", "enter", "3", "1")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_part_way_through_group_1(snap_compare, sample_db, size):
    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=_typed(*PART_WAY))


def test_snapshot_item_6_without_colour(snap_compare, sample_db, monkeypatch):
    """Under NO_COLOR the cursor (>), the chosen treatments ([x]) and the current group
    ([6医療 2件]) read by their characters."""
    monkeypatch.setenv("NO_COLOR", "1")
    keys = (*PART_WAY, *["pagedown"] * 5, "5", "0", "1")
    assert snap_compare(make_app(sample_db), terminal_size=(80, 24), run_before=_typed(*keys))
