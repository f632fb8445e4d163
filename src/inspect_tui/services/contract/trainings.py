"""Trainings (issue 15 item 4; seed 001 §8): the contractor's own trainings and the city's that
staff attended, with the areas of §8 they covered and who attended; the fiscal year's
研修完了報告書 (at least one training a year, §8; the five areas covered or not); each
training makes its 研修報告 deliverable due 14 days later (data/deliverables.toml).
Recording is a manager's (``training.save``); a record is never edited: ``correct_training``
adds one that replaces it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from inspect_tui.core.document import Doc, Section, Table
from inspect_tui.core.jpdate import fiscal_year_label, format_era
from inspect_tui.core.months import fiscal_year_of, fiscal_year_span
from inspect_tui.core.records import record
from inspect_tui.core.renderable import EXTENSIONS
from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.session import Session
from inspect_tui.services.trust.free_text import printer, viewer
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import trainings as store
from inspect_tui.store.audit import record_audit
from inspect_tui.store.trainings import TrainingRow
from inspect_tui.store.tx import write

__all__ = [
    "AREAS",
    "ORGANIZERS",
    "TrainingError",
    "add_training",
    "correct_training",
    "training_days",
    "training_json",
    "training_report",
    "trainings",
]

#: the five areas of 001 §8
AREAS = {
    "duties": "認定調査業務に関する知識",
    "welfare": "高齢者福祉に関連する知識",
    "systems": "機器・システム操作",
    "security": "個人情報保護・情報セキュリティ",
    "manners": "心構え・接遇",
}
ORGANIZERS = {"contractor": "自社研修", "city": "市等の研修に参加"}
TITLE_LIMIT = 200


class TrainingError(ValueError):
    """Something the user can fix; the message names the field."""


def _areas(raw: Iterable[str]) -> list[str]:
    got = [a.strip() for a in raw if a.strip()]
    bad = [a for a in got if a not in AREAS]
    if bad or not got:
        choices = " / ".join(f"{k}: {v}" for k, v in AREAS.items())
        raise TrainingError(f"分野「{'、'.join(bad) or '（なし）'}」は使えません（{choices}）")
    return sorted(set(got), key=list(AREAS).index)


def _attendees(s: Session, raw: Iterable[str]) -> list[str]:
    codes = sorted({c.strip() for c in raw if c.strip()})
    if not codes:
        raise TrainingError("出席者（調査員コード）を1人以上書いてください（--attendees S001,S002）")
    known = {r[0] for r in s.db.conn.execute("SELECT code FROM surveyors")}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise TrainingError(f"調査員コード {'、'.join(unknown[:10])} は調査員名簿にありません")
    return codes


def _check(on: dt.date, title: str, organizer: str, minutes: int | None) -> None:
    if on > today_jp():
        raise TrainingError(f"実施日 {on} は先の日付です（研修は実施したあとで記録します）")
    if not title.strip():
        raise TrainingError("研修名を書いてください（--title）")
    if len(title) > TITLE_LIMIT:
        raise TrainingError(f"研修名が長すぎます（{len(title)} 文字、{TITLE_LIMIT} 文字まで）")
    if organizer not in ORGANIZERS:
        raise TrainingError("主催は contractor（自社研修）か city（市等の研修）です")
    if minutes is not None and not 0 < minutes <= 24 * 60:
        raise TrainingError("時間（分）は 1〜1440 です")


def _summary(t: TrainingRow | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {
        "held_on": t.held_on,
        "areas": list(t.areas),
        "attendees": len(t.attendees),
        "replaces": t.replaces,
    }


@writes("training.save")
def add_training(
    s: Session,
    on: dt.date,
    title: str,
    areas: Iterable[str],
    attendees: Iterable[str],
    *,
    organizer: str = "contractor",
    minutes: int | None = None,
    replaces: int | None = None,
) -> TrainingRow:
    """Record a training held on ``on`` (areas: keys of AREAS; attendees: surveyor codes)."""
    _check(on, title, organizer, minutes)
    area_ids = _areas(areas)
    codes = _attendees(s, attendees)
    with write(s.db):
        tid = store.insert(
            s.db,
            {
                "held_on": on.isoformat(),
                "title": title.strip(),
                "areas": ",".join(area_ids),
                "organizer": organizer,
                "minutes": minutes,
                "replaces": replaces,
                "recorded_at": now_jp_iso(),
                "who": s.who,
            },
            codes,
        )
        row = store.get(s.db, tid)
        old = store.get(s.db, replaces) if replaces else None
        action = "training.correct" if replaces else "training.add"
        record_audit(s.db, s.who, action, "training", str(tid), _summary(old), _summary(row))
    assert row is not None
    return row


@writes("training.save")
def correct_training(
    s: Session,
    training_id: int,
    *,
    on: dt.date | None = None,
    title: str | None = None,
    areas: Iterable[str] | None = None,
    attendees: Iterable[str] | None = None,
    organizer: str | None = None,
    minutes: int | None = None,
) -> TrainingRow:
    """A corrected record: a new training that replaces this one (which stays)."""
    old = store.get(s.db, training_id)
    if old is None:
        raise TrainingError(f"研修 {training_id} の記録はありません")
    newer = store.replaced_by(s.db, training_id)
    if newer is not None:
        raise TrainingError(
            f"研修 {training_id} の記録は {newer} で訂正済みです（{newer} を訂正してください）"
        )
    return add_training(
        s,
        on or old.held_on,
        old.title if title is None else title,
        old.areas if areas is None else areas,
        old.attendees if attendees is None else attendees,
        organizer=organizer or old.organizer,
        minutes=old.minutes if minutes is None else minutes,
        replaces=training_id,
    )


def trainings(s: Session, fy: int | None = None) -> list[TrainingRow]:
    """Every training as last recorded (of one fiscal year), by date; titles masked for a
    reader who may not see free text as typed."""
    from inspect_tui.core import records

    view = viewer(s)
    rows = [t for t in store.current(s.db) if fy is None or fiscal_year_of(t.held_on) == fy]
    if not getattr(view, "masks", True):
        return rows
    return [records.replace(t, title=view(t.title)) for t in rows]


def training_days(s: Session) -> list[tuple[str, dt.date]]:
    """(training id, day) of every training as last recorded: the deliverables' events."""
    return [(str(t.id), t.held_on) for t in store.current(s.db)]


