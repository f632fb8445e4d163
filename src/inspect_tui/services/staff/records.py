"""Staff records (issue 15 item 3; seed 001 §5(2)): for each surveyor the qualification and
its basis, the notifications to the city, the security pledge, the ID card, the trainings
attended and what needs doing (core.staff.flags); the share of non-care-manager staff; the
two documents the city receives (認定調査従事者名簿 with the notifications and pledges, and
the 調査員証受領簿). Recording an entry is a manager's (``staff.record``); a mistake is
withdrawn by a new entry with the reason, never edited.

Staff personal data (core.masking.STAFF_PERSONAL_FIELDS: name, date of birth, registration
number, evidence of another qualification) is hidden from a monitor here, the one place
the staff screens, the CLI and the documents read it from.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from inspect_tui.core import staff as rules
from inspect_tui.core.jpdate import format_era
from inspect_tui.core.masking import REDACTED, sees_staff, staff_value
from inspect_tui.core.records import field, record
from inspect_tui.core.staff import ENTRY_KINDS, Card, Entry, Share
from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import role_of, writes
from inspect_tui.store import staff as store
from inspect_tui.store import trainings as training_store
from inspect_tui.store.audit import record_audit
from inspect_tui.store.tx import write

if TYPE_CHECKING:
    from inspect_tui.core.document import Doc

# core.document (the typed document) is imported by the two documents' methods: the Today
# screen's staff alerts read this module too, and wait for no document code

__all__ = [
    "StaffError",
    "StaffRecord",
    "card_ledger",
    "non_care_manager_share",
    "record_entry",
    "roster",
    "staff_names",
    "staff_record",
    "staff_records",
    "withdraw_entry",
]

NOTE_LIMIT = 400
CARD_NO_LIMIT = 40


class StaffError(ValueError):
    """Something the user can fix; the message names the field."""


@record(frozen=True)
class StaffRecord:
    code: str
    name: str  # REDACTED for a monitor
    birth_date: str | None  # REDACTED for a monitor
    qualification: str  # care_manager | other
    registration_no: str | None  # REDACTED for a monitor
    registered_on: str | None
    expires_on: str | None
    other_qualification: str | None
    qualification_evidence: str | None  # REDACTED for a monitor
    hired_on: str | None
    left_on: str | None
    is_chief: bool
    entries: tuple[Entry, ...]  # every entry, withdrawals too, in entry order
    trainings: tuple[tuple[str, str], ...] = ()  # (day, title) attended, as last recorded
    flags: tuple[str, ...] = field(default=())

    @property
    def card(self) -> Card:
        return rules.card(self.entries)

    @property
    def notified(self) -> Entry | None:
        return rules.latest(self.entries, rules.NOTIFY_KINDS)

    @property
    def pledge(self) -> Entry | None:
        return rules.latest(self.entries, ("pledge",))

    @property
    def qualification_text(self) -> str:
        if self.qualification == "care_manager":
            return rules.QUALIFICATION_LABELS["care_manager"]
        return f"その他（{self.other_qualification}）" if self.other_qualification else "その他"

    @property
    def notified_text(self) -> str:
        """The latest notification: 新規 2026-04-01, or なし."""
        n = self.notified
        return f"{rules.NOTIFY_WORDS[n.kind]} {n.on}" if n else "なし"

    @property
    def flag_text(self) -> str:
        return "・".join(rules.FLAGS[f] for f in self.flags)

    def to_json(self) -> dict[str, Any]:
        c = self.card
        n = self.notified
        p = self.pledge
        return {
            "code": self.code,
            "name": self.name,
            "birth_date": self.birth_date,
            "qualification": self.qualification,
            "other_qualification": self.other_qualification,
            "qualification_evidence": self.qualification_evidence,
            "registration_no": self.registration_no,
            "registered_on": self.registered_on,
            "expires_on": self.expires_on,
            "hired_on": self.hired_on,
            "left_on": self.left_on,
            "notification": {"kind": n.kind, "on": n.on.isoformat()} if n else None,
            "pledge_on": p.on.isoformat() if p else None,
            "card": {
                "state": c.state,
                "card_no": c.card_no,
                "since": c.since.isoformat() if c.since else None,
            },
            "trainings": [{"held_on": d, "title": t} for d, t in self.trainings],
            "flags": list(self.flags),
            "entries": [
                {
                    "id": e.id,
                    "kind": e.kind,
                    "on": e.on.isoformat(),
                    "card_no": e.card_no,
                    "note": e.note,
                    "withdraws": e.withdraws,
                }
                for e in self.entries
            ],
        }


def _attended(s: Session) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for t in training_store.current(s.db):
        for code in t.attendees:
            out.setdefault(code, []).append((t.held_on.isoformat(), t.title))
    return out


def staff_records(
    s: Session, today: dt.date | None = None, *, include_left: bool = True
) -> list[StaffRecord]:
    """Every surveyor's record by code (those who left too, unless include_left is False),
    staff personal data hidden from a monitor."""
    today = today or today_jp()
    role = role_of(s)
    entries = store.entries(s.db)
    attended = _attended(s)
    sees = sees_staff(role)
    out = []
    for r in s.db.conn.execute("SELECT * FROM surveyors ORDER BY code"):
        left = dt.date.fromisoformat(r["left_on"]) if r["left_on"] else None
        if not include_left and rules.has_left(left, today):
            continue
        mine = tuple(entries.get(r["code"], ()))
        titles = attended.get(r["code"], [])
        if not sees:  # a training's title is free text: the monitor reads only how many
            titles = [(d, REDACTED) for d, _ in titles]
        out.append(
            StaffRecord(
                code=r["code"],
                name=staff_value(role, r["name"]) or "",
                birth_date=staff_value(role, r["birth_date"]),
                qualification=r["qualification"],
                registration_no=staff_value(role, r["registration_no"]),
                registered_on=r["registered_on"],
                expires_on=r["expires_on"],
                other_qualification=r["other_qualification"],
                qualification_evidence=staff_value(role, r["qualification_evidence"]),
                hired_on=r["hired_on"],
                left_on=r["left_on"],
                is_chief=bool(r["is_chief"]),
                entries=mine,
                trainings=tuple(titles),
                flags=tuple(rules.flags(mine, left, today)),
            )
        )
    return out


def staff_record(s: Session, code: str, today: dt.date | None = None) -> StaffRecord:
    found = [r for r in staff_records(s, today) if r.code == code]
    if not found:
        raise StaffError(f"調査員コード「{code}」の調査員はいません")
    return found[0]


def staff_names(s: Session) -> dict[str, str]:
    """{surveyor code: name} as the reader may see it (REDACTED for a monitor)."""
    role = role_of(s)
    return {c: staff_value(role, n) or "" for c, n in s.db.conn.execute("SELECT code, name FROM surveyors")}


def non_care_manager_share(s: Session, today: dt.date) -> Share:
    """Non-care-manager staff among the surveyors working on ``today``."""
    total, other = s.db.conn.execute(
        "SELECT count(*), coalesce(sum(qualification = 'other'), 0) FROM surveyors"
        " WHERE left_on IS NULL OR left_on > ?",
        (today.isoformat(),),
    ).fetchone()
    return Share(int(total), int(other))


def card_not_returned(s: Session, today: dt.date) -> list[str]:
    """Codes of surveyors who left (on or before ``today``) still holding an ID card."""
    entries = store.entries(s.db)
    return [
        code
        for code, left in s.db.conn.execute(
            "SELECT code, left_on FROM surveyors WHERE left_on IS NOT NULL AND left_on <= ? ORDER BY code",
            (today.isoformat(),),
        )
        if rules.card(entries.get(code, ())).state == "held"
    ]


# --------------------------------------------------------------------------- writing
def _text(label: str, value: str | None, limit: int) -> str:
    from inspect_tui.core.text import control_problem

    value = (value or "").strip()
    if len(value) > limit:
        raise StaffError(f"{label}が長すぎます（{len(value)} 文字、{limit} 文字まで）")
    problem = control_problem(value)
    if problem:
        raise StaffError(f"{label}: {problem}")
    return value


def _kind(kind: str) -> str:
    kind = kind.replace("-", "_")
    if kind not in ENTRY_KINDS:
        names = " / ".join(k.replace("_", "-") for k in ENTRY_KINDS)
        raise StaffError(f"記録の種類「{kind}」は使えません（{names}）")
    return kind


@writes("staff.record")
def record_entry(
    s: Session, code: str, kind: str, on: dt.date, *, card_no: str | None = None, note: str = ""
) -> Entry:
    """Record a notification, the pledge or an ID card's issue/reissue/return for a surveyor."""
    kind = _kind(kind)
    card_text = _text("調査員証番号", card_no, CARD_NO_LIMIT) or None
    note_text = _text("メモ", note, NOTE_LIMIT)
    if card_text and kind not in ("card_issued", "card_reissued"):
        raise StaffError("調査員証番号（--card-no）は交付・再交付のときに書きます")
    with write(s.db):
        if s.db.conn.execute("SELECT 1 FROM surveyors WHERE code = ?", (code,)).fetchone() is None:
            raise StaffError(f"調査員コード「{code}」の調査員はいません")
        mine = store.entries(s.db, code).get(code, [])
        problem = rules.entry_problem(kind, on, mine, today_jp())
        if problem:
            raise StaffError(problem)
        eid = store.insert(s.db, code, kind, on, now_jp_iso(), s.who, card_no=card_text, note=note_text)
        record_audit(
            s.db, s.who, "staff.record", "surveyor", code, None, {"kind": kind, "on": on, "entry": eid}
        )
    return Entry(eid, kind, on, card_text, note_text)


