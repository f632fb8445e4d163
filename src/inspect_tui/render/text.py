"""Terminal text: tables aligned with tabulate by display width (wcwidth).

Marks print as words (達成 / 未達), never ○ or ×: those are ambiguous-width and
break columns in some terminals. Paragraphs wrap at 80 columns.
"""

from __future__ import annotations

from tabulate import tabulate

from inspect_tui.core.document import Doc, Section, Table, cell_text, clean, clean_table
from inspect_tui.render.textwidth import width as text_width
from inspect_tui.render.textwidth import wrap

_ALIGN = {"l": "left", "r": "right", "c": "center"}


def render_table(t: Table) -> str:
    t = clean_table(t)
    rows = [[cell_text(v) for v in r] for r in t.rows]
    return tabulate(
        rows,
        headers=t.headers,
        tablefmt="simple",
        disable_numparse=True,
        colalign=[_ALIGN[a] for a in t.aligns()],
    )


def render(doc: Doc, width: int = 80) -> str:
    doc = clean(doc)
    out: list[str] = []
    if doc.frame:  # the municipal frame: addressee, contractor, contract title
        for line in doc.frame.header_lines():
            out += wrap(line, width)
        out.append("")
    out += [doc.title, "=" * min(width, 2 * len(doc.title))]
    for label, value in doc.facts:
        out += wrap(f"{label}: {value}", width)
    if doc.note:
        out += wrap(doc.note, width)
    if doc.frame and doc.seals and not doc.seals_at_end:
        out += sign_lines(doc, width)
    for sec in doc.main_sections():
        out += _section(sec.heading, sec, width)
    if doc.seals_at_end and doc.seals:
        out += ["", *sign_lines(doc, width)]
    for label, sec in doc.appendices():
        out += _section(f"{label} {sec.heading}", sec, width)
    if doc.frame and doc.frame.footer:
        out += ["", *wrap(doc.frame.footer, width)]
    if doc.witness:
        out += ["", doc.witness]
    return "\n".join(out) + "\n"


def _section(heading: str, sec: Section, width: int) -> list[str]:
    # underlined with ASCII: ■ and box-drawing lines are ambiguous-width
    out = ["", heading, "-" * min(width, text_width(heading))]
    for t in sec.tables:
        if t.caption:
            out += ["", *wrap(t.caption, width)]
        out += ["", render_table(t)] if t.rows else ["", "（該当なし）"]
    if sec.paragraphs:
        out.append("")
        for p in sec.paragraphs:
            out += wrap(p, width)
    return out


def sign_lines(doc: Doc, width: int) -> list[str]:
    """The seal line, or one line per seal when they do not fit the width (never a name
    broken in two by the wrap)."""
    line = sign_line(doc)
    if text_width(line) <= width:
        return [line]
    return [f"{who} 印: ____________________" for who in doc.seals]


def sign_line(doc: Doc) -> str:
    """主任調査員 印: ____  業務責任者 印: ____ (text and md: the html draws boxes)."""
    return "    ".join(f"{who} 印: ____________________" for who in doc.seals)
