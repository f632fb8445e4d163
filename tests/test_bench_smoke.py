"""The benchmark harness still runs: bench/run.py --quick on tiny demo databases.

Bars are not checked here (tiny data says nothing about speed); this only
keeps the harness from rotting as the code it measures changes.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[1] / "bench" / "run.py"


def _bench(tmp_path: Path, only: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RUN), "--quick", "--work", str(tmp_path), "--only", ",".join(only)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_quick_benchmark_runs_and_writes_its_table(tmp_path):
    if not RUN.exists():
        pytest.skip("bench/ is not part of this checkout")
    only = ["reports", "integrity", "import", "import_into", "keystroke"]
    if importlib.util.find_spec("numpy") is not None:
        only.insert(0, "deadlines")
    out = _bench(tmp_path, only)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    results = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "| measurement |" in results
    for what in (
        "monthly report",
        "SLA report",
        "KPI report",
        "quick_check",
        "import",
        "recorded cases again",
        "peak memory (VmHWM) of a process importing",
        "filter keystroke",
    ):
        assert what in results, what
    assert "could not run" not in results


@pytest.mark.slow
def test_quick_cold_start_runs_where_tmux_can(tmp_path):
    """The cold start drives the app in tmux. A machine whose tmux cannot start a server or a
    session (CI: no pseudo-terminal, or a server that exits under load) skips, saying tmux's
    own message; anything else that breaks the harness fails."""
    if not RUN.exists():
        pytest.skip("bench/ is not part of this checkout")
    sys.path.insert(0, str(RUN.parent))
    try:
        import m_tui
    finally:
        sys.path.remove(str(RUN.parent))
    reason = m_tui.tmux_unavailable()
    if reason:
        pytest.skip(reason)
    for _attempt in range(2):
        out = _bench(tmp_path, ["coldstart"])
        if out.returncode == 0:
            break
        tmux_broke = "RuntimeError: tmux " in out.stdout + out.stderr  # m_tui.tmux: tmux's own failure
        if not tmux_broke:
            break
    else:
        pytest.skip("tmux failed twice here: " + (out.stdout + out.stderr).strip().splitlines()[-1][:200])
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    results = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "TUI cold start to dashboard figures shown" in results
    assert "first start of the day" in results
