"""CSV for Excel in Japan: UTF-8 with a BOM, one block per table, formula injection guarded.

A text cell a spreadsheet would run as a formula (render/excel_safe.py: = + - @,
their full-width forms, a tab or a line break first) gets a leading apostrophe so
it shows as typed; the empty-cell mark － stays bare. Counts
and yen are written as plain integers (no separators) so they stay numbers.
"""

from __future__ import annotations

import csv
import io

from inspect_tui.core.document import Doc, Mark, cell_text, clean
from inspect_tui.render.excel_safe import excel_safe as guard

BOM = "\ufeff"


def _cell(v) -> str:
    if v is None or isinstance(v, bool):
        return cell_text(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Mark):
        return v.word()
    return guard(cell_text(v))


def frame_rows(doc: Doc) -> list[tuple[str, str]]:
    """The document frame as (label, value) rows: 宛先, 受託者, … (only those filled in)."""
    f = doc.frame
    if f is None:
        return []
    rows = [
        ("宛先", f.addressee),
        ("受託者", f.contractor),
        ("受託者の住所", f.contractor_address),
        ("契約件名", f.contract),
        ("業務責任者", f.manager),
    ]
    return [(k, v) for k, v in rows if v]


def render(doc: Doc) -> str:
    """The CSV text, starting with the BOM (write it with encoding='utf-8')."""
    doc = clean(doc)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([guard(doc.title)])
    for label, value in doc.facts:
        w.writerow([guard(label), guard(value)])
    for label, value in frame_rows(doc):
        w.writerow([guard(label), guard(value)])
    for sec in doc.sections:
        w.writerow([])
        w.writerow([guard(sec.heading)])
        for t in (t.drawn() for t in sec.tables):  # data only: no text bars
            if t.caption:
                w.writerow([guard(t.caption)])
            w.writerow([guard(h) for h in t.flat_headers()])
            for r in t.indented_rows():
                w.writerow([_cell(v) for v in r])
        for p in sec.paragraphs:
            w.writerow([guard(p)])
    if doc.witness:
        w.writerow([])
        w.writerow([guard(doc.witness)])
    return BOM + buf.getvalue()
