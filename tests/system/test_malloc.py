"""The TUI's process keeps to one malloc arena (glibc), so memory a finished worker thread
freed is reused by the next one instead of each thread growing an arena of its own."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc の malloc だけが対象です")

#: threads that allocate (SQLite's page cache and schema, as a TUI worker's connection does),
#: one after another like the TUI's workers, then glibc's own count of its arenas
WORKERS = """
import ctypes, sqlite3, sys, threading
from inspect_tui.system import malloc
took = malloc.one_arena() if sys.argv[1] == "limit" else None

def work():
    c = sqlite3.connect(":memory:")
    c.execute("CREATE TABLE t (a, b)")
    c.executemany("INSERT INTO t VALUES (?, ?)", ((i, "x" * 200) for i in range(20000)))
    c.close()

for _ in range(4):
    t = threading.Thread(target=work)
    t.start()
    t.join()
print(took, flush=True)
ctypes.CDLL(None).malloc_stats()  # glibc prints "Arena N:" for each arena to stderr
"""


def arenas(mode: str) -> tuple[str, int]:
    out = subprocess.run([sys.executable, "-c", WORKERS, mode], capture_output=True, text=True, check=True)
    return out.stdout.strip(), sum(1 for line in out.stderr.splitlines() if line.startswith("Arena "))


def test_worker_threads_share_the_one_arena_when_limited():
    assert arenas("limit") == ("True", 1)


def test_without_the_limit_each_worker_thread_took_an_arena_of_its_own():
    """What the limit is for (and proof the count above can see more than one)."""
    took, count = arenas("plain")
    assert took == "None"
    assert count > 1


def test_the_app_limits_the_arenas_before_it_starts(monkeypatch):
    import inspect_tui.tui.launch as launch

    calls = []
    monkeypatch.setattr(launch, "one_arena", lambda: calls.append("arena") or True)
    monkeypatch.setattr(launch, "_run", lambda *a: calls.append("run") or 0)
    assert launch.run_app("x.db") == 0
    assert calls == ["arena", "run"]
