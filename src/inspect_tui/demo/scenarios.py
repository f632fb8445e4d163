"""Fixed scenarios placed among the recent demo cases.

Per district: three cases not contacted 3+ business days after receipt, four
past the 20-day target and not submitted (one of them excluded for the
applicant's hospital stay), and the new hires' first visits (demo_staff.NEW_HIRES):
accompanied by the ward's chief first, then solo.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from inspect_tui.demo.rows import DELAY_REASONS, visit_as_of_today
from inspect_tui.demo.staff import NEW_HIRES

if TYPE_CHECKING:
    from inspect_tui.demo.plan import Plan, World


def place_scenarios(gen: World) -> None:
    rng, T = gen.rng, gen.T
    planted: set[int] = set()
    today_ord = gen.today.toordinal()
    for d in range(gen.districts):
        mine = [p for p in gen.recent if p.district == d and p.path == "normal" and not p.urgent]
        # not contacted 3+ business days after receipt
        late_contact = [p for p in mine if T - 7 <= p.received <= T - 4 and p.contact <= T]
        for p in rng.sample(late_contact, min(3, len(late_contact))):
            p.shift(T + rng.randint(1, 3) - p.contact)
            planted.add(p.id)
        # past the 20-day target, not submitted
        old = [
            p
            for p in mine
            if today_ord - 34 <= gen.bd[p.received] <= today_ord - 22
            and p.submit <= T
            and p.id not in planted
        ]
        for k, p in enumerate(rng.sample(old, min(4, len(old)))):
            if k < 2:  # visited, form not yet submitted
                p.visit = min(p.visit, T - 1)
                p.contact = min(p.contact, p.visit)
                p.shift(T + rng.randint(1, 4) - p.submit, "submit")
            else:  # visit not yet made
                p.contact = min(p.contact, T - 8)
                p.shift(T + rng.randint(1, 5) - p.visit, "visit")
                if k == 3:
                    p.path = "delay"
                    p.note = DELAY_REASONS[0]
                    p.exceptions = ("applicant",)
            planted.add(p.id)
    place_new_hires(gen, planted)


def place_new_hires(gen: World, planted: set[int]) -> None:
    T = gen.T
    by_district: dict[int, list[Plan]] = {}
    for p in gen.recent:
        by_district.setdefault(p.district, []).append(p)
    for s in gen.staff:
        hire = next((h for h in NEW_HIRES if h.n == s.n), None)
        if hire is None:
            continue
        placed = gen.idx_on_or_after(s.placed_on)
        chief = gen.chief_of(s.district, s.wards[0])
        if hire.solo is None:  # ordinary workload: the first visits were with the chief
            own = [
                (v, p.id, p)
                for p in gen.recent
                if p.surveyor == s.code
                for v in (visit_as_of_today(p, T),)
                if v is not None
            ]
            own.sort(key=lambda t: t[:2])
            for _, _, p in own[: hire.accompanied]:
                p.accompanied = chief
            continue
        total = hire.accompanied + hire.solo
        pool = sorted(
            (
                p
                for p in by_district.get(s.district, ())
                if p.ward in s.wards
                and p.path == "normal"
                and not p.urgent
                and p.id not in planted
                and p.received >= placed
                and p.visit < T
                and p.accompanied is None
            ),
            key=lambda p: (p.visit, p.id),
        )
        first, last = placed + 2, T - 1
        chosen: list[Plan] = []
        used: set[int] = set()
        j = 0
        for k in range(total):
            target = first + (last - first) * k // max(1, total - 1)
            while j < len(pool) and (pool[j].visit < target or pool[j].id in used):
                j += 1
            if j >= len(pool):
                break
            chosen.append(pool[j])
            used.add(pool[j].id)
            j += 1
        for k, p in enumerate(chosen):
            p.surveyor = s.code
            p.accompanied = chief if k < hire.accompanied else None
            planted.add(p.id)
        for p in chosen[:-1]:  # every earlier form is submitted (its check done) by today
            if p.submit > T:
                p.shift(T - p.submit, "submit")
        if chosen and chosen[-1].submit <= T:  # the latest form is still being inspected
            chosen[-1].shift(T + 1 - chosen[-1].submit, "submit")
