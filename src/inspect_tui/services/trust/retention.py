"""Purging personal data past its retention (seed 001 §4(4)): what the app offers on
start (``purge_due_count``) and what ``inspect-tui purge`` does.

The purge says 消去しました only when it is true of the disk: after a checkpoint that
wrote every page back and emptied the -wal, and after the file's bytes were read
and none of the purged values was found. Another connection holding a read
snapshot (an open ``sqlite3`` shell, a stuck process) keeps the old pages alive;
then nothing is purged, or, if that reader came in during the purge, the purge
says the values are still in the file and how to finish it (``purge`` again).
"""

from __future__ import annotations

from inspect_tui.core.case_columns import STATUS_LABELS
from inspect_tui.core.records import record
from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store.retention import (
    CHECKPOINT_WAIT_MS,
    ByteCheck,
    DueCase,
    checkpoint_truncate,
    due_for_purge,
    no_old_snapshots,
    personal_values,
    purge_personal,
    record_checked,
    unchecked_purges,
    verify_gone,
)

#: What to do when other connections keep the old pages alive.
CLOSE_OTHERS = "ほかに開いている inspect-tui（または sqlite3）を閉じてから、もう一度 inspect-tui purge"

# What a purge came to.
NOTHING = "nothing"  # no personal data past retention, nothing left to finish
DONE = "done"  # purged, and the bytes were read: the values are gone
FINISHED = "finished"  # nothing new; an earlier purge's old pages are now written over
BLOCKED = "blocked"  # another connection reads an old snapshot: nothing purged
LINGERING = "lingering"  # purged, but a reader came in meanwhile: the bytes are still there
REMAINS = "remains"  # purged and checkpointed, yet purged values are still in the bytes


@record(frozen=True)
class PurgeResult:
    due: tuple[DueCase, ...]
    purged: int
    dry_run: bool
    retention_months: int
    state: str = NOTHING
    check: ByteCheck | None = None

    @property
    def ok(self) -> bool:
        """True when nothing purged is left in the file (the CLI exits 0)."""
        return self.dry_run or self.state in (NOTHING, DONE, FINISHED)

    def describe(self, limit: int = 50) -> str:
        """Counts, case numbers and places in the file; never a personal value."""
        m = self.retention_months
        if self.dry_run:
            if not self.due:
                return f"保存期間（最後の提出から {m} か月）を過ぎた個人情報はありません"
            head = (
                f"消去の対象: {len(self.due)} 件"
                f"（最後の提出、提出前の中止・返却はその日から {m} か月を過ぎたもの。まだ消していません）"
            )
            return "\n".join([head, *self._cases(limit)])
        if self.state == NOTHING:
            return f"保存期間（最後の提出から {m} か月）を過ぎた個人情報はありません"
        if self.state == FINISHED:
            return (
                "前回消去した個人情報の古い内容をファイルに書き戻し、WAL を空にしました"
                "（古い内容を読んでいた接続はもうありません）"
            )
        if self.state == BLOCKED:
            what = (
                f"個人情報はまだファイルにあります（消去の対象 {len(self.due)} 件。まだ消していません）"
                if self.due
                else "前回消去した個人情報の古い内容が、まだファイルにあります"
            )
            return (
                f"{what}。ほかの接続がデータベースの古い内容を読み取り中で、"
                "その接続が閉じるまで古い内容はファイルから消せません。\n"
                f"  {CLOSE_OTHERS}"
            )
        if self.state == LINGERING:
            return (
                f"申請者の氏名・被保険者番号・生年月日を {self.purged} 件分データベースから消しましたが、"
                "消した値はまだファイルにあります: ほかの接続が消す前の内容を読み取り中です"
                "（その接続が閉じるまで残ります）。\n"
                f"  {CLOSE_OTHERS}"
            )
        check = self.check
        assert check is not None
        if self.state == REMAINS:
            return (
                f"申請者の氏名・被保険者番号・生年月日を {self.purged} 件分データベースから消しましたが、"
                f"消した値がまだファイルの中にあります（場所: {'、'.join(check.remains)}）。"
                "アプリの外で作られた表や自由記述欄に写しがあるかもしれません。業務責任者が確かめてください"
            )
        lines = [
            f"申請者の氏名・被保険者番号・生年月日を消去しました: {self.purged} 件",
            f"  ファイルと WAL のバイトを読み、消した値 {check.checked} 件が"
            "どこにも残っていないことを確かめました",
        ]
        if check.shared:
            lines.append(
                f"  （同じ値をまだ持っているほかの依頼・調査員がある {check.shared} 件は、"
                "その分としてファイルに残ります）"
            )
        return "\n".join(lines + self._cases(limit))

    def _cases(self, limit: int) -> list[str]:
        if limit <= 0:
            return []
        lines = [
            f"  {c.case_no}  {STATUS_LABELS.get(c.status, c.status)} {c.closed_on} から"
            for c in self.due[:limit]
        ]
        if len(self.due) > limit:
            lines.append(f"  …ほか {len(self.due) - limit} 件")
        return lines


def purge_due_count(s: Session) -> int:
    """How many cases have personal data past retention (for the app to offer a purge)."""
    return len(due_for_purge(s.db, today_jp(), s.config.retention_months))


def purge_unfinished(s: Session) -> bool:
    """An earlier purge whose old pages another connection kept alive (offered to finish)."""
    return unchecked_purges(s.db) > 0


@writes("purge")
def purge(s: Session, *, dry_run: bool = False, wait_ms: int = CHECKPOINT_WAIT_MS) -> PurgeResult:
    """Purge (manager only) or, with dry_run, list what would be purged."""
    today = today_jp()
    months = s.config.retention_months
    due = due_for_purge(s.db, today, months)
    if dry_run:
        return PurgeResult(tuple(due), 0, True, months)
    earlier = unchecked_purges(s.db)  # an earlier purge whose checkpoint could not complete
    if not due and not earlier:
        return PurgeResult((), 0, False, months, NOTHING)
    # First make sure nobody holds an old snapshot: purging now would leave the bytes behind.
    if not no_old_snapshots(s.db, wait_ms):
        return PurgeResult(tuple(due), 0, False, months, BLOCKED)
    if not due:
        record_checked(s.db, s.who, earlier, None, now_jp_iso())
        checkpoint_truncate(s.db, wait_ms)
        return PurgeResult((), 0, False, months, FINISHED)
    values = personal_values(s.db, due)
    purged = purge_personal(s.db, s.who, due, today, now_jp_iso())
    if not checkpoint_truncate(s.db, wait_ms):
        return PurgeResult(tuple(due), purged, False, months, LINGERING)
    check = verify_gone(s.db, values)
    # Recorded either way: the checkpoint is done; copies found elsewhere are the manager's
    # to look into (the audit row names the places), not something another purge can fix.
    record_checked(s.db, s.who, earlier + purged, check, now_jp_iso())
    checkpoint_truncate(s.db, wait_ms)  # leave the -wal empty (the audit row holds counts only)
    return PurgeResult(tuple(due), purged, False, months, DONE if check.clean else REMAINS, check)
