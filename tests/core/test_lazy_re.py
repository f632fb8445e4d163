"""core/lazy_re.py: a pattern compiled at its first use, answering as the compiled one."""

from __future__ import annotations

import re
import subprocess
import sys

from inspect_tui.core.lazy_re import LazyPattern


def test_a_lazy_pattern_answers_as_the_compiled_one():
    text = "訪問 2027-05-06 10:30、電話 090-1234-5678"
    lazy, compiled = LazyPattern(r"\d+"), re.compile(r"\d+")
    assert [m.group() for m in lazy.finditer(text)] == [m.group() for m in compiled.finditer(text)]
    assert lazy.search(text).span() == compiled.search(text).span()
    assert lazy.fullmatch("2027") and not lazy.fullmatch("2027-")
    assert lazy.match(text) is None and lazy.sub("#", text) == compiled.sub("#", text)
    assert LazyPattern("a", re.IGNORECASE).fullmatch("A")


def test_importing_masking_compiles_none_of_its_patterns_until_one_is_used():
    code = (
        "import re\n"
        "seen = []\n"
        "real = re.compile\n"
        "re.compile = lambda p, f=0: seen.append(p) or real(p, f)\n"
        "import inspect_tui.core.masking as m\n"
        "mine = lambda: [p for p in seen if isinstance(p, str) and ('丁目' in p or '生年月日' in p)]\n"
        "before = len(mine())\n"
        "masked = m.mask_free_text('生年月日 昭和20年1月2日、3丁目4番5号')\n"
        "after = len(mine())\n"
        "print(before, after, '昭和20年' in masked, '3丁目' in masked)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "2", "False", "False"], out.stdout + out.stderr
