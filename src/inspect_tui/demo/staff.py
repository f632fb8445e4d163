"""The demo's surveyors: a roster of about 40 per district, with fixed scenarios.

Codes are S001.. per district in blocks of 40 (district 1: S001-S040,
district 2: S041-S080, ...). Within each block (n = 1..40, code = block + n):

- n 1-3: chiefs (主任調査員), one per ward, care managers, is_chief = 1.
- n 4-34: veterans; every 7th also covers the next ward.
- n 10: care-manager registration expiring 45 days after today.
- n 35, 36: left (left_on about 120 and 300 days before today).
- n 37-40: new hires placed within the last year (see NEW_HIRES): S037 with its 3-month
  follow-up due in a few days, S038 (長田区) with forms 1-9 checked and the tenth waiting,
  S039 part-way, S040 finished (ten checked, the guidance report complete).
- 'other' qualification: 10 of 40 (25%), 9 of the 38 still working.
"""

from __future__ import annotations

import datetime as dt
import random

from inspect_tui.core.district import DEFAULT_WARDS
from inspect_tui.core.months import add_months
from inspect_tui.core.records import record

PER_DISTRICT = 40
EXTRA_WARDS = (("東灘区", "灘区", "中央区"), ("兵庫区", "北区", "西区"))
WARD_SHARES = (0.28, 0.32, 0.40)

OTHER_QUALIFIED = frozenset({6, 9, 13, 16, 20, 23, 27, 30, 35, 38})
EXPIRING_SOON = 10  # registration expires 45 days after today
EXPIRING_DAYS = 45
LEAVERS = {35: 120, 36: 300}  # n -> days before today


@record(frozen=True)
class NewHire:
    """A new surveyor: placed days_ago before today; accompanied then solo visits.

    solo None: ordinary workload after placement (well past the tenth form),
    with the first `accompanied` visits made with the ward's chief.
    """

    n: int
    days_ago: int
    accompanied: int
    solo: int | None
    label: str


NEW_HIRES = (
    NewHire(37, 86, 4, 7, "約3か月前に配置、主任同行4件の後に単独7件（3か月後の習熟度確認が数日後）"),
    NewHire(38, 60, 5, 10, "2か月前に配置（長田区）、主任同行5件の後に単独10件（10件目が点検待ち）"),
    NewHire(39, 35, 3, 6, "5週間前に配置、主任同行3件の後に単独6件"),
    NewHire(40, 200, 3, None, "約7か月前に配置、主任同行3件の後は通常の担当（指導終了報告まで済み）"),
)
HIRE_BY_N = {h.n: h for h in NEW_HIRES}
NEW_HIRE_WEIGHT = 0.6
CHIEF_WEIGHT = 0.5


def district_wards(district: int) -> tuple[str, ...]:
    """The three wards of district number `district` (0 = district C of seed 001)."""
    if district == 0:
        return tuple(DEFAULT_WARDS)
    if district <= len(EXTRA_WARDS):
        return EXTRA_WARDS[district - 1]
    return tuple(f"第{district + 1}地区{x}区" for x in "東中西")


def code_of(district: int, n: int) -> str:
    return f"S{district * PER_DISTRICT + n:03d}"


@record
class Surveyor:
    code: str
    district: int
    n: int
    name: str
    qualification: str
    registration_no: str | None
    registered_on: dt.date | None
    expires_on: dt.date | None
    hired_on: dt.date
    placed_on: dt.date
    is_chief: bool
    wards: tuple[str, ...]
    left_on: dt.date | None
    weight: float  # share of ordinary assignment (0 = only scenario cases)

    def row(self, updated_at: str) -> tuple:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return (
            self.code,
            self.name,
            self.qualification,
            self.registration_no,
            iso(self.registered_on),
            iso(self.expires_on),
            iso(self.hired_on),
            iso(self.placed_on),
            int(self.is_chief),
            ",".join(self.wards),
            iso(self.left_on),
            updated_at,
        )


SURVEYOR_COLUMNS = (
    "code",
    "name",
    "qualification",
    "registration_no",
    "registered_on",
    "expires_on",
    "hired_on",
    "placed_on",
    "is_chief",
    "wards",
    "left_on",
    "updated_at",
)


