"""Finding a month's known names and numbers in a note by their first characters finds
exactly what one str.find per key finds (every occurrence, overlapping ones too)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from inspect_tui.core import masking
from inspect_tui.core.masking import _find_all, _occurrences, mask_free_text

ALPHABET = "鈴原冬美佐藤一郎田中花子01234-5 "


def _naive(text: str, keys: frozenset[str]) -> set[tuple[int, str]]:
    return {(at, key) for key in keys for at in _find_all(text, key)}


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=ALPHABET, max_size=60),
    keys=st.frozensets(
        st.text(alphabet=ALPHABET.replace(" ", ""), min_size=4, max_size=6), min_size=9, max_size=40
    ),
)
def test_the_prefix_index_finds_what_find_finds(text, keys):
    for size in (2, 4):
        assert set(_occurrences(text, keys, size)) == _naive(text, keys)


def test_many_known_names_are_masked_as_with_few():
    names = (*(f"試験{chr(0x4E00 + i)}{chr(0x4E80 + i)}" for i in range(2000)), "鈴原 冬美")
    numbers = tuple(f"{2800000000 + i:010d}" for i in range(2000))
    text = "鈴原冬美さん（2800001234）の件、冬美 鈴原 様へ連絡。試験一亀 も同席"
    masked = mask_free_text(text, names, numbers)
    assert "鈴原" not in masked and "2800001234" not in masked and "試験" not in masked
    assert masked == mask_free_text(text, ("鈴原 冬美", "試験一亀"), ("2800001234",))
    assert masking._by_prefix.cache_info().currsize >= 1


def test_the_indexes_of_months_masked_before_are_not_kept():
    """The Reports screen masks each month's notes against that month's names (~25,000 at
    1M cases); shown month after month, every month's index used to stay in memory."""
    import gc
    import tracemalloc

    def month(i: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        names = tuple(f"{chr(0x4E00 + i)}{chr(0x5000 + n // 90)}{chr(0x6000 + n % 90)}" for n in range(3000))
        return names, tuple(f"{2900000000 + i * 10000 + n:010d}" for n in range(3000))

    for cached in (masking._name_keys, masking._number_keys, masking._by_prefix):
        cached.cache_clear()
    text = "連絡あり、特記なし"
    tracemalloc.start()
    try:
        mask_free_text(text, *month(0))
        gc.collect()
        one = tracemalloc.get_traced_memory()[0]
        for i in range(1, 8):
            mask_free_text(text, *month(i))
        gc.collect()
        eight = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert eight < 2.5 * one, f"{eight / one:.1f} months' indexes kept"


def _number_key_long_way(n: str | None) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKC", n or "") if c.isalnum())


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.none(), st.text(), st.text(alphabet="0123456789０１２３ABCabcｱ-ー ⅷ²", max_size=14)))
def test_a_numbers_key_is_its_nfkc_letters_and_digits_whatever_path_it_takes(n):
    assert masking.number_key(n) == _number_key_long_way(n)
