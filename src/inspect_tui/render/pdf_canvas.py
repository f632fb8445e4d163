"""Drawing on one PDF page: text in the embedded fonts, lines, boxes, and the charts'
SVG (render/svg.py) redrawn as PDF paths, so the PDF's charts are the html's.

Coordinates are points from the page's top-left (y grows down, as the layout thinks);
the canvas turns them into PDF's bottom-left space when it writes an operator.

The SVG read here is only what render/svg.py writes: ``svg``, ``g``, ``title``, ``text``
(``x``, ``y``, ``font-size``, ``text-anchor``, ``font-weight``, ``transform="rotate(a cx
cy)"``), ``line``, ``rect``, ``circle``, ``polyline`` and ``polygon`` with ``fill``,
``stroke``, ``stroke-width`` and ``stroke-dasharray``. Anything else raises, so a new kind
of mark in svg.py cannot go missing from the PDF unnoticed (tests/render/test_pdf.py
draws every chart the reports make).
"""

from __future__ import annotations

import math
import re
from xml.etree import ElementTree

from inspect_tui.render.pdf_font import Font

BLACK = (0.0, 0.0, 0.0)
Color = tuple[float, float, float]


def color(value: str) -> Color | None:
    """#rgb / #rrggbb as PDF's 0-1 triple; None for none."""
    v = value.strip().lower()
    if v in ("none", "transparent", ""):
        return None
    if v == "white":
        return (1.0, 1.0, 1.0)
    if v == "black":
        return BLACK
    if not re.fullmatch(r"#[0-9a-f]{3}|#[0-9a-f]{6}", v):
        raise ValueError(f"a colour the PDF cannot draw: {value!r}")
    h = v[1:]
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255)


def _n(v: float) -> bytes:
    """A number as PDF writes it: two decimals (1/7200 inch), never an exponent."""
    return b"%.2f" % v


def text_width(
    fonts: tuple[Font, Font], text: str, size: float, bold: bool = False, spacing: float = 0.0
) -> float:
    """How wide text prints, in points (spacing: added after each character)."""
    return fonts[bold].width(text) * size / 1000 + spacing * len(text)


