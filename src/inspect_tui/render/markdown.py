"""Markdown: a heading per section and pipe tables (GitHub style)."""

from __future__ import annotations

from inspect_tui.core.document import Doc, Section, Table, cell_text, clean, clean_table
from inspect_tui.render.text import sign_line

_SEP = {"l": ":---", "r": "---:", "c": ":---:"}


def _cell(v) -> str:
    return cell_text(v).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_table(t: Table) -> str:
    t = clean_table(t)
    lines = [
        "| " + " | ".join(_cell(h) for h in t.flat_headers()) + " |",
        "| " + " | ".join(_SEP[a] for a in t.aligns()) + " |",
    ]
    lines += ["| " + " | ".join(_cell(v) for v in r) + " |" for r in t.indented_rows()]
    return "\n".join(lines)


def render(doc: Doc) -> str:
    doc = clean(doc)
    out: list[str] = []
    if doc.frame:  # the municipal frame, one line each
        out += [f"{line}  " for line in doc.frame.header_lines()] + [""]
    out += [f"# {doc.title}", ""]
    out += [f"- {label}: {value}" for label, value in doc.facts]
    if doc.note:
        out += ["", doc.note]
    if doc.frame and doc.seals and not doc.seals_at_end:
        out += ["", sign_line(doc)]
    for sec in doc.main_sections():
        out += _section(sec.heading, sec)
    if doc.seals_at_end and doc.seals:
        out += ["", "---", "", sign_line(doc)]
    for label, sec in doc.appendices():
        out += _section(f"{label} {sec.heading}", sec)
    if doc.frame and doc.frame.footer:
        out += ["", "---", "", doc.frame.footer]
    if doc.witness:
        out += ["", f"<small>{doc.witness}</small>"]
    return "\n".join(out) + "\n"


def _section(heading: str, sec: Section) -> list[str]:
    out = ["", f"## {heading}"]
    for t in sec.tables:
        if t.caption:
            out += ["", f"**{t.caption}**"]
        out += ["", render_table(t) if t.rows else "（該当なし）"]
    for p in sec.paragraphs:
        out += ["", p]
    return out
