"""A planned demo case, and what the helpers that turn plans into rows may ask of the generator.

demo/gen.py plans the cases; demo/rows.py turns one into rows and demo/scenarios.py
places the fixed scenarios. Those two see the generator only as a ``World``.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, Protocol


class Plan:
    """One case being generated: fixed facts plus step indexes (business days)."""

    __slots__ = (
        "accept",
        "accompanied",
        "application",
        "birth",
        "cancel",
        "contact",
        "dispatch",
        "district",
        "exceptions",
        "id",
        "insured_no",
        "insurer",
        "name",
        "note",
        "path",
        "place",
        "received",
        "redo",
        "ret",
        "seq",
        "submit",
        "surveyor",
        "urgent",
        "visit",
        "ward",
        "welfare",
    )
    id: int
    seq: str  # the case number
    district: int
    ward: str
    insurer: str
    welfare: bool
    urgent: bool
    application: str
    name: str
    birth: int  # ordinal
    insured_no: str
    place: str
    path: str  # normal | cancel | return | delay | resurvey
    note: str
    exceptions: tuple[str, ...]  # causes of deadline exclusions: "applicant", "city"
    surveyor: str | None
    accompanied: str | None
    # business-day indexes (Generator.bd); steps after today are not yet taken
    received: int
    dispatch: int  # the office dispatched 0 or 1 business day before receipt
    contact: int
    visit: int
    submit: int
    accept: int
    cancel: int | None
    ret: int | None
    redo: tuple[int, int, int] | None  # first visit, first submission, re-survey

    def shift(self, delta: int, from_step: str = "contact") -> None:
        steps = ("contact", "visit", "submit", "accept")
        for s in steps[steps.index(from_step) :]:
            setattr(self, s, getattr(self, s) + delta)


class World(Protocol):
    """The generator as rows.py and scenarios.py use it."""

    rng: random.Random
    today: dt.date
    districts: int
    bd: list[int]  # business days as ordinals
    iso: list[str]
    purge_cache: dict[int, int]
    recent: list[Plan]
    staff: list[Any]
    by_code: dict[str, Any]
    tally: Any

    def iso_of(self, ordinal: int) -> str: ...

    def chief_of(self, district: int, ward: str) -> str: ...

    def idx_on_or_after(self, day: dt.date) -> int: ...
