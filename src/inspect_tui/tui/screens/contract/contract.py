"""The contract (7): the deliverables register with what is due, due soon, late and
delivered; the meetings and the trainings as recorded; the staff records of §5(2) with the
non-care-manager share and what needs doing (issue 15). `d` records that the selected
deliverable was handed over today (managers; asked first; another day: the CLI's
`deliverables done ID --on DATE`), `a` shows every occurrence of the contract or only
what is near, `s` records a notification, the pledge or an ID card's issue or return for
the selected surveyor today (managers; picked, then asked), `t` records a training held
(managers; a form: tui/screens/contract/training_form.py), `m` a meeting held with its
follow-ups (managers, and chiefs who attended: tui/screens/contract/meeting_form.py)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from inspect_tui.core.records import record
from inspect_tui.tui.bindings import CONTRACT
from inspect_tui.tui.permissions import RoleKeys
from inspect_tui.tui.screens.base import DataScreen, TopBar
from inspect_tui.tui.widgets.footer import Footer

#: the register shows what is late, due within this many days, 随時, or delivered lately
WINDOW_DAYS = 60


@record
class ContractView:
    rows: list  # services.contract.deliverables.DeliverableRow
    meetings: list
    trainings: list
    staff: list  # services.staff.records.StaffRecord: working, and leavers with a flag
    share: object  # core.staff.Share


def contract_view(session, today: dt.date) -> ContractView:
    """In a worker: the register, the meetings, the trainings and the staff."""
    from inspect_tui.services.contract.deliverables import deliverables
    from inspect_tui.services.contract.meetings import meetings
    from inspect_tui.services.contract.trainings import trainings
    from inspect_tui.services.staff.records import non_care_manager_share, staff_records

    staff = [r for r in staff_records(session, today) if r.flags or not _left(r, today)]
    staff.sort(key=lambda r: (not r.flags, r.code))  # what needs doing first
    return ContractView(
        deliverables(session, today),
        meetings(session),
        trainings(session),
        staff,
        non_care_manager_share(session, today),
    )


def _left(r, today: dt.date) -> bool:
    return bool(r.left_on and r.left_on <= today.isoformat())


def near(row, today: dt.date) -> bool:
    """Shown without `a`: late, 随時, due within the window, or delivered within it."""
    if row.status in ("overdue", "anytime"):
        return True
    if row.status == "done":
        return bool(row.delivered_on and (today - row.delivered_on).days <= WINDOW_DAYS)
    return bool(row.occ.due and (row.occ.due - today).days <= WINDOW_DAYS)


STATUS_STYLE = {"overdue": "bold red", "due_soon": "yellow", "done": "green", "anytime": "", "upcoming": ""}


class ContractScreen(RoleKeys, DataScreen):
    TAB = "contract"
    BINDINGS: ClassVar = CONTRACT
    NEEDS: ClassVar[dict[str, str]] = {
        "mark_done": "deliverables.record",
        "staff_entry": "staff.record",
        "add_training": "training.save",
        "add_meeting": "meeting.save",
    }
    DEFAULT_CSS = """
    ContractScreen #contract-summary { height: auto; padding: 0 1; }
    ContractScreen #contract-body { height: 1fr; }
    ContractScreen .contract-head { height: 1; padding: 0 1; text-style: bold; }
    ContractScreen #contract-deliverables { height: auto; max-height: 14; }
    ContractScreen #contract-meetings, ContractScreen #contract-trainings { height: auto; max-height: 6; }
    ContractScreen #contract-staff { height: auto; max-height: 10; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.view: ContractView | None = None
        self.show_all = False

    def compose(self) -> ComposeResult:
        yield TopBar("contract")
        yield Static(" 読み込み中", id="contract-summary")
        with VerticalScroll(id="contract-body", can_focus=False):
            yield Static("成果物（001 §15）", classes="contract-head", id="contract-deliverables-head")
            yield DataTable(id="contract-deliverables", cursor_type="row", zebra_stripes=True)
            yield Static("会議（内部会議・連絡会議）", classes="contract-head")
            yield DataTable(id="contract-meetings", cursor_type="row", zebra_stripes=True)
            yield Static("研修（001 §8）", classes="contract-head")
            yield DataTable(id="contract-trainings", cursor_type="row", zebra_stripes=True)
            yield Static("従事者（001 §5(2)）", classes="contract-head", id="contract-staff-head")
            yield DataTable(id="contract-staff", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        d = self.query_one("#contract-deliverables", DataTable)
        d.add_column("状態", key="status", width=8)
        d.add_column("期日", key="due", width=11)
        d.add_column("提出日", key="done", width=10)
        d.add_column("成果物", key="name")
        m = self.query_one("#contract-meetings", DataTable)
        for label, key in (("開催日", "on"), ("会議", "kind"), ("決定事項", "decisions")):
            m.add_column(label, key=key)
        t = self.query_one("#contract-trainings", DataTable)
        for label, key in (("実施日", "on"), ("研修名", "title"), ("出席", "n")):
            t.add_column(label, key=key)
        st = self.query_one("#contract-staff", DataTable)
        for label, key in (
            ("コード", "code"),
            ("氏名", "name"),
            ("届出", "notified"),
            ("誓約書", "pledge"),
            ("調査員証", "card"),
            ("注意", "flags"),
        ):
            st.add_column(label, key=key)
        d.focus()

    def load(self) -> None:
        self.call(contract_view, self.app.today, done=self._loaded)

    def show_message(self, text: str) -> None:
        self.query_one("#contract-summary", Static).update(f" {text}")

    def _loaded(self, view: ContractView) -> None:
        self.view = view
        self._fill()

    def _shown_rows(self) -> list:
        if self.view is None:
            return []
        today = self.app.today
        return [r for r in self.view.rows if self.show_all or near(r, today)]

    def _fill(self) -> None:
        from inspect_tui.core.jpdate import format_wd
        from inspect_tui.services.contract.meetings import KINDS

        assert self.view is not None
        today = self.app.today
        rows = self.view.rows
        late = sum(r.status == "overdue" for r in rows)
        soon = sum(r.status == "due_soon" for r in rows)
        done = sum(r.status == "done" for r in rows)
        summary = Text(f" 成果物 {len(rows)} 件: ")
        summary.append(f"超過 {late}", style="bold red" if late else "")
        summary.append(f"・間近 {soon}", style="yellow" if soon else "")
        summary.append(f"・提出済 {done}")
        summary.append("   a: すべて表示" if not self.show_all else "   a: 近いものだけ", style="dim")
        self.query_one("#contract-summary", Static).update(summary)
        table = self.query_one("#contract-deliverables", DataTable)
        keep = table.cursor_row
        table.clear()
        for r in self._shown_rows():
            due = "随時" if r.occ.due is None else format_wd(r.occ.deliver_by or r.occ.due, today)
            table.add_row(
                Text(r.status_label, style=STATUS_STYLE.get(r.status, "")),
                due,
                r.delivered_on.isoformat() if r.delivered_on else "－",
                r.occ.name,
                key=r.occ.id,
            )
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        scope = "すべて" if self.show_all else f"超過・{WINDOW_DAYS}日以内・随時"
        self.query_one("#contract-deliverables-head", Static).update(
            f"成果物（001 §15。{scope}。期日は提出できる最終開庁日）"
        )
        m = self.query_one("#contract-meetings", DataTable)
        m.clear()
        for x in reversed(self.view.meetings[-5:]):
            m.add_row(
                x.held_on.isoformat(),
                KINDS[x.kind],
                (x.decisions or "－").splitlines()[0][:40],
                key=str(x.id),
            )
        if not self.view.meetings:
            m.add_row("－", "記録なし（m で記録）", "", key="none")
        t = self.query_one("#contract-trainings", DataTable)
        t.clear()
        for x in reversed(self.view.trainings[-5:]):
            t.add_row(x.held_on.isoformat(), x.title, f"{len(x.attendees)}人", key=str(x.id))
        if not self.view.trainings:
            t.add_row("－", "記録なし（t で記録）", "", key="none")
        self._fill_staff()

    def _fill_staff(self) -> None:
        assert self.view is not None
        share = self.view.share
        flagged = sum(1 for r in self.view.staff if r.flags)
        head = f"従事者（001 §5(2)）: {share.text}"  # type: ignore[attr-defined]
        head += f"、要対応 {flagged} 人" if flagged else ""
        self.query_one("#contract-staff-head", Static).update(
            Text(head, style="bold red" if flagged or share.over else "bold")  # type: ignore[attr-defined]
        )
        st = self.query_one("#contract-staff", DataTable)
        keep = st.cursor_row
        st.clear()
        for r in self.view.staff:
            st.add_row(
                r.code,
                r.name,
                r.notified_text,
                str(r.pledge.on) if r.pledge else "なし",
                r.card.label,
                Text(r.flag_text or "－", style="bold red" if r.flags else ""),
                key=r.code,
            )
        if st.row_count:
            st.move_cursor(row=min(keep, st.row_count - 1))

    # -- actions --------------------------------------------------------------
    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        if self.view is not None:
            self._fill()

    def _selected(self):
        table = self.query_one("#contract-deliverables", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in self._shown_rows() if r.occ.id == key), None)

    def action_mark_done(self) -> None:
        from inspect_tui.services.contract.deliverables import record_delivery
        from inspect_tui.tui.screens.confirm import ConfirmDialog

        row = self._selected()
        if row is None:
            return
        today = self.app.today
        if row.status == "done":
            self.notify(
                f"{row.occ.name} は {row.delivered_on} に提出済みです（訂正は deliverables done / undo）"
            )
            return

        def asked(yes) -> None:
            if yes:
                self.write(
                    record_delivery,
                    row.occ.id,
                    today,
                    done=lambda _r: self._recorded(f"{row.occ.name} の提出を記録しました"),
                )

        question = (
            f"{row.occ.name} を本日（{today.isoformat()}）提出したと記録します。"
            "別の日は inspect-tui deliverables done で記録します"
        )
        self.app.push_screen(ConfirmDialog("成果物の提出", question, yes="はい（記録する）"), asked)

    def action_add_meeting(self) -> None:
        from inspect_tui.tui.screens.contract.meeting_form import MeetingForm

        def saved(mid: int | None) -> None:
            if mid:
                self._recorded(f"会議を記録しました（記録番号 {mid}。連絡会議の議事録は14日後が期限）")

        form = MeetingForm(values={"held_on": self.app.today.isoformat(), "kind": "internal"})
        self.app.push_screen(form, saved)

    def action_add_training(self) -> None:
        from inspect_tui.tui.screens.contract.training_form import TrainingForm

        def saved(tid: int | None) -> None:
            if tid:
                self._recorded(f"研修を記録しました（記録番号 {tid}。研修報告は14日後が期限）")

        form = TrainingForm(values={"held_on": self.app.today.isoformat(), "organizer": "contractor"})
        self.app.push_screen(form, saved)

    def action_staff_entry(self) -> None:
        """Pick what happened to the selected surveyor today, then confirm and record it."""
        from inspect_tui.core.staff import ENTRY_KINDS
        from inspect_tui.services.staff.records import record_entry
        from inspect_tui.tui.screens.confirm import ConfirmDialog
        from inspect_tui.tui.screens.pick import PickScreen

        table = self.query_one("#contract-staff", DataTable)
        if self.view is None or not table.row_count:
            return
        if self.focused is not table:
            table.focus()
            self.notify("従事者の表で調査員を選んで s を押してください")
            return
        code = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        today = self.app.today

        def chosen(kind: str | None) -> None:
            if not kind:
                return

            def asked(yes) -> None:
                if yes:
                    self.write(
                        record_entry,
                        code,
                        kind,
                        today,
                        done=lambda _e: self._recorded(f"{code} の「{label}」を記録しました"),
                    )

            label = ENTRY_KINDS[kind]
            question = (
                f"{code} の「{label}」を本日（{today.isoformat()}）として記録します。"
                "記録は消せません（誤りは staff withdraw で取り消しを記録します）"
            )
            self.app.push_screen(ConfirmDialog("従事者の記録", question, yes="はい（記録する）"), asked)

        choices = [(k, v) for k, v in ENTRY_KINDS.items()]
        self.app.push_screen(PickScreen(f"{code}: 本日の記録（Enter で選ぶ）", choices), chosen)

    def _recorded(self, text: str) -> None:
        self.notify(text, timeout=4)
        self.app.data_changed()
