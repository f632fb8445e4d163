"""PDF: the document laid out on A4 by the app itself, in the print html's layout
(render/html.py), with a subset of a Japanese font embedded.

The html is what a browser prints; this is the same page drawn directly (the frame
top-left and top-right, the title, the facts with the seal boxes beside them, the
sections, each 別紙 on a new page, the footer line and ``n / N`` on every page), by the
same print rules:

- short headers and cells never break (目標値, a date, a case number), long cells wrap
  at any character (Japanese has no spaces), numbers never wrap;
- a table's header row repeats on every page, no row is split, a table of 12 rows or
  fewer is never split, a heading or a caption stays with what follows it;
- a chart is the html's SVG (render/svg.py) redrawn as PDF paths (render/pdf_canvas.py),
  kept on one page;
- the seal boxes of a record signed when done are never alone on a page.

Why not an html engine: WeasyPrint took 15 s for the 95-page monthly report at 1M cases
and Chromium 3.2-3.5 s (bench/results.md, 2026-12-06); this writer takes well under a
second (README, Reports). Column widths follow the CSS automatic table layout (each
column between its longest unbreakable text and its whole text, the room shared in
proportion).

What it needs from the system: a Japanese OpenType CFF font (fonts-noto-cjk) and
HarfBuzz (libharfbuzz0b, libharfbuzz-subset0), checked by ``missing_parts()`` before
anything is laid out; ``render`` raises ``PdfUnavailable`` saying what to install, and
every other format works without them. A report reaches for no file but the font and
no network.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inspect_tui.core.document import Doc, Mark, Section, Table, cell_text, clean
from inspect_tui.render import svg
from inspect_tui.render.output import OutputError
from inspect_tui.render.print_rules import (
    DENSE_COLUMNS,
    SEAL_KEEP_ROWS,
    WHOLE_TABLE,
    PrintedPage,
    printed_page,
    unbroken_cell,
    unbroken_header,
)

#: what to install for each missing part (Debian / Ubuntu package names)
HARFBUZZ_PACKAGES = "libharfbuzz0b libharfbuzz-subset0"
FONT_PACKAGES = "fonts-noto-cjk"

#: where fontconfig finds fonts on Debian and for the user
FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path("~/.local/share/fonts").expanduser(),
    Path("~/.fonts").expanduser(),
)


class PdfUnavailable(OutputError):
    """A PDF was asked for on a machine without a part it needs; the message says what to install."""


def missing_parts(font_dirs: tuple[Path, ...] | None = None) -> list[str]:
    """The system packages a PDF needs that are not installed (empty: a PDF can be made)."""
    return _parts(font_dirs)[1]


def _parts(font_dirs: tuple[Path, ...] | None) -> tuple[tuple[Path, str] | None, list[str]]:
    """The font a PDF embeds (file, face) and the packages missing for one."""
    from inspect_tui.render import pdf_font

    missing = []
    if not pdf_font.has_harfbuzz():
        missing.append(HARFBUZZ_PACKAGES)
    found = pdf_font.find_font(FONT_DIRS if font_dirs is None else font_dirs)
    if found is None:
        missing.append(FONT_PACKAGES)
    return found, missing


def unavailable_message(missing: list[str]) -> str:
    what = "、".join(
        "文字の計測に使う HarfBuzz" if m == HARFBUZZ_PACKAGES else "日本語のフォント" for m in missing
    )
    return (
        f"PDF を作れません: この機械に{what}がありません。"
        f"次で入れてください: sudo apt-get install {' '.join(missing)}"
        "（ほかの形式 text / md / csv / json / html / xlsx はそのまま使えます）"
    )


# --------------------------------------------------------------------------- the page

MM = 72 / 25.4
PORTRAIT = (210 * MM, 297 * MM)
MARGIN_TOP, MARGIN_SIDE, MARGIN_BOTTOM = 18 * MM, 15 * MM, 20 * MM
BODY = 10.5  # pt, as the html's body
LINE = 1.45  # line height, times the font size
GREY_TEXT = (0x44 / 255,) * 3
RULE = (0x44 / 255,) * 3
HEAD_FILL = (0xE8 / 255,) * 3
BORDER = 0.75  # 1px

LONG_PARAGRAPH = 10  # lines: a paragraph longer than this may be cut across pages
WRAP_MIN_CHARS = 4  # a long cell is never narrower than this many of its characters
NO_LINE_START = "）」』】〕，、。．・ー！？!?),.:;%％"  # never the first character of a wrapped line
NO_LINE_END = "（「『【〔(￥$"  # never the last
FACTS_MIN = 60 * MM  # the least room the facts' values keep beside the seal boxes
MIN_SIZE = 6.0  # pt: the smallest a table prints to keep its unbreakable text on the page


class _Style:
    def __init__(self, size: float, pad_x: float, pad_y: float) -> None:
        self.size, self.pad_x, self.pad_y = size, pad_x, pad_y
        self.lh = size * LINE


NORMAL = _Style(BODY, 2 * MM, 1 * MM)
DENSE = _Style(8.5, 1 * MM, 0.8 * MM)
APPENDIX = _Style(9, 2 * MM, 0.4 * MM)


Draw = Callable[[Any, float], None]  # (canvas, top) -> None
Place = Callable[[Any, float, float], None]  # (canvas, x, top) -> None


class Atom:
    """What the pages are cut from: a height and how to draw it at a given top.

    ``keep_next``: on the same page as what follows (a heading, a caption, a header row);
    ``header``: drawn first when this row starts a page (its table's header);
    ``parts``: a kept group, cut back into its parts only when taller than a page;
    ``space``: a margin, dropped at the top of a page; ``keep_prev``: with what precedes."""

    __slots__ = ("break_before", "draw", "header", "height", "keep_next", "keep_prev", "parts", "space")

    def __init__(
        self,
        height: float,
        draw: Draw | None = None,
        *,
        keep_next: bool = False,
        header: Atom | None = None,
        parts: list[Atom] | None = None,
        space: bool = False,
        break_before: bool = False,
        keep_prev: bool = False,
    ) -> None:
        self.height = height
        self.draw = draw
        self.keep_next, self.header, self.parts = keep_next, header, parts
        self.space, self.break_before, self.keep_prev = space, break_before, keep_prev


def _group(atoms: list[Atom]) -> Atom:
    atoms = [a for a in atoms if a.height > 0 or a.draw is not None]
    first = atoms[0] if atoms else None
    return Atom(
        sum(a.height for a in atoms),
        parts=atoms,
        header=first.header if first else None,
        keep_next=atoms[-1].keep_next if atoms else False,
    )


def _space(height: float, keep_next: bool = False) -> Atom:
    return Atom(height, space=True, keep_next=keep_next)


class _Layout:
    def __init__(self, fonts, size: tuple[float, float]) -> None:
        self.fonts = fonts
        self.page_w, self.page_h = size
        self.left = MARGIN_SIDE
        self.width = self.page_w - 2 * MARGIN_SIDE
        self.top = MARGIN_TOP
        self.bottom = self.page_h - MARGIN_BOTTOM

    # ------------------------------------------------------------------ text
    def w(self, text: str, size: float, bold: bool = False, spacing: float = 0.0) -> float:
        from inspect_tui.render.pdf_canvas import text_width

        return text_width(self.fonts, text, size, bold, spacing)

    def wrap(
        self, text: str, width: float, size: float, bold: bool = False, spacing: float = 0.0
    ) -> list[str]:
        """text in lines no wider than width, broken as Japanese print breaks it: between any
        two characters, but not inside a run of ASCII (89.8%, R9-00512, 2026-10-08), not
        before 、。）and not after （「 (禁則); at a space, which goes; anywhere only where
        a line has no such place."""
        out: list[str] = []
        font = self.fonts[bold]
        extra = spacing * 1000 / size
        limit = width * 1000 / size + 0.5  # half a thousandth of an em: float error never breaks a line
        if _LINES.search(text) is None and font.width(text) + extra * len(text) <= limit:
            return [text]  # most cells: one line
        for para in _LINES.split(text):
            line, line_w, cut = "", 0.0, 0  # cut: where the line may end (0: nowhere yet)
            for ch in para:
                cw = font.width(ch) + extra
                if line and line_w + cw > limit and ch != " ":
                    if _may_break(line[-1], ch):
                        cut = len(line)
                    elif cut == 0:  # no place to end: anywhere, but a 、 still not first
                        cut = len(line) - 1 if ch in NO_LINE_START and len(line) > 1 else len(line)
                    out.append(line[:cut].rstrip(" "))
                    line = line[cut:].lstrip(" ")
                    line_w = font.width(line) + extra * len(line)
                    cut = 0
                if line and _may_break(line[-1], ch):
                    cut = len(line)
                line += ch
                line_w += cw
            out.append(line)
        return out

    def lines_atom(
        self,
        lines: list[str],
        size: float,
        *,
        bold: bool = False,
        align: str = "l",
        fill=None,
        x: float | None = None,
        width: float | None = None,
        spacing: float = 0.0,
        whole: int | None = None,
    ) -> Atom:
        """Lines of text, one under the other; more than ``whole`` of them (default: half a
        page's worth) are a line each, kept together where they fit and cut where not."""
        x0 = self.left if x is None else x
        room = self.width if width is None else width
        lh = size * LINE
        if whole is None:
            whole = int((self.bottom - self.top) / 2 // lh)
        if len(lines) > 1 and len(lines) > whole:
            one = {"bold": bold, "align": align, "fill": fill, "x": x, "width": width, "spacing": spacing}
            return _group([self.lines_atom([line], size, **one) for line in lines])  # type: ignore[arg-type]

        def draw(canvas, top: float) -> None:
            for i, line in enumerate(lines):
                lw = self.w(line, size, bold, spacing)
                lx = x0 + (room - lw if align == "r" else (room - lw) / 2 if align == "c" else 0)
                canvas.text(
                    lx,
                    top + i * lh + _baseline(size),
                    line,
                    size,
                    bold=bold,
                    spacing=spacing,
                    **({"fill": fill} if fill else {}),
                )

        return Atom(len(lines) * lh, draw)

    def paragraph(self, text: str, size: float = BODY, *, bold: bool = False, align: str = "l") -> Atom:
        lines = self.wrap(text, self.width, size, bold)
        body = self.lines_atom(lines, size, bold=bold, align=align, whole=LONG_PARAGRAPH)
        return _group([_space(1 * MM), body, _space(1 * MM)])

    # ------------------------------------------------------------------ tables
    def table(self, t: Table, style: _Style) -> list[Atom]:
        t = t.drawn()  # render() cleaned the document's text already
        if (len(t.headers) >= DENSE_COLUMNS or t.dense) and style.size > DENSE.size:
            style = DENSE  # table.dense wins over .appendix table in the html's CSS too
        aligns = t.aligns()
        ncol = len(t.headers)
        rows = [[_cell(v) for v in r][:ncol] + [("", False, False)] * (ncol - len(r)) for r in t.rows]
        indent = [(2 + 4 * t.level(i)) * MM - style.pad_x if t.level(i) else 0.0 for i in range(len(rows))]
        size, lh = style.size, style.lh
        has_groups = bool(t.groups)
        tree = t.tree_column if t.levels else -1

        # column widths: CSS automatic layout (min: unbreakable text; max: whole text)
        pad = 2 * style.pad_x
        mins = [0.0] * ncol
        maxs = [0.0] * ncol
        for c, h in enumerate(t.headers):
            hw = max((self.w(p, size, True) for p in h.split("\n")), default=0.0)
            mins[c] = max(mins[c], hw if unbroken_header(h) else self._min_word(h, size, True))
            maxs[c] = max(maxs[c], hw)
        fonts, k = self.fonts, size / 1000
        unbroken = [a == "r" for a in aligns]  # numbers never wrap
        measured: list[list[float]] = []  # each cell's width on one line (the tree's indent in)
        for ri, r in enumerate(rows):
            ws = []
            for c, (text, ng, _mark) in enumerate(r):
                tw = fonts[ng].width(text) * k
                if c == tree:
                    tw += indent[ri]
                ws.append(tw)
                if tw > maxs[c]:
                    maxs[c] = tw
                if unbroken[c] or unbroken_cell(text):
                    if tw > mins[c]:
                        mins[c] = tw
                else:
                    least = self._min_word(text, size, ng)
                    if least > mins[c]:
                        mins[c] = least
            measured.append(ws)
        need = sum(mins) + pad * ncol
        if need > self.width + 0.01 and size > MIN_SIZE:
            # unbreakable text wider than the page: the table prints smaller, never off the page
            ratio = self.width / need
            smaller = _Style(max(MIN_SIZE, size * ratio - 0.05), style.pad_x * ratio, style.pad_y)
            return self.table(t, smaller)
        widths = _distribute([m + pad for m in mins], [m + pad for m in maxs], self.width)
        xs = [self.left]
        for wd in widths:
            xs.append(xs[-1] + wd)

        def cell_lines(text: str, c: int, bold: bool, extra: float = 0.0) -> list[str]:
            return self.wrap(text, max(widths[c] - pad - extra, size), size, bold)

        # the header rows
        head_rows: list[list[tuple[int, int, list[str]]]] = []  # (first column, span, lines)
        if has_groups:
            top_row, below = [], []
            col = 0
            for label, span in t.groups:
                span = max(0, min(span, ncol - col))  # a group past the last column ends there
                if span == 0:
                    continue
                if label:
                    room = xs[col + span] - xs[col] - pad
                    top_row.append((col, span, self.wrap(label, max(room, size), size, True)))
                    below += [(c, 1, cell_lines(t.headers[c], c, True)) for c in range(col, col + span)]
                else:
                    top_row += [(c, -1, cell_lines(t.headers[c], c, True)) for c in range(col, col + span)]
                col += span
            top_row += [(c, -1, cell_lines(t.headers[c], c, True)) for c in range(col, ncol)]
            head_rows = [top_row, below]
        else:
            head_rows = [[(c, 1, cell_lines(h, c, True)) for c, h in enumerate(t.headers)]]
        h1 = max((len(ls) for _c, s, ls in head_rows[0] if s != -1), default=0) * lh + 2 * style.pad_y
        h2 = 0.0
        if has_groups:
            h2 = max((len(ls) for _c, _s, ls in head_rows[1]), default=0) * lh + 2 * style.pad_y
            spanning = (
                max((len(ls) for _c, s, ls in head_rows[0] if s == -1), default=0) * lh + 2 * style.pad_y
            )
            if spanning > h1 + h2:
                h2 = spanning - h1
        else:
            h1 = max(h1, lh + 2 * style.pad_y)
        head_h = h1 + h2

        base = _baseline(size)

        def place(x, y, w, h, lines, align, bold, extra, out, single=None) -> None:
            """Where each line of a cell goes: (x, baseline, line) appended to out (single:
            the width of a one-line cell, measured already)."""
            top = y + (h - len(lines) * lh) / 2 + base
            for i, line in enumerate(lines):
                if align == "l":
                    lx = x + style.pad_x + extra
                else:
                    lw = single if single is not None else self.w(line, size, bold)
                    lx = x + w - style.pad_x - lw if align == "r" else x + (w - lw) / 2
                out.append((lx, top + i * lh, line))

        def draw_head(canvas, y: float) -> None:
            boxes: list[tuple[float, float, float, float]] = []
            strong: list[tuple[float, float, str]] = []
            cells = [
                (c, y, widths[c], head_h, ls) if span == -1 else (c, y, xs[c + span] - xs[c], h1, ls)
                for c, span, ls in head_rows[0]
            ]
            if has_groups:
                cells += [(c, y + h1, widths[c], h2, ls) for c, _span, ls in head_rows[1]]
            for c, top, w, h, lines in cells:
                boxes.append((xs[c], top, w, h))
                place(xs[c], top, w, h, lines, "c", True, 0.0, strong)
            canvas.boxes(boxes, fill=HEAD_FILL, stroke=RULE, width=BORDER)
            canvas.texts(strong, size, bold=True)

        header = Atom(head_h, draw_head, keep_next=True)
        atoms: list[Atom] = []
        if t.caption:
            cap = self.wrap(t.caption, self.width, BODY, True)
            atoms.append(_group([_space(1 * MM), self.lines_atom(cap, BODY, bold=True), _space(1 * MM)]))
            atoms[-1].keep_next = True
        atoms.append(header)
        rooms = [max(w - pad, size) for w in widths]
        columns = [(xs[c], widths[c]) for c in range(ncol)]

        def row_atom(cells) -> Atom:
            """A row (or the part of one on a page): its cells' lines, as tall as the most."""
            row_h = max((len(c[0]) for c in cells), default=1) * lh + 2 * style.pad_y

            def draw_row(canvas, y: float) -> None:
                plain: list[tuple[float, float, str]] = []
                strong: list[tuple[float, float, str]] = []
                for c, (lines, align, ng, extra, single) in enumerate(cells):
                    place(
                        xs[c], y, widths[c], row_h, lines, align, ng, extra, strong if ng else plain, single
                    )
                canvas.row_boxes(columns, y, row_h, stroke=RULE, width=BORDER)
                canvas.texts(plain, size)
                canvas.texts(strong, size, bold=True)

            return Atom(row_h, draw_row, header=header)

        # a row taller than a page goes on over pages, its lines cut where a page ends
        fits = max(1, int((self.bottom - self.top - head_h - 2 * style.pad_y - 8 * MM) // lh))
        for ri, r in enumerate(rows):
            cells = []
            most = 1
            for c, (text, ng, mark) in enumerate(r):
                extra = indent[ri] if c == tree else 0.0
                tw = measured[ri][c]
                if tw <= rooms[c] + 0.005 and _LINES.search(text) is None:
                    lines, single = [text], tw - extra
                else:
                    lines, single = self.wrap(text, max(rooms[c] - extra, size), size, ng), None
                    most = max(most, len(lines))
                cells.append((lines, "c" if mark else aligns[c], ng, extra, single))
            for start in range(0, most, fits):
                piece = [
                    (lines[start : start + fits], align, ng, extra, single if start == 0 else None)
                    for lines, align, ng, extra, single in cells
                ]
                atoms.append(row_atom(piece))
        if len(t.rows) <= WHOLE_TABLE:
            whole = _group(atoms)
            whole.header = None
            atoms = [whole]
        return [_space(2 * MM, keep_next=True), *atoms, _space(2 * MM)]

    def _min_word(self, text: str, size: float, bold: bool) -> float:
        """How narrow a long cell may get: it breaks anywhere (overflow-wrap: anywhere), but
        keeps WRAP_MIN_CHARS of its widest character a line (a browser would go down to one)."""
        font = self.fonts[bold]
        widest = max((font.width(ch) for ch in set(text)), default=0) * size / 1000
        return min(widest * WRAP_MIN_CHARS, self.w(text, size, bold))

    # ------------------------------------------------------------------ charts
    def chart(self, drawing: str, width_mm: float) -> tuple[float, float, Place]:
        from inspect_tui.render.pdf_canvas import draw_svg, svg_size

        vw, vh = svg_size(drawing)
        scale = min(width_mm * MM, self.width) / vw
        return vw * scale, vh * scale, lambda canvas, x, y: draw_svg(canvas, drawing, x, y, scale)

    def figure(self, drawing: str) -> Atom:
        _w, h, draw = self.chart(drawing, svg.WIDTH * svg.MM_PER_UNIT)
        return Atom(h + 6 * MM, lambda canvas, y: draw(canvas, self.left, y + 3 * MM))

    def series_row(self, drawings: list[str]) -> list[Atom]:
        """SeriesCharts side by side as many as fit (inline blocks, 2 mm apart)."""
        out: list[Atom] = []
        row: list[tuple[float, float, float, Place]] = []
        used = 0.0
        for d in drawings:
            w, h, draw = self.chart(d, svg.SERIES_WIDTH * svg.MM_PER_UNIT)
            if row and used + w > self.width + 0.01:
                out.append(self._chart_row(row))
                row, used = [], 0.0
            row.append((used, w, h, draw))
            used += w + 2 * MM
        if row:
            out.append(self._chart_row(row))
        return out

    def _chart_row(self, row: list[tuple[float, float, float, Place]]) -> Atom:
        height = max(h for _x, _w, h, _d in row)

        def draw(canvas, y: float) -> None:
            for x, _w, _h, d in row:
                d(canvas, self.left + x, y + 3 * MM)

        return Atom(height + 6 * MM, draw)

    # ------------------------------------------------------------------ the document's parts
    def heading(self, text: str, *, appendix: bool = False) -> Atom:
        size = 12.0
        lines = self.wrap(text, self.width - 2 * MM - 3, size, True)
        text_h = len(lines) * size * LINE
        inner = self.lines_atom(
            lines, size, bold=True, x=self.left + 3 + 2 * MM, width=self.width - 3 - 2 * MM
        )

        def draw(canvas, y: float) -> None:
            canvas.rect(self.left, y + 6 * MM, 3, text_h, fill=(0.2, 0.2, 0.2))
            _draw(inner, canvas, y + 6 * MM)

        return Atom(6 * MM + text_h + 2 * MM, draw, keep_next=True, break_before=appendix)

    def seals(self, names: tuple[str, ...], *, top_margin: float) -> tuple[float, float, Place]:
        """The seal boxes, right-aligned, in as many rows as the text width needs:
        (width, height, draw(canvas, right, top))."""
        th_size = 9.0
        room = self.width
        lh = th_size * LINE
        boxes = []
        for n in names:
            bw = min(max(24 * MM, self.w(n, th_size) + 2 * MM), room)
            boxes.append((n, bw, self.wrap(n, bw - 2 * MM, th_size)))
        rows: list[list[tuple[str, float, list[str]]]] = [[]]
        for box in boxes:
            if rows[-1] and sum(b[1] for b in rows[-1]) + box[1] > room + 0.01:
                rows.append([])
            rows[-1].append(box)
        heads = [max(len(b[2]) for b in row) * lh + 1 * MM for row in rows]
        height = top_margin + sum(h + 22 * MM for h in heads)
        width = max(sum(b[1] for b in row) for row in rows)

        def draw(canvas, right: float, y: float) -> None:
            y += top_margin
            for row, th_h in zip(rows, heads, strict=True):
                x = right - sum(b[1] for b in row)
                for _name, bw, lines in row:
                    canvas.rect(x, y, bw, th_h, stroke=(0, 0, 0), width=BORDER)
                    canvas.rect(x, y + th_h, bw, 22 * MM, stroke=(0, 0, 0), width=BORDER)
                    for k, line in enumerate(lines):
                        nw = self.w(line, th_size)
                        canvas.text(
                            x + (bw - nw) / 2, y + 0.5 * MM + k * lh + _baseline(th_size), line, th_size
                        )
                    sw = self.w("印", th_size)
                    stamp = y + th_h + 22 * MM - 1 * MM - lh + _baseline(th_size)
                    canvas.text(x + (bw - sw) / 2, stamp, "印", th_size, fill=(0.6, 0.6, 0.6))
                    x += bw
                y += th_h + 22 * MM

        return width, height, draw

    def frame(self, doc: Doc, page: PrintedPage) -> list[Atom]:
        f = doc.frame
        if f is None:
            return []
        right = page.sender
        right_w = min(max((self.w(v, BODY) for v in right), default=0.0), self.width * 0.6)
        right_lines = [ln for v in right for ln in self.wrap(v, right_w, BODY)]
        left_w = self.width - right_w - 4 * MM
        left_lines = self.wrap(f.addressee, left_w, 11.5) if f.addressee else []
        left = self.lines_atom(left_lines, 11.5, width=left_w)
        rt = self.lines_atom(right_lines, BODY, align="r", x=self.left + self.width - right_w, width=right_w)
        height = max(6 * MM + left.height, rt.height)

        def draw(canvas, y: float) -> None:
            _draw(left, canvas, y + 6 * MM)
            _draw(rt, canvas, y)

        return [Atom(height, draw), _space(6 * MM)]

    def facts(self, facts: list[tuple[str, str]], seal_names: tuple[str, ...]) -> list[Atom]:
        """The facts (対象月, 基準日 …) with the seal boxes beside them at the right; the boxes
        go above the facts, in rows, where beside them they would leave the values less than
        FACTS_MIN or the facts are longer than half a page."""
        lh = BODY * LINE
        label_w = min(max((self.w(k, BODY, True) for k, _ in facts), default=0.0), self.width * 0.4) + 4 * MM
        sw, sh, sdraw = self.seals(seal_names, top_margin=0) if seal_names else (0.0, 0.0, None)
        beside = sdraw is not None and self.width - label_w - sw - 4 * MM >= FACTS_MIN
        value_w = self.width - label_w - (sw + 4 * MM if beside else 0.0)
        rows = [(self.wrap(k, label_w - 4 * MM, BODY, True), self.wrap(v, value_w, BODY)) for k, v in facts]
        heights = [max(len(ks), len(vs)) * lh + 0.6 * MM for ks, vs in rows]
        if beside and sum(heights) > (self.bottom - self.top) / 2:
            beside = False
            value_w = self.width - label_w
            rows = [(ks, self.wrap(v, value_w, BODY)) for (ks, _), (_k, v) in zip(rows, facts, strict=True)]
            heights = [max(len(ks), len(vs)) * lh + 0.6 * MM for ks, vs in rows]

        def fact(keys: list[str], values: list[str]) -> Draw:
            def draw(canvas, top: float) -> None:
                for i, line in enumerate(keys):
                    canvas.text(self.left, top + 0.3 * MM + i * lh + _baseline(BODY), line, BODY, bold=True)
                for i, line in enumerate(values):
                    canvas.text(self.left + label_w, top + 0.3 * MM + i * lh + _baseline(BODY), line, BODY)

            return draw

        atoms = [Atom(h, fact(ks, vs)) for (ks, vs), h in zip(rows, heights, strict=True)]
        if beside and sdraw is not None:  # one block: the boxes at the right of the facts
            seal_draw = sdraw
            group = _group(atoms)
            group.height = max(group.height, sh + 2 * MM)
            boxes = Atom(0.0, lambda canvas, y: seal_draw(canvas, self.left + self.width, y))
            return [_group([boxes, group]), _space(2 * MM)]
        if sdraw is not None:  # the boxes above, in rows; the facts under them, a page cut between any two
            seal_draw = sdraw
            atoms.insert(0, Atom(sh + 2 * MM, lambda canvas, y: seal_draw(canvas, self.left + self.width, y)))
        return [*atoms, _space(2 * MM)]

    def signs_block(self, names: tuple[str, ...]) -> Atom:
        _w, h, draw = self.seals(names, top_margin=4 * MM)
        return Atom(h, lambda canvas, y: draw(canvas, self.left + self.width, y))

    def draft(self, text: str) -> Atom:
        lines = self.wrap(text, self.width - 4 * MM - 3, BODY, True)
        inner = self.lines_atom(lines, BODY, bold=True, x=self.left + 2 * MM + 1.5, width=self.width - 4 * MM)
        height = inner.height + 4 * MM + 3

        def draw(canvas, y: float) -> None:
            canvas.rect(self.left, y + 1 * MM, self.width, height, stroke=(0, 0, 0), width=1.5)
            _draw(inner, canvas, y + 1 * MM + 2 * MM + 1.5)

        return Atom(height + 2 * MM, draw)

    def end_footer(self, text: str, witness: str) -> Atom:
        size = 8.5
        lines = self.wrap(text, self.width, size) + (self.wrap(witness, self.width, size) if witness else [])
        inner = self.lines_atom(lines, size, fill=GREY_TEXT)

        def rule(canvas, y: float) -> None:
            canvas.line(
                self.left,
                y + 8 * MM,
                self.left + self.width,
                y + 8 * MM,
                stroke=(0.6, 0.6, 0.6),
                width=BORDER,
            )

        footer = _group([Atom(9 * MM, rule), inner])
        footer.keep_prev = True
        return footer

    def section(
        self, sec: Section, heading: str, *, appendix: bool, seals: tuple[str, ...] = ()
    ) -> list[Atom]:
        style = APPENDIX if appendix else NORMAL
        parts: list[list[Atom]] = [[self.heading(heading, appendix=appendix)]]
        for t in sec.tables:
            if t.rows:
                parts.append(self.table(t, style))
                if t.chart is not None:
                    drawing = svg.table_chart(t)
                    if drawing:
                        parts.append([self.figure(drawing)])
            else:
                empty = [self.paragraph(t.caption, bold=True)] if t.caption else []
                parts.append([*empty, self.paragraph("（該当なし）")])
        parts += [[self.paragraph(p)] for p in sec.paragraphs]
        if sec.charts:
            parts.append(self.series_row([svg.series_chart(c) for c in sec.charts]))
        if seals:
            tail = self.signs_block(seals)
            if sum(len(t.rows) for t in sec.tables) <= SEAL_KEEP_ROWS:
                return [_group([a for p in parts for a in p] + [tail])]
            last = parts[-1]
            keep = [a for a in last if not a.space][-1:]  # its last row, line or chart
            before = last[: last.index(keep[0])] if keep else last
            return [a for p in parts[:-1] for a in p] + before + [_group([*keep, tail])]
        return [a for p in parts for a in p]


#: where a line ends in typed text: LF, CR LF (pasted from Windows), CR, U+2028, U+2029
_LINES = re.compile("\r\n|[\n\r\u2028\u2029]")


def _is_word(ch: str) -> bool:
    return "!" <= ch <= "~"


def _may_break(before: str, after: str) -> bool:
    """May a line end between these two characters?"""
    if before == " ":
        return True
    if after == " " or after in NO_LINE_START or before in NO_LINE_END:
        return False
    return not (_is_word(before) and _is_word(after))


def _baseline(size: float) -> float:
    """From the top of a line box to its baseline (Noto CJK: ascent 0.88 em)."""
    return (size * LINE - size) / 2 + 0.88 * size


def _cell(v) -> tuple[str, bool, bool]:
    """A cell's text, whether it prints bold (a missed mark ×), whether it is a mark (centred)."""
    if isinstance(v, Mark):
        return v.symbol(), v.ok is False, True
    return cell_text(v), False, False


def _distribute(mins: list[float], maxs: list[float], room: float) -> list[float]:
    """Column widths filling room, as CSS shares it out for an automatic table layout."""
    if not mins:
        return []
    total_max = sum(maxs)
    if total_max <= room:
        extra = room - total_max
        return [m + extra * m / total_max for m in maxs] if total_max else [room / len(maxs)] * len(maxs)
    total_min = sum(mins)
    if total_min >= room:  # even unbroken text does not fit: everything narrower, wrapping anywhere
        return [m * room / total_min for m in mins]
    spread = total_max - total_min
    return [lo + (room - total_min) * (hi - lo) / spread for lo, hi in zip(mins, maxs, strict=True)]


# --------------------------------------------------------------------------- pages


def _paginate(atoms: list[Atom], top: float, bottom: float) -> list[list[tuple[Atom, float]]]:
    pages: list[list[tuple[Atom, float]]] = []
    cur: list[tuple[Atom, float]] = []
    y = top
    room = bottom - top
    atoms = list(atoms)
    i = 0

    def start_page() -> None:
        nonlocal cur, y
        pages.append(cur)
        cur, y = [], top

    def put(a: Atom) -> None:
        nonlocal y
        if not cur and a.header is not None and a.header is not a:
            cur.append((a.header, y))
            y += a.header.height
        cur.append((a, y))
        y += a.height

    while i < len(atoms):
        a = atoms[i]
        if a.parts is not None and a.height > room:
            atoms[i : i + 1] = a.parts  # a kept group taller than a page: cut it after all
            continue
        i += 1
        if a.space and not cur:
            continue  # a margin at the top of a page
        if a.break_before and cur:
            start_page()
        need, j = a.height, i - 1
        while atoms[j].keep_next and j + 1 < len(atoms):
            j += 1
            need += atoms[j].height
        fits = y + need <= bottom + 0.01
        if not fits and cur and (need <= room or y + a.height > bottom + 0.01):
            moved: list[tuple[Atom, float]] = []
            if a.keep_prev:  # the footer: the last thing on the page goes over with it
                while cur:
                    moved.insert(0, cur.pop())
                    if not moved[0][0].space:
                        break
                if not cur:  # it was alone on its page: it stays
                    cur, moved = moved, []
            start_page()
            for m, _y in moved:
                if not m.space:
                    put(m)
            if a.space:
                continue
        put(a)
    if cur or not pages:
        pages.append(cur)
    return pages


def render(doc: Doc, font_dirs: tuple[Path, ...] | None = None) -> bytes:
    """The document as PDF bytes (A4, fonts embedded, page numbers); PdfUnavailable without
    HarfBuzz or a Japanese font."""
    found, missing = _parts(font_dirs)
    if missing or found is None:
        raise PdfUnavailable(unavailable_message(missing))
    from inspect_tui.render import pdf_file, pdf_font
    from inspect_tui.render.pdf_canvas import Canvas

    path, family = found
    regular = pdf_font.Font(path, family)
    bold_path = path.with_name(pdf_font.BOLD_FILES.get(path.name, path.name))
    bold = pdf_font.Font(bold_path, family) if bold_path != path and bold_path.is_file() else regular
    fonts = (regular, bold)

    doc = clean(doc)
    printed = printed_page(doc)
    size = (PORTRAIT[1], PORTRAIT[0]) if printed.landscape else PORTRAIT
    lay = _Layout(fonts, size)

    atoms: list[Atom] = [*lay.frame(doc, printed)]
    atoms.append(
        lay.lines_atom(lay.wrap(doc.title, lay.width, 16, True, 1.6), 16, bold=True, align="c", spacing=1.6)
    )
    atoms.append(_space(2 * MM))
    if doc.frame and doc.frame.contract:
        atoms.append(
            lay.lines_atom(lay.wrap(f"契約件名　{doc.frame.contract}", lay.width, BODY), BODY, align="c")
        )
        atoms.append(_space(4 * MM))
    atoms += lay.facts(list(printed.facts), () if doc.seals_at_end else doc.seals)
    if doc.note:
        atoms.append(lay.draft(doc.note) if doc.seals_at_end else lay.paragraph(doc.note))
    main = doc.main_sections()
    for i, sec in enumerate(main):
        last = i == len(main) - 1
        tail = doc.seals if doc.seals_at_end and last else ()
        atoms += lay.section(sec, sec.heading, appendix=False, seals=tail)
    if doc.seals_at_end and doc.seals and not main:
        atoms.append(lay.signs_block(doc.seals))
    for label, sec in doc.appendices():
        atoms += lay.section(sec, f"{label}　{sec.heading}", appendix=True)
    atoms.append(lay.end_footer(printed.closing, doc.witness))

    pages = _paginate(atoms, lay.top, lay.bottom)
    streams = []
    for n, page in enumerate(pages, 1):
        canvas = Canvas(size[1], fonts)
        for atom, y in page:
            _draw(atom, canvas, y)
        number = f"{n} / {len(pages)}"
        base = size[1] - MARGIN_BOTTOM / 2 + 3
        canvas.text(size[0] - MARGIN_SIDE - lay.w(number, 9), base, number, 9)
        if printed.footer:
            room = lay.width - lay.w(number, 9) - 6 * MM
            line = lay.wrap(_LINES.sub(" ", printed.footer).strip(), room, 8.5)[0]  # one line
            canvas.text(MARGIN_SIDE, base, line, 8.5, fill=GREY_TEXT)
        streams.append(canvas.content())
    font_list = [(b"F1", regular)] + ([(b"F2", bold)] if bold is not regular else [])
    return pdf_file.document(streams, size, font_list, doc.title)


def _draw(atom: Atom, canvas, y: float) -> None:
    if atom.parts is not None:
        for part in atom.parts:
            _draw(part, canvas, y)
            y += part.height
    elif atom.draw is not None:
        atom.draw(canvas, y)
