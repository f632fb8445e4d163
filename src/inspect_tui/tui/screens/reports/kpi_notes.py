"""The KGI/KPI report's evaluation text (自己評価, 課題・今後の方向性), one indicator at a time.

    (indicator list)  pick the indicator; what was typed for the one before is kept
    ctrl+s            save every indicator changed (one write each, as ``report kpi-note``)
    escape            close, asking first when anything was changed

What looks like personal data is warned about under each box, and the save asks once;
the printed report masks it anyway.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Select, TextArea

from inspect_tui.tui.bindings import binding as _b
from inspect_tui.tui.screens.confirm import DiscardGuard
from inspect_tui.tui.screens.free_text import PersonalDataWarning, confirm_then

KINDS = {"self": "自己評価", "issues": "課題・今後の方向性"}
#: (indicator id, kind) -> text
Notes = dict[tuple[str, str], str]


class KpiNotesScreen(DiscardGuard, ModalScreen[Notes | None]):
    BINDINGS: ClassVar = [
        _b("ctrl+s", "save", "保存", "reports.kpi_notes.save"),
        _b("escape", "cancel", "取消", "reports.kpi_notes.cancel"),
    ]
    DEFAULT_CSS = """
    KpiNotesScreen { align: center middle; }
    KpiNotesScreen > Vertical { width: 90%; max-width: 110; height: 90%; border: round $accent;
      background: $surface; padding: 0 1; }
    KpiNotesScreen TextArea { height: 1fr; }
    KpiNotesScreen Select { width: 1fr; }
    """

    def __init__(self, fy_label: str, indicators: list[tuple[str, str, int]], notes: Notes) -> None:
        """indicators: (id, name, depth) in the table's order; notes: what is recorded."""
        super().__init__()
        self.fy_label, self.indicators = fy_label, indicators
        self.saved: Notes = dict(notes)
        self.typed: Notes = dict(notes)  # what the boxes hold, every indicator
        self.current = indicators[0][0] if indicators else ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"{self.fy_label} の評価（ctrl+s 保存 / esc 取消）")
            yield Select(
                [(f"{'　' * depth}{name}", ident) for ident, name, depth in self.indicators],
                value=self.current,
                allow_blank=False,
                id="kpi-note-indicator",
            )
            for kind, label in KINDS.items():
                yield Label(label)
                yield TextArea(self.typed.get((self.current, kind), ""), id=f"kpi-note-{kind}")
                yield PersonalDataWarning(id=f"kpi-note-{kind}-warning")

    def on_mount(self) -> None:
        for kind in KINDS:
            self._check(kind)
        self.query_one("#kpi-note-self", TextArea).focus()
        self.remember_values()

    def _check(self, kind: str) -> None:
        text = self.query_one(f"#kpi-note-{kind}", TextArea).text
        self.query_one(f"#kpi-note-{kind}-warning", PersonalDataWarning).check(text)

    def _stash(self) -> None:
        for kind in KINDS:
            self.typed[(self.current, kind)] = self.query_one(f"#kpi-note-{kind}", TextArea).text

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "kpi-note-indicator" or event.value == self.current:
            return
        self._stash()
        self.current = str(event.value)
        for kind in KINDS:
            self.query_one(f"#kpi-note-{kind}", TextArea).text = self.typed.get((self.current, kind), "")
            self._check(kind)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        kind = (event.text_area.id or "").removeprefix("kpi-note-")
        if kind in KINDS:
            self._check(kind)

    def changed(self) -> Notes:
        """What differs from what is recorded (every indicator, not only the one shown)."""
        self._stash()
        return {k: v for k, v in self.typed.items() if v.strip() != self.saved.get(k, "").strip()}

    def has_changes(self) -> bool:
        return bool(self.changed())

    def action_save(self) -> None:
        from inspect_tui.services.trust.free_text import field_warnings

        changed = self.changed()
        names = {ident: name for ident, name, _depth in self.indicators}
        warnings = field_warnings({f"{names.get(i, i)} {KINDS[k]}": t for (i, k), t in changed.items()})
        confirm_then(self.app, warnings, lambda: self.dismiss(changed))

    def action_cancel(self) -> None:
        self.close_form(lambda: self.dismiss(None))
