"""render/pdf.py on documents Hypothesis makes up: tables of any shape (empty cells, long
cells, many columns, header groups, tree levels, marks, numbers), paragraphs, facts, seals,
landscape. Whatever the document, the PDF is made, poppler reads it, and every piece of text
is on a page (pdftotext: every character as often as the document has it)."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspect_tui.core.document import Doc, Mark, Num, Percent, Section, Table
from inspect_tui.render import pdf
from pdftext import pdf_missing

pytestmark = pytest.mark.skipif(bool(pdf_missing()), reason=pdf_missing() or "PDF can be made")

#: what reports hold: kana, kanji, ASCII letters and digits, the punctuation of a form
ALPHABET = "あいうえおかきくけこ認定調査票提出期限遅延区件数目標値実績ABCxyz0123456789-./%（）「」、。"
words = st.text(alphabet=ALPHABET, min_size=0, max_size=80)
cells = st.one_of(
    words,
    st.integers(min_value=-(10**9), max_value=10**9),
    st.none(),
    st.builds(Mark, st.sampled_from([True, False, None])),
    st.builds(Num, st.integers(min_value=0, max_value=10**7), st.sampled_from(["件", "円", ""])),
    st.builds(Percent, st.decimals(min_value=0, max_value=100, places=1).map(Decimal)),
)


@st.composite
def tables(draw):
    ncol = draw(st.integers(min_value=1, max_value=14))
    headers = draw(st.lists(st.text(alphabet=ALPHABET, max_size=12), min_size=ncol, max_size=ncol))
    rows = draw(st.lists(st.lists(cells, min_size=ncol, max_size=ncol), max_size=40))
    groups: tuple[tuple[str, int], ...] = ()
    if ncol >= 3 and draw(st.booleans()):
        groups = (("", 1), ("年度", ncol - 1))
    levels = tuple(draw(st.lists(st.integers(0, 2), min_size=len(rows), max_size=len(rows))))
    return Table(
        headers,
        rows,
        caption=draw(words),
        groups=groups,
        levels=levels if draw(st.booleans()) else (),
        landscape=draw(st.booleans()) and draw(st.booleans()),
    )


sections = st.builds(
    Section,
    words,
    st.lists(tables(), max_size=3),
    st.lists(st.text(alphabet=ALPHABET, max_size=400), max_size=4),
    st.booleans(),
)
docs = st.builds(
    Doc,
    words.filter(bool),
    st.lists(st.tuples(words.filter(bool), words), max_size=4),
    st.lists(sections, min_size=0, max_size=3),
    seals=st.sampled_from([(), ("業務責任者",), ("主任調査員", "業務責任者", "確認印")]),
    seals_at_end=st.booleans(),
    witness=words,
)


def raw_text(data: bytes) -> str:
    """The PDF's text in the order it was drawn (pdftotext -raw: without -raw, pdftotext joins
    a line ending in - to the next and drops the -, as it would a hyphenated word)."""
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return out.stdout.decode("utf-8")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs)
def test_any_document_prints_with_all_its_text(doc):
    data = pdf.render(doc)
    assert data.startswith(b"%PDF-1.7") and data.rstrip().endswith(b"%%EOF")
    text = squash(raw_text(data))
    pieces = [doc.title, *(v for kv in doc.facts for v in kv), doc.witness]
    for sec in doc.sections:
        pieces += [sec.heading, *sec.paragraphs]
        for t in sec.tables:
            pieces.append(t.caption)
            if t.rows:  # a table with no rows prints its caption and （該当なし）, as the html
                pieces += [h for h in t.headers]
                pieces += [c for r in t.rows for c in r if isinstance(c, str)]
    # every character drawn as often as the document holds it (a count, not the order: pdftotext
    # reads the lines of cells side by side across them)
    wanted = Counter(squash("".join(pieces)))
    drawn = Counter(text)
    assert {ch: n for ch, n in wanted.items() if drawn[ch] < n} == {}
    # and text that fits on a line of its own comes out whole
    assert [p for p in (doc.title, *sec_headings(doc)) if squash(p) not in text] == []


def sec_headings(doc: Doc) -> list[str]:
    return [s.heading for s in doc.sections]
