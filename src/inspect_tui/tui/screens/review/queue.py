"""The review queue (重点チェック): every new surveyor with forms checked n/10, and each
form waiting for its focused check by submission deadline, with the 3- and
6-month follow-ups and blind checks asked of this chief.

Enter opens the selected item's check; after Ctrl+S there the next item opens
(Escape stops the run). Tab moves between the two lists; Enter on a surveyor
opens the surveyor review. n records the check of any form by case number
(ordinary inspection or a finding that came back from the office). A chief sees the
forms of their own wards and what is assigned to them (services/review/wards.py); a
manager sees every form, and a assigns the selected form (or, on a follow-up, the
surveyor's whole review) to a chief outside their wards, with a reason (応援).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from inspect_tui.core.jpdate import WEEKDAYS, format_wd
from inspect_tui.tui.bindings import binding as b
from inspect_tui.tui.permissions import RoleKeys
from inspect_tui.tui.screens.base import DataScreen, TopBar
from inspect_tui.tui.widgets.footer import Footer


def _short(day, today) -> str:
    """06-11 this year, 2028-01-05 otherwise: narrow enough for 80 columns."""
    return day.strftime("%m-%d") if day.year == today.year else day.isoformat()


def _day(day, today) -> str:
    """06-11(金): a due date with its weekday, without the year within half a year of today
    (the weekday tells the years apart; 2027-01-04(月) would not fit 80 columns in December)."""
    if abs((day - today).days) <= 183:
        return f"{day:%m-%d}({WEEKDAYS[day.weekday()]})"
    return format_wd(day, today)


def queue_view(session, today):
    """In a worker: the new surveyors (numbering forms when first seen here, fixed from
    then on), the queue, this login's surveyor code, and how many items wait outside a
    chief's wards (not listed: services/review/wards.py)."""
    from inspect_tui.services.review.queue import my_code, new_surveyors, outside_wards, review_queue

    people = new_surveyors(session, today, sync=True)
    return people, review_queue(session, today), my_code(session), outside_wards(session, today)


#: a due date within this many days is 間近 (due soon) in the queue's 状態
SOON_DAYS = 3

#: under the lists while a column is out of view (words, not arrows: ambiguous-width)
WIDER_THAN_VIEW = "表が横に続きます: 左右の矢印キーで横にスクロール"


def assign_view(session, surveyor: str, case_no: str | None):
    """In a worker: the chiefs a manager may assign the item to (not its author), and the
    case's names and numbers for the warning under the reason."""
    from inspect_tui.services.review.assignments import chief_choices
    from inspect_tui.services.trust.free_text import NOTHING, known_for_cases

    return chief_choices(session, surveyor), known_for_cases(session, [case_no]) if case_no else NOTHING


