"""Peak memory of ``inspect-tui import cases`` on hostile and on big valid files.

    python bench/import_limits.py [--work DIR] [--src SRC_DIR]

Each file is imported by a fresh ``python -m inspect_tui import cases FILE`` into
an empty database; the child's peak resident memory (getrusage RUSAGE_CHILDREN,
ru_maxrss) and wall time are printed with its exit status and how much it wrote
to stderr. ``--src`` runs another checkout's src/ (e.g. the code before the
limits) for comparison. Files (built once in --work, default bench/_work/limits):

- wide.csv: a header of 1,000,000 columns (7.9 MB, one line)
- /dev/zero: a path that never ends
- garbage.bin: 200 MB of random bytes
- valid_100k.csv: 100,000 valid rows (9 columns, 8.6 MB)

Do not point --src at the code from before the limits with /dev/zero on a shared
machine: it reads until the kernel kills it (23 GB when measured).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent


def build(work: Path) -> list[Path]:
    work.mkdir(parents=True, exist_ok=True)
    wide = work / "wide.csv"
    if not wide.exists():
        wide.write_text("case_no," + ",".join(f"c{i}" for i in range(1_000_000)) + "\n", encoding="utf-8")
    garbage = work / "garbage.bin"
    if not garbage.exists():
        with garbage.open("wb") as f:
            for _ in range(200):
                f.write(os.urandom(1_000_000))
    valid = work / "valid_100k.csv"
    if not valid.exists():
        with valid.open("w", encoding="utf-8") as f:
            f.write("case_no,application,ward,received_on,dispatched_on,urgent,name,insured_no,birth_date\n")
            for i in range(100_000):
                day = f"2027-0{1 + i % 5}-{1 + i % 28:02d}"
                f.write(f"K-{i:06d},新規,長田区,{day},{day},0,申請 太郎,{9900000000 + i},1940-01-02\n")
    return [wide, Path("/dev/zero"), garbage, valid]


def run_one(path: Path, work: Path, src: Path) -> tuple[int, float, float, int, str]:
    db = work / "target.db"
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(src),
        "INSPECT_TUI_TODAY": "2027-06-15",
        "HOME": str(work / "home"),
        "XDG_CONFIG_HOME": str(work / "home" / ".config"),
        "XDG_DATA_HOME": str(work / "home" / ".local/share"),
        "XDG_STATE_HOME": str(work / "home" / ".local/state"),
    }
    # a wrapper process per file, so RUSAGE_CHILDREN's ru_maxrss is that one import's peak
    code = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "head = r.stderr.decode(errors='replace')[:160].replace('\\n', ' ')\n"
        "print(r.returncode, peak, len(r.stderr), head)\n"
    )
    cmd = [sys.executable, "-m", "inspect_tui", "import", "cases", str(path), "--db", str(db)]
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True, env=env)
    took = time.perf_counter() - t0
    rc, peak_kb, err_len, head = out.stdout.split(" ", 3)
    return int(rc), int(peak_kb) / 1024, took, int(err_len), head.strip()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", type=Path, default=BENCH_DIR / "_work" / "limits")
    p.add_argument("--src", type=Path, default=ROOT / "src")
    args = p.parse_args(argv)
    files = build(args.work)
    print(f"src: {args.src}")
    print(f"{'file':<16} {'exit':>4} {'peak RSS':>10} {'time':>8} {'stderr':>12}  first words")
    for path in files:
        rc, peak, took, err_len, head = run_one(path, args.work, args.src)
        print(f"{path.name:<16} {rc:>4} {peak:>7.0f} MB {took:>6.2f} s {err_len:>10,} B  {head[:90]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
