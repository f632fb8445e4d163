"""What an import comes to: its summary (what was added, updated, unchanged) and its errors.

``ImportFailed`` lists the problems that stopped an import (nothing was written);
``ImportConflicts`` the cells that differ from recorded steps. Keys in a summary
are case numbers or surveyor codes, never personal values.
"""

from __future__ import annotations

from inspect_tui.core.records import record
from inspect_tui.services.importing.corrections import Conflict
from inspect_tui.services.importing.rows import Problem

KIND_LABELS = {"cases": "依頼一覧", "surveyors": "調査員名簿"}
DRY_RUN_LIST_LIMIT = 50


class ImportFailed(ValueError):
    """The file cannot be imported; str() lists the problems (the first 50, then a count)."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class ImportConflicts(ImportFailed):
    """Cells that differ from recorded steps; nothing was changed (``--accept-changes``)."""

    def __init__(self, file_name: str, conflicts: list[Conflict]) -> None:
        lines = [
            f"{file_name}: 記録済みの手順と違う日付が {len(conflicts)} 件あります。何も変更していません。",
            "  ファイルの日付で訂正するなら --accept-changes を付けて取り込み直してください"
            "（前の記録は取消として経過に残ります）",
        ]
        lines += [f"  行 {c.line} 列 {c.column}: 記録 {c.recorded}、ファイル {c.in_file}" for c in conflicts]
        super().__init__("\n".join(lines))
        self.conflicts = tuple(conflicts)


@record(frozen=True)
class RowChange:
    key: str  # case_no or surveyor code (never personal)
    action: str  # "add" | "update"
    columns: tuple[str, ...] = ()  # Japanese labels of the changed columns (updates)


@record(frozen=True)
class ClosedMonthStep:
    """A step of the city's list dated in a month already closed: the office recorded it, so
    the import keeps it; the closed month stays as it was closed and the step is listed in
    the next open month's report as 前月以前分の訂正."""

    case_no: str
    column: str  # the column's label in the file
    on_date: str

    @property
    def month(self) -> str:
        return self.on_date[:7]


@record(frozen=True)
class OutOfScope:
    """A row whose kind of application (申請区分) the contract does not cover (config
    ``application_kinds``; seed 001 §3(5)①: 新規 and 区分変更 only). Imported all the same:
    the city sent it, and the kind is valid in general; the import warns with the line."""

    line: int
    column: str  # the column's label in the file
    kind: str  # 新規 / 区分変更 / 更新: never personal


@record(frozen=True)
class ImportSummary:
    kind: str
    added: int
    updated: int
    unchanged: int
    changes: tuple[RowChange, ...] = ()
    encoding: str = ""
    closed_steps: tuple[ClosedMonthStep, ...] = ()
    out_of_scope: tuple[OutOfScope, ...] = ()
    scope: tuple[str, ...] = ()  # the kinds in scope (config application_kinds)

    def warnings(self) -> list[str]:
        """Rows imported with a kind of application outside the contract, by line (the first
        50, then a count); printed as a warning, the import is not refused."""
        if not self.out_of_scope:
            return []
        scope = "・".join(self.scope)
        lines = [
            f"申請区分が契約の対象（{scope}）外の行が {len(self.out_of_scope)} 件あります"
            "（取り込みました。対象の申請区分は設定の application_kinds）:"
        ]
        lines += [
            f"  行 {o.line} 列 {o.column}: 申請区分「{o.kind}」はこの契約の対象（{scope}）外です"
            for o in self.out_of_scope[:DRY_RUN_LIST_LIMIT]
        ]
        if len(self.out_of_scope) > DRY_RUN_LIST_LIMIT:
            lines.append(f"  ほか {len(self.out_of_scope) - DRY_RUN_LIST_LIMIT} 件")
        return lines

    def describe(self, dry_run: bool = False) -> str:
        label = KIND_LABELS[self.kind]
        counts = f"追加 {self.added} 件、更新 {self.updated} 件、変更なし {self.unchanged} 件"
        if not dry_run:
            return "\n".join([f"{label}を取り込みました: {counts}", *self._closed_lines(dry_run)])
        lines = [f"{label}の取り込み（試行・書き込んでいません）: {counts}", *self._closed_lines(dry_run)]
        if self.encoding:
            lines.append(f"  文字コード: {self.encoding}")
        for change in self.changes[:DRY_RUN_LIST_LIMIT]:
            if change.action == "add":
                lines.append(f"  追加 {change.key}")
            else:
                lines.append(f"  更新 {change.key}: {'、'.join(change.columns)}")
        if len(self.changes) > DRY_RUN_LIST_LIMIT:
            lines.append(f"  …ほか {len(self.changes) - DRY_RUN_LIST_LIMIT} 件")
        return "\n".join(lines)

    def _closed_lines(self, dry_run: bool) -> list[str]:
        """The steps dated in closed months, said with their case numbers (never personal)."""
        if not self.closed_steps:
            return []
        months = "、".join(sorted({c.month for c in self.closed_steps}))
        verb = "記録されます" if dry_run else "記録しました"
        lines = [
            f"  締め済みの月（{months}）の日付の手順 {len(self.closed_steps)} 件: "
            f"締めた月の報告はそのままで、前月以前分の訂正として{verb}"
            "（次の締めていない月の報告に載ります）"
        ]
        lines += [f"    {c.case_no} {c.column} {c.on_date}" for c in self.closed_steps[:DRY_RUN_LIST_LIMIT]]
        if len(self.closed_steps) > DRY_RUN_LIST_LIMIT:
            lines.append(f"    …ほか {len(self.closed_steps) - DRY_RUN_LIST_LIMIT} 件")
        return lines
