"""Purging personal data past its retention (seed 001 §4(4)): what the app offers on
start (``purge_due_count``) and what ``inspect-tui purge`` does."""

from __future__ import annotations

from dataclasses import dataclass

from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.session import Session
from inspect_tui.services.trust import writes
from inspect_tui.store.retention import DueCase, due_for_purge, purge_personal


@dataclass(frozen=True)
class PurgeResult:
    due: tuple[DueCase, ...]
    purged: int
    dry_run: bool
    retention_months: int

    def describe(self, limit: int = 50) -> str:
        """Counts and case numbers; never a personal value."""
        m = self.retention_months
        if not self.due:
            return f"保存期間（受理・中止・返却から {m} か月）を過ぎた個人情報はありません"
        head = (
            f"消去の対象: {len(self.due)} 件（受理・中止・返却から {m} か月を過ぎたもの。まだ消していません）"
            if self.dry_run
            else f"申請者の氏名・被保険者番号・生年月日を消去しました: {self.purged} 件"
        )
        lines = [head]
        lines += [f"  {c.case_no}  {c.status} {c.closed_on}" for c in self.due[:limit]]
        if len(self.due) > limit:
            lines.append(f"  …ほか {len(self.due) - limit} 件")
        return "\n".join(lines)


def purge_due_count(s: Session) -> int:
    """How many cases have personal data past retention (for the app to offer a purge)."""
    return len(due_for_purge(s.db, today_jp(), s.config.retention_months))


@writes("purge")
def purge(s: Session, *, dry_run: bool = False) -> PurgeResult:
    """Purge (manager only) or, with dry_run, list what would be purged."""
    due = due_for_purge(s.db, today_jp(), s.config.retention_months)
    n = 0 if dry_run else purge_personal(s.db, s.who, due, today_jp(), now_jp_iso())
    return PurgeResult(tuple(due), n, dry_run, s.config.retention_months)
