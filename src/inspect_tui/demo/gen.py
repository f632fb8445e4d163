"""Synthetic cases for the demo database: plans in business-day space, then rows.

Every step date of a case falls on a business day, so a case is planned as
indexes into the list of business days around the span (received, contact,
visit, submit, accept, cancel, return); steps after "today" are simply not yet
taken. Old cases are turned into rows as they are generated (memory stays flat
for a million cases); recent ones are kept until the scenarios (overdue
cases, new hires' first forms) have been placed among them.

Everything comes from one random.Random(seed): same seed and today, same rows.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import tomllib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import Any

from inspect_tui.core.calendar import SUPPORTED_TO, BusinessCalendar
from inspect_tui.core.months import fiscal_year_of
from inspect_tui.core.records import record
from inspect_tui.demo.plan import Plan
from inspect_tui.demo.rows import (
    CANCEL_NOTES,
    DELAY_REASONS,
    HOME_INSURER,
    PLACES,
    RESURVEY_NOTES,
    RETURN_NOTES,
    Output,
    Tally,
    materialize,
)
from inspect_tui.demo.scenarios import place_scenarios
from inspect_tui.demo.staff import (
    NEW_HIRES,
    WARD_SHARES,
    Surveyor,
    code_of,
    district_wards,
    make_roster,
)
from inspect_tui.system.paths import data_file

CASES_PER_YEAR = 14_550  # per district (seed 001: district C, FY2027)
OTHER_INSURERS = (
    ("明石市", 30),
    ("芦屋市", 18),
    ("西宮市", 22),
    ("三木市", 8),
    ("加古川市", 10),
    ("尼崎市", 12),
)
MONTH_FACTOR = {
    1: 0.96,
    2: 1.0,
    3: 1.13,
    4: 1.10,
    5: 0.97,
    6: 1.0,
    7: 1.02,
    8: 0.92,
    9: 0.97,
    10: 1.03,
    11: 0.98,
    12: 0.93,
}
WEEKDAY_FACTOR = (1.08, 1.02, 1.0, 0.97, 0.93)
# cases received this close to today stay in memory for the scenarios (new hires' first visits)
RECENT_DAYS = max(h.days_ago for h in NEW_HIRES) + 60
AFTER_BD = 160  # business days planned past today (late steps of open cases)

# step offsets, in business days
CONTACT_AFTER_RECEIPT = ((1, 54), (2, 29), (3, 13.8), (4, 1.8), (5, 0.8), (6, 0.4), (8, 0.2))
URGENT_CONTACT = ((0, 55), (1, 45))
VISIT_AFTER_CONTACT = ((1, 33), (2, 33), (3, 18), (4, 9), (5, 4), (6, 2), (7, 1))
URGENT_VISIT = ((0, 30), (1, 50), (2, 20))
SUBMIT_AFTER_VISIT = ((1, 74), (2, 17), (3, 5), (4, 3), (5, 1))
URGENT_SUBMIT = ((1, 85), (2, 15))
ACCEPT_AFTER_SUBMIT = ((2, 18), (3, 30), (4, 24), (5, 14), (6, 8), (7, 6))

P_URGENT = 0.03
P_OTHER_MUNICIPALITY = 0.04
P_WELFARE_HOME = 0.0625  # of home cases: about 6% of all
P_CANCEL, P_RETURN, P_DELAY = 0.02, 0.005, 0.004
P_RESURVEY = 0.003  # of ordinary cases
P_SECOND_SURVEYOR = 0.003  # a veteran accompanied by another (not a chief): still solo
P_CITY_EXCEPTION = 0.008  # of cases late on the standard deadline


class Picker:
    """Weighted choice by one rng.random() call and a bisect."""

    __slots__ = ("cum", "values")

    def __init__(self, pairs: Sequence[tuple[object, float]]) -> None:
        total = sum(w for _, w in pairs)
        acc, cum = 0.0, []
        for _, w in pairs:
            acc += w / total
            cum.append(acc)
        cum[-1] = 1.0
        self.cum = cum
        self.values = [v for v, _ in pairs]

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect_right(self.cum, rng.random())]


@record(frozen=True)
class Names:
    surnames: list[str]
    female: list[str]
    male: list[str]
    staff: list[str]


def load_names() -> Names:
    with open(data_file("demo_names.toml"), "rb") as fh:
        doc = tomllib.load(fh)
    return Names(doc["surnames"], doc["female_elderly"], doc["male_elderly"], doc["staff_given"])


class Generator:
    def __init__(
        self, calendar: BusinessCalendar, seed: int, today: dt.date, years: float, districts: int
    ) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.districts = districts
        self.names = load_names()
        start = today - dt.timedelta(days=round(years * 365.25)) + dt.timedelta(days=1)
        self.start = start
        # business days from the span start to well past today
        ords: list[int] = []
        end = min(today + dt.timedelta(days=AFTER_BD * 7 // 5 + 60), SUPPORTED_TO).toordinal()
        for o in range(start.toordinal(), end + 1):
            if calendar.is_business_day(dt.date.fromordinal(o)):
                ords.append(o)
        self.bd = ords
        self.iso = [dt.date.fromordinal(x).isoformat() for x in ords]
        self.T = bisect_right(ords, today.toordinal()) - 1  # last business day <= today
        if self.T < 0:  # a span of a few days over a weekend or a closure: nobody could receive a case
            raise ValueError(
                f"年数 {years} では {today} までに開庁日が1日もありません（年数を大きくしてください）"
            )
        self._iso_cache: dict[int, str] = {}
        self.purge_cache: dict[int, int] = {}
        self.tally = Tally()
        self.staff: list[Surveyor] = []
        for d in range(districts):
            self.staff += make_roster(d, today, self.rng, self.names.surnames, self.names.staff)
        self.by_code = {s.code: s for s in self.staff}
        self._build_pools()
        self.ward_pick = [
            Picker(list(zip(district_wards(d), WARD_SHARES, strict=True))) for d in range(districts)
        ]
        self.insurer_pick = Picker(OTHER_INSURERS)
        self.place_pick = Picker(PLACES)
        self.p_contact = Picker(CONTACT_AFTER_RECEIPT)
        self.p_ucontact = Picker(URGENT_CONTACT)
        self.p_visit = Picker(VISIT_AFTER_CONTACT)
        self.p_uvisit = Picker(URGENT_VISIT)
        self.p_submit = Picker(SUBMIT_AFTER_VISIT)
        self.p_usubmit = Picker(URGENT_SUBMIT)
        self.p_accept = Picker(ACCEPT_AFTER_SUBMIT)
        self.insured_offset = self.rng.randrange(10**8)
        self.next_id = 1
        self.fy_seq: dict[int, int] = {}
        self.recent: list[Plan] = []

    # -- helpers --------------------------------------------------------
    def idx_on_or_after(self, day: dt.date) -> int:
        return bisect_left(self.bd, day.toordinal())

    def iso_of(self, ordinal: int) -> str:
        s = self._iso_cache.get(ordinal)
        if s is None:
            s = self._iso_cache[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return s

    def _build_pools(self) -> None:
        """Per ward: breakpoints (business-day index) and the weighted roster for each segment."""
        self.pools: dict[str, tuple[list[int], list[Picker | None], list[str]]] = {}
        for d in range(self.districts):
            for ward in district_wards(d):
                members = [s for s in self.staff if s.district == d and ward in s.wards]
                marks = {0}
                for s in members:
                    marks.add(max(0, self.idx_on_or_after(s.placed_on)))
                    if s.left_on:
                        marks.add(max(0, self.idx_on_or_after(s.left_on) - 40))
                points = sorted(marks)
                pickers: list[Picker | None] = []
                for p in points:
                    active = [(s.code, s.weight) for s in members if self._active(s, p) and s.weight > 0]
                    pickers.append(Picker(active) if active else None)
                veterans = [
                    s.code
                    for s in members
                    if not s.is_chief and s.n not in {h.n for h in NEW_HIRES} and not s.left_on
                ]
                self.pools[ward] = (points, pickers, veterans)

    def _active(self, s: Surveyor, idx: int) -> bool:
        if self.idx_on_or_after(s.placed_on) > idx:
            return False
        return not (s.left_on and idx >= self.idx_on_or_after(s.left_on) - 40)

    def chief_of(self, district: int, ward: str) -> str:
        return code_of(district, district_wards(district).index(ward) + 1)

    # -- volume ---------------------------------------------------------
    def daily_means(self) -> list[float]:
        """Expected cases per business day (per district) from the first to today."""
        weights = []
        for i in range(self.T + 1):
            day = dt.date.fromordinal(self.bd[i])
            w = MONTH_FACTOR[day.month] * WEEKDAY_FACTOR[day.weekday()]
            gap = self.bd[i] - self.bd[i - 1] if i else 1
            if gap >= 4:  # first day after a long closure: the backlog arrives
                w *= 1.35
            if day.month == 8 and 13 <= day.day <= 16:
                w *= 0.75  # Obon
            elif (day.month == 12 and day.day >= 21) or (day.month == 5 and day.day <= 2):
                w *= 0.85  # year-end, Golden Week
            weights.append(w)
        span_days = self.today.toordinal() - self.start.toordinal() + 1
        total = CASES_PER_YEAR * span_days / 365.25
        scale = total / sum(weights)
        return [w * scale for w in weights]

    # -- generation -----------------------------------------------------
    def run(self, sink: Callable[[Output], None], chunk: int = 20_000) -> None:
        rng = self.rng
        recent_from = self.today.toordinal() - RECENT_DAYS
        out = Output()
        for i, mu in enumerate(self.daily_means()):
            for d in range(self.districts):
                n = max(0, round(rng.gauss(mu, math.sqrt(mu) * 0.9)))
                for _ in range(n):
                    plan = self.new_plan(i, d)
                    if self.bd[i] >= recent_from:
                        self.recent.append(plan)
                    else:
                        materialize(self, plan, out)
            if len(out.cases) >= chunk:
                sink(out)
                out = Output()
        place_scenarios(self)
        for plan in self.recent:
            materialize(self, plan, out)
        sink(out)

    def new_plan(self, i: int, d: int) -> Plan:
        rng = self.rng
        p = Plan()
        p.id = self.next_id
        self.next_id += 1
        p.district = d
        p.received = i
        day = dt.date.fromordinal(self.bd[i])
        fy = fiscal_year_of(day)
        self.fy_seq[fy] = seq = self.fy_seq.get(fy, 0) + 1
        p.seq = f"{fy}-{seq:06d}"
        p.ward = self.ward_pick[d](rng)
        p.urgent = rng.random() < P_URGENT
        if rng.random() < P_OTHER_MUNICIPALITY:
            p.insurer, p.welfare = self.insurer_pick(rng), False
        else:
            p.insurer, p.welfare = HOME_INSURER, rng.random() < P_WELFARE_HOME
        r = rng.random()  # the kinds the contract covers (config default): no renewals (更新)
        p.application = "新規" if r < (0.6 if p.urgent else 0.62) else "区分変更"
        female = rng.random() < 0.62
        given = self.names.female if female else self.names.male
        surnames, rand = self.names.surnames, rng.random
        p.name = f"{surnames[int(rand() * len(surnames))]} {given[int(rand() * len(given))]}"
        age = int(rng.triangular(65, 101, 86))
        p.birth = self.bd[i] - int(age * 365.2425) - int(rand() * 365)
        p.insured_no = f"99{(p.id * 7919 + self.insured_offset) % 10**8:08d}"
        p.dispatch = 1 if rng.random() < 0.22 else 0
        p.place = self.place_pick(rng)
        p.note = ""
        p.exceptions = ()
        p.accompanied = None
        if p.urgent:
            p.contact = i + self.p_ucontact(rng)
            p.visit = p.contact + self.p_uvisit(rng)
            p.submit = p.visit + self.p_usubmit(rng)
        else:
            p.contact = i + self.p_contact(rng)
            p.visit = p.contact + self.p_visit(rng)
            p.submit = p.visit + self.p_submit(rng)
        p.accept = p.submit + self.p_accept(rng)
        p.cancel = p.ret = p.redo = None
        r = rng.random()
        if r < P_CANCEL:
            p.path = "cancel"
            p.cancel = i + rng.randint(1, max(1, p.submit - i))
            p.note = CANCEL_NOTES[rng.randrange(len(CANCEL_NOTES))]
        elif r < P_CANCEL + P_RETURN:
            p.path = "return"
            p.ret = i + rng.randint(1, 5)
            p.note = RETURN_NOTES[rng.randrange(len(RETURN_NOTES))]
        elif r < P_CANCEL + P_RETURN + P_DELAY and not p.urgent:
            p.path = "delay"
            p.shift(rng.randint(8, 25), "visit")
            p.note = DELAY_REASONS[rng.randrange(len(DELAY_REASONS))]
            if rng.random() < 0.7:
                p.exceptions = ("applicant",)
        else:
            p.path = "normal"
            if rng.random() < P_RESURVEY:  # the office's query leads to a second visit
                p.path = "resurvey"
                redo_on = p.submit + rng.randint(2, 5)
                p.redo = (p.visit, p.submit, redo_on)
                p.visit = redo_on + rng.randint(1, 4)
                p.submit = p.visit + self.p_submit(rng)
                p.accept = p.submit + self.p_accept(rng)
                p.note = RESURVEY_NOTES[rng.randrange(len(RESURVEY_NOTES))]
            elif p.submit > p.received - p.dispatch + 6 and rng.random() < P_CITY_EXCEPTION:
                p.exceptions = ("city",)
        p.surveyor = self.assign(p)
        if p.path == "normal" and p.surveyor and rng.random() < P_SECOND_SURVEYOR:
            veterans = self.pools[p.ward][2]
            other = veterans[rng.randrange(len(veterans))] if len(veterans) > 1 else None
            if other and other != p.surveyor and p.surveyor in veterans:
                p.accompanied = other
        return p

    def assign(self, p: Plan) -> str | None:
        points, pickers, _ = self.pools[p.ward]
        picker = pickers[bisect_right(points, p.received) - 1]
        if picker is None:
            return None
        code = picker(self.rng)
        left = self.by_code[code].left_on
        if left and (p.path == "delay" or p.accept >= self.idx_on_or_after(left)):
            code = self.chief_of(p.district, p.ward)
        return code
