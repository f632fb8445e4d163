"""One new surveyor's forms 1-10 side by side: the result per point for each form,
the findings per form as a plain-text trend, the recurring points, and the
verdict (改善している / まだ) the chief may override; follow-ups and accompanied
visits; the guidance completion report with one key (r)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from inspect_tui.core import review as rules
from inspect_tui.core.records import record
from inspect_tui.tui.bindings import binding as b
from inspect_tui.tui.permissions import RoleKeys
from inspect_tui.tui.screens.base import DataScreen
from inspect_tui.tui.widgets.footer import Footer


@record
class SurveyorView:
    """A surveyor's review as this reader sees it, read in a worker."""

    review: Any  # services.review.surveyor.SurveyorReview
    shown: Any  # the same with free text masked for a monitor
    known: Any  # the names and numbers of the surveyor's cases (the comment must not quote them)
    may_comment: bool  # a chief or a manager (sees the free text as typed)


def surveyor_view(session, code: str, today) -> SurveyorView:
    from inspect_tui.services.review.surveyor import (
        masked_review,
        review_known,
        review_viewer,
        surveyor_review,
    )
    from inspect_tui.services.trust.free_text import sees_as_typed

    review = surveyor_review(session, code, today)
    shown = masked_review(review, review_viewer(session, review))
    return SurveyorView(review, shown, review_known(session, review), sees_as_typed(session))


def written_report(session, code: str, today) -> Path:
    """In a worker: the guidance completion report as html in the reports folder, finished as
    every printed report is (documents.finish: the audit chain's head, the document frame)."""
    from inspect_tui.render.formats import render
    from inspect_tui.render.output import write_output
    from inspect_tui.services.documents import finish
    from inspect_tui.services.review.guidance import guidance_report
    from inspect_tui.tui.screens.reports.reports import export_dir

    report = finish(session, guidance_report(session, code, allow_draft=True, issued=today))
    folder = export_dir()  # where the Reports screen writes ($INSPECT_TUI_REPORT_DIR or <data>/reports)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / report.default_filename("html")
    write_output(path, render(report, "html"))
    return path


def written_message(path: Path, code: str, complete: bool, env=None) -> tuple[str, str | None]:
    """What the screen says after writing the guidance report, and the command that brings it
    to the person's machine when the app runs under SSH (the file is then on the server)."""
    from inspect_tui.tui.screens.reports.fetch import request_line, where_written

    state = "" if complete else "（10件目の点検前のため作成途中）"
    text, command = where_written(path, request_line("guidance", code, "html"), env=env)
    return f"指導終了報告{state}を{text}", command


def other_chiefs(session, but: str) -> list[tuple[str, str]]:
    from inspect_tui.services.review.queue import chiefs

    return [(c, f"{n}（{c}）") for c, n in chiefs(session) if c != but]


#: under the body while part of it is below the fold
#: (words, not an arrow: arrows are ambiguous-width)
MORE_BELOW = "続きは下に（PgDn・下キー）: 習熟度の確認・同行訪問・指導の記録・主任の所見"


