"""The TUI: cold start and peak memory in a real terminal (tmux), a filter keystroke with Pilot.

Cold start: ``tmux new-session -d -x 120 -y 40 'exec env … python -m inspect_tui --db PATH'``,
then ``tmux capture-pane -p`` every ~10 ms until the first screen's text is on
the terminal; the clock starts just before tmux is asked to start the
session. The reference, bench/hello_app.py (one Static), is started the same
way, alternating runs. A tmux server is kept running for the whole
measurement so neither pays for starting it. A third process alternates with them: the
floor, bench/floor_app.py, the Today screen's widgets showing the statements the app's first
figures ran (recorded from the app with their parameters, capture_first_figures) and none of
our code: what a user would wait for from any Textual app drawing that screen from those
queries in one process. The app against the floor is what our own code costs. Since the app
reads its first figures in a child process forked before Textual is imported
(tui/read_ahead.py), it can come in under that floor: the floor's worker shares the
interpreter lock with Textual's start, the app's child has a core of its own.

Peak memory: the same start on the 1M-case database, then wait for the
dashboard's figures, switch to the case list (key 2), wait until the process
is idle (no CPU time used for 0.5 s), and read VmHWM (peak resident set) from
/proc/<pid>/status; hello_app the same way.

Filter keystroke: Pilot (``App.run_test``) on the 100k database: the case
list (key 2), ``/`` to focus the filter, then type and erase characters one
at a time; each keystroke is timed from just before the key is sent until
the case table has a new result set (its generation moved) and has painted
lines of it (a wrapper on its render_line records when). The filter
may debounce keystrokes (cases.FILTER_DEBOUNCE_S); when it does, the time
after the debounce fired is shown apart.
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import RECORDER, Result, compile_sources, replayable

SOCKET = f"inspect-bench-{os.getpid()}"
BENCH_DIR = Path(__file__).resolve().parent
FIRST_PAINT = "データベースを開いています"  # the Today screen before the database is open
DASHBOARD = "未完了"  # the Today screen with its figures
HELLO = "hello, bench"


def tmux(*args: str, check: bool = True) -> str:
    out = subprocess.run(["tmux", "-L", SOCKET, "-f", "/dev/null", *args], capture_output=True, text=True)
    if check and out.returncode != 0:
        raise RuntimeError(f"tmux {args[0]} failed ({out.returncode}): {out.stderr.strip() or 'no message'}")
    return out.stdout


def tmux_unavailable() -> str | None:
    """Why a tmux session cannot start here (no tmux, no pseudo-terminal, ...), or None when it can."""
    if shutil.which("tmux") is None:
        return "tmux is not installed"
    socket = f"inspect-bench-probe-{os.getpid()}"
    base = ["tmux", "-L", socket, "-f", "/dev/null"]
    try:
        out = subprocess.run(
            [*base, "new-session", "-d", "-s", "probe", "-x", "80", "-y", "24", "sleep 5"],
            capture_output=True,
            text=True,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"tmux did not start: {exc}"
    finally:
        subprocess.run([*base, "kill-server"], capture_output=True, timeout=20)
    if out.returncode != 0:
        return f"tmux cannot start a session here: {out.stderr.strip() or out.returncode}"
    return None


def env_for(work: Path, today: str) -> dict[str, str]:
    env = {
        "INSPECT_TUI_TODAY": today,
        "XDG_CONFIG_HOME": str(work / "home" / "config"),
        "XDG_STATE_HOME": str(work / "home" / "state"),
        "XDG_DATA_HOME": str(work / "home" / "data"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "tmux-256color",
        "COLORTERM": "truecolor",
        "TEXTUAL_ANIMATIONS": "none",
    }
    return env


class Terminal:
    """A tmux server for the measurement's lifetime."""

    def __enter__(self) -> Terminal:
        tmux("new-session", "-d", "-s", "keep", "-x", "120", "-y", "40", "sleep 100000")
        self.n = 0
        return self

    def __exit__(self, *exc: object) -> None:
        tmux("kill-server", check=False)

    def start(self, argv: list[str], env: dict[str, str]) -> tuple[str, int]:
        """Start argv in a new 120x40 session; (session name, ns when asked)."""
        self.n += 1
        name = f"b{self.n}"
        cmd = "exec env " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()) + " " + shlex.join(argv)
        t0 = time.perf_counter_ns()
        tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", cmd)
        return name, t0

    def wait_for(self, name: str, text: str | tuple[str, ...], timeout: float = 60.0) -> int:
        """ns when text (or any of several) first appeared on the session's screen (polled ~10 ms)."""
        texts = (text,) if isinstance(text, str) else text
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            screen = tmux("capture-pane", "-p", "-t", name, check=False)
            if any(t in screen for t in texts):
                return time.perf_counter_ns()
            time.sleep(0.01)
        screen = tmux("capture-pane", "-p", "-t", name, check=False)
        raise TimeoutError(f"{text!r} did not appear within {timeout} s; screen:\n{screen}")

    def pid(self, name: str) -> int:
        return int(tmux("display-message", "-p", "-t", name, "#{pane_pid}").strip())

    def keys(self, name: str, *keys: str) -> None:
        tmux("send-keys", "-t", name, *keys)

    def stop(self, name: str) -> None:
        tmux("kill-session", "-t", name, check=False)


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def wait_idle(pid: int, quiet: float = 0.5, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    last, since = cpu_ticks(pid), time.monotonic()
    while time.monotonic() < end:
        time.sleep(0.1)
        now = cpu_ticks(pid)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def vm_hwm(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM")


def ours_argv(db: Path) -> list[str]:
    return [sys.executable, "-m", "inspect_tui", "--db", str(db)]


def hello_argv() -> list[str]:
    return [sys.executable, str(BENCH_DIR / "hello_app.py")]


def floor_argv(db: Path, statements: Path) -> list[str]:
    return [sys.executable, str(BENCH_DIR / "floor_app.py"), str(db), str(statements)]


#: the statements of the app's first figures (services.today_figures.today_figures: the
#: dashboard and the deliverables' line, what the app's child reads ahead), after the session
#: is open, recorded with their bound parameters
CAPTURE_FIGURES = (
    RECORDER
    + r"""
from pathlib import Path
from inspect_tui.core.today import today_jp
from inspect_tui.services.config import load_config
from inspect_tui.services.session import open_session
from inspect_tui.services.today_figures import today_figures

s = open_session(Path(sys.argv[1]), load_config(), create=False)
del log[:]
today_figures(s, today_jp())
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(log, f, ensure_ascii=False, default=str)
"""
)


def capture_first_figures(db: Path, env: dict[str, str], out: Path) -> int:
    """Write the first figures' read statements to out (for floor_app.py); how many."""
    raw = out.with_suffix(".all.json")
    argv = [sys.executable, "-c", CAPTURE_FIGURES, str(db), str(raw)]
    subprocess.run(argv, env={**os.environ, **env}, check=True)
    reads, others = replayable(json.loads(raw.read_text(encoding="utf-8")))
    if others:
        raise RuntimeError(f"the first figures wrote to the database: {others}")
    out.write_text(json.dumps(reads, ensure_ascii=False), encoding="utf-8")
    return len(reads)


def make_days_backup(db: Path, env: dict[str, str]) -> None:
    """The day's backup, made before the timed starts: a start later in the day does not
    copy the file. (Without it every timed start began a backup of the whole file, killed
    with the session and begun again by the next one: the measurements shared the machine
    with a 5.5 GB copy at 1M cases.)"""
    code = (
        "import sys; from pathlib import Path; from inspect_tui.services.config import Config;"
        "from inspect_tui.services.session import open_session;"
        "from inspect_tui.services.trust.backup import maybe_daily_backup;"
        "s = open_session(Path(sys.argv[1]), Config()); maybe_daily_backup(s); s.close()"
    )
    subprocess.run([sys.executable, "-c", code, str(db)], env={**os.environ, **env}, check=True)


def forget_days_backup(db: Path, today: str) -> None:
    """Remove the day's backups (and partial copies), so the next start is the day's first."""
    folder = db.parent / "backups"
    stamp = today.replace("-", "")
    for p in [*folder.glob(f"{db.stem}-{stamp}-*.db"), *folder.glob(".*.part")]:
        p.unlink(missing_ok=True)


def cold_start(
    db: Path, runs: int, work: Path, today: str, size: str = "100k", log=print, warm: bool = True
) -> list[Result]:
    env = env_for(work, today)
    ours_t, hello_t, floor_t, floor_paint_t, data_t, first_t, bare_t = [], [], [], [], [], [], []
    compile_sources()
    make_days_backup(db, env)
    statements = work / f"first_figures_{size}.json"
    n_statements = capture_first_figures(db, env, statements)
    no_statements = work / "first_figures_none.json"  # the floor's screen alone: how much of it is Textual's
    no_statements.write_text("[]", encoding="utf-8")
    with Terminal() as term:
        for i in range(runs + 1 if warm else runs):  # a first round warms the OS file cache, not counted
            name, t0 = term.start(hello_argv(), env)
            t1 = term.wait_for(name, HELLO)
            term.stop(name)
            name, f0 = term.start(floor_argv(db, statements), env)
            fp = term.wait_for(name, (FIRST_PAINT, DASHBOARD))  # its loading line, as ours
            f1 = term.wait_for(name, DASHBOARD)
            term.stop(name)
            name, b0 = term.start(floor_argv(db, no_statements), env)
            b1 = term.wait_for(name, DASHBOARD)
            term.stop(name)
            name, s0 = term.start(ours_argv(db), env)
            s1 = term.wait_for(name, (FIRST_PAINT, DASHBOARD))  # a fast open may skip a frame
            s2 = term.wait_for(name, DASHBOARD)
            term.stop(name)
            if i or not warm:
                hello_t.append(t1 - t0)
                floor_t.append(f1 - f0)
                bare_t.append(b1 - b0)
                floor_paint_t.append(fp - f0)
                ours_t.append(s1 - s0)
                data_t.append(s2 - s0)
        for _ in range(runs):  # the day's first start: its backup begins once the figures show
            forget_days_backup(db, today)
            name, f0 = term.start(ours_argv(db), env)
            f1 = term.wait_for(name, DASHBOARD)
            term.stop(name)
            first_t.append(f1 - f0)
    forget_days_backup(db, today)  # a killed first start leaves its partial copy
    make_days_backup(db, env)
    log(
        f"  cold start: figures {statistics.median(data_t) / 1e6:.0f} ms,"
        f" first paint {statistics.median(ours_t) / 1e6:.0f} ms,"
        f" floor {statistics.median(floor_t) / 1e6:.0f} ms, hello {statistics.median(hello_t) / 1e6:.0f} ms"
    )
    # the headline is the time to the figures (what a user waits for), bar 1.5x; the first
    # paint (the loading line) 1.2x; the day's first start (its backup to run) the same 1.5x.
    # The floor (floor_app.py: the same screen from the same statements, none of our code)
    # shows how much of the headline no code of ours could save, and how much is ours.
    floor_note = f"{n_statements} statements replayed"
    return [
        Result(
            f"TUI cold start to dashboard figures shown, {size} DB (tmux)",
            data_t,
            hello_t,
            "hello-world Textual",
            max_ratio=1.5,
        ),
        Result(
            f"  its floor: the Today screen's widgets from its statements, no code of ours, {size} DB",
            floor_t,
            hello_t,
            "hello-world Textual",
            info_only=True,
            note=floor_note,
        ),
        Result(
            f"  the floor's screen alone (its worker opens the database, runs no statement), {size} DB",
            bare_t,
            hello_t,
            "hello-world Textual",
            info_only=True,
            note="what Textual costs for the Today screen's widgets, over hello-world",
        ),
        Result(
            f"  the app to its figures against that floor, {size} DB",
            data_t,
            floor_t,
            "the floor (floor_app.py)",
            info_only=True,
        ),
        Result(
            f"TUI cold start to first screen painted, {size} DB (tmux)",
            ours_t,
            hello_t,
            "hello-world Textual",
            max_ratio=1.2,
        ),
        Result(
            f"  the floor's first paint (the same widgets, its loading line), {size} DB",
            floor_paint_t,
            hello_t,
            "hello-world Textual",
            info_only=True,
        ),
        Result(
            f"TUI first start of the day to dashboard figures (its backup still to run), {size} DB (tmux)",
            first_t,
            hello_t,
            "hello-world Textual",
            max_ratio=1.5,
        ),
    ]


def peak_memory(db: Path, runs: int, work: Path, today: str, size: str = "1M", log=print) -> list[Result]:
    env = env_for(work, today)
    ours_m, every_m, hello_m = [], [], []
    compile_sources()
    with Terminal() as term:
        for _ in range(runs):
            name, _t = term.start(hello_argv(), env)
            term.wait_for(name, HELLO)
            pid = term.pid(name)
            wait_idle(pid)
            hello_m.append(vm_hwm(pid))
            term.stop(name)
            name, _t = term.start(ours_argv(db), env)
            term.wait_for(name, DASHBOARD, timeout=120)
            pid = term.pid(name)
            wait_idle(pid)
            term.keys(name, "2")
            time.sleep(0.3)
            wait_idle(pid)
            ours_m.append(vm_hwm(pid))
            for key in "34567":  # every other screen, each left idle before the next
                term.keys(name, key)
                time.sleep(0.3)
                wait_idle(pid)
            every_m.append(vm_hwm(pid))
            term.stop(name)
    log(
        f"  peak memory: {statistics.median(ours_m) / 2**20:.0f} MB,"
        f" every screen {statistics.median(every_m) / 2**20:.0f} MB,"
        f" hello {statistics.median(hello_m) / 2**20:.0f} MB"
    )
    return [
        Result(
            f"TUI peak memory (VmHWM), {size} DB: dashboard then case list",
            ours_m,
            hello_m,
            "hello-world Textual",
            unit="bytes",
            max_delta=100 * 2**20,
        ),
        Result(
            f"TUI peak memory (VmHWM), {size} DB: after visiting every screen (1-7)",
            every_m,
            hello_m,
            "hello-world Textual",
            unit="bytes",
            max_delta=60 * 2**20,
        ),
    ]


# --------------------------------------------------------------------------- Pilot


async def _keystrokes(db: Path, keys: list[str], all_statuses: bool) -> tuple[list[int], list[int]]:
    from inspect_tui.services.config import Config
    from inspect_tui.tui.app import InspectApp
    from inspect_tui.tui.widgets.case_table import CaseTable

    app = InspectApp(db, config=Config())
    total, after = [], []
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(lambda: app.session is not None, pilot)
        await pilot.press("2")
        await _until(
            lambda: bool(app.screen.query(CaseTable)) and app.screen.query_one(CaseTable).loaded, pilot
        )
        screen = app.screen
        table = screen.query_one(CaseTable)
        if all_statuses:
            g = table.generation
            await pilot.press("f")  # status filter: open -> all
            await _until(lambda: table.generation != g, pilot)
        painted: list[int] = []
        render_line = table.render_line

        def spy(y: int):
            painted.append(time.perf_counter_ns())
            return render_line(y)

        table.render_line = spy  # type: ignore[method-assign]
        applied: list[int] = []
        apply_filter = screen.apply_filter

        def spy_apply(f):
            applied.append(time.perf_counter_ns())
            return apply_filter(f)

        screen.apply_filter = spy_apply  # type: ignore[method-assign]
        resets: list[int] = []
        reset = table.reset

        def spy_reset(*a, **k):
            out = reset(*a, **k)
            resets.append(time.perf_counter_ns())
            return out

        table.reset = spy_reset  # type: ignore[method-assign]
        await pilot.press("slash")
        await pilot.pause()
        for key in keys:
            applied.clear()
            t0 = time.perf_counter_ns()
            await pilot.press(key)
            stuck = time.monotonic() + 30
            # a new result set is in the table, and lines were painted after it
            while not (resets and resets[-1] > t0 and painted[-1] > resets[-1] and applied):
                await asyncio.sleep(0.0005)
                if time.monotonic() > stuck:
                    raise TimeoutError(
                        f"key {key!r}: no redraw (reset={bool(resets) and resets[-1] > t0},"
                        f" applied={bool(applied)}, focused={app.focused!r})"
                    )
            done = painted[-1]
            total.append(done - t0)
            after.append(done - applied[-1])
        await pilot.press("escape")
    return total, after


async def _until(cond, pilot, timeout: float = 30.0, what: str = "") -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError(f"the app did not get there in time: {what}")
        await pilot.pause(0.01)


def _length_after(keys: list[str]) -> list[int]:
    """The filter text's length after each key (typing adds one, backspace takes one)."""
    n, out = 0, []
    for key in keys:
        n = max(0, n - 1) if key == "backspace" else n + 1
        out.append(n)
    return out


def filter_keystroke(
    db: Path, keystrokes: int, today: str, size: str = "100k", log=print, sessions: int = 3
) -> list[Result]:
    """Each key timed to the list redrawn, in `sessions` fresh apps: the first key after
    opening the list (cold: nothing of the filter cached), then by the text's length after
    the key (1, 2, 3+ characters; 0 = erased to no text), and all keys together."""
    os.environ["INSPECT_TUI_TODAY"] = today
    typed = list("2025-0")  # narrows on case numbers, then erase it again
    keys: list[str] = []
    while len(keys) < keystrokes:
        keys += typed + ["backspace"] * len(typed)
    keys = keys[:keystrokes]
    lengths = _length_after(keys)
    import inspect_tui.tui.screens.cases.listing as cases_screen

    debounce = getattr(cases_screen, "FILTER_DEBOUNCE_S", 0.0)
    out = []
    for all_statuses, label in ((False, "open cases (the default)"), (True, f"all {size} cases (f: 全件)")):
        total: list[int] = []
        after: list[int] = []
        first: list[int] = []
        by_len: dict[str, list[int]] = {"1 character": [], "2 characters": [], "3+ characters": []}
        for _ in range(max(1, sessions)):
            t, a = asyncio.run(_keystrokes(db, keys, all_statuses))
            total += t
            after += a
            first.append(t[0])
            for n, ns in zip(lengths, t, strict=True):
                if n:
                    by_len["1 character" if n == 1 else "2 characters" if n == 2 else "3+ characters"].append(
                        ns
                    )
        out.append(Result(f"filter keystroke to list redrawn, {label} (Pilot)", total, max_abs=50e6))
        out.append(Result(f"  same, the first key after opening the list ({label})", first, max_abs=50e6))
        for what, samples in by_len.items():
            if samples:
                out.append(Result(f"  same, text of {what} ({label})", samples, max_abs=50e6))
        line = f"  filter keystroke, {label}: {statistics.median(total) / 1e6:.0f} ms"
        line += f", first key {statistics.median(first) / 1e6:.0f} ms"
        if debounce:  # the time after the debounce fired, apart
            line += f" ({statistics.median(after) / 1e6:.0f} ms after the {debounce * 1000:.0f} ms debounce)"
            out.append(
                Result(f"  same, after the {debounce * 1000:.0f} ms debounce fired", after, info_only=True)
            )
        log(line)
    return out


if __name__ == "__main__":  # run.py runs the Pilot measurement in a child process
    import dataclasses
    import json

    sys.path.insert(0, str(BENCH_DIR))
    _what, _db, _n, _today, _size = sys.argv[1:6]
    _sessions = int(sys.argv[6]) if len(sys.argv) > 6 else 3
    _results = filter_keystroke(
        Path(_db), int(_n), _today, _size, log=lambda *a: print(*a, file=sys.stderr), sessions=_sessions
    )
    print(json.dumps([dataclasses.asdict(r) for r in _results]))
