"""The A4 print rules the html (render/html.py) and the PDF (render/pdf.py) both follow,
so the page a browser prints and the page the app draws break in the same places and
carry the same frame, facts and footer (``PrintedPage``)."""

from __future__ import annotations

import re

from inspect_tui.core.document import Doc
from inspect_tui.core.records import record

#: a cell this short with no space never wraps (a date, a case number, 目標値, 要修正)
SHORT_CELL = 12
#: a header this short never wraps (目標値, 達成度, 件数): a break would split the word
SHORT_HEADER = 6
#: a table this wide prints smaller (the guidance report's 12 columns: 211 mm at 10.5 pt, A4 has 180)
DENSE_COLUMNS = 10
#: a table this short is never split across pages
WHOLE_TABLE = 12
#: a signed section with this many table rows or fewer stays whole on the page of its seal
#: boxes; a longer one keeps only its last part with them
SEAL_KEEP_ROWS = 15

_space = re.compile(r"\s").search


def unbroken_cell(text: str) -> bool:
    """A cell that never wraps: short, with no space in it."""
    return len(text) <= SHORT_CELL and _space(text) is None


def unbroken_header(text: str) -> bool:
    return len(text) <= SHORT_HEADER


@record(frozen=True)
class PrintedPage:
    """What a printed document shows around its sections, from its (cleaned) Doc."""

    #: the frame's top-right lines: 発行日, the contractor's address and name, 業務責任者
    sender: tuple[str, ...]
    #: the facts listed under the title (発行日 not again where the frame shows it)
    facts: tuple[tuple[str, str], ...]
    footer: str  # the frame's footer line on every page ("" for none)
    closing: str  # the line under the last section: the footer (or the title) and 発行日
    landscape: bool  # a table asked for A4 landscape: the whole document is


def printed_page(doc: Doc) -> PrintedPage:
    issued = dict(doc.facts).get("発行日", "")
    f = doc.frame
    sender: list[str] = []
    if f is not None:
        sender = [v for v in (f"発行日　{issued}" if issued else "", f.contractor_address, f.contractor) if v]
        if f.manager:
            sender.append(f"業務責任者　{f.manager}")
    footer = f.footer if f is not None and f.footer else ""
    return PrintedPage(
        sender=tuple(sender),
        # in the frame, the date of issue sits top-right, above the contractor: not twice
        facts=tuple((k, v) for k, v in doc.facts if not (f is not None and k == "発行日")),
        footer=footer,
        closing="　".join(v for v in (footer or doc.title, issued) if v),
        landscape=any(t.landscape for sec in doc.sections for t in sec.tables),
    )
