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

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, DataTable, Input, Label, Static
from textual.widgets.data_table import RowDoesNotExist

from inspect_tui.core import review as rules
from inspect_tui.tui.bindings import binding as b
from inspect_tui.tui.permissions import RoleKeys, permissions_of
from inspect_tui.tui.screens.base import DataScreen
from inspect_tui.tui.screens.free_text import PersonalDataWarning, confirm_then
from inspect_tui.tui.screens.review.follow import FollowTable, follow_rows, follow_summary
from inspect_tui.tui.screens.review.form_points import FormPointTable, form_point_rows, point_detail
from inspect_tui.tui.screens.review.points import PointTable, point_rows
from inspect_tui.tui.widgets.footer import Footer
from inspect_tui.tui.widgets.tick import Tick

#: What changes a check: offered only to its own inspector (another chief sees it read-only).
WRITE_ACTIONS = frozenset(
    {
        "mark_ok",
        "rest_ok",
        "finding",
        "edit_finding",
        "clear_row",
        "save",
        "explain_point",
        "point_finding",
        "follow",
    }
)

__all__ = ["CheckScreen", "minutes_of"]

#: under the form while its required last field is below the fold (words, not an arrow:
#: arrows are ambiguous-width in a terminal)
PROFICIENCY_BELOW = "下に 習熟度の所見（必須）があります（Tab で移動）"
#: the same for any other check
MORE_BELOW = "下に続きがあります（Tab で次の欄）"