@writes("staff.record")
def withdraw_entry(s: Session, entry_id: int, reason: str) -> Entry:
    """Withdraw a mistaken entry (a new entry naming it; the first stays in the record)."""
    reason_text = _text("取り消す理由", reason, NOTE_LIMIT)
    if not reason_text:
        raise StaffError("取り消す理由を書いてください（--reason）")
    with write(s.db):
        found = store.get(s.db, entry_id)
        if found is None or found[1].kind == rules.WITHDRAWN:
            raise StaffError(f"記録 {entry_id} はありません（staff show CODE で番号を確かめてください）")
        code, old = found
        mine = store.entries(s.db, code).get(code, [])
        if any(e.withdraws == entry_id for e in mine):
            raise StaffError(f"記録 {entry_id} は取り消し済みです")
        eid = store.insert(
            s.db, code, rules.WITHDRAWN, today_jp(), now_jp_iso(), s.who, note=reason_text, withdraws=entry_id
        )
        record_audit(
            s.db, s.who, "staff.withdraw", "surveyor", code, {"kind": old.kind, "on": old.on}, {"entry": eid}
        )
    return Entry(eid, rules.WITHDRAWN, today_jp(), None, reason_text, entry_id)


# --------------------------------------------------------------------------- documents
def _d(text: str | None) -> str:
    return text or "－"


