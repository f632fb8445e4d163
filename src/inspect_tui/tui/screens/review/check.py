"""The check of one form, walked through with single keys (001 §4(5), §5(3)②③).

For each point — 誤字・脱字, 選択漏れ・記載漏れ, 不適切な文言, 選択肢と特記事項の整合性,
項目間の整合性, 特記事項の質 — the chief presses o (OK; a: every point left OK) or 1/2/3 (a finding: 軽微 /
要修正 / 重大), then optionally types the survey item and a note. Below: the
guidance given and how, whether the form was fixed before submission, and the
minutes (left empty: the time this screen was open). Ctrl+S saves; Escape or
q leaves with the draft kept. Every change is written to the database at once
(services.review), so a check left half way is resumed next time.
"""

from __future__ import annotations

import time
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Footer, Input, Label, Static
from textual.widgets.data_table import RowDoesNotExist

from inspect_tui.core import review as rules
from inspect_tui.tui.bindings import binding as b
from inspect_tui.tui.permissions import RoleKeys, permissions_of
from inspect_tui.tui.screens.free_text import PersonalDataWarning, confirm_then
from inspect_tui.tui.screens.review.common import SessionMixin

#: What changes a check: offered only to its own inspector (another chief sees it read-only).
WRITE_ACTIONS = frozenset({"mark_ok", "rest_ok", "finding", "edit_finding", "clear_row", "save"})

SEVERITY_KEYS = {"1": "minor", "2": "fix", "3": "serious"}
SEVERITY_STYLE = {"minor": "yellow", "fix": "bold yellow", "serious": "bold red"}


class PointTable(DataTable):
    """The six points and their findings; the single keys of the check live here."""

    BINDINGS: ClassVar[list] = [
        b("o,space", "screen.mark_ok", "OK", "review.check.ok", "この点検項目は問題なし", key_display="o"),
        b("a", "screen.rest_ok", "残りOK", "review.check.rest_ok", "未確認の項目をすべて OK にする"),
        b("1", "screen.finding('minor')", "軽微", "review.check.minor", "指摘（軽微）を記録する"),
        b("2", "screen.finding('fix')", "要修正", "review.check.fix", "指摘（要修正）を記録する"),
        b("3", "screen.finding('serious')", "重大", "review.check.serious", "指摘（重大）を記録する"),
        b(
            "e,enter",
            "screen.edit_finding",
            "詳細",
            "review.check.edit",
            "指摘の調査項目とメモを書く",
            show=False,
        ),
        b(
            "x,delete",
            "screen.clear_row",
            "取消",
            "review.check.clear",
            "指摘を消す／項目を未確認に戻す",
            show=False,
        ),
        b("j", "cursor_down", "下", "review.check.down", show=False),
        b("k", "cursor_up", "上", "review.check.up", show=False),
    ]


