"""A report as renderers see it: a title, a few facts, and sections of tables and text.

The services build one of these (``as_doc()`` on each report); every renderer
(text, md, csv, html, xlsx) draws the same document, so the formats cannot
disagree. JSON is the exception: it writes the report's own ``to_json()``
shape, documented in docs/report-formats.md.

Cells are ``str``, ``int`` (counts and yen, printed with thousands
separators), ``None`` (nothing to show, printed as －), a ``Mark`` (achieved
or not: ○/× in html and xlsx, 達成/未達 words in terminal text, md and csv —
○ and × are ambiguous-width in terminals), or a number with its unit (``Num``:
1,234件, ``Percent``: 99.5%): printed as that text everywhere, and stored in an
xlsx as the number with a number format, so a monitor can compute with it.

Every renderer starts from ``clean(doc)``: text that came from the database
(a case number, a note typed by a manager) may hold control characters, which
would act on the terminal or printer of whoever reads the report; they are
shown as escapes (``\x1b``) instead.

What a report is to the writer of every format (the formats, the ``Renderable`` protocol,
the audit chain's head on it) is in core/renderable.py, which a JSON report loads without
this module.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from inspect_tui.core.frame import Frame
from inspect_tui.core.jpdate import format_era
from inspect_tui.core.records import field, record, replace
from inspect_tui.core.text import printable


@record(frozen=True)
class Mark:
    ok: bool | None  # None: not judged yet (未到来 / 未集計)
    pending_word: str = "－"

    def word(self) -> str:
        if self.ok is None:
            return self.pending_word
        return "達成" if self.ok else "未達"

    def symbol(self) -> str:
        if self.ok is None:
            return self.pending_word
        return "○" if self.ok else "×"


# --------------------------------------------------------------------------- number cells
# (a block of its own: the number a cell holds, its unit, and the text every format prints)


@record(frozen=True)
class Num:
    """A count or amount with its unit: 14,550件, 1,200円, 3日, 12.5件.

    ``text()`` is what every text format prints (integral values with thousands separators,
    others as written, then the unit and ``note``, e.g. （途中）); an xlsx stores ``value``
    with the number format ``#,##0"件"``."""

    value: int | Decimal
    unit: str = ""
    note: str = ""  # printed after the unit: （途中）

    def text(self) -> str:
        v = self.value
        if isinstance(v, Decimal) and v == v.to_integral_value():
            v = int(v)
        shown = f"{v:,}" if isinstance(v, int) else f"{v}"
        return f"{shown}{self.unit}{self.note}"


@record(frozen=True)
class Percent:
    """A share in percent as the reports compute it (one decimal, half up): 99.5%, 100.0%.

    ``value`` is in percent (99.5); ``text()`` prints it as given plus %; an xlsx stores
    the fraction (0.995) with the format ``0.0%`` (as many decimals as the value has)."""

    value: Decimal
    note: str = ""

    def text(self) -> str:
        return f"{self.value}%{self.note}"

    @property
    def decimals(self) -> int:
        exp = self.value.as_tuple().exponent
        return max(0, -exp) if isinstance(exp, int) else 0


Cell = str | int | Mark | Num | Percent | None
TREE_INDENT = "\u3000"  # one level of a tree (KGI → KPI → 計画) in text formats


@record(frozen=True)
class Chart:
    """A chart of a table's first ``rows`` rows, for the renderers that draw one (xlsx, html, pdf):
    bars of the ``bar_column`` against the labels of the ``label_column`` and, optionally,
    a line of ``line_values`` (shares, 0 to 1) on a second axis. ``more_columns`` are more
    series beside the first (the monthly trend: 受理・提出・受理), ``kind`` draws them all as
    bars or as lines."""

    title: str
    label_column: int
    bar_column: int
    bar_title: str
    rows: int
    line_values: tuple[float, ...] = ()
    line_title: str = ""
    more_columns: tuple[int, ...] = ()
    kind: str = "bar"  # "bar" | "line"
    #: the column holding the line's shares (numbers), instead of ``line_values`` beside the table
    line_column: int | None = None
    #: a dashed line across at this share on the line's axis (the Pareto chart's 80%; svg)
    line_mark: float | None = None