class ReviewQueueScreen(RoleKeys, DataScreen):
    TAB = "review"
    NEEDS: ClassVar[dict[str, str]] = {
        "open_selected": "review.save",
        "check_case": "review.save",
        "assign": "review.assign",
    }
    BINDINGS: ClassVar[list] = [
        b("enter", "open_selected", "点検", "review.queue.open", "選んだ調査票の点検を始める／調査員を開く"),
        b("v", "open_surveyor", "調査員", "review.queue.surveyor", "選んだ調査員の1〜10件目を見る"),
        b("n", "check_case", "番号で点検", "review.queue.by_case", "依頼番号で通常点検・提出後の指摘を記録"),
        b(
            "a",
            "assign",
            "応援",
            "review.queue.assign",
            "選んだ調査票（確認なら調査員の点検すべて）を担当区外の主任に割り当てる",
            show=False,
        ),
        b(
            "c",
            "calibration",
            "較正",
            "review.queue.calibration",
            "主任間の一致率（ブラインド点検）",
            show=False,
        ),
        b("escape", "back", "戻る", "review.queue.back", "前の画面に戻る"),
        b("ctrl+r", "reload", "再読込", "review.queue.reload", "読み直す", show=False),
        b("j", "cursor_down", "下", "review.queue.down", show=False),
        b("k", "cursor_up", "上", "review.queue.up", show=False),
    ]
    DEFAULT_CSS = """
    ReviewQueueScreen #rq-title { height: 1; background: $boost; text-style: bold; padding: 0 1; }
    ReviewQueueScreen #rq-surveyors { height: auto; max-height: 9; }
    ReviewQueueScreen #rq-items { height: 1fr; }
    ReviewQueueScreen .rq-caption { height: 1; color: $text-muted; padding: 0 1; }
    ReviewQueueScreen #rq-cue { height: 1; color: $warning; padding: 0 1; }
    ReviewQueueScreen DataTable:focus { background-tint: $primary 5%; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.items: list = []
        self.people: list = []
        self.me: str | None = None
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield TopBar("review")
        yield Static("重点チェック（新任調査員の1〜10件目）  読み込み中", id="rq-title")
        yield Static(" 新任調査員（確認の日付の ! は期限超過）", classes="rq-caption")
        yield DataTable(id="rq-surveyors", cursor_type="row", zebra_stripes=True)
        yield Static(" 点検待ち（提出期限の近い順）", classes="rq-caption", id="rq-items-caption")
        yield DataTable(id="rq-items", cursor_type="row", zebra_stripes=True)
        yield Static(WIDER_THAN_VIEW, id="rq-cue")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        people = self.query_one("#rq-surveyors", DataTable)
        for label, key in (
            ("コード", "code"),
            ("氏名", "name"),
            ("配置日", "placed"),
            ("点検", "progress"),
            ("単独開始", "solo"),
            ("3か月確認", "f3"),
            ("6か月確認", "f6"),
        ):
            people.add_column(label, key=key)
        items = self.query_one("#rq-items", DataTable)
        for label, key in (
            ("期限", "due"),
            ("内容", "what"),
            ("調査員", "who"),
            ("依頼番号", "case"),
            ("状態", "state"),
        ):
            items.add_column(label, key=key)
        items.focus()
        for table in (people, items):  # max_scroll_x is no reactive: follow what it comes from
            self.watch(table, "virtual_size", lambda _s: self._show_cue(), init=False)
        self._show_cue()

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_cue)

    def _show_cue(self) -> None:
        """A line under the lists while a column of either is out of view (a name or a date
        may be longer than 80 columns allow): the rows scroll sideways with the arrow keys."""
        cut = any(t.max_scroll_x > 0 for t in self.query(DataTable))
        self.query_one("#rq-cue", Static).visible = cut  # its line kept: no flip-flop of the fold

    def on_screen_resume(self) -> None:
        if self.app.screen is self and self.app.session is not None:  # not under the next check
            self.load()

    def load(self) -> None:
        self.write(queue_view, self.app.today, done=self._loaded)

    def show_message(self, text: str) -> None:
        self.query_one("#rq-title", Static).update(text)

    def _loaded(self, view) -> None:
        self.people, self.items, self.me, outside = view
        self.loaded = True
        title = "重点チェック（新任調査員の1〜10件目）"
        if outside:  # a chief's queue leaves other wards' forms out: say so, and the way out
            title += f"  担当区外の {outside} 件は非表示"
        self.query_one("#rq-title", Static).update(title)
        self._fill()

    def _fill(self) -> None:
        today = self.app.today
        people = self.query_one("#rq-surveyors", DataTable)
        keep_p = people.cursor_row
        people.clear()
        for p in self.people:
            f3, f6 = (self._followup_cell(f, today) for f in p.followups)
            people.add_row(
                p.code,
                p.name,
                _short(p.placed_on, today),
                Text(p.progress, justify="right"),
                _short(p.solo_start, today) if p.solo_start else "－",
                f3,
                f6,
                key=p.code,
            )
        if self.people:
            people.move_cursor(row=min(keep_p, len(self.people) - 1))
        me = self.me
        items = self.query_one("#rq-items", DataTable)
        keep = items.cursor_row
        items.clear()
        for i, it in enumerate(self.items):
            due = (
                Text("－", style="dim")
                if it.due is None
                else Text(
                    _day(it.due, today),
                    style="bold red" if it.due < today else "yellow" if it.due == today else "",
                )
            )
            state = []
            # the state in words, not only the colour of the date (NO_COLOR, issue 17 item 6)
            if it.due is not None and it.due < today:
                state.append("超過")
            elif it.due == today:
                state.append("本日")
            elif it.due is not None and (it.due - today).days <= SOON_DAYS:
                state.append("間近")
            if it.draft_by and it.draft_by == me:
                state.append("下書き")
            elif it.draft_by:
                state.append(f"{it.draft_by}点検中")  # S003点検中: the row fits 80 columns
            else:
                state.append("未点検")
            if it.submitted:
                state.append("提出済")
            items.add_row(
                due,
                it.what,
                f"{it.surveyor} {it.surveyor_name}",
                it.case_no or "－",
                " ".join(state),  # 超過 S003点検中: a space, so the row fits 80 columns
                key=str(i),
            )
        if self.items:
            items.move_cursor(row=min(keep, len(self.items) - 1))
        self.call_after_refresh(self._show_cue)  # laid out anew: is a column out of view?
        forms = sum(i.kind == "focused" for i in self.items)
        self.query_one("#rq-items-caption", Static).update(
            f" 点検待ち {len(self.items)} 件（1〜10件目 {forms} 件）提出期限の近い順"
            "  Enter: 点検（v・n は下に）"
        )

    @staticmethod
    def _followup_cell(f, today) -> Text:
        if f.done_on:
            return Text(f"済 {_short(f.done_on, today)}", style="green")
        style = "bold red" if f.overdue(today) else ""
        late = "!" if f.overdue(today) else ""  # not by colour alone (NO_COLOR); the caption says what ! is
        if f.business_due != f.due:  # a closed day: the next business day, no room for まで
            moved = f.business_due
            later = (
                f"{moved.day:02d}({WEEKDAYS[moved.weekday()]})"  # 06-20(日)>21(月): fits 80 columns
                if (moved.year, moved.month) == (f.due.year, f.due.month)
                else _day(moved, today)
            )
            return Text(f"{late}{_day(f.due, today)}>{later}", style=style)
        return Text(f"{late}{_day(f.due, today)}まで", style=style)

    # -- actions --------------------------------------------------------------
    def _selected_item(self):
        table = self.query_one("#rq-items", DataTable)
        if not self.items or not table.row_count:
            return None
        return self.items[min(table.cursor_row, len(self.items) - 1)]

    def _selected_person(self) -> str | None:
        table = self.query_one("#rq-surveyors", DataTable)
        if not self.people:
            return None
        return self.people[min(table.cursor_row, len(self.people) - 1)].code

    def action_open_selected(self) -> None:
        if self.focused is self.query_one("#rq-surveyors", DataTable):
            self.action_open_surveyor()
            return
        item = self._selected_item()
        if item is None:
            self.notify("点検待ちはありません")
            return
        self._start(item)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_selected()

    def _start(self, item) -> None:
        """Open the item's check (asking first when another chief has it open)."""
        from inspect_tui.services.review.check import queue_where
        from inspect_tui.tui.screens.review.opening import open_check_screen

        open_check_screen(self, chain=True, callback=self._after_check, **queue_where(item))

    def _after_check(self, result: str | None) -> None:
        """After a save, open the next form in the queue (one the inspector may check)."""
        from inspect_tui.services.review.check import next_queue_item

        if result == "saved":
            self.write(next_queue_item, done=self._next)

    def _next(self, item) -> None:
        if item is None:
            self.notify("点検待ちはもうありません", timeout=4)
            return
        self._start(item)

    def action_open_surveyor(self) -> None:
        from inspect_tui.tui.screens.review.surveyor import SurveyorReviewScreen

        code = None
        if self.focused is self.query_one("#rq-surveyors", DataTable):
            code = self._selected_person()
        else:
            item = self._selected_item()
            code = item.surveyor if item else self._selected_person()
        if code:
            self.app.push_screen(SurveyorReviewScreen(code))

    def action_check_case(self) -> None:
        from inspect_tui.tui.screens.review.dialogs import CaseCheckDialog
        from inspect_tui.tui.screens.review.opening import open_check_screen

        def chosen(result) -> None:
            if result is None:
                return
            case_no, kind, source = result
            where = {"case_no": case_no}
            if kind:
                where |= {"kind": kind, "post_source": source}
            open_check_screen(self, callback=lambda _r: self.load(), **where)

        self.app.push_screen(CaseCheckDialog(), chosen)

    def action_assign(self) -> None:
        """A manager assigns the selected item to a chief outside their wards (help across
        wards): a focused form by its case, a follow-up as the surveyor's whole review."""
        item = self._selected_item()
        if item is None or item.kind == "blind":
            self.notify("割り当てる調査票か確認を選んでください（ブラインド点検は依頼済みです）")
            return
        case_no = item.case_no if item.kind == "focused" else None
        self.call(assign_view, item.surveyor, case_no, done=lambda view: self._ask_chief(item, *view))

    def _ask_chief(self, item, chiefs: list, known) -> None:
        from inspect_tui.tui.screens.review.dialogs import ChoiceDialog

        what = f"{item.case_no}（{item.what}）" if item.kind == "focused" else f"{item.surveyor} の点検すべて"
        if not chiefs:
            self.notify("割り当てられる主任調査員がいません")
            return
        self.app.push_screen(
            ChoiceDialog(f"{what} を割り当てる主任", chiefs),
            lambda code: self._ask_reason(item, what, code, known),
        )

    def _ask_reason(self, item, what: str, chief: str | None, known) -> None:
        from inspect_tui.services.review.assignments import assign
        from inspect_tui.tui.screens.review.dialogs import TextDialog

        if not chief:
            return

        def done(reason) -> None:
            if reason is None:
                return
            target = {"case_no": item.case_no} if item.kind == "focused" else {"surveyor": item.surveyor}

            def assigned(aid) -> None:
                self.notify(f"割り当て {aid}: {chief} に {what} を割り当てました（終えるまで有効）")
                self.app.data_changed()

            self.write(assign, chief, reason=reason, **target, done=assigned)

        self.app.push_screen(
            TextDialog(
                f"{chief} に {what} を割り当てる",
                "理由（例: 垂水区の主任が休暇のため。個人情報は書かない）",
                known=known,
            ),
            done,
        )

    def action_calibration(self) -> None:
        from inspect_tui.tui.screens.review.calibration import CalibrationScreen

        self.app.push_screen(CalibrationScreen())

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_reload(self) -> None:
        self.load()

    def action_cursor_down(self) -> None:
        if isinstance(self.focused, DataTable):
            self.focused.action_cursor_down()

    def action_cursor_up(self) -> None:
        if isinstance(self.focused, DataTable):
            self.focused.action_cursor_up()
