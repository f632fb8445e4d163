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


@pytest.mark.slow
def test_quick_benchmark_runs_and_writes_its_table(tmp_path):
    if not RUN.exists():
        pytest.skip("bench/ is not part of this checkout")
    only = ["reports", "integrity", "import", "keystroke"]
    if importlib.util.find_spec("numpy") is not None:
        only.insert(0, "deadlines")
    sys.path.insert(0, str(RUN.parent))
    try:
        import m_tui
    finally:
        sys.path.remove(str(RUN.parent))
    if m_tui.tmux_unavailable() is None:  # CI machines may have tmux but no pseudo-terminal
        only.append("coldstart")
    out = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--work", str(tmp_path), "--only", ",".join(only)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    results = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "| measurement |" in results
    for what in ("monthly report", "SLA report", "KPI report", "quick_check", "import", "filter keystroke"):
        assert what in results, what
    assert "could not run" not in results