class CheckScreen(RoleKeys, SessionMixin, Screen[str | None]):
    """One check (focused, routine, follow-up, post-submission or blind). Dismisses with
    'saved' after Ctrl+S, None when left with the draft kept. Another inspector's check
    opens read-only: its keys that write are not offered and its fields cannot be typed in."""

    BINDINGS: ClassVar[list] = [
        b("ctrl+s", "save", "保存", "review.check.save", "点検を保存して次へ", priority=True),
        b("escape", "leave", "中断", "review.check.leave", "下書きのまま閉じる（あとで続けられます）"),
        b("tab", "app.focus_next", "次の欄", "review.check.next_field", show=False),
        Binding("shift+tab", "app.focus_previous", "前の欄", show=False),
    ]
    DEFAULT_CSS = """
    CheckScreen #check-head { height: auto; background: $boost; padding: 0 1; }
    CheckScreen #check-points { height: auto; max-height: 16; }
    CheckScreen #check-keys { height: 1; color: $text-muted; padding: 0 1; }
    CheckScreen #check-form { height: 1fr; padding: 0 1; }
    CheckScreen #check-form Label { margin-top: 1; }
    CheckScreen #check-methods { height: auto; }
    CheckScreen #check-methods Checkbox { margin-right: 2; }
    CheckScreen #check-status { height: auto; color: $warning; padding: 0 1; }
    """

    def __init__(self, ctx, *, session=None, chain: bool = False) -> None:
        super().__init__()
        self._session = session
        self.ctx = ctx
        self.chain = chain
        self._opened = time.monotonic()
        self._base_seconds = ctx.check.open_seconds
        self._loading = True
        self._read_only: bool | None = None
        self._known = None

    # -- layout ---------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="check-head")
        yield PointTable(id="check-points", cursor_type="row", zebra_stripes=False)
        yield Static(
            " o:OK a:残りOK  1:軽微 2:要修正 3:重大  e:詳細 x:取消  Tab:指導欄  Ctrl+S:保存",
            id="check-keys",
        )
        with VerticalScroll(id="check-form", can_focus=False):
            yield Label("指導の内容")
            yield Input(id="check-guidance", placeholder="どこをどう直すよう伝えたか", compact=True)
            yield PersonalDataWarning(id="check-guidance-warning")
            yield Label("指導の方法")
            with Horizontal(id="check-methods"):
                for m in rules.GUIDANCE_METHODS:
                    yield Checkbox(m.label, id=f"method-{m.id}", compact=True)
            yield Checkbox("提出前に修正した", id="check-fixed", compact=True)
            yield Label("点検にかかった時間（分）")
            yield Input(id="check-minutes", type="integer", compact=True)
            if self.ctx.check.kind in rules.FOLLOWUP_MONTHS:
                yield Label("習熟度の所見（必須）")
                yield Input(
                    id="check-proficiency", placeholder="一人で調査できるか、課題は何か", compact=True
                )
                yield PersonalDataWarning(id="check-proficiency-warning")
        yield Static("", id="check-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(PointTable)
        table.add_column("点検項目", key="point", width=26)
        table.add_column("結果", key="result", width=8)
        table.add_column("調査項目", key="item", width=16)
        table.add_column("メモ", key="note")
        self._mask_for_viewer()
        rec = self.ctx.check
        self.query_one("#check-guidance", Input).value = rec.guidance
        for m in rules.GUIDANCE_METHODS:
            self.query_one(f"#method-{m.id}", Checkbox).value = m.id in rec.guidance_methods
        self.query_one("#check-fixed", Checkbox).value = bool(rec.fixed_before_submission)
        minutes = self.query_one("#check-minutes", Input)
        minutes.value = "" if rec.minutes is None else str(rec.minutes)
        if rec.kind in rules.FOLLOWUP_MONTHS:
            self.query_one("#check-proficiency", Input).value = rec.proficiency_note
        self._check_free_text()
        if self.read_only:  # nothing typed here could be saved: no field takes the cursor
            for w in self.query("#check-form Input, #check-form Checkbox"):
                w.disabled = True
            self.query_one("#check-keys", Static).update(
                " 閲覧のみ（変更は点検した本人が行います）  j/k:移動  Esc:閉じる"
            )
        self._render_head()
        self._fill(focus_point=self._first_open_point())
        self._update_minutes_hint()
        self.set_interval(30, self._tick)
        table.focus()
        self.call_after_refresh(self._loaded)
        notes = list(self.ctx.notes)
        if self.ctx.resumed and rec.state != "done" and not self.read_only:
            notes.append("途中まで記録した点検を再開しました")
        if notes:
            self.notify("\n".join(notes), timeout=4)

    @property
    def known(self):
        """The names and numbers of the form's case: what the notes must not quote."""
        from inspect_tui.services.trust.free_text import known_for_cases

        if self._known is None:
            self._known = known_for_cases(self.session, case_ids=[self.ctx.check.case_id])
        return self._known

    def _mask_for_viewer(self) -> None:
        """A monitor reads the check with its free text masked (they cannot change it)."""
        from inspect_tui.services.review.surveyor import masked_check
        from inspect_tui.services.trust.free_text import sees_as_typed, viewer

        if not sees_as_typed(self.session):
            self.ctx.check = masked_check(
                self.ctx.check, viewer(self.session, case_ids=[self.ctx.check.case_id])
            )

    def _check_free_text(self) -> None:
        for field in ("guidance", "proficiency"):
            for w in self.query(f"#check-{field}-warning").results(PersonalDataWarning):
                w.check(self.query_one(f"#check-{field}", Input).value, self.known)

    def free_text_warnings(self) -> list:
        """Every free text of the check that looks like personal data (asked about once on save)."""
        from inspect_tui.services.trust.free_text import field_warnings

        rec = self.ctx.check
        fields: dict[str, str] = {}
        for i, f in enumerate(rec.findings, 1):
            fields[f"指摘{i}のメモ（{rules.POINT_LABELS[f.point]}）"] = f.note
        fields["指導の内容"] = rec.guidance
        if rec.kind in rules.FOLLOWUP_MONTHS:
            fields["習熟度の所見"] = rec.proficiency_note
        return field_warnings(fields, self.known)

    @property
    def read_only(self) -> bool:
        from inspect_tui.services.review.queue import my_code

        if self._read_only is None:
            me = my_code(self.session)
            self._read_only = me != self.ctx.check.inspector
        return self._read_only

    def _loaded(self) -> None:
        self._loading = False

    def allows(self, action: str, parameters: tuple[object, ...]) -> bool:
        if action in WRITE_ACTIONS:
            return not self.read_only and permissions_of(self).may("review.save")
        return super().allows(action, parameters)

    def denied_message(self, description: str) -> str:
        if self.read_only:
            return f"{description}: 閲覧のみです（変更は点検した本人が行います）"
        return super().denied_message(description)

    def _render_head(self) -> None:
        ctx = self.ctx
        t = Text()
        t.append(ctx.title, style="bold")
        if ctx.case:
            t.append(f"  {ctx.case.case_no}  {ctx.case.ward}")
        t.append(f"\n調査員 {ctx.surveyor_name}（{ctx.check.surveyor}）")
        if ctx.case:
            t.append(f"  訪問 {ctx.case.visited_on or '－'}")
            due = ctx.case.standard_due
            t.append(f"  提出期限 {due or '－'}")
            if ctx.case.submitted_on:
                t.append(f"  提出済 {ctx.case.submitted_on}", style="yellow")
        t.append(f"  点検者 {ctx.inspector_name}")
        if self.read_only:
            t.append("  閲覧のみ（変更は点検した本人が行います）", style="yellow")
        elif ctx.check.state == "done":
            t.append("  点検済み（変更はすぐ保存）", style="green")
        self.query_one("#check-head", Static).update(t)

    def _rows(self) -> list[tuple[str, tuple]]:
        """(row key, cells) for the point table."""
        rows: list[tuple[str, tuple]] = []
        rec = self.ctx.check
        for p in rules.CHECK_POINTS:
            outcome = rec.outcomes.get(p.id)
            found = rec.findings_on(p.id)
            if found:
                result = Text(f"指摘{len(found)}", style="bold")
            elif outcome == "ok":
                result = Text("OK", style="green")
            else:
                result = Text("未確認", style="dim")
            rows.append((f"p:{p.id}", (Text(p.label, style="bold"), result, "", "")))
            for f in found:
                item = rules.item_label(f.item_code) if f.item_code else ""
                sev = Text(rules.SEVERITY_LABELS[f.severity], style=SEVERITY_STYLE[f.severity])
                rows.append((f"f:{f.id}", (Text("    指摘", style="dim"), sev, item, f.note)))
        return rows

    def _fill(self, focus_key: str | None = None, focus_point: str | None = None) -> None:
        table = self.query_one(PointTable)
        keep = focus_key or (f"p:{focus_point}" if focus_point else self._current_key())
        rows = self._rows()
        if [k for k, _ in rows] == [r.value for r in table.rows]:
            # same rows: update the cells in place (cheaper than rebuilding the table)
            for key, cells in rows:
                for col, value in zip(("point", "result", "item", "note"), cells, strict=True):
                    table.update_cell(key, col, value)
        else:
            table.clear()
            for key, cells in rows:
                table.add_row(*cells, key=key)
        if keep:
            try:
                table.move_cursor(row=table.get_row_index(keep))
            except RowDoesNotExist:  # the row went away (finding removed): stay near the top
                table.move_cursor(row=0)
        self._update_status()

    def _current_key(self) -> str | None:
        table = self.query_one(PointTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _first_open_point(self) -> str | None:
        for p in rules.POINT_IDS:
            if self.ctx.check.outcomes.get(p) is None:
                return p
        return rules.POINT_IDS[0]

    def _current_point(self) -> tuple[str | None, int | None]:
        """(point id, finding id or None) under the cursor."""
        key = self._current_key()
        if not key:
            return None, None
        kind, _, value = key.partition(":")
        if kind == "p":
            return value, None
        fid = int(value)
        f = next((x for x in self.ctx.check.findings if x.id == fid), None)
        return (f.point if f else None), fid

    def _next_point(self, point: str) -> str:
        i = rules.POINT_IDS.index(point)
        for p in rules.POINT_IDS[i + 1 :]:
            if self.ctx.check.outcomes.get(p) is None:
                return p
        return rules.POINT_IDS[min(i + 1, len(rules.POINT_IDS) - 1)]

    def _update_status(self) -> None:
        from inspect_tui.services.review.check import missing_points

        missing = missing_points(self.ctx.check)
        text = (
            ("未確認: " + "、".join(rules.POINT_LABELS[p] for p in missing))
            if missing
            else "すべての項目を確認しました。Ctrl+S で保存"
        )
        self.query_one("#check-status", Static).update(text)

    def _elapsed_seconds(self) -> int:
        return self._base_seconds + int(time.monotonic() - self._opened)

    def _update_minutes_hint(self) -> None:
        minutes = max(1, -(-self._elapsed_seconds() // 60))
        self.query_one("#check-minutes", Input).placeholder = f"空欄なら開いていた時間（いま {minutes} 分）"

    def _tick(self) -> None:
        self._update_minutes_hint()
        self._persist_time()

    # -- writing --------------------------------------------------------------
    def _run(self, fn, *args, **kwargs):
        """Call a service; show an expected error and return None."""
        from inspect_tui.services.review.queue import ReviewError

        try:
            rec = fn(self.session, *args, **kwargs)
        except ReviewError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return None
        if rec is not None and hasattr(rec, "outcomes"):
            self.ctx.check = rec
        return rec

    def _persist_time(self) -> None:
        from inspect_tui.services.review import check as chk

        if self.ctx.check.state == "done" or self.read_only:
            return
        self._run(chk.set_fields, self.ctx.check.id, open_seconds=self._elapsed_seconds())

    def action_mark_ok(self) -> None:
        from inspect_tui.services.review import check as chk

        point, _ = self._current_point()
        if point is None:
            return
        if self._run(chk.set_point, self.ctx.check.id, point, "ok") is not None:
            self._fill(focus_point=self._next_point(point))

    def action_rest_ok(self) -> None:
        from inspect_tui.services.review import check as chk

        if self._run(chk.mark_rest_ok, self.ctx.check.id) is not None:
            self._fill()

    def action_finding(self, severity: str) -> None:
        from inspect_tui.services.review import check as chk

        point, fid = self._current_point()
        if point is None:
            return
        if fid is not None:  # on a finding row: change its severity
            if self._run(chk.edit_finding, self.ctx.check.id, fid, severity=severity) is not None:
                self._fill(focus_key=f"f:{fid}")
            return
        before = {f.id for f in self.ctx.check.findings}
        if self._run(chk.add_finding, self.ctx.check.id, point, severity) is None:
            return
        new = next(f for f in self.ctx.check.findings if f.id not in before)
        self._fill(focus_key=f"f:{new.id}")
        self._ask_details(new.id, advance_from=point)

    def _ask_details(self, finding_id: int, advance_from: str | None = None) -> None:
        from inspect_tui.tui.screens.review.dialogs import FindingDialog

        f = next((x for x in self.ctx.check.findings if x.id == finding_id), None)
        if f is None:
            return
        title = f"{rules.POINT_LABELS[f.point]}：{rules.SEVERITY_LABELS[f.severity]}"

        def done(result) -> None:
            from inspect_tui.services.review import check as chk

            if result is not None:
                item, note = result
                self._run(chk.edit_finding, self.ctx.check.id, finding_id, item_code=item, note=note)
            if advance_from:
                self._fill(focus_point=self._next_point(advance_from))
            else:
                self._fill(focus_key=f"f:{finding_id}")

        def typed(item: str | None, note: str) -> None:
            from inspect_tui.services.review import check as chk

            current = next((x for x in self.ctx.check.findings if x.id == finding_id), None)
            if current is None:
                return
            changes = {}
            if note != current.note:
                changes["note"] = note
            if item is not None and item != current.item_code:
                changes["item_code"] = item
            if changes:
                self._run(chk.edit_finding, self.ctx.check.id, finding_id, **changes)

        self.app.push_screen(
            FindingDialog(title, f.item_code, f.note, on_change=typed, known=self.known), done
        )

    def action_edit_finding(self) -> None:
        _, fid = self._current_point()
        if fid is not None:
            self._ask_details(fid)

    def action_clear_row(self) -> None:
        from inspect_tui.services.review import check as chk

        point, fid = self._current_point()
        if point is None:
            return
        if fid is not None:
            if self._run(chk.remove_finding, self.ctx.check.id, fid) is not None:
                self._fill(focus_point=point)
        elif self._run(chk.set_point, self.ctx.check.id, point, None) is not None:
            self._fill(focus_point=point)

    @on(Input.Changed, "#check-guidance")
    def _guidance(self, event: Input.Changed) -> None:
        self.query_one("#check-guidance-warning", PersonalDataWarning).check(event.value, self.known)
        self._field(guidance=event.value)

    @on(Input.Changed, "#check-proficiency")
    def _proficiency(self, event: Input.Changed) -> None:
        self.query_one("#check-proficiency-warning", PersonalDataWarning).check(event.value, self.known)
        self._field(proficiency_note=event.value)

    @on(Input.Changed, "#check-minutes")
    def _minutes(self, event: Input.Changed) -> None:
        text = event.value.strip()
        if text == "" or minutes_of(text) is not None:
            self._field(minutes=minutes_of(text))

    @on(Checkbox.Changed)
    def _checkbox(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "check-fixed":
            self._field(fixed_before_submission=event.value)
            return
        methods = [m.id for m in rules.GUIDANCE_METHODS if self.query_one(f"#method-{m.id}", Checkbox).value]
        self._field(guidance_methods=methods)

    def _field(self, **values) -> None:
        from inspect_tui.services.review import check as chk

        if self._loading:
            return
        rec = self.ctx.check
        if all(_same(getattr(rec, k), v) for k, v in values.items()):
            return
        self._run(chk.set_fields, rec.id, **values)

    def action_save(self) -> None:
        """Ctrl+S: asks once when a note looks like personal data, then saves."""
        from inspect_tui.services.review.check import missing_points

        if self.read_only or missing_points(self.ctx.check):
            self._save()  # the service says what is wrong
            return
        confirm_then(self.app, self.free_text_warnings(), self._save)

    def _save(self) -> None:
        from inspect_tui.services.review import check as chk

        self._persist_time()
        minutes = minutes_of(self.query_one("#check-minutes", Input).value)
        if minutes is None and self.ctx.check.state != "done":
            minutes = max(1, -(-self._elapsed_seconds() // 60))
        rec = self._run(chk.complete_check, self.ctx.check.id, minutes=minutes)
        if rec is None:
            return
        self._changed()
        label = f"{self.ctx.title} を保存しました（{rec.minutes}分）"
        self.notify(label, timeout=3)
        self.dismiss("saved")

    def action_leave(self) -> None:
        self._persist_time()
        if self.ctx.check.state != "done" and not self.read_only:
            self.notify("下書きを保存しました。キューから開くと続きから再開します", timeout=4)
        self._changed()
        self.dismiss(None)

    def on_unmount(self) -> None:
        # closed any other way (q, the app quitting): keep the time spent
        import sqlite3

        try:
            self._persist_time()
        except sqlite3.ProgrammingError:  # the app closed the database first: only the minutes are lost
            pass


def _same(old, new) -> bool:
    if isinstance(old, tuple):
        return list(old) == list(new)
    return old == new


def open_check_screen(host, session=None, *, chain: bool = False, callback=None, **where) -> bool:
    """Start (or resume) a check and push its screen; an expected refusal (the inspector
    wrote the form, no surveyor code, …) becomes a message. When another chief has the
    form's check open, ask first: theirs read-only, or a separate draft of one's own.
    Returns whether a screen opened at once."""
    from inspect_tui.services.review.check import HeldByOther, open_check, start_check
    from inspect_tui.services.review.queue import ReviewError

    app = host.app if hasattr(host, "app") else host
    session = session or getattr(app, "session", None)
    try:
        ctx = start_check(session, **where)
    except HeldByOther as held:
        from inspect_tui.tui.screens.review.held import HeldDialog

        first = held.holders[0]

        def chosen(answer: str | None) -> None:
            if answer == "view":
                app.push_screen(CheckScreen(open_check(session, first.check_id), session=session), callback)
            elif answer == "separate":
                open_check_screen(app, session, chain=chain, callback=callback, alongside=True, **where)

        app.push_screen(HeldDialog([h.describe() for h in held.holders], first.login), chosen)
        return False
    except ReviewError as exc:
        app.notify(str(exc), title="点検を開けません", severity="error", timeout=10)
        return False
    app.push_screen(CheckScreen(ctx, session=session, chain=chain), callback)
    return True


def minutes_of(text: str) -> int | None:
    """Minutes typed into the check (ASCII digits, at most a day); None for anything else.

    ``"²".isdigit()`` is true yet ``int("²")`` fails: only plain digits count."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        return None
    return int(text)
