"""A regular expression compiled where it is first used, not when its module is imported.

core/masking.py has ten patterns for dates, numbers and addresses in free text; compiling
them took 5 ms of every process that imports it (every report's, the app's start), most of
which never masks a word: ``report monthly --format json`` only needs its field names.
"""

from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    """Stands where a compiled ``re.Pattern`` would: ``search``, ``match``, ``fullmatch``,
    ``finditer``… compile the pattern the first time one of them is asked for."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        # only names not found on the instance arrive here: each is looked up once, then kept
        value = getattr(re.compile(*self._source), name)
        setattr(self, name, value)
        return value

    def __repr__(self) -> str:
        return f"LazyPattern({self._source[0]!r})"