@record(frozen=True)
class SeriesChart:
    """A chart that carries its own figures (not a table's columns): each KPI's target and
    actual over the fiscal years. ``series`` are (name, one value or None per category)."""

    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    unit: str = ""  # 件, %: the axis title and the xlsx number format
    kind: str = "line"  # "bar" | "line"


@record
class Table:
    headers: list[str]
    rows: list[list[Cell]]
    align: list[str] | None = None  # "l" | "r" | "c" per column; default: numbers right
    caption: str = ""
    dense: bool = False  # many columns: printed smaller and unwrapped
    chart: Chart | None = None
    #: header groups over ``headers``, left to right: (label, how many columns); a column
    #: whose group label is "" has no group (html: its header spans both header rows). The
    #: KPI table: ("", 1), ("", 1), ("令和9年度", 3), … over 区分, 指標, 目標値, 実績値, 達成度, …
    groups: tuple[tuple[str, int], ...] = ()
    #: the depth of each row in a tree (KGI 0 → KPI 1 → 計画 2), indenting ``tree_column``
    levels: tuple[int, ...] = ()
    tree_column: int = 0
    #: printed on A4 landscape (html/pdf: the whole document, the frame on its first page; xlsx: the sheet)
    landscape: bool = False
    #: columns that stand in for the chart where none is drawn (the Pareto table's #### bars):
    #: text and md print them; html, pdf, xlsx and csv, which draw the chart or hold data,
    #: leave them out (``drawn()``). They come after every column the chart reads.
    chart_stand_ins: tuple[int, ...] = ()

    def drawn(self) -> Table:
        """The table where its chart is drawn: without the columns that stand in for it."""
        if not self.chart_stand_ins:
            return self
        keep = [i for i in range(len(self.headers)) if i not in self.chart_stand_ins]
        align = [self.align[i] for i in keep] if self.align else None
        return replace(
            self,
            headers=[self.headers[i] for i in keep],
            rows=[[r[i] for i in keep if i < len(r)] for r in self.rows],
            align=align,
            chart_stand_ins=(),
        )

    def group_of(self) -> list[str]:
        """Each column's group label ("" for none)."""
        out: list[str] = []
        for label, span in self.groups:
            out += [label] * span
        return out + [""] * (len(self.headers) - len(out))

    def flat_headers(self, sep: str = " ") -> list[str]:
        """The headers with their group in front (令和9年度 目標値): csv, md, one-row formats."""
        return [f"{g}{sep}{h}" if g else h for g, h in zip(self.group_of(), self.headers, strict=False)]

    def level(self, row: int) -> int:
        return self.levels[row] if row < len(self.levels) else 0

    def indented_rows(self) -> list[list[Cell]]:
        """The rows with the tree column indented by a full-width space per level (text,
        md, csv; html and xlsx indent with their own means). U+3000 is two columns wide
        everywhere, unlike the box-drawing └ (ambiguous width)."""
        if not self.levels:
            return self.rows
        out = []
        for i, r in enumerate(self.rows):
            depth = self.level(i)
            if depth and self.tree_column < len(r):
                r = list(r)
                r[self.tree_column] = TREE_INDENT * depth + cell_text(r[self.tree_column])
            out.append(r)
        return out

    def aligns(self) -> list[str]:
        if self.align:
            return self.align
        out = []
        for i in range(len(self.headers)):
            col = [r[i] for r in self.rows if i < len(r)]
            numeric = col and all(isinstance(v, (int, Num, Percent)) or v is None for v in col)
            out.append("r" if numeric else "l")
        return out


