"""Terminal text: tables aligned with tabulate by display width (wcwidth).

Marks print as words (達成 / 未達), never ○ or ×: those are ambiguous-width and
break columns in some terminals. Paragraphs wrap at 80 columns.
"""

from __future__ import annotations

from inspect_tui.core.document import Doc, Section, Table, cell_text, clean, clean_table
from inspect_tui.render.textwidth import width as text_width
from inspect_tui.render.textwidth import wrap

_ALIGN = {"l": "left", "r": "right", "c": "center"}


def render_table(t: Table, width: int | None = None) -> str:
    """The table; one with header groups (the KPI table's fiscal years) prints its groups
    as headers over their columns, or, when that is wider than ``width``, as one table per
    group with the ungrouped columns repeated (so a three-year KPI table fits 80 columns)."""
    t = clean_table(t)
    rows = [[cell_text(v) for v in r] for r in t.indented_rows()]
    aligns = t.aligns()
    if not t.groups:
        return _tabulate(rows, t.headers, aligns, width)
    groups = t.group_of()
    headers = [f"{g}\n{h}" if g else f"\n{h}" for g, h in zip(groups, t.headers, strict=False)]
    whole = _tabulate(rows, headers, aligns)
    if width is None or max(text_width(line) for line in whole.splitlines()) <= width:
        return whole
    keys = [i for i, g in enumerate(groups) if not g]
    parts = []
    for label in dict.fromkeys(g for g in groups if g):
        cols = keys + [i for i, g in enumerate(groups) if g == label]
        parts.append(
            f"{label}\n\n"
            + _tabulate(
                [[r[i] for i in cols] for r in rows],
                [t.headers[i] for i in cols],
                [aligns[i] for i in cols],
                width,
            )
        )
    return "\n\n".join(parts)


#: a column is narrowed to fit the width down to this many columns, never less
NARROWEST = 10


def _tabulate(rows: list[list[str]], headers: list[str], aligns: list[str], width: int | None = None) -> str:
    """A table; wider than ``width``, its widest columns wrap (a long evaluation text) so the
    lines fit, none narrower than NARROWEST."""
    from tabulate import tabulate  # 21 ms with wcwidth: only the text formats pay it

    def lay_out(wrap_at: list[int | None] | None) -> str:
        # the narrowed columns are wrapped here (Japanese line breaking, render/textwidth.py),
        # not by tabulate's maxcolwidths: tabulate 0.10 casts every cell of a column it wraps
        # by the type it guesses, ignoring disable_numparse (int("1,398") raises)
        laid = (
            rows
            if not wrap_at
            else [[_wrapped(c, w) for c, w in zip(r, wrap_at, strict=False)] for r in rows]
        )
        return tabulate(
            laid,
            headers=headers,
            tablefmt="simple",
            disable_numparse=True,
            colalign=[_ALIGN[a] for a in aligns],
            preserve_whitespace=True,  # the tree's indent (U+3000) is a leading space
        )

    out = lay_out(None)
    if width is None or not rows:
        return out
    full = _widths(out)
    for _ in range(8):  # a wrapped column of two-column characters may come out one wider
        cols = _widths(out)
        if sum(cols) + 2 * (len(cols) - 1) <= width:
            return out
        while sum(cols) + 2 * (len(cols) - 1) > width:
            widest = max(range(len(cols)), key=lambda i: cols[i])
            if cols[widest] <= NARROWEST:
                return out
            cols[widest] -= 1
        out = lay_out([c if c < f else None for c, f in zip(cols, full, strict=True)])
    return out


def _wrapped(cell: str, limit: int | None) -> str:
    """A cell's text wrapped to ``limit`` columns (each of its own lines), or as it is: at
    Japanese line breaks (render/textwidth.py), and a word still too long cut where it must
    (as tabulate's own wrapping does)."""
    if limit is None or text_width(cell) <= limit:
        return cell
    lead = cell[: len(cell) - len(cell.lstrip("\u3000"))]  # the tree's indent stays on every line
    out: list[str] = []
    for line in cell.splitlines():
        for part in wrap(line.removeprefix(lead), limit, lead):
            while text_width(part) > limit:
                cut, w = 0, 0
                while cut < len(part) and w + text_width(part[cut]) <= limit:
                    w += text_width(part[cut])
                    cut += 1
                cut = max(cut, 1)
                out.append(part[:cut])
                part = part[cut:]
            out.append(part)
    return "\n".join(out)


def _widths(table: str) -> list[int]:
    """The column widths of a laid-out table, from its dashes line (------  ----)."""
    dashes = next((line for line in table.splitlines() if line and set(line) <= {"-", " "}), "")
    return [len(d) for d in dashes.split()]


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
        out += ["", render_table(t, width)] if t.rows else ["", "（該当なし）"]
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
