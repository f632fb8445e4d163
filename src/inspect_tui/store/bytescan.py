"""Looking for values in the raw bytes of files: is a purged name really gone from disk?

SQLite's own view cannot answer that (a value may linger in a free page, in unused
space of a page, in an old frame of the write-ahead log, in an index or a table
nobody told the app about). So the purge reads the bytes of the database file and
its ``-wal`` and looks for every value it removed.

Many values at once: one regular expression shaped as a trie of the values (common
prefixes shared), so each position of the file costs a step or two; the file is
read in chunks that overlap by the longest value. About 0.7 s for 600 values in an
89 MB file here, where one ``bytes.find`` per value takes 30 ms each (18 s).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from inspect_tui.core.records import record

CHUNK = 16 * 2**20


def trie_pattern(values: Iterable[bytes]) -> re.Pattern[bytes]:
    """A regex matching any of values, written as a trie (longest match at a position)."""
    trie: dict = {}
    for v in values:
        node = trie
        for byte in v:
            node = node.setdefault(byte, {})
        node[None] = {}  # a value ends here

    def emit(node: dict) -> bytes:
        branches = [
            re.escape(bytes([k])) + emit(child)
            for k, child in sorted((k, c) for k, c in node.items() if k is not None)
        ]
        if not branches:
            return b""
        alt = branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"
        if None in node:  # a value ends here and longer ones go on
            return b"(?:" + alt + b")?"
        return alt

    return re.compile(emit(trie))


@record(frozen=True)
class Hit:
    value: bytes
    path: Path
    offset: int


def find_values(paths: Iterable[Path], values: Iterable[bytes]) -> list[Hit]:
    """Every value found in the files (the first place each is found in each file)."""
    wanted = sorted({v for v in values if v})
    if not wanted:
        return []
    pattern = trie_pattern(wanted)
    overlap = max(len(v) for v in wanted) - 1
    hits: list[Hit] = []
    for path in paths:
        try:
            f = open(path, "rb")  # closed by the with below; a -wal may vanish meanwhile
        except FileNotFoundError:
            continue
        seen: set[bytes] = set()
        with f:
            base, tail = 0, b""
            while True:
                chunk = f.read(CHUNK)
                if not chunk:
                    break
                data = tail + chunk
                start = base - len(tail)
                # from one position after each match, so overlapping occurrences are seen
                # too (matches are rare: only the values themselves match)
                m = pattern.search(data)
                while m is not None:
                    for v in _contained(m.group(), wanted):
                        if v not in seen:
                            seen.add(v)
                            hits.append(Hit(v, path, start + m.start()))
                    m = pattern.search(data, m.start() + 1)
                base += len(chunk)
                tail = data[-overlap:] if overlap else b""
    return hits


def _contained(found: bytes, wanted: list[bytes]) -> list[bytes]:
    """The match itself, and shorter values that are a prefix of it (the trie takes the longest)."""
    return [v for v in wanted if found.startswith(v)]
