"""Checking what staff type into the complaint, incident and problem forms (and the CLI).

Every check collects problems as (field label, message) and raises one
``QualityInputError`` naming each field, so the form and the command line show
the same Japanese message and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from functools import cache
from typing import Any

from inspect_tui.core.jpdate import DateError, parse_date
from inspect_tui.core.records import record
from inspect_tui.core.today import today_jp
from inspect_tui.system.paths import data_file

PERSONAL_DATA_WARNING = (
    "内容の欄に申請者の氏名・被保険者番号・住所などの個人情報を書かないでください（依頼番号で特定します）。"
    "個人情報のような文字は欄の下に注意が出ます。"
)

INCIDENT_KINDS = {"incident": "インシデント", "accident": "アクシデント", "security": "セキュリティ事故"}
PROBLEM_STATUSES = {"open": "未着手", "in_progress": "対応中", "closed": "完了"}
COMPLAINT_KINDS = {"serious": "重大", "minor": "軽微"}

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")

#: The fields staff write freely, per record (key -> label): personal data typed into
#: them is warned about while typing (services.free_text), and masked for monitors.
FREE_TEXT_FIELDS = {
    "complaint": {
        "complainant_note": "申出者の補足",
        "handled_by": "対応者",
        "content": "苦情内容",
        "outcome": "対応結果",
    },
    "incident": {
        "place": "場所",
        "people": "関係者",
        "what_happened": "何が起きたか",
        "impact": "影響",
        "direct_cause": "直接原因",
        "root_cause": "根本原因",
        "immediate_response": "応急対応",
        "countermeasure": "対策",
        "prevention": "再発防止策",
    },
    "training": {"title": "研修名"},
    "meeting": {"attendees": "出席者", "agenda": "議題", "decisions": "決定事項", "followups": "今後の対応"},
    "problem": {
        "title": "課題",
        "owner": "主担当",
        "root_cause_note": "原因（根本原因のメモ）",
        "fix": "対策",
    },
}


class QualityInputError(ValueError):
    """Input that cannot be saved; ``problems`` lists (field label, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{label}: {msg}" for label, msg in problems))

    @property
    def fields(self) -> list[str]:
        return [label for label, _ in self.problems]


@record(frozen=True)
class Categories:
    complainants: tuple[str, ...]
    complaint: tuple[str, ...]
    incident_cause: tuple[str, ...]


@cache
def categories() -> Categories:
    """The category lists shipped in data/quality_categories.toml."""

    with data_file("quality_categories.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    return Categories(
        tuple(raw["complaint"]["complainants"]),
        tuple(raw["complaint"]["categories"]),
        tuple(raw["incident"]["cause_categories"]),
    )


def parse_datetime(text: str) -> str:
    """'2027-06-15 14:30' (also 2027/6/15 9:05, R9.6.15 14:30, full-width) -> '2027-06-15 14:30'."""
    norm = unicodedata.normalize("NFKC", text).strip()
    if not norm:
        raise DateError("日時が空です")
    parts = norm.replace("T", " ").rsplit(None, 1)
    if len(parts) != 2 or ":" not in parts[1]:
        raise DateError(f"「{text}」に時刻がありません（例: 2027-06-15 14:30）")
    day = parse_date(parts[0])
    m = _TIME.match(parts[1])
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise DateError(f"「{parts[1]}」は時刻として読めません（例: 14:30）")
    return f"{day.isoformat()} {int(m.group(1)):02d}:{m.group(2)}"


class Checker:
    """Collects problems field by field; ``done()`` raises them all at once."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.problems: list[tuple[str, str]] = []

    def _get(self, key: str) -> str:
        v = self.raw.get(key)
        return "" if v is None else str(v).strip()

    def fail(self, label: str, msg: str) -> None:
        self.problems.append((label, msg))

    def text(self, key: str, label: str, *, required: bool = False, limit: int = 2000) -> str:
        v = self._get(key)
        if required and not v:
            self.fail(label, "入力してください（必須）")
        elif len(v) > limit:
            self.fail(label, f"{limit}文字以内にしてください（{len(v)}文字）")
        return v

    def choice(
        self,
        key: str,
        label: str,
        choices: Mapping[str, str] | tuple[str, ...],
        *,
        required: bool = True,
        default: str = "",
    ) -> str:
        v = self._get(key) or default
        if not v:
            if required:
                self.fail(label, "選んでください（必須）")
            return ""
        if isinstance(choices, Mapping):
            if v in choices:
                return v
            for k, jp in choices.items():
                if v == jp:
                    return k
            names = " / ".join(f"{k}（{jp}）" for k, jp in choices.items())
        else:
            if v in choices:
                return v
            names = " / ".join(choices)
        self.fail(label, f"「{v}」は選べません（{names}）")
        return ""

    def flag(self, key: str, label: str) -> bool:
        v = self.raw.get(key)
        if isinstance(v, bool) or v is None:
            return bool(v)
        s = unicodedata.normalize("NFKC", str(v)).strip().lower()
        if s in ("", "0", "no", "n", "false", "いいえ", "なし", "軽微"):
            return False
        if s in ("1", "yes", "y", "true", "はい", "あり", "重大"):
            return True
        self.fail(label, f"「{v}」ははい／いいえで答えてください")
        return False

    def when(self, key: str, label: str, *, required: bool = False) -> str | None:
        v = self._get(key)
        if not v:
            if required:
                self.fail(label, "入力してください（必須、例: 2027-06-15 14:30）")
            return None
        try:
            out = parse_datetime(v)
        except DateError as exc:
            self.fail(label, str(exc))
            return None
        if dt.date.fromisoformat(out[:10]) > today_jp():
            self.fail(label, f"{out} は未来の日時です")
            return None
        return out

    def date(
        self,
        key: str,
        label: str,
        *,
        required: bool = False,
        default: dt.date | None = None,
        past_only: bool = False,
    ) -> dt.date | None:
        v = self._get(key)
        if not v:
            if required and default is None:
                self.fail(label, "入力してください（必須、例: 2027-06-30）")
            return default
        try:
            day = parse_date(v)
        except DateError as exc:
            self.fail(label, str(exc))
            return None
        if past_only and day > today_jp():
            self.fail(label, f"{day.isoformat()} は未来の日付です")
            return None
        return day

    def ward(self, key: str, wards: tuple[str, ...]) -> str:
        v = self._get(key)
        if not v:
            self.fail("区", "入力してください（必須）")
        elif v not in wards:
            self.fail("区", f"「{v}」は担当の区ではありません（{' / '.join(wards)}）")
        return v

    def done(self) -> None:
        if self.problems:
            raise QualityInputError(self.problems)
