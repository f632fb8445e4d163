"""Form rules: check_form on one form and on 10,000, against the 57 codes hand-coded in plain Python.

The forms are random but valid (every item answered with one of its choices, 1-1, 1-2
and 6 with random sets, random 7-1/7-2 levels, each note present or not), seeded, so
each run checks the same forms. Bar (issue 18): a form is checked in under 5 ms; the
slowest of the 10,000 is held to it too.

The reference is the 57 警告コード written out as plain ``if`` tests over dicts (a third
transcription of the table on pp. 9-11, beside form_rules.toml and the tests): the
floor a data-driven checker can be compared to. Before timing, the run asserts that the
warning codes check_form finds equal the reference's on every form.

Run alone: ``.venv/bin/python bench/m_form_rules.py [--forms 10000] [--runs 5]``.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Result, text_table

BAR_NS = 5_000_000  # 5 ms

# (code, item, choice, item, choice); codes 27 and 28 take the six of 3-2..3-7 at 1
CODES = [
    (1, "1-3", 3, "1-10", 1), (2, "1-4", 3, "1-8", 1), (3, "1-4", 3, "1-10", 1),
    (4, "1-5", 3, "1-9", 1), (5, "1-5", 4, "1-6", 1), (6, "1-5", 4, "1-7", 1),
    (7, "1-5", 4, "1-8", 1), (8, "1-5", 4, "1-9", 1), (9, "1-5", 4, "1-10", 1),
    (10, "1-6", 3, "1-7", 1), (11, "1-6", 3, "1-8", 1), (12, "1-6", 3, "1-9", 1),
    (13, "1-7", 1, "2-1", 4), (14, "1-7", 3, "1-9", 1), (15, "2-1", 4, "1-9", 1),
    (16, "1-8", 3, "1-9", 1), (17, "2-3", 3, "2-4", 1), (18, "2-3", 3, "5-1", 1),
    (19, "1-11", 1, "4-11", 3), (20, "5-1", 1, "4-11", 3), (21, "5-2", 1, "3-8", 3),
    (22, "5-2", 1, "4-9", 3), (23, "5-2", 1, "4-10", 3), (24, "5-2", 1, "4-11", 3),
    (25, "1-12", 5, "3-1", 1), (26, "1-13", 5, "3-1", 1), (27, "1-12", 5, "SIX", 1),
    (28, "1-13", 5, "SIX", 1), (29, "1-13", 5, "5-3", 1), (30, "1-12", 5, "5-3", 1),
    (31, "1-13", 5, "2-6", 1), (32, "3-1", 4, "5-3", 1), (33, "1-13", 5, "2-5", 1),
    (34, "1-13", 5, "2-2", 1), (35, "4-11", 3, "5-3", 1), (36, "3-5", 2, "5-3", 1),
    (37, "1-12", 5, "2-6", 1), (38, "1-12", 5, "2-5", 1), (39, "1-12", 5, "2-2", 1),
    (40, "1-5", 4, "5-5", 1), (41, "2-8", 3, "5-6", 1), (42, "2-9", 3, "5-6", 1),
    (43, "5-2", 3, "5-5", 1), (44, "5-3", 4, "5-5", 1), (45, "3-1", 4, "5-5", 1),
    (46, "4-11", 3, "4-14", 1), (47, "1-3", 3, "1-4", 1), (48, "1-3", 3, "1-8", 1),
    (49, "1-4", 1, "1-5", 4), (50, "1-7", 1, "2-2", 4), (51, "2-1", 4, "1-8", 1),
    (52, "1-10", 1, "2-8", 3), (53, "1-10", 1, "2-10", 4), (54, "1-10", 1, "2-11", 4),
    (55, "2-8", 3, "1-11", 1), (56, "1-11", 1, "1-12", 5), (57, "2-10", 4, "2-11", 1),
]  # fmt: skip
SIX = ("3-2", "3-3", "3-4", "3-5", "3-6", "3-7")


def reference_codes(answers: dict[str, tuple[int, ...]]) -> list[int]:
    """The warning codes of a form, hand-coded (one-choice items: the answer is answers[item][0])."""
    one = {k: v[0] for k, v in answers.items() if len(v) == 1}
    out = []
    for code, a, x, b, y in CODES:
        if one.get(a) != x:
            continue
        if b == "SIX":
            if all(one.get(s) == 1 for s in SIX):
                out.append(code)
        elif one.get(b) == y:
            out.append(code)
    return out


def make_forms(n: int, seed: int = 20261122):
    from inspect_tui.core.survey_form import SurveyForm, form_items

    items = form_items()
    rng = random.Random(seed)
    forms = []
    for _ in range(n):
        answers: dict[str, tuple[int, ...]] = {}
        levels: dict[str, str] = {}
        notes: dict[str, str] = {}
        for code, item in items.items():
            if item.is_level:
                levels[code] = rng.choice(item.levels).id
            elif item.multi:
                k = rng.choice((0, 0, 1, 1, 2)) if code == "6" else rng.choice((1, 1, 1, 2))
                nums = [n for n, _ in item.choices]
                pool = nums[1:] if code != "6" and k > 1 else nums  # 1.ない only alone
                picked = sorted(rng.sample(pool, k))
                answers[code] = tuple(picked) if picked else ((1,) if code != "6" else ())
            else:
                # lean on the first choice, as real forms do, so that codes fire now and then
                nums = [n for n, _ in item.choices]
                answers[code] = (nums[0] if rng.random() < 0.6 else rng.choice(nums),)
            if rng.random() < 0.3:
                notes[code] = "調査日と日頃の状況。週2回。"
        forms.append(SurveyForm(answers, levels, notes))
    return forms


def run(forms: int = 10_000, runs: int = 5, log=print) -> list[Result]:
    from inspect_tui.core.form_rules import check_form
    from inspect_tui.core.form_rules_file import load_rules

    t0 = time.perf_counter_ns()
    rules = load_rules()
    load_ns = time.perf_counter_ns() - t0
    batch = make_forms(forms)
    plain = [dict(f.answers) for f in batch]

    # correctness first: check_form's warning codes are the hand-coded ones, form by form
    fired = 0
    for f, a in zip(batch, plain, strict=True):
        ours = [p.code for p in check_form(f, rules) if p.kind == "warning"]
        if ours != reference_codes(a):
            raise AssertionError(f"warning codes differ: {ours} != {reference_codes(a)}")
        fired += bool(ours)
    log(f"  {forms:,} forms: warning codes == hand-coded table on every form ({fired:,} forms with a code)")

    per_form: list[float] = []
    slowest: list[float] = []
    totals: list[float] = []
    ref_totals: list[float] = []
    for _ in range(runs):
        times = []
        start = time.perf_counter_ns()
        for f in batch:
            t = time.perf_counter_ns()
            check_form(f, rules)
            times.append(time.perf_counter_ns() - t)
        totals.append(time.perf_counter_ns() - start)
        per_form.extend(times)
        slowest.append(max(times))
        start = time.perf_counter_ns()
        for a in plain:
            reference_codes(a)
        ref_totals.append(time.perf_counter_ns() - start)
    n_rules = len(rules)
    return [
        Result(f"form rules: load and check form_rules.toml ({n_rules} rules)", [load_ns], info_only=True),
        Result(f"form rules: check_form, one form ({n_rules} rules)", per_form, max_abs=BAR_NS),
        Result(f"form rules: check_form, slowest of {forms:,} forms", slowest, max_abs=BAR_NS),
        Result(
            f"form rules: check_form, {forms:,} forms",
            totals,
            ref=ref_totals,
            ref_name="the 57 codes hand-coded",
            info_only=True,
        ),
    ]


CLI_BAR_NS = 5_000_000_000  # form check on 10,000 forms in a file: under 5 s (issue 18)


def write_forms_csv(path: Path, forms) -> Path:
    """The forms as the documented import layout (case_no, one column per item, notes)."""
    import csv

    from inspect_tui.core.survey_form import form_items

    items = form_items()
    header = ["case_no", *items, *(f"特記事項 {c}" for c in items)]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        for i, form in enumerate(forms):
            cells = [f"B-{i:06d}"]
            for code in items:
                cells.append(";".join(str(v) for v in form.values(code)))
            cells += [form.notes.get(code, "") for code in items]
            w.writerow(cells)
    return path


def run_cli(work: Path, forms: int = 10_000, runs: int = 3, log=print) -> list[Result]:
    """``inspect-tui form check FILE`` on a file of forms, whole process (start-up included),
    against a process that only reads the same file with csv.reader (the floor of reading it)."""
    import subprocess

    path = write_forms_csv(work / f"forms-{forms}.csv", make_forms(forms))
    exe = Path(sys.executable).with_name("inspect-tui")
    cmd = [str(exe), "form", "check", str(path), "--format", "json"]
    ref = [
        sys.executable,
        "-c",
        f"import csv; sum(1 for _ in csv.reader(open({str(path)!r}, encoding='utf-8')))",
    ]
    ours, floor = [], []
    for _ in range(runs):
        t = time.perf_counter_ns()
        out = subprocess.run(cmd, capture_output=True, check=False)
        ours.append(time.perf_counter_ns() - t)
        if out.returncode != 0:
            raise RuntimeError(f"form check failed: {out.stderr.decode()[:300]}")
        t = time.perf_counter_ns()
        subprocess.run(ref, check=True)
        floor.append(time.perf_counter_ns() - t)
    log(f"  {forms:,} forms, {path.stat().st_size / 1e6:.1f} MB")
    return [
        Result(
            f"form check FILE, {forms:,} forms, whole process",
            ours,
            ref=floor,
            ref_name="a process reading the file with csv.reader",
            max_abs=CLI_BAR_NS,
        )
    ]


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--forms", type=int, default=10_000)
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args(argv)
    results = run(args.forms, args.runs)
    print(text_table(results))
    return 0 if all(r.verdict in ("PASS", "info") for r in results) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    raise SystemExit(main())
