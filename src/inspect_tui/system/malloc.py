"""One malloc arena for the TUI's process (glibc), so its worker threads reuse freed memory.

glibc gives every new thread that allocates its own arena, up to 8 per core. The TUI runs
each job in a new worker thread, and SQLite allocates its page cache and its copy of the
schema in the thread that reads; memory one worker's arena freed stayed there while the
next worker grew another. Limiting the process to one arena (what MALLOC_ARENA_MAX=1
does, set from inside so a user need not) made the TUI's peak after visiting every screen
87.5 -> 83.8 MB at 100k cases (tmux, VmHWM, two runs each). Small allocations still come
from each thread's own cache (tcache); Python's objects from its own allocator.

``one_arena()`` does it where it can (glibc's ``mallopt``) and reports whether it did;
elsewhere (macOS, musl, no ctypes) it leaves the allocator as it is.
"""

from __future__ import annotations

import sys

#: mallopt's parameter for the arena limit (glibc malloc.h)
M_ARENA_MAX = -8


def one_arena() -> bool:
    """Limit malloc to one arena; True when glibc took it. Call before any thread starts."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes  # 2 ms; only the TUI calls this

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, 1))
