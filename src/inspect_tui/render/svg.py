"""Charts as inline SVG for the print html and the PDF (render/pdf_canvas.py draws the same SVG).

Two charts, the same ones the xlsx draws natively (render/xlsx.py):

- a table's ``Chart``: bars (or lines, ``kind == "line"``) of the ``bar_column`` and the
  ``more_columns`` against the ``label_column``, over the table's first ``rows`` rows, and
  optionally a line of shares (``line_column`` or ``line_values``, 0 to 1) on a second axis
  at the right with a dashed mark at ``line_mark`` (the Pareto chart: counts, running
  share, 80%);
- a section's ``SeriesChart``: each series over the categories (each KPI's 目標値 and
  実績値 over the fiscal years), lines with markers; a ``None`` leaves a gap.

Print rules: a table's chart 170 mm wide (A4 portrait's text width), a SeriesChart 130 mm
(two side by side on landscape); black on white, series told apart by grey shades, dash
styles and marker shapes, so a monochrome printer keeps them apart; a title, a legend, an
axis with round ticks and the unit. Category labels that do not fit go on two lines, else
are tilted, and cut with '..' (never the ambiguous '…', as render/charts.py) when still
too long. Numbers print as the document prints them
(thousands separators, the unit). Every text is shown with its control characters as
escapes (core.text.printable) and XML-escaped: no scripts, no links, no external fonts or
resources (the font is the html's own stack, render/fonts.py).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from html import escape as _html_escape

from inspect_tui.core.document import Cell, Chart, Num, Percent, SeriesChart, Table, cell_text
from inspect_tui.core.records import record
from inspect_tui.core.text import printable
from inspect_tui.render.fonts import FONTS

#: the drawing's size in user units; 4 units = 1 mm, so 680 is 170 mm
WIDTH = 680
SERIES_WIDTH = 520  # a SeriesChart: 130 mm, two side by side on A4 landscape (267 mm)
HEIGHT = 330  # a table's chart: 82.5 mm
SERIES_HEIGHT = 250  # a SeriesChart (one per KPI): 62.5 mm, three on a portrait page
MM_PER_UNIT = 0.25
FONT = 11  # 2.75 mm, about 7.8 pt
TITLE_FONT = 13
LEFT, RIGHT = 64, 56  # room for the value axis and the share axis at the right
RIGHT_BARE = 24  # the right margin without a share axis
#: bars: fill shades from dark to light (each with a black outline)
BAR_FILLS = ("#404040", "#a0a0a0", "#ffffff", "#d8d8d8")
#: lines: (stroke, dash pattern, marker shape)
LINE_STYLES = (
    ("#000000", "", "circle"),
    ("#000000", "6 3", "square"),
    ("#606060", "2 2", "triangle"),
    ("#606060", "8 3 2 3", "diamond"),
)
SHARE_LINE = ("#000000", "", "circle")  # the running share of a Pareto chart
MARK_DASH = "5 4"  # the 80% mark
LABEL_MAX = 10  # a category label longer than this many full-width characters is cut
TILT = 40  # degrees: category labels that do not fit flat
SVG_NS = ' xmlns="http://www.w3.org/2000/svg"'  # a drawing on its own; dropped inline in html


@record(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    texts: tuple[str, ...]  # each value as the document prints it ("" for none)


# --------------------------------------------------------------------------- text


def _t(text: str) -> str:
    """Text for the drawing: control characters as escapes, then XML-escaped."""
    return _html_escape(printable(str(text)), quote=False)


def quoteattr(text: str) -> str:
    """An XML attribute value in double quotes (xml.sax.saxutils.quoteattr without its
    import of urllib and http.client: 18 ms of every command's start)."""
    return '"' + _html_escape(text, quote=True) + '"'


def text_width(text: str, size: float = FONT) -> float:
    """About how wide text prints: a full-width character 1 em, others 0.6 em."""
    return sum(size if _wide(c) else size * 0.6 for c in text)


def _wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in ("W", "F", "A")


def shorten(text: str, room: float, size: float = FONT) -> str:
    """text cut to fit ``room`` units (marked with '..', never '…')."""
    if text_width(text, size) <= room:
        return text
    out = ""
    for c in text:
        if text_width(out + c + "..", size) > room:
            break
        out += c
    return out + ".."


def _text(
    x: float, y: float, text: str, *, anchor: str = "middle", size: float = FONT, extra: str = ""
) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{extra}>{_t(text)}</text>'


# --------------------------------------------------------------------------- numbers


def number_text(v: float, unit: str = "") -> str:
    """A figure as the documents print it: 1,234件, 99.5%, 12.5件."""
    d = Decimal(repr(float(v)))
    if d == d.to_integral_value():
        shown = f"{int(d):,}"
    else:
        shown = f"{d.normalize():,f}"
    return f"{shown}{unit}"


def nice_ticks(low: float, high: float, count: int = 5, *, whole: bool = False) -> list[float]:
    """Round tick values from at or below low to at or above high (steps 1, 2, 2.5, 5 × 10^k;
    ``whole``: counts, so no step below 1 and no 2.5)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    mag = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(m * mag for m in steps if m * mag >= raw)
    if whole:
        step = max(1, step)
    first = math.floor(low / step) * step
    ticks, v = [], first
    while v < high - step * 1e-9:
        ticks.append(v)
        v += step
    ticks.append(v)
    return [round(t, 10) for t in ticks]


#: the largest figure a chart draws; a bigger one (or an infinite one) is left out, a gap
PLOTTABLE = 1e15


def plottable(v: float | int | Decimal | None) -> float | None:
    """v as a float a chart can draw, or None (a gap) when it is none, not finite or too big."""
    if v is None:
        return None
    try:
        f = float(v)
    except (OverflowError, ValueError):
        return None
    return f if math.isfinite(f) and abs(f) <= PLOTTABLE else None


def cell_number(v: Cell, *, share: bool = False) -> float | None:
    """A cell's figure: a count, a Num's value, a Percent in percent (99.5) or, with
    ``share``, as a share (0.995); else None (text, a mark, nothing, or a figure no chart
    can draw: ``plottable``)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return plottable(v)
    if isinstance(v, Num):
        return plottable(v.value)
    if isinstance(v, Percent):
        f = plottable(v.value)
        return f / 100 if share and f is not None else f
    return None


def _unit_of(cells: Sequence[Cell]) -> str:
    """The unit of a column's figures: a Num's (件), % for Percent cells."""
    return next((c.unit if isinstance(c, Num) else "%" for c in cells if isinstance(c, (Num, Percent))), "")


# --------------------------------------------------------------------------- the frame


@record
class _Plot:
    """The plotting area and its value scale."""

    x: float
    y: float
    w: float
    h: float
    low: float
    high: float

    def vy(self, v: float) -> float:
        return self.y + self.h - (v - self.low) / (self.high - self.low) * self.h

    def sy(self, share: float) -> float:  # the second axis: 0 to 1
        return self.y + self.h - share * self.h


def _svg_open(width: float, height: float, title: str) -> str:
    return (
        f'<svg{SVG_NS} viewBox="0 0 {width} {height}" '
        f'width="{width * MM_PER_UNIT:g}mm" height="{height * MM_PER_UNIT:g}mm" '
        f'role="img" aria-label={quoteattr(printable(title))} '
        f'font-family={quoteattr(FONTS)} fill="#000">'
    )


def _marker(shape: str, x: float, y: float, stroke: str) -> str:
    r = 3.2
    if shape == "square":
        return (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" '
            f'fill="#fff" stroke="{stroke}" stroke-width="1.2"/>'
        )
    if shape == "triangle":
        pts = f"{x:.1f},{y - r - 0.8:.1f} {x - r - 0.4:.1f},{y + r:.1f} {x + r + 0.4:.1f},{y + r:.1f}"
        return f'<polygon points="{pts}" fill="{stroke}" stroke="{stroke}" stroke-width="1"/>'
    if shape == "diamond":
        d = r + 0.8
        pts = f"{x:.1f},{y - d:.1f} {x + d:.1f},{y:.1f} {x:.1f},{y + d:.1f} {x - d:.1f},{y:.1f}"
        return f'<polygon points="{pts}" fill="#fff" stroke="{stroke}" stroke-width="1.2"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{stroke}" stroke="{stroke}"/>'


def _line(points: list[tuple[float, float] | None], style: tuple[str, str, str], cls: str) -> list[str]:
    """A line through the points with a marker on each; a None breaks it (a gap)."""
    stroke, dash, shape = style
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    out, run = [], []
    for p in [*points, None]:
        if p is not None:
            run.append(p)
            continue
        if len(run) > 1:
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            out.append(
                f'<polyline class="{cls}" points="{pts}" fill="none" stroke="{stroke}" '
                f'stroke-width="1.6"{dash_attr}/>'
            )
        run = []
    out += [_marker(shape, x, y, stroke) for p in points if p is not None for x, y in [p]]
    return out


def _legend(items: list[tuple[str, str]], y: float, width: float) -> list[str]:
    """One row of legend items, centred: (kind, name) with kind "bar:FILL" or "line:N"."""
    sizes = [22 + 6 + text_width(name) + 16 for _, name in items]
    x = (width - sum(sizes)) / 2
    out = ['<g class="legend">']
    for (kind, name), size in zip(items, sizes, strict=True):
        if kind.startswith("bar:"):
            out.append(
                f'<rect x="{x + 4:.1f}" y="{y - 8:.1f}" width="14" height="9" fill="{kind[4:]}" '
                'stroke="#000" stroke-width="0.8"/>'
            )
        else:
            style = SHARE_LINE if kind == "line:share" else LINE_STYLES[int(kind[5:]) % len(LINE_STYLES)]
            dash = f' stroke-dasharray="{style[1]}"' if style[1] else ""
            out.append(
                f'<line x1="{x:.1f}" y1="{y - 3.5:.1f}" x2="{x + 22:.1f}" y2="{y - 3.5:.1f}" '
                f'stroke="{style[0]}" stroke-width="1.6"{dash}/>'
            )
            out.append(_marker(style[2], x + 11, y - 3.5, style[0]))
        out.append(_text(x + 28, y, name, anchor="start"))
        x += size
    out.append("</g>")
    return out


def _value_axis(plot: _Plot, ticks: list[float], unit: str, title: str) -> list[str]:
    out = ['<g class="axis">']
    for v in ticks:
        y = plot.vy(v)
        grid = "#000" if v == 0 else "#c8c8c8"
        out.append(
            f'<line x1="{plot.x:.1f}" y1="{y:.1f}" x2="{plot.x + plot.w:.1f}" y2="{y:.1f}" '
            f'stroke="{grid}" stroke-width="0.6"/>'
        )
        out.append(_text(plot.x - 4, y + 3.8, number_text(v, "%" if unit == "%" else ""), anchor="end"))
    label = title or unit
    if label:
        out.append(_text(plot.x, plot.y - 8, shorten(label, LEFT + 80), anchor="middle"))
    out.append(
        f'<line x1="{plot.x:.1f}" y1="{plot.y:.1f}" x2="{plot.x:.1f}" y2="{plot.y + plot.h:.1f}" '
        'stroke="#000" stroke-width="0.8"/>'
    )
    out.append("</g>")
    return out


def _split(label: str, room: float) -> list[str] | None:
    """label on at most two lines of ``room`` units (broken between characters), or None."""
    if text_width(label) <= room:
        return [label]
    first = ""
    for c in label:
        if text_width(first + c) > room:
            break
        first += c
    rest = label[len(first) :]
    return [first, rest] if first and text_width(rest) <= room else None


def _layout(labels: list[str], plot_w: float) -> tuple[str, float]:
    """How the category labels sit under the plot ("flat", "two" lines or "tilt"), and the
    height they take."""
    room = plot_w / max(1, len(labels)) - 6
    if all(text_width(label) <= room for label in labels):
        return "flat", 20
    if all(_split(label, room) is not None for label in labels):
        return "two", 34
    longest = max((text_width(shorten(label, LABEL_MAX * FONT)) for label in labels), default=0)
    return "tilt", 14 + longest * math.sin(math.radians(TILT))


def _categories(plot: _Plot, labels: list[str]) -> list[str]:
    """The category labels under the plot: flat when they fit, on two lines, else tilted
    (and cut with '..')."""
    how, _ = _layout(labels, plot.w)
    slot = plot.w / max(1, len(labels))
    out = ['<g class="categories">']
    for i, label in enumerate(labels):
        x = plot.x + slot * (i + 0.5)
        y = plot.y + plot.h + 14
        if how == "tilt":
            short = shorten(label, LABEL_MAX * FONT)
            turn = f' transform="rotate(-{TILT} {x + 3:.1f} {y - 4:.1f})"'
            out.append(_text(x + 3, y - 4, short, anchor="end", extra=turn))
            continue
        for j, line in enumerate(_split(label, slot - 6) or [label]):
            out.append(_text(x, y + 13 * j, line))
    out.append("</g>")
    return out


# --------------------------------------------------------------------------- the charts


def _draw(
    title: str,
    labels: list[str],
    series: list[Series],
    *,
    kind: str,
    unit: str,
    axis_title: str,
    share: Series | None = None,
    share_mark: float | None = None,
    height: float = HEIGHT,
    width: float = WIDTH,
    value_labels: bool = False,
) -> str:
    top = 22 + 20  # title, legend
    right = RIGHT if share is not None else RIGHT_BARE
    room = _layout(labels, width - LEFT - right)[1]
    plot_top = top + 18  # the axis titles above the plot
    figures = [v for s in series for v in s.values if v is not None]
    low = min([0.0, *figures])
    high = max([0.0, *figures])
    whole = unit != "%" and all(float(v).is_integer() for v in figures)
    ticks = nice_ticks(low, high if high > low else low + 1, whole=whole)
    plot = _Plot(LEFT, plot_top, width - LEFT - right, height - plot_top - room - 6, ticks[0], ticks[-1])
    out = [_svg_open(width, height, title), f"<title>{_t(title)}</title>"]
    out.append(
        _text(
            width / 2, 17, shorten(title, width - 8, TITLE_FONT), size=TITLE_FONT, extra=' font-weight="bold"'
        )
    )
    legend: list[tuple[str, str]] = []
    out += _value_axis(plot, ticks, unit, axis_title)
    n = max(1, len(labels))
    slot = plot.w / n
    if kind == "bar":
        group = slot * 0.7
        bw = group / max(1, len(series))
        for si, s in enumerate(series):
            fill = BAR_FILLS[si % len(BAR_FILLS)]
            legend.append((f"bar:{fill}", s.name))
            out.append(f'<g class="bars" data-series="{si}">')
            for i, v in enumerate(s.values):
                if v is None:
                    continue
                x = plot.x + slot * i + (slot - group) / 2 + bw * si
                y0, y1 = plot.vy(0), plot.vy(v)
                out.append(
                    f'<rect class="bar" x="{x:.1f}" y="{min(y0, y1):.2f}" width="{bw:.1f}" '
                    f'height="{abs(y0 - y1):.2f}" fill="{fill}" stroke="#000" stroke-width="0.8"/>'
                )
                if value_labels and s.texts[i]:
                    out.append(_text(x + bw / 2, min(y0, y1) - 3, s.texts[i], size=FONT - 1))
            out.append("</g>")
    else:
        placed: dict[int, list[tuple[float, str]]] = {}  # the labels put up so far, per category
        for si, s in enumerate(series):
            legend.append((f"line:{si}", s.name))
            pts = [
                None if v is None else (plot.x + slot * (i + 0.5), plot.vy(v)) for i, v in enumerate(s.values)
            ]
            out.append(f'<g class="line" data-series="{si}">')
            out += _line(pts, LINE_STYLES[si % len(LINE_STYLES)], "series")
            if value_labels:
                out += _point_labels(series, si, pts, plot, placed)
            out.append("</g>")
    if share is not None:
        legend.append(("line:share", share.name))
        out += _share_axis(plot, share.name)
        if share_mark is not None:
            y = plot.sy(share_mark)
            out.append(
                f'<g class="mark"><line class="share-mark" x1="{plot.x:.1f}" y1="{y:.1f}" '
                f'x2="{plot.x + plot.w:.1f}" y2="{y:.1f}" stroke="#000" stroke-width="1" '
                f'stroke-dasharray="{MARK_DASH}"/>'
            )
            label = number_text(share_mark * 100, "%")
            lw = text_width(label) + 4
            # on a white ground: the label may sit over a bar
            out.append(
                f'<rect x="{plot.x + plot.w - lw - 2:.1f}" y="{y - FONT - 2:.1f}" width="{lw:.1f}" '
                f'height="{FONT + 1}" fill="#fff"/>'
            )
            out.append(_text(plot.x + plot.w - 4, y - 3, label, anchor="end"))
            out.append("</g>")
        pts = [
            None if v is None else (plot.x + slot * (i + 0.5), plot.sy(v)) for i, v in enumerate(share.values)
        ]
        out.append('<g class="share">')
        out += _line(pts, SHARE_LINE, "share")
        out.append("</g>")
    out += _categories(plot, labels)
    out += _legend(legend, 22 + 14, width)
    out.append("</svg>")
    return "".join(out)


def _point_labels(
    series: list[Series],
    si: int,
    pts: list[tuple[float, float] | None],
    plot: _Plot,
    placed: dict[int, list[tuple[float, str]]],
) -> list[str]:
    """Each point's figure: above it when it is the highest of its category, else below
    (above when below would reach the category labels). A figure already shown at the same
    place (目標値 and 実績値 both 0件) is shown once; another one near it moves up."""
    out = []
    s = series[si]
    bottom = plot.y + plot.h
    for i, p in enumerate(pts):
        v = s.values[i]
        if p is None or v is None or not s.texts[i]:
            continue
        others = [(j, o.values[i]) for j, o in enumerate(series) if j != si and i < len(o.values)]
        above = all(o is None or v > o or (v == o and si < j) for j, o in others)
        x, y = p
        ty = y - 7 if above or y + 15 > bottom - 2 else y + 15
        here = placed.setdefault(i, [])
        if any(abs(ty - py) < 1 and text == s.texts[i] for py, text in here):
            continue
        while any(abs(ty - py) < FONT for py, _ in here):
            ty -= FONT
        here.append((ty, s.texts[i]))
        out.append(_text(x, ty, s.texts[i], size=FONT - 1))
    return out


def _share_axis(plot: _Plot, title: str) -> list[str]:
    out = ['<g class="axis share-axis">']
    right = plot.x + plot.w
    for pct in range(0, 101, 20):
        y = plot.sy(pct / 100)
        out.append(
            f'<line x1="{right:.1f}" y1="{y:.1f}" x2="{right + 3:.1f}" y2="{y:.1f}" '
            'stroke="#000" stroke-width="0.8"/>'
        )
        out.append(_text(right + 5, y + 3.8, f"{pct}%", anchor="start"))
    out.append(
        f'<line x1="{right:.1f}" y1="{plot.y:.1f}" x2="{right:.1f}" y2="{plot.y + plot.h:.1f}" '
        'stroke="#000" stroke-width="0.8"/>'
    )
    out.append(_text(right, plot.y - 8, shorten(title, RIGHT + 60), anchor="middle"))
    out.append("</g>")
    return out


def table_chart(t: Table) -> str:
    """The SVG of a table's Chart ("" when it has none or no rows to draw)."""
    c: Chart | None = t.chart
    if c is None or not t.rows or c.rows <= 0:
        return ""
    rows = t.rows[: c.rows]
    labels = [cell_text(r[c.label_column]) if c.label_column < len(r) else "" for r in rows]
    series = []
    for col in (c.bar_column, *c.more_columns):
        cells = [r[col] if col < len(r) else None for r in rows]
        values = tuple(cell_number(v) for v in cells)
        name = t.headers[col] if col < len(t.headers) else ""
        texts = tuple(cell_text(v) if n is not None else "" for v, n in zip(cells, values, strict=True))
        series.append(Series(name, values, texts))
    share = None
    if c.line_column is not None:
        cells = [r[c.line_column] if c.line_column < len(r) else None for r in rows]
        values = tuple(cell_number(v, share=True) for v in cells)
        share = Series(c.line_title, values, tuple(cell_text(v) for v in cells))
    elif c.line_values:
        fractions = [plottable(v) for v in c.line_values[: c.rows]]
        share = Series(
            c.line_title,
            tuple(fractions),
            tuple("" if v is None else number_text(v * 100, "%") for v in fractions),
        )
    unit = _unit_of([r[c.bar_column] for r in rows if c.bar_column < len(r)])
    return _draw(
        c.title,
        labels,
        series,
        kind="line" if c.kind == "line" else "bar",
        unit=unit,
        axis_title=c.bar_title,
        share=share,
        share_mark=c.line_mark if share is not None else None,
        value_labels=c.kind != "line" and len(rows) <= 15 and len(series) == 1,
    )


def series_chart(c: SeriesChart) -> str:
    """The SVG of a SeriesChart (lines with markers, or bars)."""
    drawn = [(name, tuple(plottable(v) for v in values)) for name, values in c.series]
    series = [
        Series(name, values, tuple("" if v is None else number_text(v, c.unit) for v in values))
        for name, values in drawn
    ]
    return _draw(
        c.title,
        list(c.categories),
        series,
        kind="bar" if c.kind == "bar" else "line",
        unit=c.unit,
        axis_title=c.unit,
        height=SERIES_HEIGHT,
        width=SERIES_WIDTH,
        value_labels=len(c.categories) <= 8,
    )


def figure(svg: str, cls: str = "chart") -> str:
    """A chart in the html, kept on one page. Inline in html the ``<svg>`` needs no
    namespace (the parser gives it), so the page names no URL at all."""
    return f'<figure class="{cls}">{svg.replace(SVG_NS, "", 1)}</figure>' if svg else ""
