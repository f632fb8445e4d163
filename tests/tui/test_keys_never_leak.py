"""No keystroke meant for a text box reaches a binding (issue 11: ``R8.10`` typed into the
Reports period box after a bad period opened 再調査, and ctrl+s would have recorded it).

One walk through every screen reachable with 1-6 and every modal with a text box, as a
manager and then as a chief (the check and its dialogs), on one database: in each box
we type every printable key any binding of the app uses, every digit, and the ctrl keys
the app binds; after each box the screen stack, the mode, the focus and the database
are what they were (a check's own draft text aside: it is saved as it is typed).
"""

from __future__ import annotations

import sqlite3
import string

import pytest
from textual.binding import Binding
from textual.keys import _character_to_key
from textual.widgets import TextArea

from inspect_tui.store.history import EXEMPT_TABLES
from inspect_tui.tui.screens.confirm import ConfirmDialog
from tui.conftest import settle, switch_login

CHAIN_TABLES = frozenset(EXEMPT_TABLES)  # the audit chain's own tables


@pytest.fixture
def review_db(tmp_path):
    """Two chiefs, a manager and a new surveyor's forms (tests/builders.py build_review_db)."""
    from builders import build_review_db as build

    return build(tmp_path / "review" / "cases.db")


CTRL_KEYS = ("ctrl+s", "ctrl+l", "ctrl+r", "ctrl+t", "ctrl+q")
#: Screens whose own ctrl+s saves what their boxes hold: there it is the box's save, not a leak.
SAVES_ON_CTRL_S = (
    "StepDialog",
    "NotesScreen",
    "ComplaintForm",
    "IncidentForm",
    "ProblemForm",
    "CheckScreen",
    "NoteDialog",
)


def _declared_bindings() -> list[Binding]:
    from inspect_tui.tui.keymap import declared_bindings

    return declared_bindings()


def _char(key: str) -> str | None:
    """The character a terminal sends with a key, as Pilot works it out."""
    import unicodedata

    from textual.keys import REPLACED_KEYS, _get_unicode_name_from_key

    if len(key) == 1:
        return key
    try:
        return unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        return None


def keys_to_type() -> list[str]:
    """Every printable key a binding of the app uses, every digit and the issue's period:
    what a box must take as text."""
    printable = set(string.digits) | set("R8.10")
    for b in _declared_bindings():
        for key in b.key.split(","):
            char = _char(key.strip())
            if char and char.isprintable():
                printable.add(char)
    return sorted(printable)


async def burst(pilot, keys: list[str]) -> None:
    """Send keys the way Pilot does (through the driver, each with its character), as a fast
    typist would: all at once, then wait until the app has handled them."""
    from textual import events

    app = pilot.app
    for key in keys:
        name = key if len(key) > 1 or key.isalnum() else _character_to_key(key)
        event = events.Key(name, _char(key) if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)
    await pilot.pause()
    await settle(pilot)