class Canvas:
    def __init__(self, height: float, fonts: tuple[Font, Font]) -> None:
        self.h = height
        self.fonts = fonts  # regular, bold (the same font when no bold one is installed)
        self.ops: list[bytes] = []
        #: what table rows draw, gathered per page and written after everything else
        #: (text in one size, weight and colour; cell outlines in one stroke): one text object
        #: and one path each instead of one per row
        self._runs: dict[tuple[bytes, bytes], list[bytes]] = {}
        self._outlines: dict[bytes, list[bytes]] = {}

    # ------------------------------------------------------------------ text
    def text_width(self, text: str, size: float, bold: bool = False, spacing: float = 0.0) -> float:
        return text_width(self.fonts, text, size, bold, spacing)

    def text(
        self,
        x: float,
        baseline: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        fill: Color = BLACK,
        angle: float = 0.0,
        spacing: float = 0.0,
    ) -> None:
        if not text:
            return
        font = self.fonts[bold]
        fake_bold = bold and self.fonts[1] is self.fonts[0]
        res = b"/F2" if bold and not fake_bold else b"/F1"
        y = self.h - baseline
        if angle:
            a = math.radians(angle)
            c, s = math.cos(a), math.sin(a)
            tm = b"%s %s %s %s %s %s Tm" % (_n(c), _n(s), _n(-s), _n(c), _n(x), _n(y))
        else:
            tm = b"1 0 0 1 %s %s Tm" % (_n(x), _n(y))
        parts = [b"q BT", b"%s %s Tf" % (res, _n(size)), b"%s %s %s rg" % tuple(_n(c) for c in fill), tm]
        if spacing:
            parts.append(b"%s Tc" % _n(spacing))
        if fake_bold:
            parts.append(b"2 Tr %s w %s %s %s RG" % (_n(size / 30), *(_n(c) for c in fill)))
        parts.append(b"<" + font.encode(text) + b"> Tj")
        parts.append(b"ET Q")  # Tc and Tr are graphics state: they end with the Q
        self.ops.append(b" ".join(parts))

    def texts(
        self, items: list[tuple[float, float, str]], size: float, *, bold: bool = False, fill: Color = BLACK
    ) -> None:
        """Many (x, baseline, text) in one size, weight and colour (a table row's cells),
        written with the page's other runs like them (``content``)."""
        if not items:
            return
        if bold and self.fonts[1] is self.fonts[0]:
            for x, b, text in items:
                self.text(x, b, text, size, bold=True, fill=fill)
            return
        font = self.fonts[bold]
        key = (
            b"%s %s Tf" % (b"/F2" if bold else b"/F1", _n(size)),
            b"%s %s %s rg" % tuple(_n(c) for c in fill),
        )
        run = self._runs.get(key)
        if run is None:
            run = self._runs[key] = []
        h = self.h
        run += [
            b"1 0 0 1 %.2f %.2f Tm <%s> Tj" % (x, h - b, font.encode(text)) for x, b, text in items if text
        ]

    # ------------------------------------------------------------------ shapes
    def boxes(
        self,
        rects: list[tuple[float, float, float, float]],
        *,
        fill: Color | None = None,
        stroke: Color | None = None,
        width: float = 0.5,
    ) -> None:
        """Many rectangles (x, y, w, h) painted alike in one path (a table row's cells)."""
        if not rects or (fill is None and stroke is None):
            return
        pre, op = self._paint(fill, stroke, width)
        h = self.h
        body = b" ".join(b"%.2f %.2f %.2f %.2f re" % (x, h - y - bh, w, bh) for x, y, w, bh in rects)
        self.ops.append(pre + b" " + body + b" " + op)

    def _paint(
        self, fill: Color | None, stroke: Color | None, width: float, dash: str = ""
    ) -> tuple[bytes, bytes]:
        pre = [b"q"]
        if fill is not None:
            pre.append(b"%s %s %s rg" % tuple(_n(c) for c in fill))
        if stroke is not None:
            pre.append(b"%s %s %s RG %s w" % (*(_n(c) for c in stroke), _n(width)))
            if dash:
                pre.append(b"[" + b" ".join(_n(float(d)) for d in dash.replace(",", " ").split()) + b"] 0 d")
        op = b"B" if fill is not None and stroke is not None else b"f" if fill is not None else b"S"
        return b" ".join(pre), op + b" Q"

    def row_boxes(
        self, columns: list[tuple[float, float]], y: float, h: float, *, stroke: Color, width: float
    ) -> None:
        """A table row's cells, outlined: columns are (x, width), the row is at y, h high
        (written with the page's other outlines in that stroke: ``content``)."""
        key = self._paint(None, stroke, width)[0]
        outlines = self._outlines.get(key)
        if outlines is None:
            outlines = self._outlines[key] = []
        top = self.h - y - h
        outlines += [b"%.2f %.2f %.2f %.2f re" % (x, top, w, h) for x, w in columns]

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        fill: Color | None = None,
        stroke: Color | None = None,
        width: float = 0.5,
        dash: str = "",
    ) -> None:
        if fill is None and stroke is None:
            return
        pre, op = self._paint(fill, stroke, width, dash)
        self.ops.append(pre + b" %s %s %s %s re " % (_n(x), _n(self.h - y - h), _n(w), _n(h)) + op)

    def path(
        self,
        points: list[tuple[float, float]],
        *,
        closed: bool = False,
        fill: Color | None = None,
        stroke: Color | None = None,
        width: float = 0.5,
        dash: str = "",
    ) -> None:
        if len(points) < 2 or (fill is None and stroke is None):
            return
        if not closed:
            fill = None
            if stroke is None:
                return
        pre, op = self._paint(fill, stroke, width, dash)
        (x0, y0), rest = points[0], points[1:]
        body = [b"%s %s m" % (_n(x0), _n(self.h - y0))] + [
            b"%s %s l" % (_n(x), _n(self.h - y)) for x, y in rest
        ]
        if closed:
            body.append(b"h")
        self.ops.append(pre + b" " + b" ".join(body) + b" " + op)

    def line(
        self, x1: float, y1: float, x2: float, y2: float, *, stroke: Color = BLACK, width: float = 0.5
    ) -> None:
        self.path([(x1, y1), (x2, y2)], stroke=stroke, width=width)

    def circle(
        self,
        cx: float,
        cy: float,
        r: float,
        *,
        fill: Color | None = None,
        stroke: Color | None = None,
        width: float = 0.5,
    ) -> None:
        if fill is None and stroke is None:
            return
        k = 0.5523 * r  # four Bezier quarters
        y = self.h - cy
        pre, op = self._paint(fill, stroke, width)
        body = (
            b"%s %s m " % (_n(cx + r), _n(y))
            + b"%s %s %s %s %s %s c " % (_n(cx + r), _n(y + k), _n(cx + k), _n(y + r), _n(cx), _n(y + r))
            + b"%s %s %s %s %s %s c " % (_n(cx - k), _n(y + r), _n(cx - r), _n(y + k), _n(cx - r), _n(y))
            + b"%s %s %s %s %s %s c " % (_n(cx - r), _n(y - k), _n(cx - k), _n(y - r), _n(cx), _n(y - r))
            + b"%s %s %s %s %s %s c h" % (_n(cx + k), _n(y - r), _n(cx + r), _n(y - k), _n(cx + r), _n(y))
        )
        self.ops.append(pre + b" " + body + b" " + op)

    def content(self) -> bytes:
        """The page's operators: what was drawn in order, then the outlines, then the runs of text."""
        out = list(self.ops)
        out += [pre + b" " + b" ".join(rects) + b" S Q" for pre, rects in self._outlines.items()]
        out += [b"q BT %s %s " % key + b" ".join(run) + b" ET Q" for key, run in self._runs.items() if run]
        return b"\n".join(out)


