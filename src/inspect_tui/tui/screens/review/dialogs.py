"""Small dialogs of the review: a finding's details, a line of text, an accompanied
visit, a choice from a list. Each returns its values with dismiss(); Escape
returns None."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from inspect_tui.tui.screens.confirm import DiscardGuard
from inspect_tui.tui.screens.free_text import PersonalDataWarning, confirm_then

CANCEL = Binding("escape", "cancel", "やめる", tooltip="入力せずに閉じる", id="review.dialog.cancel")


class ReviewDialog(DiscardGuard, ModalScreen):
    """Base: Escape closes with None (asking first when something typed would be lost);
    Enter in the last field submits."""

    def saves_as_typed(self) -> bool:
        """What is typed is saved as it is typed (FindingDialog): Esc loses nothing, asks nothing."""
        return False

    BINDINGS: ClassVar[list] = [CANCEL]
    DEFAULT_CSS = """
    ReviewDialog { align: center middle; }
    ReviewDialog > Vertical { width: 72; max-width: 95%; height: auto; border: thick $primary;
        background: $surface; padding: 0 1; }
    ReviewDialog Label { margin-top: 1; }
    ReviewDialog .dialog-error { color: $error; text-style: bold; height: auto; }
    ReviewDialog .dialog-help { color: $text-muted; height: auto; margin-top: 1; }
    """

    def on_mount(self) -> None:  # after the subclass's on_mount has filled the fields
        self.remember_values()

    def action_cancel(self) -> None:
        if self.saves_as_typed():
            self.dismiss(None)
            return
        self.close_form(lambda: self.dismiss(None))


class FindingDialog(ReviewDialog):
    """The survey item (optional), a note of a finding and the guidance given for it
    (指導内容). Returns (item_code, note, guidance) or None.

    on_change(item_code, note, guidance) is called on every change with a valid item code
    (or ''), so what is typed is saved even if the app is closed with the dialog open.
    known: the names and numbers of the case (services.free_text.Known), for the warnings
    under the note and the guidance; the check asks about them once when it is saved."""

    def saves_as_typed(self) -> bool:
        return self.on_change is not None

    def __init__(
        self,
        title: str,
        item_code: str = "",
        note: str = "",
        on_change=None,
        known=None,
        guidance: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.item_code = item_code
        self.note = note
        self.guidance = guidance
        self.on_change = on_change
        self.known = known

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Label("調査項目（任意。例: 1-1, 2-12, 4-3, 6-5, 7-2）")
            yield Input(self.item_code, id="finding-item", placeholder="空のままでもよい")
            yield Static("", id="finding-item-name", classes="dialog-help")
            yield Label("内容のメモ（申請者の氏名などは書かない）")
            yield Input(self.note, id="finding-note")
            yield PersonalDataWarning(id="finding-note-warning")
            yield Label("指導内容（この指摘について調査員に伝えたこと。任意）")
            yield Input(self.guidance, id="finding-guidance", placeholder="例: 介助の頻度を特記事項に書く")
            yield PersonalDataWarning(id="finding-guidance-warning")
            yield Static("", id="finding-error", classes="dialog-error")
            yield Static(self._keys_help(), classes="dialog-help")

    def _keys_help(self) -> str:
        if self.saves_as_typed():
            return "Enter: 次へ／決定   Esc: 閉じる（書いた内容はその都度保存済み）"
        return "Enter: 次へ／決定   Esc: 詳細なしで閉じる"

    def _texts(self) -> tuple[str, str]:
        return (
            self.query_one("#finding-note", Input).value,
            self.query_one("#finding-guidance", Input).value,
        )

    def _warn(self) -> None:
        note, guidance = self._texts()
        self.query_one("#finding-note-warning", PersonalDataWarning).check(note, self.known)
        self.query_one("#finding-guidance-warning", PersonalDataWarning).check(guidance, self.known)

    def on_mount(self) -> None:
        self._show_item(self.item_code)
        self._warn()
        self.query_one("#finding-item", Input).focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        item = self.query_one("#finding-item", Input).value
        valid = self._show_item(item)
        self._warn()
        if self.on_change is not None and self.is_mounted:
            self.on_change(item if valid else None, *self._texts())

    def _show_item(self, text: str) -> bool:
        from inspect_tui.core.review import ReviewRuleError, item_label, normalize_item_code

        name = self.query_one("#finding-item-name", Static)
        try:
            code = normalize_item_code(text)
        except ReviewRuleError as exc:
            name.update(str(exc))
            return False
        name.update(item_label(code) if code else "")
        return True

    @on(Input.Submitted, "#finding-item")
    def _to_note(self) -> None:
        self.query_one("#finding-note", Input).focus()

    @on(Input.Submitted, "#finding-note")
    def _to_guidance(self) -> None:
        self.query_one("#finding-guidance", Input).focus()

    @on(Input.Submitted, "#finding-guidance")
    def _done(self) -> None:
        item = self.query_one("#finding-item", Input).value
        if not self._show_item(item):
            self.query_one("#finding-error", Static).update("調査項目を直すか、空にしてください")
            self.query_one("#finding-item", Input).focus()
            return
        self.dismiss((item, *self._texts()))


class TextDialog(ReviewDialog):
    """One line of free text. Returns the text (may be empty) or None. What looks like
    personal data (with known: the cases' names and numbers) is warned about under the
    field, and Enter asks once before returning it."""

    def __init__(self, title: str, label: str, value: str = "", known=None) -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.value = value
        self.known = known

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Label(self.label)
            yield Input(self.value, id="text-value")
            yield PersonalDataWarning(id="text-value-warning")
            yield Static("Enter: 決定   Esc: やめる", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#text-value-warning", PersonalDataWarning).check(self.value, self.known)
        self.query_one(Input).focus()

    @on(Input.Changed, "#text-value")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#text-value-warning", PersonalDataWarning).check(event.value, self.known)

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        from inspect_tui.services.trust.free_text import NOTHING, field_warnings

        text = event.value
        warnings = field_warnings({self.label: text}, self.known or NOTHING)
        confirm_then(self.app, warnings, lambda: self.dismiss(text))


class VisitDialog(ReviewDialog):
    """An accompanied visit: date and purpose (and an optional case number).
    Returns (date, purpose, case_no) or None."""

    def __init__(self, surveyor_label: str, today, known=None) -> None:
        super().__init__()
        self.surveyor_label = surveyor_label
        self.today = today
        self.known = known

    def compose(self) -> ComposeResult:
        from inspect_tui.services.review.surveyor import VISIT_PURPOSES

        with Vertical() as box:
            box.border_title = f"同行訪問の記録 {self.surveyor_label}"
            yield Label("日付（2027-06-15, R9.6.15 など）")
            yield Input(self.today.isoformat(), id="visit-date")
            yield Label("目的（" + "／".join(VISIT_PURPOSES) + " など）")
            yield Input(VISIT_PURPOSES[1], id="visit-purpose")
            yield PersonalDataWarning(id="visit-purpose-warning")
            yield Label("依頼番号（任意）")
            yield Input("", id="visit-case")
            yield Static("", id="visit-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one("#visit-date", Input).focus()

    @on(Input.Submitted, "#visit-date")
    def _next1(self) -> None:
        self.query_one("#visit-purpose", Input).focus()

    @on(Input.Submitted, "#visit-purpose")
    def _next2(self) -> None:
        self.query_one("#visit-case", Input).focus()

    @on(Input.Changed, "#visit-purpose")
    def _purpose_typed(self, event: Input.Changed) -> None:
        self.query_one("#visit-purpose-warning", PersonalDataWarning).check(event.value, self.known)

    @on(Input.Submitted, "#visit-case")
    def _done(self) -> None:
        from inspect_tui.core.jpdate import DateError, parse_date

        try:
            day = parse_date(self.query_one("#visit-date", Input).value)
        except DateError as exc:
            self.query_one("#visit-error", Static).update(str(exc))
            self.query_one("#visit-date", Input).focus()
            return
        from inspect_tui.services.trust.free_text import NOTHING, field_warnings

        purpose = self.query_one("#visit-purpose", Input).value.strip()
        if not purpose:
            self.query_one("#visit-error", Static).update("目的を書いてください")
            self.query_one("#visit-purpose", Input).focus()
            return
        result = (day, purpose, self.query_one("#visit-case", Input).value.strip() or None)
        warnings = field_warnings({"目的": purpose}, self.known or NOTHING)
        confirm_then(self.app, warnings, lambda: self.dismiss(result))


class ChoiceDialog(ReviewDialog):
    """Choose one of (value, label). Returns the value or None."""

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield OptionList(*(Option(label, id=value) for value, label in self.choices), id="choice-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class CaseCheckDialog(ReviewDialog):
    """Open a check of any form by case number: ordinary inspection (通常点検) or a finding
    that came back from the office (照会・返戻・再調査). Returns (case_no, kind, post_source)."""

    KINDS: ClassVar[list] = [
        ("routine", "通常点検（重点チェックの対象なら重点チェック）"),
        ("query", "提出後の指摘: 照会"),
        ("return", "提出後の指摘: 返戻"),
        ("resurvey", "提出後の指摘: 再調査"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "調査票の点検を記録する"
            yield Label("依頼番号")
            yield Input("", id="check-case-no")
            yield Label("種類（上下キーで選び Enter）")
            yield OptionList(*(Option(label, id=value) for value, label in self.KINDS), id="check-kind")
            yield Static("", id="check-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one("#check-case-no", Input).focus()

    @on(Input.Submitted, "#check-case-no")
    def _to_kind(self) -> None:
        kinds = self.query_one("#check-kind", OptionList)
        kinds.highlighted = 0
        kinds.focus()

    @on(OptionList.OptionSelected, "#check-kind")
    def _done(self, event: OptionList.OptionSelected) -> None:
        case_no = self.query_one("#check-case-no", Input).value.strip()
        if not case_no:
            self.query_one("#check-error", Static).update("依頼番号を入れてください")
            self.query_one("#check-case-no", Input).focus()
            return
        value = event.option.id or "routine"
        if value == "routine":
            self.dismiss((case_no, None, None))
        else:
            self.dismiss((case_no, "post", value))