def fingerprint(db) -> dict[str, list]:
    """Every table's rows (a check's open-time counter aside: it ticks while a check is open)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    out = {}
    tables = con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    for (table,) in tables.fetchall():
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
        keep = [c for c in cols if not (table == "review_checks" and c in ("open_seconds", "updated_at"))]
        out[table] = sorted(map(repr, con.execute(f"SELECT {', '.join(keep)} FROM {table}")))
    con.close()
    return out


def _text(box) -> str:
    return box.text if isinstance(box, TextArea) else box.value


class Walk:
    """Type into boxes and check that nothing but the box changed."""

    def __init__(self, pilot, db) -> None:
        self.pilot = pilot
        self.app = pilot.app
        self.db = db
        self.keys = keys_to_type()
        self.boxes: list[str] = []  # "Screen#box-id" of every box typed into

    def boxes_on_screen(self) -> list:
        return [
            w
            for w in self.app.screen.query("Input, TextArea")
            if w.display and w.visible and not w.disabled and w.focusable
        ]

    async def type_into(self, box, *, drafts: frozenset[str] = frozenset(), enter: bool = False) -> None:
        """Focus the box and type; ``drafts``: tables typing here writes to on purpose (a
        check saves its text as it is typed); ``enter``: the box checks its value on Enter,
        and a refused value must keep the cursor in the box."""
        app, pilot = self.app, self.pilot
        box.focus()
        await pilot.pause()
        assert app.focused is box
        stack, mode, theme = list(app.screen_stack), app.current_mode, app.theme
        before = fingerprint(self.db)
        screen_name = type(app.screen).__name__
        text_before = _text(box)
        ctrl = [k for k in CTRL_KEYS if k != "ctrl+s" or screen_name not in SAVES_ON_CTRL_S]
        await burst(pilot, [*self.keys, *ctrl])
        if enter:  # one key at a time here: Enter on a bad value, then the issue's keys again
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press(*"R8.10", *ctrl)
            await settle(pilot)
        where = f"{screen_name}#{box.id}"
        assert app.return_code is None, f"{where}: a key quit the app"
        assert list(app.screen_stack) == stack, f"{where}: the screen changed"
        assert app.current_mode == mode and app.theme == theme, f"{where}: the app acted on a key"
        assert app.focused is box, f"{where}: the cursor left the box ({app.focused!r})"
        assert _text(box) != text_before, f"{where}: the box did not take the keys"
        if enter:  # the refused value was selected: what came next replaced it
            assert _text(box).endswith("R8.10"), f"{where}: {_text(box)!r}"
        after = fingerprint(self.db)
        changed = {t for t in before if before[t] != after.get(t)}
        changed -= CHAIN_TABLES  # the chain follows every write; the table written is what counts
        assert changed <= drafts, f"{where}: the database changed ({sorted(changed)})"
        self.boxes.append(where)

    async def type_into_all(self, **kw) -> int:
        boxes = self.boxes_on_screen()
        for box in boxes:
            await self.type_into(box, **kw)
        return len(boxes)

    async def close_modal(self) -> None:
        """Esc out of a modal, saying はい when it asks before discarding."""
        app, pilot = self.app, self.pilot
        top = app.screen
        app.set_focus(None)
        await pilot.press("escape")
        await settle(pilot)
        if isinstance(app.screen, ConfirmDialog):
            assert app.screen.title_text == "変更を破棄しますか"
            await pilot.press("right", "enter")
            await settle(pilot)
        assert app.screen is not top


@pytest.mark.slow
async def test_no_key_typed_into_a_text_box_reaches_a_binding(review_db):
    from inspect_tui.services.config import Config
    from inspect_tui.services.quality import records as q
    from inspect_tui.services.session import open_session
    from inspect_tui.tui.app import InspectApp

    s = open_session(review_db, Config())
    s.who = "boss"
    q.save_complaint(
        s,
        {
            "received_at": "2027-06-14 10:00",
            "complainant": "本人",
            "handled_by": "佐藤",
            "ward": "長田区",
            "category": "説明不足",
            "content": "説明がわかりにくい",
        },
    )
    s.close()
    app = InspectApp(review_db, config=Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        switch_login(app, "boss")  # a manager: every screen and modal is offered
        await settle(pilot)
        walk = Walk(pilot, review_db)

        # 1 今日 and 3 調査員 have no text box; the palette (ctrl+p) has one
        for key in ("1", "3"):
            await pilot.press(key)
            await settle(pilot)
            assert walk.boxes_on_screen() == []
        await pilot.press("ctrl+p")
        await settle(pilot)
        await walk.type_into(app.focused)
        await pilot.press("escape")
        await settle(pilot)

        # 2 依頼: the filter box, the surveyor picker, a case's step dialogs
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash")
        await walk.type_into(app.screen.query_one("#filter-input"))
        await pilot.press("escape", "escape", "x")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        await walk.type_into_all()
        await walk.close_modal()
        await pilot.press("enter")  # the first case
        await settle(pilot)
        for step_key in ("c", "R"):  # R asks first (a step that changes history)
            await pilot.press(step_key)
            await settle(pilot)
            if isinstance(app.screen, ConfirmDialog):
                await pilot.press("right", "enter")
                await settle(pilot)
            assert await walk.type_into_all(enter=False) == 2
            await walk.close_modal()
        await pilot.press("escape")
        await settle(pilot)

        # 5 帳票: the period box (a bad period keeps the cursor there), the month's notes
        await pilot.press("5")
        await settle(pilot)
        await walk.type_into(app.screen.query_one("#report-period"), enter=True)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert await walk.type_into_all() == 2
        await walk.close_modal()

        # 6 品質: each tab's form, the report-to-city prompt, the Pareto filters
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("r")  # the complaint made above: when was it reported to the city
        await settle(pilot)
        await walk.type_into_all(enter=True)
        await walk.close_modal()
        for _tab in ("complaints", "incidents", "problems"):
            await pilot.press("n")
            await settle(pilot)
            assert await walk.type_into_all() >= 3
            await walk.close_modal()
            await pilot.press("right_square_bracket")
            await settle(pilot)
        await walk.type_into_all(enter=True)  # the Pareto tab's dates and surveyor code

        # the audit trail (ctrl+l, managers): its filter box
        app.set_focus(None)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.press("slash")
        await walk.type_into(app.screen.query_one("#audit-filter"), enter=True)
        await pilot.press("escape")
        await settle(pilot)

        # 4 点検, as the chief S001: a check by case number, a check and its dialogs
        switch_login(app, "tester")
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await walk.type_into_all()
        await walk.close_modal()
        await pilot.press("enter")  # form 1's focused check
        await settle(pilot)
        check = app.screen
        assert type(check).__name__ == "CheckScreen"
        await walk.type_into_all(drafts=frozenset({"review_checks"}))  # guidance and minutes: drafts
        check.query_one("#check-points").focus()
        await pilot.press("1")  # a finding: its dialog
        await settle(pilot)
        await walk.type_into_all(drafts=frozenset({"review_checks", "review_findings"}))
        await walk.close_modal()
        check.query_one("#check-form-points").focus()
        await pilot.press("i")  # the form typed in from paper: its 特記事項 box
        await settle(pilot)
        assert type(app.screen).__name__ == "FormEntryScreen"
        await pilot.press("n")
        await settle(pilot)
        await walk.type_into_all()
        if type(app.screen).__name__ == "NoteDialog":
            await walk.close_modal()
        await walk.close_modal()  # the entry screen (asks: the note was kept)
        assert app.screen is check
        await pilot.press("escape")  # leave the check (kept as a draft)
        await settle(pilot)
        await pilot.press("v")  # the surveyor's forms 1-10: closing comment, accompanied visit
        await settle(pilot)
        for key in ("c", "a"):
            await pilot.press(key)
            await settle(pilot)
            await walk.type_into_all()
            await walk.close_modal()
    expected = {
        "CommandPalette",
        "CasesScreen",
        "PickScreen",
        "StepDialog",
        "ReportsScreen",
        "NotesScreen",
        "WhenPrompt",
        "ComplaintForm",
        "IncidentForm",
        "ProblemForm",
        "QualityScreen",
        "AuditScreen",
        "CaseCheckDialog",
        "CheckScreen",
        "FindingDialog",
        "NoteDialog",
        "TextDialog",
        "VisitDialog",
    }
    assert {b.split("#")[0] for b in walk.boxes} == expected
    assert len(walk.boxes) >= 40


async def test_the_issue_a_period_typed_after_a_bad_one_stays_in_the_box(sample_db):
    """The report from the field: a case open in Today, then Reports; a bad period, Enter,
    and `R8.10` typed twice with ctrl+s. Before: the focus had left the box, `1` went back
    to the case and `R` opened 再調査 with ctrl+s ready to record it."""
    from inspect_tui.tui.app import InspectApp
    from inspect_tui.tui.screens.reports.reports import ReportsScreen
    from tui.conftest import make_app

    app: InspectApp = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # Today: the most urgent case, left open in that mode
        await settle(pilot)
        await pilot.press("5", "p", *"R8.13", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert "月は1〜12です" in str(screen.query_one("#report-status").render())
        before = fingerprint(sample_db)
        await pilot.press(*"R8.10", *"R8.10", "ctrl+s")
        await settle(pilot)
        assert app.current_mode == "reports" and app.screen is screen
        assert screen.query_one("#report-period").value == "R8.10R8.10"  # the bad value was replaced
        assert fingerprint(sample_db) == before  # nothing recorded
        await pilot.press("escape")  # Esc leaves the box, showing the period shown before
        assert screen.query_one("#report-period").value == "2027-05" and app.focused.id == "report-scroll"
        await pilot.press("p", *"2027-04", "enter")  # a good period gives the keys back
        await settle(pilot)
        assert app.focused is screen.query_one("#report-scroll")
        assert screen.built is not None and screen.built.period_key == "2027-04"


async def test_a_period_the_report_refuses_keeps_the_cursor_in_the_box(sample_db):
    """A period that reads but that the report refuses (a month not yet begun): the cursor
    stays in the box until a report is shown, so what is typed next is text, not keys."""
    from tui.conftest import make_app

    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5", "p", *"2031-01", "enter")
        await settle(pilot)
        screen = app.screen
        assert "より前です" in str(screen.query_one("#report-status").render())
        box = screen.query_one("#report-period")
        assert app.focused is box
        await pilot.press(*"2027-04", "enter")  # the refused text was selected: replaced
        await settle(pilot)
        assert screen.built.period_key == "2027-04" and app.focused.id == "report-scroll"