def training_json(t: TrainingRow) -> dict[str, Any]:
    """One training as the CLI's list and the report's JSON give it."""
    return {
        "id": t.id,
        "held_on": t.held_on.isoformat(),
        "title": t.title,
        "areas": list(t.areas),
        "organizer": t.organizer,
        "minutes": t.minutes,
        "attendees": list(t.attendees),
    }


@record(frozen=True)
class TrainingReport:
    """研修完了報告書 of a fiscal year, as every renderer takes it."""

    fy: int
    rows: list[TrainingRow]
    names: dict[str, str]  # surveyor code -> name
    issued: dt.date

    @property
    def covered(self) -> dict[str, bool]:
        return {a: any(a in t.areas for t in self.rows) for a in AREAS}

    @property
    def complete(self) -> bool:
        """§8: at least one training in the fiscal year."""
        return bool(self.rows)

    def as_doc(self, full: bool = False) -> Doc:
        start, end = fiscal_year_span(self.fy)
        facts = [
            (
                "対象年度",
                f"{fiscal_year_label(self.fy, western=False)}（{start.isoformat()}〜{end.isoformat()}）",
            ),
            (
                "研修の実施",
                f"{len(self.rows)} 回"
                + ("（年度ごとに1回以上: 実施済み）" if self.complete else "（未実施）"),
            ),
            ("発行日", format_era(self.issued)),
        ]
        trainings_table = Table(
            ["実施日", "研修名", "分野", "主催", "時間", "出席者数"],
            [
                [
                    t.held_on.isoformat(),
                    t.title,
                    "・".join(AREAS[a] for a in t.areas),
                    ORGANIZERS[t.organizer],
                    f"{t.minutes}分" if t.minutes else "－",
                    len(t.attendees),
                ]
                for t in self.rows
            ],
            list("llllrr"),
        )
        areas_table = Table(
            ["分野（001 §8）", "実施"],
            [[label, "実施済" if self.covered[a] else "未実施"] for a, label in AREAS.items()],
            list("lc"),
        )
        people: dict[str, int] = {}
        for t in self.rows:
            for c in t.attendees:
                people[c] = people.get(c, 0) + 1
        attendance = Table(
            ["調査員コード", "氏名", "受講回数"],
            [[c, self.names.get(c, c), n] for c, n in sorted(people.items())],
            list("llr"),
        )
        sections = [
            Section("1. 実施した研修", [trainings_table]),
            Section("2. 分野ごとの実施状況", [areas_table]),
            Section("3. 受講者", [attendance]),
        ]
        note = "" if self.complete else "注: この年度の研修の記録がありません。"
        return Doc("研修完了報告書", facts, sections, seals=("業務責任者",), note=note, seals_at_end=True)

    def to_json(self) -> dict[str, Any]:
        return {
            "report": "training_completion",
            "version": 1,
            "fiscal_year": self.fy,
            "complete": self.complete,
            "areas_covered": self.covered,
            "trainings": [training_json(t) for t in self.rows],
        }

    def default_filename(self, fmt: str) -> str:
        return f"training_FY{self.fy}_{self.issued:%Y%m%d}.{EXTENSIONS[fmt]}"


def training_report(s: Session, fy: int):
    """The fiscal year's 研修完了報告書 as printed (titles masked; in the documents' frame)."""
    from inspect_tui.core import records
    from inspect_tui.services.documents import finish

    view = printer(s)
    rows = [
        records.replace(t, title=view(t.title))
        for t in store.current(s.db)
        if fiscal_year_of(t.held_on) == fy
    ]
    from inspect_tui.services.staff.records import staff_names

    return finish(s, TrainingReport(fy, rows, staff_names(s), today_jp()))
