"""Typing a survey form (認定調査票) that exists only on paper: group by group, digits only.

``FormEntryScreen(form, title=...)`` shows the form's items one group at a time
(第1群 ... 第5群, 6 特別な医療, 7 自立度) with the cursor on one item and that
item's choices under the list. Dismissed with the entered ``SurveyForm`` on
Ctrl+S, with None when left (Esc asks first when something changed).

The keys (the digits are typed, not bound: they are the form's data, like text in
a box, and are handled before any binding; every other key is a binding below):

- a digit on a one-choice item chooses it and moves to the next item (after a
  group's last item, the next group's first); a number the item does not have
  is refused with a message, and the cursor stays;
- on 1-1, 1-2 and 6 a digit adds or removes that choice, and Enter moves on;
  6's choices 10-12 are ``0`` then ``0``/``1``/``2`` (``0 1`` is 11), as the
  screen says beside them;
- 7-1 / 7-2: the level's index digit (1 自立, 2 J1 ...), shown beside its label;
- Backspace / Delete clear the item, up/down (j/k) move, PageUp/PageDown or
  ``[`` ``]`` move by group, ``n`` opens the item's 特記事項 in a small dialog.

The status line counts the answered and blank items and the points
``check_form`` raises on the form as it stands (live). Answered and blank,
the cursor and the current group read by their characters (``>``, ``未記入``,
``[ ]``, ``(*)``), so NO_COLOR loses nothing; a group longer than the screen
scrolls, with 「上にあと N 項目」/「下にあと N 項目」 lines saying so.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Label, Static, TextArea

from inspect_tui.core.survey_form import MEDICAL, FormItem, SurveyForm, describe, form_items
from inspect_tui.tui.bindings import binding as b
from inspect_tui.tui.screens.confirm import DiscardGuard
from inspect_tui.tui.screens.free_text import PersonalDataWarning, confirm_then
from inspect_tui.tui.screens.review.dialogs import ReviewDialog

GROUP_LABELS = {6: "6医療", 7: "7自立度"}
KEYS_HELP = (
    "数字: 選ぶ  Enter: 次へ  BS/Del: 消す  上下 j k: 移動  [ ] PgUp PgDn: 前後の群\n"
    "n: 特記事項  Ctrl+S: 保存して閉じる  Esc: 閉じる"
)
TENS_KEY = 0  # on an item with more than 9 choices (6), "0" then a digit is 10 + that digit


def group_heading(no: int, name: str) -> str:
    return f"第{no}群 {name}" if no <= 5 else f"{no} {name}"


def point_line(point) -> str:
    """A point of check_form in one short line: what kind, and what to look at."""
    if point.code is not None:
        head = f"警告コード {point.code:02d}"
    else:
        head = {"note": "特記事項", "relation": "項目間", "structure": "記入"}.get(point.kind, "")
    return f"点検 {head}: {point.message}"


# --------------------------------------------------------------------------- the note dialog
class NoteDialog(ReviewDialog):
    """One item's 特記事項 in a text box. Returns the text (may be empty) or None (Esc)."""

    BINDINGS: ClassVar[list] = [
        b("ctrl+s", "keep", "決定", "review.form.note.keep", "特記事項をこの内容にする"),
    ]
    DEFAULT_CSS = """
    NoteDialog #note-text { height: 8; }
    """

    def __init__(self, item: FormItem, text: str = "") -> None:
        super().__init__()
        self.item = item
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"特記事項 {self.item.label}"
            yield Label("申請者の氏名や被保険者番号は書かない")
            yield TextArea(self.text, id="note-text", soft_wrap=True)
            yield PersonalDataWarning(id="note-text-warning")
            yield Static("Ctrl+S: 決定   Esc: やめる（変更は捨てる）", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#note-text-warning", PersonalDataWarning).check(self.text)
        self.query_one(TextArea).focus()

    @on(TextArea.Changed, "#note-text")
    def _typed(self, event: TextArea.Changed) -> None:
        self.query_one("#note-text-warning", PersonalDataWarning).check(event.text_area.text)

    def action_keep(self) -> None:
        from inspect_tui.services.trust.free_text import field_warnings

        text = self.query_one(TextArea).text
        warnings = field_warnings({f"特記事項 {self.item.code}": text})
        confirm_then(self.app, warnings, lambda: self.dismiss(text))


# --------------------------------------------------------------------------- the item list
def window(n: int, height: int, cursor: int) -> tuple[int, int]:
    """(start, end) of the rows shown when ``n`` rows share ``height`` lines with the
    「上に/下にあと N 項目」 lines that a cut-off list needs; the cursor row is always in."""
    if n <= height:
        return 0, n
    if height < 3:
        return cursor, cursor + 1
    if cursor < height - 1:  # the top of the list and a 「下に」 line
        return 0, height - 1
    if cursor >= n - (height - 1):  # the bottom and a 「上に」 line
        return n - (height - 1), n
    body = height - 2
    start = min(max(1, cursor - body // 2), n - body - 1)
    return start, start + body


class ItemList(Widget):
    """The items of the current group, one a line, cut to the lines there are."""

    DEFAULT_CSS = """
    ItemList { height: 1fr; min-height: 3; }
    """

    def __init__(self, entry: FormEntryScreen, **kw) -> None:
        super().__init__(**kw)
        self.entry = entry

    def render(self) -> Text:
        return self.entry.item_lines(self.size.width, self.size.height)


# --------------------------------------------------------------------------- the screen
class FormEntryScreen(DiscardGuard, ModalScreen[SurveyForm | None]):
    """The form typed in from paper; see the module's docstring for the keys."""

    BINDINGS: ClassVar[list] = [
        b("enter", "next_item", "次へ", "review.form.next", "次の項目へ（複数選ぶ項目はこれで次へ）"),
        b("backspace,delete", "clear_item", "消す", "review.form.clear", "この項目の答えを消す"),
        b("down,j", "move(1)", "下", "review.form.down", "次の項目へ（答えは変えない）", show=False),
        b("up,k", "move(-1)", "上", "review.form.up", "前の項目へ", show=False),
        b("pagedown,right_square_bracket", "group(1)", "次の群", "review.form.next_group", "次の群へ"),
        b("pageup,left_square_bracket", "group(-1)", "前の群", "review.form.prev_group", "前の群へ"),
        b("n", "note", "特記事項", "review.form.note", "この項目の特記事項を書く"),
        b("ctrl+s", "save", "保存", "review.form.save", "入力した調査票を返す"),
        b("escape", "close", "閉じる", "review.form.close", "閉じる（変更があれば破棄してよいか聞く）"),
    ]
    DEFAULT_CSS = """
    FormEntryScreen { background: $background; }
    FormEntryScreen > Vertical { width: 100%; height: 100%; background: $surface; padding: 0 1; }
    FormEntryScreen #form-title { height: 1; text-style: bold; }
    FormEntryScreen #form-groups { height: 1; }
    FormEntryScreen #form-choices { height: auto; }
    FormEntryScreen #form-status { height: auto; text-style: bold; }
    FormEntryScreen #form-keys { height: auto; color: $text-muted; }
    """

    def __init__(self, form: SurveyForm | None = None, *, title: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.catalogue = form_items()
        self.items: list[FormItem] = list(self.catalogue.values())
        self.groups: list[int] = sorted({it.group for it in self.items})
        form = form or SurveyForm()
        self.answers: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in form.answers.items() if v}
        self.levels: dict[str, str] = {k: v for k, v in form.levels.items() if v}
        self.notes: dict[str, str] = dict(form.notes)
        self.cursor = 0
        self.tens = False  # "0" typed on 6: the next digit is 10 + it
        self.message = ""
        self._rules = None
        self._rules_problem = ""
        self.points: list = []
        self._group_names: dict[int, str] = {}

    # -- the form -------------------------------------------------------------
    def current_form(self) -> SurveyForm:
        return SurveyForm(
            {k: v for k, v in self.answers.items() if v},
            dict(self.levels),
            {k: v for k, v in self.notes.items() if v},
        )

    def form_values(self) -> dict[str, object]:  # DiscardGuard: what "changed" means here
        form = self.current_form()
        return {"answers": dict(form.answers), "levels": dict(form.levels), "notes": dict(form.notes)}

    @property
    def item(self) -> FormItem:
        return self.items[self.cursor]

    def values(self, item: FormItem) -> tuple[int | str, ...]:
        if item.is_level:
            lv = self.levels.get(item.code)
            return (lv,) if lv else ()
        return self.answers.get(item.code, ())

    def answered(self, item: FormItem) -> bool:
        return bool(self.values(item))

    def counted(self) -> list[FormItem]:
        """The items that need an answer (6 特別な医療 may be none: not counted)."""
        return [it for it in self.items if it.code != MEDICAL]

    def group_items(self, group: int) -> list[int]:
        return [i for i, it in enumerate(self.items) if it.group == group]

    # -- compose and show ---------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="form-title")
            yield Static(id="form-groups")
            yield ItemList(self, id="form-items")
            yield Static(id="form-choices")
            yield Static(id="form-status")
            yield Static(KEYS_HELP, id="form-keys")

    def on_mount(self) -> None:
        from inspect_tui.core.form_rules_file import FormRulesError, load_rules

        try:
            self._rules = load_rules()
        except FormRulesError as exc:  # the shipped file: say so, and still let the form be typed
            self._rules_problem = f"点検規則を読めません（{exc.problems[0]}）"
        self.show()
        self.remember_values()

    def show(self) -> None:
        from inspect_tui.core.form_rules import check_form

        self.points = check_form(self.current_form(), self._rules) if self._rules is not None else []
        item = self.item
        head = group_heading(item.group, self._group_name(item.group))
        where = self.group_items(item.group)
        pos = where.index(self.cursor) + 1
        title = Text("調査票の入力", style="bold")
        if self.title_text:
            title.append(f"  {self.title_text}")
        title.append(f"  {head}（{len(where)} 項目中 {pos} 番目）")
        self.query_one("#form-title", Static).update(title)
        self.query_one("#form-groups", Static).update(self._group_tabs())
        self.query_one("#form-items", ItemList).refresh()
        choices = self.query_one("#form-choices", Static)
        choices.update(self._choices(item))
        # as tall as the group's longest list of choices: the item list does not jump
        choices.styles.min_height = max(len(self._choices(self.items[i]).split()) for i in where)
        self.query_one("#form-status", Static).update(self._status())

    def _group_name(self, group: int) -> str:
        from inspect_tui.core.review import survey_items

        if not self._group_names:
            self._group_names = {it.group: it.group_name for it in survey_items().values()}
        return self._group_names.get(group, "")

    def _group_tabs(self) -> Text:
        text = Text()
        for g in self.groups:
            members = [self.items[i] for i in self.group_items(g)]
            if g == 6:
                got = self.answers.get(MEDICAL, ())
                count = f"{len(got)}件" if got else "なし"
            else:
                count = f"{sum(self.answered(it) for it in members)}/{len(members)}"
            label = f"{GROUP_LABELS.get(g, f'{g}群')} {count}"
            if g == self.item.group:
                text.append(f"[{label}]", style="reverse bold")
            else:
                text.append(f" {label} ")
        return text

    def flagged(self) -> set[str]:
        """Items a point is about (a blank item aside: 未記入 already says so)."""
        rules = self._rules
        return {
            code
            for p in self.points
            if rules is None or rules.get(p.rule_id).check != "required"
            for code in p.items
        }

    def item_lines(self, width: int, height: int) -> Text:
        rows = self.group_items(self.item.group)
        start, end = window(len(rows), max(height, 1), rows.index(self.cursor))
        flagged = self.flagged()
        name_w = 34 if width >= 100 else 24
        lines: list[Text] = []
        if start > 0:
            lines.append(Text(f"  （上にあと {start} 項目）", style="italic"))
        for i in rows[start:end]:
            it = self.items[i]
            vals = self.values(it)
            mark = ">" if i == self.cursor else " "
            answer = describe(it, vals)
            flags = ("  特記" if it.code in self.notes and self.notes[it.code].strip() else "") + (
                "  点検" if it.code in flagged else ""
            )
            room = max(width - 2 - 6 - name_w - 1 - cell_len(flags), 4)
            line = Text(f"{mark} {it.code:<5} {set_cell_size(it.name, name_w)} ")
            shown = set_cell_size(answer, room)  # padded: the flags line up
            line.append(shown, style="" if vals or it.code == MEDICAL else "dim")
            line.append(flags, style="bold")
            if i == self.cursor:
                line.stylize("reverse")
            lines.append(line)
        if end < len(rows):
            lines.append(Text(f"  （下にあと {len(rows) - end} 項目）", style="italic"))
        return Text("\n").join(lines)

    def _choices(self, item: FormItem) -> Text:
        vals = self.values(item)
        text = Text(f"{item.label}", style="bold")
        if item.is_level:
            text.append("  番号のキーで選ぶ（選ぶと次の項目へ）")
            for i, lv in enumerate(item.levels, start=1):
                on = lv.id in vals
                text.append(f"\n {'(*)' if on else '( )'} {i} {lv.plain}", style="bold" if on else "")
            return text
        tens = len(item.choices) > 9
        if item.multi:
            text.append("  数字で選ぶ・外す（複数可） Enter: 次へ")
            if tens:
                text.append("\n 10-12 は 0 に続けて 0/1/2（0 1 で 11）")
        else:
            text.append("  数字で一つ選ぶ（選ぶと次の項目へ）")
        for no, label in item.choices:
            on = no in vals
            box = ("[x]" if on else "[ ]") if item.multi else ("(*)" if on else "( )")
            key = f"{f'0 {no - 10}' if no >= 10 else no:<4}" if tens else ""  # the keys to type
            text.append(f"\n {box} {key}{no}.{label}", style="bold" if on else "")
        return text

    def _status(self) -> Text:
        need = self.counted()
        done = sum(self.answered(it) for it in need)
        got = self.answers.get(MEDICAL, ())
        medical = f"{len(got)}件" if got else "なし"
        text = Text(f"記入 {done} / 未記入 {len(need) - done}（全 {len(need)} 項目）  特別な医療 {medical}  ")
        if self._rules_problem:
            text.append(self._rules_problem)
        else:
            text.append(f"点検ポイント {len(self.points)} 件")
        if self.tens:
            text.append("\n0 を押しました: 続けて 0（10）、1（11）、2（12）", style="bold")
        elif self.message:
            text.append(f"\n{self.message}", style="bold")
        elif about := [p for p in self.points if self.item.code in p.items and p.kind != "structure"]:
            line = point_line(about[0]) + (f"（ほか {len(about) - 1} 件）" if len(about) > 1 else "")
            width = max(self.app.size.width - 2, 20)
            text.append("\n" + (set_cell_size(line, width) if cell_len(line) > width else line))
        return text

    # -- typing -------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        """Digits are the form's data: handled here, before any binding sees them."""
        ch = event.character
        if event.key in self.active_bindings:  # a digit the user's [keys] gave a binding
            return
        if ch is not None and len(ch) == 1 and ch in "0123456789" and event.key == ch:
            event.stop()
            event.prevent_default()
            self.type_digit(int(ch))

    def type_digit(self, digit: int) -> None:
        item = self.item
        self.message = ""
        if item.is_level:
            if 1 <= digit <= len(item.levels):
                self.levels[item.code] = item.levels[digit - 1].id
                self._advance()
            else:
                self.message = f"{item.code} は 1 から {len(item.levels)} の番号で選びます"
            self.show()
            return
        number = digit
        if len(item.choices) > 9:
            if self.tens:
                self.tens = False
                number = 10 + digit
            elif digit == TENS_KEY:
                self.tens = True
                self.show()
                return
        if item.choice_label(number) is None:
            self.message = f"{item.code} に {number} はありません（1 から {len(item.choices)}）"
            self.show()
            return
        if item.multi:
            got = self.answers.get(item.code, ())
            self.answers[item.code] = (
                tuple(n for n in got if n != number) if number in got else (*got, number)
            )
        else:
            self.answers[item.code] = (number,)
            self._advance()
        self.show()

    def _advance(self) -> None:
        if self.cursor < len(self.items) - 1:
            self.cursor += 1
        else:
            self.message = "最後の項目です。Ctrl+S で保存します"

    def _settle_tens(self) -> None:
        """Any key but a digit after 6's "0" drops the half-typed number."""
        if self.tens:
            self.tens = False
            self.message = "0 に続く数字がないので取り消しました"

    # -- actions ------------------------------------------------------------------
    def action_next_item(self) -> None:
        self.message = ""
        self._settle_tens()
        self._advance()
        self.show()

    def action_move(self, step: int) -> None:
        self.message = ""
        self._settle_tens()
        self.cursor = min(max(self.cursor + step, 0), len(self.items) - 1)
        self.show()

    def action_group(self, step: int) -> None:
        self.message = ""
        self._settle_tens()
        i = self.groups.index(self.item.group)
        target = self.groups[min(max(i + step, 0), len(self.groups) - 1)]
        self.cursor = self.group_items(target)[0]
        self.show()

    def action_clear_item(self) -> None:
        self.message = ""
        self._settle_tens()
        self.answers.pop(self.item.code, None)
        self.levels.pop(self.item.code, None)
        self.show()

    def action_note(self) -> None:
        self.message = ""
        self._settle_tens()
        item = self.item

        def written(text: str | None) -> None:
            if text is None:
                return
            if text.strip():
                self.notes[item.code] = text
            else:
                self.notes.pop(item.code, None)
            self.show()

        self.app.push_screen(NoteDialog(item, self.notes.get(item.code, "")), written)
        self.show()

    def action_save(self) -> None:
        self.dismiss(self.current_form())

    def action_close(self) -> None:
        if self.tens:
            self._settle_tens()
            self.show()
            return
        self.close_form(lambda: self.dismiss(None))