@record
class Section:
    heading: str
    tables: list[Table] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    #: printed after every other section as a 別紙 (long lists a reader looks up, not reads)
    appendix: bool = False
    charts: list[SeriesChart] = field(default_factory=list)  # drawn after the tables (xlsx)


@record
class Doc:
    title: str
    facts: list[tuple[str, str]]  # (label, value): 対象期間, 基準日, 発行日 …
    sections: list[Section]
    #: who signs or stamps it: a box each in html, a line in text and md (empty: nobody)
    seals: tuple[str, ...] = ("業務責任者",)
    note: str = ""  # one line under the facts
    seals_at_end: bool = False  # the boxes after the last section (a record signed when done)
    #: the audit chain's head when the report was made (a witness held outside the database),
    #: printed last by every renderer; empty for a document built without one
    witness: str = ""
    frame: Frame | None = None

    def main_sections(self) -> list[Section]:
        return [s for s in self.sections if not s.appendix]

    def appendices(self) -> list[tuple[str, Section]]:
        """(別紙1, section), … in the order they were added."""
        return [(f"別紙{i}", s) for i, s in enumerate((s for s in self.sections if s.appendix), 1)]


def cell_text(v: Cell, *, symbols: bool = False) -> str:
    """A cell as text: numbers with thousands separators, None as －."""
    if v is None:
        return "－"
    if isinstance(v, Mark):
        return v.symbol() if symbols else v.word()
    if isinstance(v, bool):
        return "はい" if v else "いいえ"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, (Num, Percent)):
        return v.text()
    return str(v)


def _text(v: str) -> str:
    return printable(v, multiline=True)


def clean_table(t: Table) -> Table:
    """The table with every control character in its text shown as an escape."""
    rows = [[_text(v) if isinstance(v, str) else v for v in r] for r in t.rows]
    return replace(t, headers=[_text(h) for h in t.headers], rows=rows, caption=_text(t.caption))


def clean(doc: Doc) -> Doc:
    """The document with every control character in its text shown as an escape."""
    frame = doc.frame
    if frame is not None:
        frame = replace(
            frame,
            addressee=_text(frame.addressee),
            contractor=_text(frame.contractor),
            contractor_address=_text(frame.contractor_address),
            contract=_text(frame.contract),
            manager=_text(frame.manager),
            seals=tuple(_text(v) for v in frame.seals),
            footer=_text(frame.footer),
        )
    return replace(
        doc,
        title=_text(doc.title),
        facts=[(_text(k), _text(v)) for k, v in doc.facts],
        sections=[
            Section(
                _text(s.heading),
                [clean_table(t) for t in s.tables],
                [_text(p) for p in s.paragraphs],
                s.appendix,
                list(s.charts),
            )
            for s in doc.sections
        ],
        note=_text(doc.note),
        witness=_text(doc.witness),
        frame=frame,
    )


