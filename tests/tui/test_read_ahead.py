"""The Today figures read ahead by a child process (tui/read_ahead.py): the app shows them
before its session is open and does not read them again; whatever goes wrong with the child,
it reads them itself, as without one."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import TODAY
from inspect_tui.services import today_figures
from inspect_tui.services.config import Config
from inspect_tui.services.session import open_session
from inspect_tui.services.today_figures import read_ahead
from inspect_tui.tui.app import InspectApp
from inspect_tui.tui.read_ahead import ReadAhead
from tui.conftest import settle, until
from tui.test_app_pilot import text_of


def checked(path: Path) -> Path:
    open_session(path, Config()).close()  # its quick_check, remembered (store.integrity)
    return path


class Piped:
    """A ReadAhead fed by a real child process that writes the given bytes down a real pipe
    (the fork itself is tested in a fresh interpreter below: pytest's has threads)."""

    def __init__(self, tmp_path: Path, data: bytes, hold: threading.Event | None = None) -> None:
        src = tmp_path / "figures.pickle"
        src.write_bytes(data)
        code = "import sys; sys.stdin.read(); sys.stdout.buffer.write(open(sys.argv[1], 'rb').read())"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, str(src)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.ahead = ReadAhead(self.proc.pid, os.dup(self.proc.stdout.fileno()))
        self.proc.stdout.close()

    def release(self) -> None:
        """The child writes (it waits for its stdin to close)."""
        self.proc.stdin.close()


def gone(pid: int) -> bool:
    """No such process (not even a zombie waiting to be reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def counted(monkeypatch):
    """The days the app read the Today figures for itself (in its workers; the test's own
    reads, making what the child sends, are on the main thread)."""
    calls = []
    real = today_figures.today_figures

    def counting(s, today):
        if threading.current_thread() is not threading.main_thread():
            calls.append(today)
        return real(s, today)

    monkeypatch.setattr(today_figures, "today_figures", counting)
    return calls


def figures_of(path: Path, today: dt.date = TODAY) -> bytes:
    d = read_ahead(checked(path), Config(), today)
    assert d is not None
    return pickle.dumps(d, protocol=pickle.HIGHEST_PROTOCOL)


@pytest.fixture
def opening(monkeypatch):
    """The app's own open of the database, held until the test sets this."""
    import inspect_tui.services.session as session_module

    go = threading.Event()
    real_open = session_module.open_session

    def held_open(*args, **kwargs):
        assert go.wait(10)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(session_module, "open_session", held_open)
    yield go
    go.set()


async def test_read_ahead_figures_show_before_the_session_opens_and_are_not_read_again(
    sample_db, tmp_path, opening, counted
):
    piped = Piped(tmp_path, figures_of(sample_db))
    app = InspectApp(sample_db, config=Config(), read_ahead=piped.ahead)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "データベースを開いています" in text_of(app.screen, "#summary")
        piped.release()
        await until(pilot, lambda: "未完了 39 件" in text_of(app.screen, "#summary"), workers=False)
        assert app.session is None  # shown while the database is still being opened
        assert "要対応の依頼" in str(app.screen.query_one("#due").border_title)
        opening.set()
        await settle(pilot)
        assert app.session is not None
        assert "未完了 39 件" in text_of(app.screen, "#summary")
        assert "サービスアカウント" in text_of(app.screen, "#alerts") or "共有ファイル" in text_of(
            app.screen, "#alerts"
        )  # the session's line, drawn once it is open
    assert counted == []  # the app's session took the read-ahead figures
    assert piped.ahead.done
    assert gone(piped.proc.pid)


async def test_figures_read_ahead_go_when_the_app_cannot_open_the_file(sample_db, tmp_path, monkeypatch):
    """Shown while the session opened, and then the app's own open refused the file (one it
    may not write, say): the message, and no figures left beside it."""
    import inspect_tui.services.session as session_module
    from inspect_tui.services.errors import DatabaseError

    piped = Piped(tmp_path, figures_of(sample_db))
    go = threading.Event()

    def refused(*args, **kwargs):
        assert go.wait(10)
        raise DatabaseError(f"{sample_db} は読み取り専用です。ファイルの権限を確かめてください")

    monkeypatch.setattr(session_module, "open_session", refused)
    app = InspectApp(sample_db, config=Config(), read_ahead=piped.ahead)
    async with app.run_test(size=(80, 24)) as pilot:
        piped.release()
        await until(pilot, lambda: "未完了 39 件" in text_of(app.screen, "#summary"), workers=False)
        assert "新任調査員" in text_of(app.screen, "#review")
        go.set()
        await until(pilot, lambda: "データベースを開けません" in text_of(app.screen, "#summary"))
        for panel in ("#deadlines", "#backlog", "#review", "#alerts"):
            assert text_of(app.screen, panel).strip() == "", panel
        assert app.screen.query_one("#due").option_count == 0


async def test_a_case_recorded_while_the_app_starts_is_in_its_figures(sample_db, tmp_path, opening, counted):
    """Read ahead, then another chief records something before the app's own open: the
    figures shown early are replaced by the session's, read from the file as it now is."""
    import sqlite3

    piped = Piped(tmp_path, figures_of(sample_db))
    piped.release()
    app = InspectApp(sample_db, config=Config(), read_ahead=piped.ahead)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "未完了 39 件" in text_of(app.screen, "#summary"), workers=False)
        with sqlite3.connect(sample_db) as other:  # a case cancelled by another process
            other.execute(
                "UPDATE cases SET status = 'cancelled', cancelled_on = '2027-06-15'"
                " WHERE id = (SELECT min(id) FROM cases WHERE status = 'received')"
            )
        other.close()
        opening.set()
        await settle(pilot)
        assert "未完了 38 件" in text_of(app.screen, "#summary")
    assert counted == [TODAY]