class CheckScreen(RoleKeys, DataScreen):
    """One check (focused, routine, follow-up, post-submission or blind). Dismisses with
    'saved' after Ctrl+S, None when left with the draft kept. Another inspector's check
    opens read-only: its keys that write are not offered and its fields cannot be typed in.

    A DataScreen whose data comes with it (a ``CheckView`` read in a worker by
    review/opening.py): ``load`` is a no-op, so another screen's change does not
    reset a check half way. Every change is a ``write`` (tui/calls.py); keys act once
    the changes before them have answered (``after_calls``)."""

    BINDINGS: ClassVar[list] = [
        b("ctrl+s", "save", "保存", "review.check.save", "点検を保存して次へ", priority=True),
        b("escape", "leave", "中断", "review.check.leave", "下書きのまま閉じる（あとで続けられます）"),
        b("tab", "app.focus_next", "次の欄", "review.check.next_field", show=False),
        Binding("shift+tab", "app.focus_previous", "前の欄", show=False),
    ]
    #: below 30 lines (80x24) the form's labels lose their blank line above, so more fits
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (30, "-tall")]
    DEFAULT_CSS = """
    CheckScreen #check-head { height: auto; background: $boost; padding: 0 1; }
    CheckScreen #check-points { height: auto; max-height: 16; }
    CheckScreen #check-keys { height: 1; color: $text-muted; padding: 0 1; }
    CheckScreen #check-form-points { height: auto; max-height: 6; overflow-x: hidden; }
    CheckScreen #check-point-detail { height: auto; max-height: 3; padding: 0 1; }
    CheckScreen #check-follow-head { height: 1; padding: 0 1; text-style: bold; }
    CheckScreen #check-follow { height: auto; max-height: 5; overflow-x: hidden; }
    CheckScreen #check-form { height: 1fr; padding: 0 1; }
    CheckScreen #check-form Label { margin-top: 1; }
    CheckScreen.-short #check-form Label { margin-top: 0; }
    CheckScreen #check-more { height: 1; color: $warning; text-style: bold; padding: 0 1; }
    CheckScreen #check-methods { height: auto; }
    CheckScreen #check-methods Checkbox { margin-right: 2; }
    CheckScreen #check-status { height: auto; color: $warning; padding: 0 1; }
    """

    def __init__(self, view, *, chain: bool = False) -> None:
        super().__init__()
        ctx = view.ctx
        self.ctx = ctx
        self.me = view.me
        self._known = view.known
        self.chain = chain
        self._opened = time.monotonic()
        self._base_seconds = ctx.check.open_seconds
        self._loading = True
        self._closed = False
        self._asked_fields: dict = {}  # field values last asked to be written (they land in order)
        self.read_only = self.me != ctx.check.inspector
        from inspect_tui.services.review.form_points import INSPECTION_KINDS

        # an inspection of a form (重点チェック・通常点検) shows and is gated by its content points
        self._has_form_points = bool(ctx.check.case_id) and ctx.check.kind in INSPECTION_KINDS
        # a chief's check of a new surveyor looks again at the earlier findings (改善 / 継続指導)
        self._follows = ctx.check.kind in rules.FOLLOW_KINDS and ctx.check.blind_of is None
        self._follow_points: list = list(getattr(view, "follow", []) or [])

    # -- layout ---------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="check-head")
        yield PointTable(id="check-points", cursor_type="row", zebra_stripes=False)
        yield Static(
            " o:OK a:残りOK 1:軽微 2:要修正 3:重大 e:詳細 x:取消 Tab:次の欄 Ctrl+S:保存",
            id="check-keys",
        )
        if self._has_form_points:  # the form's content points (issue 18)
            yield FormPointTable(id="check-form-points", cursor_type="row", zebra_stripes=False)
            yield Static("", id="check-point-detail")
        if self._follows:  # earlier findings to look at again; hidden while there are none
            yield Static("前回までの指導（改善したか）", id="check-follow-head")
            yield FollowTable(id="check-follow", cursor_type="row", zebra_stripes=False)
        with VerticalScroll(id="check-form", can_focus=False):
            yield Label("指導の内容")
            yield Input(id="check-guidance", placeholder="どこをどう直すよう伝えたか", compact=True)
            yield PersonalDataWarning(id="check-guidance-warning")
            yield Label("指導の方法")
            with Horizontal(id="check-methods"):
                for m in rules.GUIDANCE_METHODS:
                    yield Tick(m.label, id=f"method-{m.id}", compact=True)
            yield Tick("提出前に修正した", id="check-fixed", compact=True)
            yield Label("点検にかかった時間（分）")
            yield Input(id="check-minutes", type="integer", compact=True)
            if self.ctx.check.kind in rules.FOLLOWUP_MONTHS:
                yield Label("習熟度の所見（必須）")
                yield Input(
                    id="check-proficiency", placeholder="一人で調査できるか、課題は何か", compact=True
                )
                yield PersonalDataWarning(id="check-proficiency-warning")
        yield Static("", id="check-more")  # what is below the fold (issue 17 item 5)
        yield Static("", id="check-status")
        yield Footer()

    def load(self) -> None:
        """Nothing to read: the check came with the screen."""

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(PointTable)
        table.add_column("点検項目", key="point", width=26)
        table.add_column("結果", key="result", width=8)
        table.add_column("調査項目", key="item", width=16)
        table.add_column("メモ", key="note")
        self._shown_points = None
        if self._has_form_points:
            fpt = self.query_one(FormPointTable)
            fpt.add_column("状態", key="state", width=10)
            fpt.add_column("調査票の点検ポイント", key="what", width=20)
            fpt.add_column("回答", key="answers")
            self._load_points()
        if self._follows:
            ft = self.query_one(FollowTable)
            ft.add_column("この点検", key="look", width=8)
            ft.add_column("件目", key="where", width=6)
            ft.add_column("点検項目", key="point", width=9)
            ft.add_column("指摘と指導", key="what")
            self._show_follow(self._follow_points)  # read with the check: laid out once
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
        form = self.query_one("#check-form", VerticalScroll)
        # max_scroll_y is no reactive: follow what it comes from (the content's size, the view's)
        for attribute in ("scroll_y", "virtual_size"):
            self.watch(form, attribute, lambda _v: self._show_more(), init=False)
        self.call_after_refresh(self._show_more)
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
        return self._known

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
            fields[f"指摘{i}の指導内容（{rules.POINT_LABELS[f.point]}）"] = f.guidance
        fields["指導の内容"] = rec.guidance
        if rec.kind in rules.FOLLOWUP_MONTHS:
            fields["習熟度の所見"] = rec.proficiency_note
        return field_warnings(fields, self.known)

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

    def _fill(self, focus_key: str | None = None, focus_point: str | None = None) -> None:
        table = self.query_one(PointTable)
        keep = focus_key or (f"p:{focus_point}" if focus_point else self._current_key())
        rows = point_rows(self.ctx.check)
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

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_more)

    def _show_more(self) -> None:
        """A line under the form while part of it is below the fold: above all the required
        習熟度の所見 of a follow-up check (its last field), which Tab reaches."""
        form = self.query_one("#check-form", VerticalScroll)
        below = form.scroll_y < form.max_scroll_y
        more = self.query_one("#check-more", Static)
        if below and self.ctx.check.kind in rules.FOLLOWUP_MONTHS and not self.read_only:
            more.update(PROFICIENCY_BELOW)
        elif below:
            more.update(MORE_BELOW)
        more.visible = below  # its line kept either way: showing it must not change the fold

    def _proficiency_missing(self) -> bool:
        """A follow-up check whose required 習熟度の所見 is still empty (as typed on screen)."""
        if self.ctx.check.kind not in rules.FOLLOWUP_MONTHS or self.read_only:
            return False
        return not self.query_one("#check-proficiency", Input).value.strip()

    def _update_status(self) -> None:
        from inspect_tui.services.review.check import missing_points

        missing = missing_points(self.ctx.check)
        fp = self._shown_points.points if getattr(self, "_shown_points", None) is not None else None
        left = len(fp.unmarked) if fp is not None else 0
        parts = []
        if missing and left:  # both: counts only, so the line stays one line at 80 columns
            parts.append(
                f"未確認: 点検項目 {len(missing)}・調査票の点検ポイント {left}（c:確認済 f:指摘にする）"
            )
        elif missing:
            every = "未確認: " + "、".join(rules.POINT_LABELS[p] for p in missing)
            if cell_len(every) > self.size.width - 2:  # one line at 80 columns: count and first
                first = rules.POINT_LABELS[missing[0]]
                every = f"未確認: 点検項目 {len(missing)}（{first} ほか）"
            parts.append(every)
        elif left:
            parts.append(f"未確認: 調査票の点検ポイント {left} 件（c:確認済 f:指摘にする）")
        if not parts and self._proficiency_missing():
            parts.append("習熟度の所見（必須）を書いてから Ctrl+S で保存")
        text = "　".join(parts) if parts else "すべての項目を確認しました。Ctrl+S で保存"
        follow = follow_summary(self._follow_points) if not self.read_only else ""
        if follow:
            text += f"　{follow}"
        self.query_one("#check-status", Static).update(text)

    # -- the earlier findings, looked at again -------------------------------------
    def _load_follow(self, focus: str | None = None) -> None:
        from inspect_tui.services.review.followthrough import screen_follow_points

        self.call(screen_follow_points, self.ctx.check.id, done=lambda pts: self._show_follow(pts, focus))

    def _show_follow(self, points: list, focus: str | None = None) -> None:
        self._follow_points = points
        table = self.query_one(FollowTable)
        keep = focus or self._follow_key()
        table.clear()
        for key, cells in follow_rows(points):
            table.add_row(*cells, key=key)
        shown = bool(points)
        table.display = shown
        self.query_one("#check-follow-head", Static).display = shown
        if keep:
            try:
                table.move_cursor(row=table.get_row_index(keep))
            except RowDoesNotExist:
                table.move_cursor(row=0)
        self._update_status()

    def _follow_key(self) -> str | None:
        tables = self.query(FollowTable)
        if not tables or not tables.first().row_count:
            return None
        table = tables.first()
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_follow(self, outcome: str) -> None:
        self.after_calls(lambda: self._follow(outcome or None))

    def _follow(self, outcome: str | None) -> None:
        from inspect_tui.services.review import check as chk

        key = self._follow_key()
        if key is None:
            return
        after = self._next_follow(key)
        self._run(chk.set_follow, int(key), outcome, then=lambda _r: self._load_follow(focus=after))

    def _next_follow(self, key: str) -> str:
        """The next row this check has not looked at (the cursor moves on after y / n)."""
        keys = [str(p.id) for p in self._follow_points]
        i = keys.index(key) if key in keys else -1
        for p in self._follow_points[i + 1 :]:
            if p.mine is None:
                return str(p.id)
        return key

    # -- the form's content points ----------------------------------------------
    def _load_points(self, focus: str | None = None) -> None:
        from inspect_tui.services.review.form_points import screen_points

        self.call(screen_points, self.ctx.check.id, done=lambda shown: self._points_loaded(shown, focus))

    def _points_loaded(self, shown, focus: str | None = None) -> None:
        self._shown_points = shown
        table = self.query_one(FormPointTable)
        keep = focus or self._point_key()
        table.clear()
        for key, cells in form_point_rows(shown):
            table.add_row(*cells, key=key)
        if keep:
            try:
                table.move_cursor(row=table.get_row_index(keep))
            except RowDoesNotExist:  # the point no longer fires (the form was corrected)
                table.move_cursor(row=0)
        self._show_detail()
        self._update_status()

    def _point_key(self) -> str | None:
        tables = self.query(FormPointTable)
        if not tables or not tables.first().row_count:
            return None
        table = tables.first()
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key == "none" else key

    def _show_detail(self) -> None:
        for w in self.query("#check-point-detail").results(Static):
            w.update(point_detail(self._shown_points, self._point_key()))

    @on(DataTable.RowHighlighted, "#check-form-points")
    def _point_moved(self, _event) -> None:
        self._show_detail()

    def _next_unmarked(self, after: str) -> str:
        fp = self._shown_points.points if self._shown_points is not None else None
        if fp is None:
            return after
        keys = [p.point.key for p in fp.points]
        i = keys.index(after) if after in keys else -1
        for p in fp.points[i + 1 :]:
            if p.mark is None:
                return p.point.key
        return after

    def action_explain_point(self) -> None:
        self.after_calls(lambda: self._mark_point("explain"))

    def action_point_finding(self) -> None:
        self.after_calls(lambda: self._mark_point("finding"))

    def _mark_point(self, how: str) -> None:
        from inspect_tui.services.review import form_points as svc

        key = self._point_key()
        if key is None:
            return
        fn = svc.explain_point if how == "explain" else svc.finding_from_point

        def marked(_rec) -> None:
            self._fill()
            self._load_points(focus=self._next_unmarked(key))

        self._run(fn, key, then=marked)

    def action_enter_form(self) -> None:
        self.after_calls(self._enter_form)

    def _enter_form(self) -> None:
        from inspect_tui.services.review.form_points import save_check_form
        from inspect_tui.tui.screens.review.form_entry import FormEntryScreen

        if self.read_only or not permissions_of(self).may("form.save"):
            self.notify("調査票の入力: 権限がありません（主任調査員・業務責任者）", severity="error")
            return
        shown = self._shown_points
        case_no = self.ctx.case.case_no if self.ctx.case else ""

        def entered(form) -> None:
            if form is None:
                return

            def saved(new) -> None:
                self.notify("調査票を保存しました", timeout=3)
                self._points_loaded(new)

            self.write(save_check_form, self.ctx.check.id, form, done=saved)

        self.app.push_screen(
            FormEntryScreen(shown.form if shown else None, title=f"調査票 {case_no}"), entered
        )

    def _elapsed_seconds(self) -> int:
        return self._base_seconds + int(time.monotonic() - self._opened)

    def _update_minutes_hint(self) -> None:
        minutes = max(1, -(-self._elapsed_seconds() // 60))
        self.query_one("#check-minutes", Input).placeholder = f"空欄なら開いていた時間（いま {minutes} 分）"

    def _tick(self) -> None:
        self._update_minutes_hint()
        self._persist_time()

    # -- writing --------------------------------------------------------------
    def _run(self, fn, *args, then=None, **kwargs) -> None:
        """Write through a service in a worker; the check it answers becomes the screen's,
        then ``then(check)`` runs. An expected refusal is said and nothing else happens."""

        def done(rec) -> None:
            if rec is not None and hasattr(rec, "outcomes"):
                self.ctx.check = rec
            if then is not None:
                then(rec)

        self.write(fn, self.ctx.check.id, *args, done=done, **kwargs)

    def _persist_time(self) -> None:
        from inspect_tui.services.review import check as chk

        if self.ctx.check.state == "done" or self.read_only:
            return
        self._run(chk.set_fields, open_seconds=self._elapsed_seconds())

    def action_mark_ok(self) -> None:
        self.after_calls(self._mark_ok)

    def _mark_ok(self) -> None:
        from inspect_tui.services.review import check as chk

        point, _ = self._current_point()
        if point is not None:
            self._run(
                chk.set_point, point, "ok", then=lambda _r: self._fill(focus_point=self._next_point(point))
            )

    def action_rest_ok(self) -> None:
        from inspect_tui.services.review import check as chk

        self.after_calls(lambda: self._run(chk.mark_rest_ok, then=lambda _r: self._fill()))

    def action_finding(self, severity: str) -> None:
        self.after_calls(lambda: self._finding(severity))

    def _finding(self, severity: str) -> None:
        from inspect_tui.services.review import check as chk

        point, fid = self._current_point()
        if point is None:
            return
        if fid is not None:  # on a finding row: change its severity
            self._run(
                chk.edit_finding, fid, severity=severity, then=lambda _r: self._fill(focus_key=f"f:{fid}")
            )
            return
        before = {f.id for f in self.ctx.check.findings}

        def added(_rec) -> None:
            new = next(f for f in self.ctx.check.findings if f.id not in before)
            self._fill(focus_key=f"f:{new.id}")
            self._ask_details(new.id, advance_from=point)

        self._run(chk.add_finding, point, severity, then=added)

    def _ask_details(self, finding_id: int, advance_from: str | None = None) -> None:
        from inspect_tui.services.review import check as chk
        from inspect_tui.tui.screens.review.dialogs import FindingDialog

        f = next((x for x in self.ctx.check.findings if x.id == finding_id), None)
        if f is None:
            return
        title = f"{rules.POINT_LABELS[f.point]}：{rules.SEVERITY_LABELS[f.severity]}"
        typed_as = {"item_code": f.item_code, "note": f.note, "guidance": f.guidance}  # as last asked

        def refill(_rec=None) -> None:
            if advance_from:
                self._fill(focus_point=self._next_point(advance_from))
            else:
                self._fill(focus_key=f"f:{finding_id}")

        def done(result) -> None:
            if result is None:
                refill()
                return
            item, note, guidance = result
            self._run(chk.edit_finding, finding_id, item_code=item, note=note, guidance=guidance, then=refill)

        def typed(item: str | None, note: str, guidance: str) -> None:
            changes = {}
            if note != typed_as["note"]:
                changes["note"] = note
            if guidance != typed_as["guidance"]:
                changes["guidance"] = guidance
            if item is not None and item != typed_as["item_code"]:
                changes["item_code"] = item
            if changes:
                typed_as.update(changes)
                self._run(chk.edit_finding, finding_id, **changes)

        self.app.push_screen(
            FindingDialog(title, f.item_code, f.note, on_change=typed, known=self.known, guidance=f.guidance),
            done,
        )

    def action_edit_finding(self) -> None:
        self.after_calls(self._edit_finding)

    def _edit_finding(self) -> None:
        _, fid = self._current_point()
        if fid is not None:
            self._ask_details(fid)

    def action_clear_row(self) -> None:
        self.after_calls(self._clear_row)

    def _clear_row(self) -> None:
        from inspect_tui.services.review import check as chk

        point, fid = self._current_point()
        if point is None:
            return
        if fid is not None:
            self._run(chk.remove_finding, fid, then=lambda _r: self._fill(focus_point=point))
        else:
            self._run(chk.set_point, point, None, then=lambda _r: self._fill(focus_point=point))

    @on(Input.Changed, "#check-guidance")
    def _guidance(self, event: Input.Changed) -> None:
        self.query_one("#check-guidance-warning", PersonalDataWarning).check(event.value, self.known)
        self._field(guidance=event.value)

    @on(Input.Changed, "#check-proficiency")
    def _proficiency(self, event: Input.Changed) -> None:
        self.query_one("#check-proficiency-warning", PersonalDataWarning).check(event.value, self.known)
        self._field(proficiency_note=event.value)
        self._update_status()

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
        asked = self._asked_fields
        if all(_same(asked.get(k, getattr(self.ctx.check, k)), v) for k, v in values.items()):
            return
        asked.update(values)
        self._run(chk.set_fields, **values)

    def action_save(self) -> None:
        self.after_calls(self._ask_save)

    def _ask_save(self) -> None:
        """Ctrl+S: asks once when a note looks like personal data, then saves."""
        from inspect_tui.services.review.check import missing_points

        if self.read_only or missing_points(self.ctx.check):
            self._save()  # the service says what is wrong
            return
        confirm_then(self.app, self.free_text_warnings(), self._save)

    def _save(self) -> None:
        from inspect_tui.services.review import check as chk
        from inspect_tui.services.review.check import missing_points

        self._persist_time()
        minutes = minutes_of(self.query_one("#check-minutes", Input).value)
        if minutes is None and self.ctx.check.state != "done":
            minutes = max(1, -(-self._elapsed_seconds() // 60))

        def saved(rec) -> None:
            self.app.data_changed()
            self.notify(f"{self.ctx.title} を保存しました（{rec.minutes}分）", timeout=3)
            self._closed = True
            self.dismiss("saved")

        def refused(_exc, text: str) -> None:
            self.notify(text, severity="error", timeout=8)
            if self._proficiency_missing() and not missing_points(self.ctx.check):
                self.query_one("#check-proficiency", Input).focus()  # what stops the save: go to it

        self._run(chk.complete_check, minutes=minutes, then=saved, failed=refused)

    def action_leave(self) -> None:
        self.after_calls(self._leave)

    def _leave(self) -> None:
        self._persist_time()
        if self.ctx.check.state != "done" and not self.read_only:
            self.notify("下書きを保存しました。キューから開くと続きから再開します", timeout=4)
        self.app.data_changed()
        self._closed = True
        self.dismiss(None)

    def on_unmount(self) -> None:
        # closed any other way (q, the app quitting): keep the time spent (queued; the app
        # runs what is queued before it closes the database)
        if not self._closed:
            self._persist_time()


def _same(old, new) -> bool:
    if isinstance(old, tuple):
        return list(old) == list(new)
    return old == new


def minutes_of(text: str) -> int | None:
    """Minutes typed into the check (ASCII digits, at most a day); None for anything else.

    ``"²".isdigit()`` is true yet ``int("²")`` fails: only plain digits count."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        return None
    return int(text)
