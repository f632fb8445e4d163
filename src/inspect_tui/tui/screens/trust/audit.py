"""The audit trail (監査記録), newest first, for managers: filter by who, what and
since when; page through; verify the hash chain. Personal values are stored
redacted, so nothing here can show them.

A DataScreen: it reads in its own thread workers and reloads when the database
changes. Push it with ``app.push_screen(AuditScreen())``.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from inspect_tui.tui.screens.base import DataScreen
from inspect_tui.tui.widgets.footer import Footer

PAGE = 200
HELP = " 絞り込み例: who=alice entity=case key=C-0001 since=2027-06-01（Enter で適用、空で全件）"


def parse_filter(text: str) -> dict[str, str]:
    """``who=alice entity=case since=2027-06-01`` → a filter dict; unknown words are an error."""
    out: dict[str, str] = {}
    for word in text.split():
        name, sep, value = word.partition("=")
        if not sep or name not in ("who", "entity", "key", "action", "since") or not value:
            raise ValueError(f"「{word}」は使えません（who= entity= key= action= since=）")
        if name == "since":
            from inspect_tui.core.jpdate import parse_date

            value = parse_date(value).isoformat()
        out[name] = value
    return out


def _short(values: dict[str, Any] | None) -> str:
    if values is None:
        return "－"
    return json.dumps(values, ensure_ascii=False, sort_keys=True)[:120]


class AuditScreen(DataScreen):
    """Audit rows with filters, paging and chain verification."""

    BINDINGS: ClassVar = [
        Binding("escape", "app.pop_screen", "戻る", id="audit.back", tooltip="前の画面に戻る"),
        Binding("slash", "focus_filter", "絞り込み", id="audit.filter", tooltip="who= entity= since= で絞る"),
        Binding("n", "next_page", "次", id="audit.next", tooltip=f"古い方へ {PAGE} 件"),
        Binding("p", "prev_page", "前", id="audit.prev", tooltip=f"新しい方へ {PAGE} 件"),
        Binding("v", "verify", "検証", id="audit.verify", tooltip="ハッシュのつながりを検査"),
    ]

    class Loaded(Message):
        def __init__(self, rows: list, error: str | None = None) -> None:
            super().__init__()
            self.rows = rows
            self.error = error

    class Verified(Message):
        def __init__(self, text: str, ok: bool) -> None:
            super().__init__()
            self.text = text
            self.ok = ok

    def __init__(self) -> None:
        super().__init__()
        self.filters: dict[str, str] = {}
        self.page_offset = 0
        self.rows: list = []

    def compose(self) -> ComposeResult:
        yield Static(" 監査記録", id="audit-title")
        yield Input(placeholder=HELP.strip(), id="audit-filter")
        yield Static(" 読み込み中…", id="audit-status")
        yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key in (("id", "id"), ("日時", "at"), ("誰が", "who"), ("操作", "action"),
                           ("対象", "target"), ("前", "before"), ("後", "after")):  # fmt: skip
            table.add_column(label, key=key)
        table.focus()
        super().on_mount()  # loads now (the session is open) and after every change

    def load(self) -> None:
        self._load(dict(self.filters), self.page_offset)

    @work(thread=True, exclusive=True, group="audit", exit_on_error=False)
    def _load(self, filters: dict[str, str], offset: int) -> None:
        from inspect_tui.services.trust.audit import audit_rows
        from inspect_tui.services.trust.permissions import PermissionDenied

        try:
            rows = audit_rows(self.app.session, filters, PAGE, offset)  # type: ignore[attr-defined]
        except PermissionDenied as exc:
            self.post_message(self.Loaded([], str(exc)))
            return
        self.post_message(self.Loaded(rows))

    def on_audit_screen_loaded(self, message: Loaded) -> None:
        status = self.query_one("#audit-status", Static)
        table = self.query_one(DataTable)
        table.clear()
        if message.error:
            status.update(f" {message.error}")
            return
        self.rows = message.rows
        for r in self.rows:
            table.add_row(str(r.id), r.at[:16].replace("T", " "), r.who, r.action, f"{r.entity}:{r.key}",
                          _short(r.before), _short(r.after), key=str(r.id))  # fmt: skip
        shown = " ".join(f"{k}={v}" for k, v in self.filters.items()) or "全件"
        first, last = self.page_offset + 1, self.page_offset + len(self.rows)
        span = f"{first}〜{last} 件目" if self.rows else "該当なし"
        status.update(f" {shown}  {span}（新しい順）  n: 次  p: 前  v: 検証")

    @on(Input.Submitted, "#audit-filter")
    def _filter(self, event: Input.Submitted) -> None:
        try:
            self.filters = parse_filter(event.value)
        except ValueError as exc:
            self.query_one("#audit-status", Static).update(f" {exc}")
            return
        self.page_offset = 0
        self.query_one(DataTable).focus()
        self.load()

    def action_focus_filter(self) -> None:
        self.query_one(Input).focus()

    def action_next_page(self) -> None:
        if len(self.rows) == PAGE:
            self.page_offset += PAGE
            self.load()

    def action_prev_page(self) -> None:
        if self.page_offset:
            self.page_offset = max(0, self.page_offset - PAGE)
            self.load()

    def action_verify(self) -> None:
        self._verify()

    @work(thread=True, exclusive=True, group="audit-verify", exit_on_error=False)
    def _verify(self) -> None:
        from inspect_tui.services.trust.audit import verify
        from inspect_tui.services.trust.permissions import PermissionDenied

        session = self.app.session  # type: ignore[attr-defined]
        try:
            report = verify(session)
        except PermissionDenied as exc:
            self.post_message(self.Verified(str(exc), False))
            return
        if report.ok:
            text = f" 検証: {report.rows} 件、つながりに問題なし（最新ハッシュ {report.head_hash[:16]}…）"
        else:
            text = " 検証: 改ざんの跡 " + "; ".join(str(p) for p in report.problems[:3])
        self.post_message(self.Verified(text, report.ok))

    def on_audit_screen_verified(self, message: Verified) -> None:
        self.query_one("#audit-title", Static).update(message.text)