# ---------------------------------------------------------------------- the charts' SVG

_VIEWBOX = re.compile(r"\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*$")
_ROTATE = re.compile(r"\s*rotate\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s*\)\s*$")
_INHERITED = ("fill", "stroke", "stroke-width", "stroke-dasharray", "font-size", "font-weight", "text-anchor")
_SHAPES = {"g", "title", "text", "line", "rect", "circle", "polyline", "polygon"}


def svg_size(svg: str) -> tuple[float, float]:
    """The drawing's width and height in its own units (its viewBox)."""
    m = re.search(r'viewBox="([^"]*)"', svg)
    vb = _VIEWBOX.match(m.group(1)) if m else None
    if vb is None:
        raise ValueError("a chart without a viewBox 0 0 w h")
    return float(vb.group(1)), float(vb.group(2))


def _points(text: str) -> list[tuple[float, float]]:
    nums = [float(v) for v in text.replace(",", " ").split()]
    return list(zip(nums[0::2], nums[1::2], strict=False))


def draw_svg(canvas: Canvas, svg: str, x0: float, y0: float, scale: float) -> None:
    """Draw render/svg.py's chart with its top-left at (x0, y0), scale points per unit."""
    root = ElementTree.fromstring(svg)
    if _local(root.tag) != "svg":
        raise ValueError("a chart is an <svg>")
    style = {"fill": root.get("fill", "#000"), "stroke": "none", "stroke-width": "1", "font-size": "11"}

    def pt(x: float, y: float) -> tuple[float, float]:
        return x0 + x * scale, y0 + y * scale

    def walk(el: ElementTree.Element, inherited: dict[str, str]) -> None:
        for child in el:
            tag = _local(child.tag)
            if tag not in _SHAPES:
                raise ValueError(f"a chart mark the PDF cannot draw: <{tag}>")
            st = dict(inherited)
            st.update({k: v for k, v in child.attrib.items() if k in _INHERITED})
            fill, stroke = color(st.get("fill", "none")), color(st.get("stroke", "none"))
            width = float(st.get("stroke-width", "1")) * scale
            dash = " ".join(
                str(float(d) * scale) for d in st.get("stroke-dasharray", "").replace(",", " ").split()
            )
            a = child.attrib
            if tag == "g":
                walk(child, st)
            elif tag == "title":
                continue
            elif tag == "text":
                _svg_text(canvas, child, st, pt, scale, fill or BLACK)
            elif tag == "line":
                p1, p2 = pt(float(a["x1"]), float(a["y1"])), pt(float(a["x2"]), float(a["y2"]))
                canvas.path([p1, p2], stroke=stroke, width=width, dash=dash)
            elif tag == "rect":
                x, y = pt(float(a["x"]), float(a["y"]))
                canvas.rect(
                    x,
                    y,
                    float(a["width"]) * scale,
                    float(a["height"]) * scale,
                    fill=fill,
                    stroke=stroke,
                    width=width,
                    dash=dash,
                )
            elif tag == "circle":
                cx, cy = pt(float(a["cx"]), float(a["cy"]))
                canvas.circle(cx, cy, float(a["r"]) * scale, fill=fill, stroke=stroke, width=width)
            else:  # polyline, polygon
                points = [pt(x, y) for x, y in _points(a["points"])]
                canvas.path(points, closed=tag == "polygon", fill=fill, stroke=stroke, width=width, dash=dash)

    walk(root, style)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _svg_text(
    canvas: Canvas, el: ElementTree.Element, st: dict[str, str], pt, scale: float, fill: Color
) -> None:
    text = "".join(el.itertext())
    size = float(st.get("font-size", "11")) * scale
    bold = st.get("font-weight", "") in ("bold", "700")
    x, y = float(el.get("x", "0")), float(el.get("y", "0"))
    w = canvas.text_width(text, size, bold)
    shift = {"middle": w / 2, "end": w}.get(st.get("text-anchor", "start"), 0.0)
    turn = el.get("transform")
    if turn:
        m = _ROTATE.match(turn)
        if m is None:
            raise ValueError(f"a chart text transform the PDF cannot draw: {turn!r}")
        deg, cx, cy = (float(v) for v in m.groups())
        a = math.radians(deg)
        rx = cx + (x - cx) * math.cos(a) - (y - cy) * math.sin(a)
        ry = cy + (x - cx) * math.sin(a) + (y - cy) * math.cos(a)
        px, py = pt(rx, ry)
        # the anchor shift runs along the turned baseline; y grows down on the page
        px -= shift * math.cos(a)
        py -= shift * math.sin(a)
        canvas.text(px, py, text, size, bold=bold, fill=fill, angle=-deg)
    else:
        px, py = pt(x, y)
        canvas.text(px - shift, py, text, size, bold=bold, fill=fill)
