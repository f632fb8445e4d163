"""A form for one record, built from a list of fields: the complaint, incident
(事故振り返りシート) and problem forms are all this, with their own fields and save.

Keys: Tab / Shift+Tab (or Enter in a one-line field) to move, Space to tick a
box, Enter on a choice to open it, Ctrl+S to save, Esc to cancel (asking first
when anything was changed). Bad input shows every bad field by name at the top
and moves the cursor to the first one; nothing is saved until all of it is good.
Under each free-text field a line says what in it looks like personal data, and
the save asks once.

A monitor opens a record read-only, its free text masked (``read_only``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from inspect_tui.core.records import record
from inspect_tui.services.quality.input import FREE_TEXT_FIELDS, PERSONAL_DATA_WARNING, QualityInputError
from inspect_tui.tui.calls import ServiceCalls
from inspect_tui.tui.screens.confirm import DiscardGuard
from inspect_tui.tui.screens.free_text import PersonalDataWarning, confirm_then
from inspect_tui.tui.widgets.footer import Footer
from inspect_tui.tui.widgets.tick import Tick


@record(frozen=True)
class Field:
    key: str
    label: str
    kind: str = "text"  # text | area | select | check
    options: Sequence[tuple[str, str]] = ()  # (shown, value) for select
    placeholder: str = ""
    required: bool = False


FORM_BINDINGS = [
    Binding(
        "ctrl+s", "save", "保存", tooltip="入力を確かめて保存する", id="quality.form.save", priority=True
    ),
    Binding("escape", "cancel", "取消", tooltip="保存せずに閉じる", id="quality.form.cancel"),
]


class RecordForm(ServiceCalls, DiscardGuard, ModalScreen[int | None]):
    """Subclasses set TITLE and FIELDS and implement ``save_values`` (returns the id).
    Esc on a form with changes asks before discarding them. ``check_values``,
    ``save_values`` and ``case_nos`` run in a worker (tui/calls.py) and get the session."""

    DEFAULT_CSS = """
    RecordForm { align: center middle; }
    RecordForm > #form-box { width: 96; max-width: 100%; height: 95%; border: thick $primary;
        background: $surface; padding: 0 1; }
    RecordForm #form-title { text-style: bold; padding: 0 0 1 0; }
    RecordForm #form-note { color: $text-muted; }
    RecordForm #form-errors { color: $error; text-style: bold; display: none; padding: 1 0; }
    RecordForm #form-errors.shown { display: block; }
    RecordForm .row { height: auto; margin-bottom: 1; }
    RecordForm .row > Label { width: 22; padding: 0 1 0 0; }
    RecordForm .row > Input, RecordForm .row > Select { width: 1fr; }
    RecordForm .row > TextArea { width: 1fr; height: 3; }
    RecordForm .row > Input, RecordForm .row > TextArea, RecordForm .row > Select { background: $boost; }
    RecordForm .row > Input:focus, RecordForm .row > TextArea:focus, RecordForm .row > Select:focus {
        background: $primary 30%; }
    RecordForm .row > Checkbox { width: 1fr; }
    RecordForm PersonalDataWarning { margin: 0 0 1 22; }
    """
    BINDINGS = FORM_BINDINGS
    FORM_TITLE = ""
    FIELDS: Sequence[Field] = ()
    NOTE = PERSONAL_DATA_WARNING
    ENTITY = ""  # complaint / incident / problem: which fields are free text (FREE_TEXT_FIELDS)

    def __init__(
        self,
        record_id: int | None = None,
        values: Mapping[str, Any] | None = None,
        on_saved: Callable[[int], None] | None = None,
        read_only: bool = False,
    ) -> None:
        super().__init__()
        self.record_id = record_id
        self.initial = dict(values or {})
        self.on_saved = on_saved
        self.read_only = read_only
        self._known_cache: tuple | None = None  # (case key, known names and numbers)
        self._known_asked: object = None

    @property
    def config(self):
        return self.app.session.config

    # ------------------------------------------------------------------ building
    def fields(self) -> Sequence[Field]:
        return self.FIELDS

    def free_keys(self) -> frozenset[str]:
        return frozenset(FREE_TEXT_FIELDS.get(self.ENTITY, {}))

    def compose(self) -> ComposeResult:
        if self.read_only:
            title = self.FORM_TITLE + f"（{self.record_id}番・閲覧のみ）"
            note = "閲覧のみです。自由記述の個人情報のような文字は伏せています。  Esc 閉じる"
        else:
            title = self.FORM_TITLE + (f"（{self.record_id}番を直す）" if self.record_id else "（新規）")
            note = self.NOTE + "  Ctrl+S 保存 / Esc 取消"
        free = self.free_keys()
        with VerticalScroll(id="form-box"):
            yield Static(title, id="form-title")
            yield Static(note, id="form-note")
            yield Static("", id="form-errors")
            for f in self.fields():
                with Horizontal(classes="row"):
                    yield Label(f.label + ("＊" if f.required else ""))
                    widget = self._widget(f)
                    widget.disabled = self.read_only
                    yield widget
                if f.key in free and not self.read_only:
                    yield PersonalDataWarning(id=f"w-{f.key}")
        yield Footer()

    def _widget(self, f: Field) -> Widget:
        value = self.initial.get(f.key)
        wid = f"f-{f.key}"
        if f.kind == "select":
            allowed = {v for _, v in f.options}
            return Select(
                list(f.options),
                prompt=f.placeholder or "選ぶ",
                id=wid,
                value=value if value in allowed else Select.NULL,
                compact=True,
            )
        if f.kind == "check":
            return Tick(f.placeholder or f.label, value=bool(value), id=wid, compact=True)
        text = "" if value is None else str(value)
        if f.kind == "area":
            return TextArea(text, id=wid, placeholder=f.placeholder, compact=True)
        return Input(text, placeholder=f.placeholder, id=wid, compact=True)

    def on_mount(self) -> None:
        first = self.fields()[0]
        self.query_one(f"#f-{first.key}").focus()
        self.check_free_text()
        self.remember_values()

    # ------------------------------------------------------------------ personal data
    def case_key(self, values: Mapping[str, Any]) -> tuple:
        """What decides the record's cases, as typed (a change looks them up again)."""
        return (str(values.get("case_no") or "").strip(),)

    def case_nos(self, session, values: Mapping[str, Any]) -> list[str]:
        """In a worker: the cases the record belongs to (their names and numbers are looked for)."""
        return [str(values.get("case_no") or "").strip()]

    def _known_of(self, session, values: Mapping[str, Any]):
        from inspect_tui.services.trust.free_text import known_for_cases

        return known_for_cases(session, tuple(self.case_nos(session, values)))

    def known(self, values: Mapping[str, Any] | None = None):
        """The names and numbers of the record's cases as last looked up (in a worker; until
        then nothing is known, and the save looks again before it asks)."""
        from inspect_tui.services.trust.free_text import NOTHING

        values = values if values is not None else self.values()
        key = self.case_key(values)
        if self._known_cache is not None and self._known_cache[0] == key:
            return self._known_cache[1]
        if self._known_asked != key:
            self._known_asked = key

            def found(known) -> None:
                self._known_cache = (key, known)
                if self.is_mounted:
                    self.check_free_text()

            self.call(self._known_of, dict(values), done=found)
        return self._known_cache[1] if self._known_cache else NOTHING

    def check_free_text(self, only: str | None = None) -> None:
        """Update the warning line under each free-text field (or only one)."""
        if self.read_only:
            return
        values = self.values()
        known = self.known(values)
        for key in self.free_keys():
            if only in (None, key):
                for w in self.query(f"#w-{key}").results(PersonalDataWarning):
                    w.check(None if values.get(key) is None else str(values[key]), known)

    def free_text_warnings(self, values: Mapping[str, Any]) -> list:
        from inspect_tui.services.trust.free_text import field_warnings

        labels = FREE_TEXT_FIELDS.get(self.ENTITY, {})
        return field_warnings({labels[k]: values.get(k) for k in labels if k in values}, self.known(values))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._typed(event.input.id)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._typed(event.text_area.id)

    def _typed(self, widget_id: str | None) -> None:
        if not self.is_mounted or not widget_id or not widget_id.startswith("f-"):
            return
        key = widget_id[2:]
        # a different case (or link) changes whose name is looked for: look at every field again
        self.check_free_text(None if key not in self.free_keys() else key)

    # ------------------------------------------------------------------ reading
    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.fields():
            w = self.query_one(f"#f-{f.key}")
            if isinstance(w, Select):
                out[f.key] = "" if w.value is Select.NULL else w.value
            elif isinstance(w, Checkbox):
                out[f.key] = w.value
            elif isinstance(w, TextArea):
                out[f.key] = w.text
            elif isinstance(w, Input):
                out[f.key] = w.value
        return out

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    # ------------------------------------------------------------------ saving
    def save_values(self, session, values: dict[str, Any]) -> int:  # pragma: no cover - subclasses
        raise NotImplementedError

    def check_values(self, session, values: dict[str, Any]) -> None:
        """Raise QualityInputError for bad input, writing nothing (subclasses: the service's check)."""

    def _checked(self, session, values: dict[str, Any]):
        """In a worker: the service's check, then the names and numbers to look for."""
        self.check_values(session, dict(values))
        return self._known_of(session, values)

    def action_save(self) -> None:
        """Check everything; ask once if free text looks like personal data; then save."""
        if self.read_only:
            self._say_read_only()
            return
        values = self.values()

        def checked(known) -> None:
            self._known_cache = (self.case_key(values), known)
            confirm_then(self.app, self.free_text_warnings(values), lambda: self._save(values))

        self.call(self._checked, values, done=checked, failed=self._refused)

    def _refused(self, exc: BaseException, text: str) -> None:
        if isinstance(exc, QualityInputError):
            self.show_errors(exc.problems)
        else:
            self._show_error_text(f"保存していません: {text}")

    def _save(self, values: dict[str, Any]) -> None:
        def saved(rid: int) -> None:
            if self.on_saved:
                self.on_saved(rid)
            self.dismiss(rid)

        self.write(lambda s: self.save_values(s, dict(values)), done=saved, failed=self._refused)

    def _show_error_text(self, text: str) -> None:
        box = self.query_one("#form-errors", Static)
        box.update(Text(text))
        box.add_class("shown")

    def _say_read_only(self) -> None:
        box = self.query_one("#form-errors", Static)
        box.update(Text("閲覧のみです（記録や変更は主任調査員・業務責任者が行います）"))
        box.add_class("shown")

    def action_cancel(self) -> None:
        self.close_form(lambda: self.dismiss(None))

    def show_errors(self, problems: list[tuple[str, str]]) -> None:
        box = self.query_one("#form-errors", Static)
        box.update(
            Text(
                "保存していません。直してください:\n" + "\n".join(f"・{lab}: {msg}" for lab, msg in problems)
            )
        )
        box.add_class("shown")
        by_label = {f.label: f.key for f in self.fields()}
        for label, _ in problems:
            key = by_label.get(label)
            if key:
                self.query_one(f"#f-{key}").focus()
                break
        self.query_one("#form-box", VerticalScroll).scroll_home(animate=False)