@record(frozen=True)
class Roster:
    """認定調査従事者名簿: the surveyors working, their qualification and its basis, the
    notifications to the city and the pledges (the 届出書's list, seed 001 §5(2))."""

    rows: list[StaffRecord]
    share: Share
    issued: dt.date

    def as_doc(self, full: bool = False) -> Doc:
        from inspect_tui.core.document import Doc, Section, Table

        table = Table(
            [
                "コード",
                "氏名",
                "生年月日",
                "資格",
                "登録番号・証明",
                "有効期限",
                "届出",
                "誓約書",
                "調査員証",
            ],
            [
                [
                    r.code + ("（主任）" if r.is_chief else ""),
                    r.name,
                    _d(r.birth_date),
                    r.qualification_text,
                    _d(r.registration_no if r.qualification == "care_manager" else r.qualification_evidence),
                    _d(r.expires_on),
                    r.notified_text,
                    str(r.pledge.on) if r.pledge else "なし",
                    r.card.short,
                ]
                for r in self.rows
            ],
            landscape=True,
        )
        flagged = [f"{r.code}: {r.flag_text}" for r in self.rows if r.flags]
        facts = [
            ("従事者", f"{len(self.rows)} 人"),
            ("資格の構成", self.share.text),
            ("作成日", format_era(self.issued)),
        ]
        sections = [Section("1. 従事者", [table]), Section("2. 要対応", [], flagged or ["なし"])]
        return Doc("認定調査従事者名簿", facts, sections, seals=("業務責任者",), seals_at_end=True)

    def to_json(self) -> dict[str, Any]:
        return {
            "report": "staff_roster",
            "version": 1,
            "issued": self.issued.isoformat(),
            "non_care_manager": {
                "working": self.share.total,
                "other": self.share.other,
                "over": self.share.over,
            },
            "staff": [r.to_json() for r in self.rows],
        }

    def default_filename(self, fmt: str) -> str:
        from inspect_tui.core.renderable import EXTENSIONS

        return f"staff_roster_{self.issued:%Y%m%d}.{EXTENSIONS[fmt]}"


