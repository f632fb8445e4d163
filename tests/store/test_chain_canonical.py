"""The chain's canonical row text is exactly json.dumps's (every hash ever written depends
on it): the hand-built fast path against json.dumps on hostile strings."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from inspect_tui.store.chain_functions import canonical, row_hash

texts = st.one_of(st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))


def reference(row_id, *t) -> str:
    return json.dumps([row_id, *t], ensure_ascii=False, separators=(",", ":"))


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1), st.lists(texts, min_size=7, max_size=7))
def test_the_fast_path_writes_what_json_dumps_writes(row_id, t):
    assert canonical(row_id, *t) == reference(row_id, *t)


def test_escapes_and_other_types_match_too():
    hostile = ['"', "\\", "\x00\x1b\x7f", "\u2028\u2029", "改行\n", "𠮷", "</script>", ""]
    assert canonical(1, *hostile[:7]) == reference(1, *hostile[:7])
    # not an int id or a non-text value: the json module itself writes it
    assert canonical(True, "a", None, 3, "b", "c", "d", "e") == reference(
        True, "a", None, 3, "b", "c", "d", "e"
    )
    assert canonical(2.5, *["x"] * 7) == reference(2.5, *["x"] * 7)


def test_a_known_row_keeps_its_known_hash():
    """A hash computed by the release before this change (json.dumps): old chains still verify."""
    h = row_hash(
        "0" * 64, 1, "2027-06-15T09:00:00+09:00", "tester", "row.insert", "cases", "1", None, '{"a":"名"}'
    )
    assert h == "66e6dd494ae4023cfc2f179691b619b056ada751d6e2544dd3f53b85a3b07d8e"