class SurveyorReviewScreen(RoleKeys, DataScreen):
    NEEDS: ClassVar[dict[str, str]] = {
        "blind": "review.manage",
        **{
            a: "review.save"
            for a in ("open_form", "cycle_verdict", "comment", "followup", "visit", "confirm")
        },
    }
    BINDINGS: ClassVar[list] = [
        b("enter", "open_form", "開く", "review.surveyor.open", "選んだ件目の点検を開く（未点検なら始める）"),
        b(
            "v",
            "cycle_verdict",
            "判定",
            "review.surveyor.verdict",
            "判定を切り替える（判定基準、改善している、まだ の順）",
        ),
        b("c", "comment", "所見", "review.surveyor.comment", "主任の所見（報告の締めくくり）を書く"),
        b("r", "write_report", "報告", "review.surveyor.report", "指導終了報告を書き出す（html）"),
        b(
            "C",
            "confirm",
            "確認",
            "review.surveyor.confirm",
            "記録をもとに改善状況を確認したことを記録する（10件目の点検のあと）",
        ),
        b("f", "followup", "習熟度確認", "review.surveyor.followup", "3か月・6か月後の習熟度確認を記録"),
        b("a", "visit", "同行訪問", "review.surveyor.visit", "同行訪問を記録する", show=False),
        b(
            "B",
            "blind",
            "ブラインド依頼",
            "review.surveyor.blind",
            "別の主任にこの件目のブラインド点検を依頼",
            show=False,
        ),
        b("escape", "back", "戻る", "review.surveyor.back", "前の画面に戻る"),
        b("h", "cursor_left", "左", "review.surveyor.left", show=False),
        b("l", "cursor_right", "右", "review.surveyor.right", show=False),
    ]
    DEFAULT_CSS = """
    SurveyorReviewScreen #sr-head { height: auto; background: $boost; padding: 0 1; }
    /* a one-cell scrollbar: the 79-cell table of forms fits 80 columns */
    SurveyorReviewScreen #sr-forms { height: auto; }
    SurveyorReviewScreen #sr-body { height: 1fr; scrollbar-size-vertical: 1; }
    SurveyorReviewScreen #sr-trend, SurveyorReviewScreen #sr-more { height: auto; padding: 0 1; }
    SurveyorReviewScreen #sr-cue { height: 1; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code
        self.review = None
        self.view: SurveyorView | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="sr-head")
        # the table scrolls with the rest: it never scrolls itself, so up/down/PgDn on it fall
        # through (SkipAction) to the body, which scrolls at once (no Tab first; issue 17 item 5)
        with VerticalScroll(id="sr-body", can_focus=False):
            yield DataTable(id="sr-forms", cursor_type="column", zebra_stripes=True, cell_padding=0)
            yield Static(id="sr-trend")
            yield Static(id="sr-more")
        yield Static(MORE_BELOW, id="sr-cue")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(DataTable).focus()
        body = self.query_one("#sr-body", VerticalScroll)
        # max_scroll_y is no reactive: follow what it comes from (the content's size, the view's)
        for attribute in ("scroll_y", "virtual_size"):
            self.watch(body, attribute, lambda _v: self._show_cue(), init=False)

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_cue)

    def _show_cue(self) -> None:
        """A line under the body while more of it is below the fold (a scrollbar alone is easy
        to miss, and under NO_COLOR it is hard to see)."""
        body = self.query_one("#sr-body", VerticalScroll)
        # its line is kept either way (visible, not display): showing it must not move the fold
        self.query_one("#sr-cue", Static).visible = body.scroll_y < body.max_scroll_y

    def on_screen_resume(self) -> None:
        if self.app.session is not None:
            self.load()

    def load(self) -> None:
        self.call(surveyor_view, self.code, self.app.today, done=self._loaded, failed=self._refused)

    def _refused(self, _exc, text: str) -> None:
        self.query_one("#sr-head", Static).update(text)

    def _loaded(self, view: SurveyorView) -> None:
        self.view = view
        self.review = view.review
        self._fill()

    @property
    def known(self):
        """The names and numbers of the surveyor's cases: what the comment must not quote."""
        return self.view.known if self.view else None

    def _reload(self, _result=None) -> None:
        self.app.data_changed()
        self.load()

    def _fill(self) -> None:
        r = self.view.shown
        head = Text()
        head.append(f"{r.name}（{r.code}）", style="bold")
        head.append(f"  配置 {r.placed_on or '－'}  単独開始 {r.solo_start or '－'}  点検 {r.checked}/10")
        head.append("\n判定: ")
        head.append(r.verdict_label, style="bold green" if r.verdict_id == "improving" else "bold yellow")
        head.append(f"  {r.verdict_rule.reason}")
        self.query_one("#sr-head", Static).update(head)

        table = self.query_one(DataTable)
        col = table.cursor_column
        table.clear(columns=True)
        table.add_column("", key="label", width=9)
        for f in r.forms:
            table.add_column(Text(f"{f.form_no}件目", justify="center"), key=str(f.form_no), width=7)

        def centred(text: str, style: str = "") -> Text:
            return Text(text, style=style, justify="center")

        table.add_row("依頼番号", *(centred(f.case_no[-5:]) for f in r.forms), key="case")
        table.add_row(
            "訪問日",
            *(centred(f.visited_on.strftime("%m-%d") if f.visited_on else "－") for f in r.forms),
            key="visit",
        )
        for p in rules.CHECK_POINTS:
            table.add_row(rules.POINT_SHORT[p.id], *(_result_cell(f, p.id) for f in r.forms), key=p.id)
        table.add_row(
            "指摘数", *(centred(str(len(f.findings)) if f.checked else "－") for f in r.forms), key="total"
        )
        if r.forms:
            table.move_cursor(column=max(1, min(col, len(r.forms))))

        trend = Text("指摘数の推移（# 1つ = 1件）\n", style="bold")
        trend.append("\n".join(r.trend_lines()) + "\n")
        trend.append(f"1〜10件目: {r.sparkline()}\n")
        trend.append(r.corrections_line() + "\n")
        recurring = r.recurring()
        trend.append("繰り返す指摘: ", style="bold")
        trend.append("、".join(f"{rules.POINT_LABELS[p]}（{n}件）" for p, n in recurring) or "なし")
        trend.append("\n" + r.form_rules_line())
        trend.append("\n\n観点別の指摘数（1〜10件目。. なし  - 未点検）\n", style="bold")
        trend.append(aspect_chart(r))
        self.query_one("#sr-trend", Static).update(trend)

        more = Text("\n習熟度の確認\n", style="bold")
        notes = {c.kind: c.proficiency_note for c in r.followup_checks}
        for fu in r.followups:
            today = self.app.today
            if fu.done_on:
                state = f"済 {fu.done_on}  {notes.get(fu.kind, '')}"
            else:
                state = "未（超過）" if today is not None and fu.overdue(today) else "未"
            more.append(f"  {fu.label}  予定 {fu.due_text()}  {state}\n")
        more.append("同行訪問\n", style="bold")
        for v in r.visits:
            more.append(f"  {v.on_date}  {v.purpose}  主任 {v.chief or '－'}  {v.case_no or ''}\n")
        if not r.visits:
            more.append("  （記録なし）  a: 記録する\n")
        more.append("指摘と指導、その改善\n", style="bold")
        more.append(f"  {r.follow_line()}\n")
        for p in r.points:
            f = p.finding
            style = "green" if p.state == "improved" else ("yellow" if p.state == "continue" else "bold")
            more.append(f"  {p.where}  {rules.POINT_SHORT[f.point]}  {rules.SEVERITY_LABELS[f.severity]}  ")
            more.append(p.history_text, style=style)
            more.append(f"  {f.note or '－'}  指導: {f.guidance or '（記録なし）'}\n")
        more.append("指導の記録（点検ごと）\n", style="bold")
        for no, methods, text in r.guidance_lines():
            more.append(f"  {no}件目  {methods or '－'}  {text or '－'}\n")
        if not r.guidance_lines():
            more.append("  （記録なし）\n")
        more.append("主任の所見\n", style="bold")
        more.append(f"  {r.closing_comment or '（未記入）  c: 書く'}\n")
        more.append("改善状況の確認\n", style="bold")
        c = r.confirmation
        if c is not None:
            verdict = rules.VERDICT_LABELS.get(c.verdict, c.verdict)
            more.append(f"  {c.confirmed_on}  {c.chief_name}（{c.chief}）  {verdict}\n")
        elif r.complete:
            more.append("  未確認  C: 記録をもとに確認したことを記録する\n")
        else:
            more.append(f"  未確認（10件目の点検のあとで確認します。いま {r.checked}/10）\n")
        self.query_one("#sr-more", Static).update(more)
        self.call_after_refresh(self._show_cue)  # laid out anew: is anything below the fold?

    # -- actions --------------------------------------------------------------
    def _selected_form(self):
        if not self.review or not self.review.forms:
            return None
        col = self.query_one(DataTable).cursor_column
        if col < 1:
            return None
        return self.review.forms[min(col, len(self.review.forms)) - 1]

    def action_open_form(self) -> None:
        from inspect_tui.tui.screens.review.opening import open_check_screen, open_existing_check

        form = self._selected_form()
        if form is None:
            self.notify("左右キー（h / l）で件目を選んでください")
            return
        if form.check is not None:
            open_existing_check(self, form.check.id)
            return
        open_check_screen(self, case_no=form.case_no, kind="focused")

    def on_data_table_column_selected(self, event: DataTable.ColumnSelected) -> None:
        event.stop()
        self.action_open_form()

    def action_cycle_verdict(self) -> None:
        self.after_calls(self._cycle_verdict)

    def _cycle_verdict(self) -> None:
        from inspect_tui.services.review.surveyor import set_closure

        order = [None, "improving", "not_yet"]
        now = self.review.verdict_override if self.review else None
        nxt = order[(order.index(now) + 1) % len(order)]

        def done(_r) -> None:
            self.notify(
                "判定: " + (rules.VERDICT_LABELS[nxt] + "（主任の判断）" if nxt else "判定基準に戻しました"),
                timeout=3,
            )
            self._reload()

        self.write(set_closure, self.code, verdict=nxt, done=done)

    def action_comment(self) -> None:
        from inspect_tui.services.review.surveyor import set_closure
        from inspect_tui.tui.screens.review.dialogs import TextDialog

        if self.view is None:
            return
        if not self.view.may_comment:
            self.notify("所見を書けるのは主任調査員と業務責任者です（閲覧のみ）", severity="warning")
            return

        def done(text) -> None:
            if text is not None:
                self.write(set_closure, self.code, comment=text, done=self._reload)

        current = self.review.closing_comment if self.review else ""
        self.app.push_screen(
            TextDialog("主任の所見", "指導終了報告の締めくくりに載ります", current, known=self.known), done
        )

    def action_confirm(self) -> None:
        from inspect_tui.services.review.surveyor import confirm_review
        from inspect_tui.tui.screens.confirm import ConfirmDialog

        if self.review is None:
            return

        def asked(yes) -> None:
            if not yes:
                return

            def done(c) -> None:
                self.notify(f"改善状況の確認を記録しました（{c.confirmed_on}）", timeout=4)
                self._reload()

            self.write(confirm_review, self.code, done=done)

        r = self.review
        question = (
            f"{r.name}（{r.code}）の1〜10件目の記録をもとに改善状況（{r.verdict_label}）を確認したことを"
            "記録します。記録は取り消せません（あとの確認は新しい記録になります）"
        )
        self.app.push_screen(ConfirmDialog("改善状況の確認", question, yes="はい（確認を記録する）"), asked)

    def action_write_report(self) -> None:
        def written(path) -> None:
            complete = bool(self.review and self.review.complete)
            text, command = written_message(path, self.code, complete)
            if command is not None:
                self.app.copy_to_clipboard(command)
            self.notify(text, timeout=15)

        def failed(exc, text: str) -> None:
            from inspect_tui.render.output import OutputError

            if isinstance(exc, OutputError):
                text = str(exc)
            self.notify(text, severity="error", timeout=10)

        self.call(written_report, self.code, self.app.today, done=written, failed=failed)

    def action_followup(self) -> None:
        from inspect_tui.tui.screens.review.opening import open_check_screen

        if not self.review:
            return
        pending = [f for f in self.review.followups if f.done_on is None]
        if not pending:
            self.notify("3か月・6か月後の習熟度確認はどちらも記録済みです")
            return
        open_check_screen(self, kind=pending[0].kind, surveyor=self.code)

    def action_visit(self) -> None:
        from inspect_tui.services.review.surveyor import log_accompanied_visit
        from inspect_tui.tui.screens.review.dialogs import VisitDialog

        def done(result) -> None:
            if result is None:
                return
            day, purpose, case_no = result
            self.write(log_accompanied_visit, self.code, day, purpose, case_no=case_no, done=self._reload)

        label = f"{self.review.name}（{self.code}）" if self.review else self.code
        self.app.push_screen(VisitDialog(label, self.app.today, known=self.known), done)

    def action_blind(self) -> None:
        form = self._selected_form()
        if form is None or form.check is None:
            self.notify("点検済みの件目を選んでください")
            return
        self.call(other_chiefs, form.check.inspector, done=lambda chiefs: self._ask_blind(form, chiefs))

    def _ask_blind(self, form, chiefs: list) -> None:
        from inspect_tui.services.review.calibration import request_blind_check
        from inspect_tui.tui.screens.review.dialogs import ChoiceDialog

        def done(code) -> None:
            if not code:
                return

            def asked(_r) -> None:
                self.notify(f"{code} にブラインド点検を依頼しました（結果は終わるまで見せません）")
                self.app.data_changed()

            self.write(request_blind_check, form.check.id, code, done=asked)

        self.app.push_screen(ChoiceDialog(f"{form.form_no}件目のブラインド点検を依頼する主任", chiefs), done)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_cursor_left(self) -> None:
        self.query_one(DataTable).action_cursor_left()

    def action_cursor_right(self) -> None:
        self.query_one(DataTable).action_cursor_right()


def aspect_chart(r) -> Text:
    """Per aspect of §4(5): findings on forms 1-10 in one line each ('2 . 1 - -'), and the
    total: the small chart of how the surveyor's forms improved, aspect by aspect."""
    out = Text()
    for pid, cells, total in r.aspect_rows():
        label = rules.POINT_SHORT[pid]
        pad = " " * max(0, 10 - _cells(label))
        out.append(f"  {label}{pad}{rules.aspect_line(cells)}  計{total}\n", style="bold" if total else "")
    return out


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _result_cell(form, point: str) -> Text:
    """A form's result on a point in at most 7 cells: OK, 未, or the worst severity (+ if more)."""
    if not form.checked:
        return Text("未", style="dim", justify="center")
    found = [f for f in form.findings if f.point == point]
    if not found:
        ok = form.check.outcomes.get(point) == "ok"
        return Text("OK" if ok else "－", style="green" if ok else "dim", justify="center")
    worst = max(found, key=lambda f: rules.SEVERITY_RANK[f.severity]).severity
    label = rules.SEVERITY_LABELS[worst] + ("+" if len(found) > 1 else "")
    return Text(label, style="bold red" if worst == "serious" else "yellow", justify="center")