def roster(s: Session, today: dt.date | None = None):
    """The roster of the surveyors working on ``today``, in the documents' frame."""
    from inspect_tui.services.documents import finish

    today = today or today_jp()
    return finish(
        s, Roster(staff_records(s, today, include_left=False), non_care_manager_share(s, today), today)
    )


@record(frozen=True)
class CardLedger:
    """調査員証受領簿: every ID card issued, reissued and returned, with a column to sign."""

    rows: list[tuple[Entry, StaffRecord]]
    issued: dt.date

    def as_doc(self, full: bool = False) -> Doc:
        from inspect_tui.core.document import Doc, Section, Table

        table = Table(
            ["日付", "コード", "氏名", "区分", "調査員証番号", "受領印"],
            [
                [str(e.on), r.code, r.name, ENTRY_KINDS[e.kind].removeprefix("調査員証 "), _d(e.card_no), ""]
                for e, r in self.rows
            ],
        )
        unreturned = [
            f"{r.code}: {rules.FLAGS['card_not_returned']}"
            for r in {r.code: r for _, r in self.rows}.values()
            if "card_not_returned" in r.flags
        ]
        facts = [("記録", f"{len(self.rows)} 件"), ("作成日", format_era(self.issued))]
        sections = [
            Section("1. 交付・再交付・返却", [table]),
            Section("2. 未返却", [], unreturned or ["なし"]),
        ]
        return Doc("調査員証受領簿", facts, sections, seals=("業務責任者",), seals_at_end=True)

    def to_json(self) -> dict[str, Any]:
        return {
            "report": "card_ledger",
            "version": 1,
            "issued": self.issued.isoformat(),
            "entries": [
                {"on": e.on.isoformat(), "code": r.code, "kind": e.kind, "card_no": e.card_no}
                for e, r in self.rows
            ],
        }

    def default_filename(self, fmt: str) -> str:
        from inspect_tui.core.renderable import EXTENSIONS

        return f"id_cards_{self.issued:%Y%m%d}.{EXTENSIONS[fmt]}"


def card_ledger(s: Session, today: dt.date | None = None):
    """The ID card ledger (the standing card entries by date), in the documents' frame."""
    from inspect_tui.services.documents import finish

    today = today or today_jp()
    rows = [
        (e, r)
        for r in staff_records(s, today)
        for e in rules.standing(r.entries)
        if e.kind in rules.CARD_KINDS
    ]
    rows.sort(key=lambda x: (x[0].on, x[0].id))
    return finish(s, CardLedger(rows, today))