#: the facts whose dates print in 和暦 (the ISO date stays in csv and JSON)
ERA_FACTS = ("発行日", "基準日")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def era_text(text: str) -> str:
    """Every ISO date in text as 和暦: 2026-12-02（…） -> 令和8年12月2日（…）."""

    def one(m: re.Match[str]) -> str:
        try:
            return format_era(dt.date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            return m[0]

    return _ISO_DATE.sub(one, text)


def for_people(doc: Doc) -> Doc:
    """The document as a person reads it: the dates of 発行日 and 基準日 in 和暦."""
    return replace(doc, facts=[(k, era_text(v) if k in ERA_FACTS else v) for k, v in doc.facts])


def framed(doc: Doc, frame: Frame | None) -> Doc:
    """The document in its frame: the frame's seal boxes after the report's own signers
    (a document nobody seals, such as an analysis, stays without boxes)."""
    if frame is None:
        return doc
    seals = doc.seals
    if seals:
        seals = tuple(dict.fromkeys((*seals, *frame.seals)))
    return replace(doc, frame=frame, seals=seals)


# --------------------------------------------------------------------------- frozen documents


def _cell_data(v: Cell) -> Any:
    if isinstance(v, Mark):
        return {"mark": v.ok, "pending_word": v.pending_word}
    if isinstance(v, Num):
        value = v.value if isinstance(v.value, int) else str(v.value)
        return {"num": value, "unit": v.unit, "note": v.note}
    if isinstance(v, Percent):
        return {"percent": str(v.value), "note": v.note}
    return v


def _cell_from(v: Any) -> Cell:
    if isinstance(v, dict):
        if "num" in v:
            n = v["num"]
            return Num(n if isinstance(n, int) else Decimal(n), v["unit"], v["note"])
        if "percent" in v:
            return Percent(Decimal(v["percent"]), v["note"])
        return Mark(v["mark"], v["pending_word"])
    return v  # type: ignore[no-any-return]


def doc_to_data(doc: Doc) -> dict[str, Any]:
    """The document as plain JSON data (``doc_from_data`` gives it back, equal): a closed
    month's report is kept this way, so it prints later exactly as it was."""

    def table(t: Table) -> dict[str, Any]:
        return {
            "headers": list(t.headers),
            "rows": [[_cell_data(v) for v in r] for r in t.rows],
            "align": t.align,
            "caption": t.caption,
            "dense": t.dense,
            "groups": [list(g) for g in t.groups],
            "levels": list(t.levels),
            "tree_column": t.tree_column,
            "landscape": t.landscape,
            "chart_stand_ins": list(t.chart_stand_ins),
            "chart": None
            if t.chart is None
            else {
                **t.chart.__dict__,
                "line_values": list(t.chart.line_values),
                "more_columns": list(t.chart.more_columns),
            },
        }

    def chart(c: SeriesChart) -> dict[str, Any]:
        return {
            "title": c.title,
            "categories": list(c.categories),
            "series": [[name, list(values)] for name, values in c.series],
            "unit": c.unit,
            "kind": c.kind,
        }

    return {
        "title": doc.title,
        "facts": [list(f) for f in doc.facts],
        "sections": [
            {
                "heading": s.heading,
                "tables": [table(t) for t in s.tables],
                "paragraphs": list(s.paragraphs),
                "appendix": s.appendix,
                "charts": [chart(c) for c in s.charts],
            }
            for s in doc.sections
        ],
        "seals": list(doc.seals),
        "note": doc.note,
        "seals_at_end": doc.seals_at_end,
    }


def doc_from_data(data: dict[str, Any]) -> Doc:
    def table(t: dict[str, Any]) -> Table:
        chart = t["chart"]
        return Table(
            list(t["headers"]),
            [[_cell_from(v) for v in r] for r in t["rows"]],
            t["align"],
            t["caption"],
            t["dense"],
            None
            if chart is None
            else Chart(
                **{
                    **chart,
                    "line_values": tuple(chart["line_values"]),
                    "more_columns": tuple(chart.get("more_columns", ())),
                }
            ),
            groups=tuple((str(g), int(n)) for g, n in t.get("groups", ())),
            levels=tuple(t.get("levels", ())),
            tree_column=t.get("tree_column", 0),
            landscape=t.get("landscape", False),
            chart_stand_ins=tuple(t.get("chart_stand_ins", ())),
        )

    def chart(c: dict[str, Any]) -> SeriesChart:
        series = tuple((name, tuple(values)) for name, values in c["series"])
        return SeriesChart(c["title"], tuple(c["categories"]), series, c["unit"], c["kind"])

    return Doc(
        title=data["title"],
        facts=[(k, v) for k, v in data["facts"]],
        sections=[
            Section(
                s["heading"],
                [table(t) for t in s["tables"]],
                list(s["paragraphs"]),
                s.get("appendix", False),
                [chart(c) for c in s.get("charts", [])],
            )
            for s in data["sections"]
        ],
        seals=tuple(data["seals"]),
        note=data["note"],
        seals_at_end=data["seals_at_end"],
    )