def make_roster(
    district: int, today: dt.date, rng: random.Random, surnames: list[str], given: list[str]
) -> list[Surveyor]:
    wards = district_wards(district)
    out: list[Surveyor] = []
    placed_count = [0, 0, 0]
    for n in range(1, PER_DISTRICT + 1):
        code = code_of(district, n)
        name = f"{surnames[rng.randrange(len(surnames))]} {given[rng.randrange(len(given))]}"
        hire = HIRE_BY_N.get(n)
        if hire:
            placed = today - dt.timedelta(days=hire.days_ago)
            hired = placed - dt.timedelta(days=14)
        else:
            hired = today - dt.timedelta(days=rng.randint(900, 6000) if n > 3 else rng.randint(4000, 8000))
            placed = hired + dt.timedelta(days=rng.randint(14, 30))
        is_chief = n <= 3
        if is_chief:
            my_wards: tuple[str, ...] = (wards[n - 1],)
        else:  # spread over the wards by their share of cases (largest remainder)
            k = max(range(3), key=lambda w: (WARD_SHARES[w] * (sum(placed_count) + 1) - placed_count[w], -w))
            placed_count[k] += 1
            my_wards = (wards[k],) if n % 7 else (wards[k], wards[(k + 1) % 3])
        if n in OTHER_QUALIFIED:
            qual, reg_no, reg_on, exp_on = "other", None, None, None
        else:
            qual = "care_manager"
            reg_no = f"99{district:02d}{n:02d}{rng.randrange(10_000):04d}"
            if n == EXPIRING_SOON:
                exp_on = today + dt.timedelta(days=EXPIRING_DAYS)
            else:
                exp_on = today + dt.timedelta(days=rng.randint(120, 1800))
            reg_on = add_months(exp_on, -60) + dt.timedelta(days=1)  # registrations last five years
        left = today - dt.timedelta(days=LEAVERS[n]) if n in LEAVERS else None
        if is_chief:
            weight = CHIEF_WEIGHT
        elif hire:
            weight = NEW_HIRE_WEIGHT if hire.solo is None else 0.0
        else:
            weight = 1.0
        out.append(
            Surveyor(
                code,
                district,
                n,
                name,
                qual,
                reg_no,
                reg_on,
                exp_on,
                hired,
                placed,
                is_chief,
                my_wards,
                left,
                weight,
            )
        )
    return out


OTHER_QUALIFICATIONS = ("看護師", "社会福祉士", "介護福祉士", "保健師")
CARD_REISSUED = 12  # n: the card was lost and reissued
NO_PLEDGE = 39  # n: a new surveyor whose pledge has not come back yet (flagged)
CARD_KEPT = 36  # n: left without returning the ID card (flagged)


def seed_staff_records(conn, staff: list[Surveyor], today: dt.date) -> int:
    """The staff records of seed 001 §5(2) as the manager would have kept them: dates of
    birth, the other qualifications and their evidence, and per surveyor the 新規
    notification and the pledge on the day of hire, the ID card on placement; a reissue for
    n 12, a 取消 notification and the card returned for the leavers, except n 36 who still
    has it, and no pledge yet for n 39. Returns how many entries. Written only when the
    schema has the table (migration 0019)."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'staff_entries'").fetchone() is None:
        return 0
    stamp = f"{today.isoformat()}T08:30:00+09:00"
    columns = []
    entries: list[tuple[str, str, str, str | None]] = []
    for s in staff:
        rng = random.Random(s.code)
        born = s.hired_on - dt.timedelta(days=365 * rng.randint(28, 55) + rng.randrange(365))
        other = OTHER_QUALIFICATIONS[s.n % len(OTHER_QUALIFICATIONS)] if s.qualification == "other" else None
        evidence = f"資格証の写し（{s.hired_on.isoformat()} 確認）" if other else None
        columns.append((born.isoformat(), other, evidence, s.code))
        entries.append((s.code, "notified_new", s.hired_on.isoformat(), None))
        if s.n != NO_PLEDGE:
            entries.append((s.code, "pledge", s.hired_on.isoformat(), None))
        entries.append((s.code, "card_issued", s.placed_on.isoformat(), f"ID-{s.code}"))
        if s.n == CARD_REISSUED:
            again = max(s.placed_on, today - dt.timedelta(days=200))
            entries.append((s.code, "card_reissued", again.isoformat(), f"ID-{s.code}-2"))
        if s.left_on is not None:
            entries.append((s.code, "notified_cancel", (s.left_on + dt.timedelta(days=3)).isoformat(), None))
            if s.n != CARD_KEPT:
                entries.append((s.code, "card_returned", s.left_on.isoformat(), None))
    conn.executemany(
        "UPDATE surveyors SET birth_date = ?, other_qualification = ?, qualification_evidence = ?"
        " WHERE code = ?",
        columns,
    )
    conn.executemany(
        "INSERT INTO staff_entries (surveyor, kind, on_date, card_no, recorded_at, who)"
        " VALUES (?, ?, ?, ?, ?, 'demo-manager')",
        [(*e, stamp) for e in sorted(entries, key=lambda e: (e[2], e[0]))],
    )
    return len(entries)