async def test_figures_read_ahead_for_another_day_are_not_shown(sample_db, tmp_path, opening, counted):
    """Read just before midnight, opened just after: not shown; the app reads today's itself."""
    piped = Piped(tmp_path, figures_of(sample_db, TODAY - dt.timedelta(days=1)))
    piped.release()
    app = InspectApp(sample_db, config=Config(), read_ahead=piped.ahead)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: piped.ahead.done, workers=False)
        await pilot.pause()
        assert "データベースを開いています" in text_of(app.screen, "#summary")  # not yesterday's
        opening.set()
        await settle(pilot)
        assert "未完了 39 件" in text_of(app.screen, "#summary")
    assert counted == [TODAY]


@pytest.mark.parametrize("what", ["nothing", "half a pickle", "not a pickle"])
async def test_a_child_that_sends_no_figures_leaves_the_app_to_read_them(sample_db, tmp_path, counted, what):
    whole = figures_of(sample_db)
    data = {"nothing": b"", "half a pickle": whole[: len(whole) // 2], "not a pickle": b"\x00garbage"}[what]
    piped = Piped(tmp_path, data)
    piped.release()
    app = InspectApp(sample_db, config=Config(), read_ahead=piped.ahead)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "未完了 39 件" in text_of(app.screen, "#summary")
    assert counted == [TODAY]


async def test_a_child_that_never_answers_costs_the_app_only_the_wait(
    sample_db, tmp_path, monkeypatch, counted
):
    """A stuck child (its write never comes): the session reads the figures itself after
    WAIT_SECONDS, and the app's end stops the child."""
    import inspect_tui.tui.app as app_module
    import inspect_tui.tui.read_ahead as module

    monkeypatch.setattr(app_module, "AHEAD_FRAME_WAIT", 0.3)
    monkeypatch.setattr(module, "WAIT_SECONDS", 0.3)
    monkeypatch.setattr(ReadAhead.wait, "__defaults__", (0.3,))
    piped = Piped(tmp_path, figures_of(sample_db))  # never released
    app = InspectApp(sample_db, config=Config(), read_ahead=piped.ahead)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "未完了 39 件" in text_of(app.screen, "#summary")
        assert piped.proc.poll() is None  # still waiting, harmlessly
    import time

    watchdog = threading.Timer(10, piped.proc.kill)  # a close that did not stop it would wait for this
    watchdog.start()
    t0 = time.monotonic()
    app.close_read_ahead()
    took = time.monotonic() - t0
    watchdog.cancel()
    assert counted == [TODAY]
    assert gone(piped.proc.pid) and took < 5  # stopped (SIGKILL) and reaped: no process left behind


FORKED = r"""
import json, os, sys, threading, time
from pathlib import Path
from inspect_tui.services.config import Config
from inspect_tui.tui.read_ahead import ReadAhead

db, what = Path(sys.argv[1]), sys.argv[2]
out = {}
if what == "figures":
    from inspect_tui.services.session import open_session
    from inspect_tui.services.today_figures import today_figures
    from inspect_tui.core.today import today_jp
    ahead = ReadAhead.start(db, Config())
    while not ahead.read_available():
        time.sleep(0.005)
    with open_session(db, Config()) as s:
        out["same"] = ahead.result.figures == today_figures(s, today_jp())
    out["open_cases"] = ahead.result.figures.open_cases
elif what == "threads":
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    out["started"] = ReadAhead.start(db, Config()) is not None
    stop.set()
elif what == "stuck":
    import inspect_tui.services.today_figures as services
    services.read_ahead = lambda *a: time.sleep(60)
    ahead = ReadAhead.start(db, Config())
    t0 = time.monotonic()
    out["figures"] = ahead.wait(0.3)
    ahead.close()
    try:
        os.kill(ahead.pid, 0)
        out["child"] = "alive"
    except ProcessLookupError:
        out["child"] = "gone"
    out["took"] = time.monotonic() - t0
elif what == "noisy":
    import inspect_tui.services.today_figures as services
    def noisy(*a):
        print("LEAKED-OUT", flush=True)
        print("LEAKED-ERR", file=sys.stderr, flush=True)
        raise RuntimeError("in the child")
    services.read_ahead = noisy
    ahead = ReadAhead.start(db, Config())
    while not ahead.read_available():
        time.sleep(0.005)
    out["figures"] = ahead.result
print(json.dumps(out))
"""


def forked(db: Path, what: str) -> tuple[dict, str]:
    """FORKED in a fresh interpreter (no thread but its own): its answer, and everything else
    it printed."""
    run = subprocess.run(
        [sys.executable, "-c", FORKED, str(db), what], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    *rest, last = run.stdout.splitlines()
    return json.loads(last), "\n".join(rest) + run.stderr


def test_the_forked_child_reads_the_figures_the_app_would(sample_db):
    answer, noise = forked(checked(sample_db), "figures")
    assert answer == {"same": True, "open_cases": 39}
    assert noise == ""


def test_no_child_is_forked_while_threads_run(sample_db):
    """A fork copies only the calling thread: a lock another thread held would stay held in
    the child forever. The launcher forks before any thread; with one running, it does not."""
    assert forked(checked(sample_db), "threads")[0] == {"started": False}


def test_a_stuck_child_is_stopped_and_reaped(sample_db):
    answer, _ = forked(checked(sample_db), "stuck")
    assert answer["figures"] is None and answer["child"] == "gone"
    assert answer["took"] < 5


def test_the_child_never_writes_to_the_terminal(sample_db):
    """Its standard streams are /dev/null: nothing it prints reaches the app's screen (or
    this test's pipes), and an error in it means only that the app reads the figures."""
    answer, noise = forked(checked(sample_db), "noisy")
    assert answer == {"figures": None}
    assert "LEAKED" not in noise and "Traceback" not in noise
