"""HTML that prints on A4 (render/pdf.py draws the same page as a PDF, by the same rules in
render/print_rules.py): the document frame, title, period, date of issue, page numbers and
the seal boxes.

Layout: the addressee top-left, the date of issue and the contractor top-right, the
title, the contract title under it, then the facts with the seal boxes beside them (or,
for a record signed when done, after the last section and kept on its page). Sections
marked ``appendix`` follow on new pages as 別紙1, 別紙2, …

Print rules that survive A4: short headers and cells never break (目標値, a date, a case
number: ``nowrap``; ``word-break: keep-all`` is not printed everywhere); long cells wrap instead
of being cut; a table's header row repeats on every page; no row is split across pages.

A table's ``Chart`` is drawn right after the table, a section's ``SeriesChart`` after its
tables and text, each as inline SVG in a ``<figure>`` kept on one page (render/svg.py).

Page numbers and the footer line use the CSS paged-media margin boxes (@page
@bottom-left / @bottom-right), which Chromium (131+) prints; older
browsers print without them. Everything is escaped; no scripts, no external resources
(the machines are offline). Control characters in the text are shown as escapes
(``\x1b``) before escaping: HTML has no place for them.
"""

from __future__ import annotations

from html import escape

from inspect_tui.core.document import Doc, Mark, Section, Table, cell_text, clean, clean_table
from inspect_tui.render import svg
from inspect_tui.render.fonts import FONTS
from inspect_tui.render.print_rules import (
    DENSE_COLUMNS,
    SEAL_KEEP_ROWS,
    WHOLE_TABLE,
    PrintedPage,
    printed_page,
    unbroken_cell,
    unbroken_header,
)

CSS = """
@page { size: A4; margin: 18mm 15mm 20mm 15mm; font-family: FONTS;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 9pt; } }
* { box-sizing: border-box; }
html, body { font-family: FONTS; }
body {
  font-size: 10.5pt; line-height: 1.45; color: #000; background: #fff; margin: 0; }
@media screen { body { margin: 0 auto; max-width: 180mm; padding: 8mm 0; } }
.frame { display: flex; justify-content: space-between; align-items: flex-start; margin: 0 0 6mm; }
.frame .to { font-size: 11.5pt; padding-top: 6mm; }
.frame .from { text-align: right; }
.frame .from div { margin: 0; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 2mm; letter-spacing: 0.1em; }
.contract { text-align: center; margin: 0 0 4mm; }
h2 { font-size: 12pt; border-left: 4px solid #333; padding-left: 2mm; margin: 6mm 0 2mm;
  break-after: avoid; }
.facts { margin: 0 0 2mm; }
.facts .signs { float: right; margin: 0 0 2mm 4mm; }
table.facts-list { width: auto; border: none; margin: 0; }
table.facts-list th, table.facts-list td { border: none; background: none; padding: 0.3mm 4mm 0.3mm 0;
  text-align: left; vertical-align: top; }
.facts::after { content: ""; display: block; clear: both; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; break-inside: auto; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 1px solid #444; padding: 1mm 2mm; }
th { background: #e8e8e8; }
th.short { white-space: nowrap; }
td { overflow-wrap: anywhere; }
td.short { white-space: nowrap; }
table.whole { break-inside: avoid; }
td.r { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.c, td.mark { text-align: center; }
td.ng { font-weight: bold; }
caption { text-align: left; font-weight: bold; padding: 1mm 0; break-after: avoid; }
p { margin: 1mm 0; }
.sign { border-collapse: collapse; width: auto; margin: 0; }
.sign th, .sign td { border: 1px solid #000; text-align: center; }
.sign th { white-space: nowrap; font-weight: normal; font-size: 9pt; padding: 0.5mm 1mm; }
.sign td { width: 24mm; height: 22mm; vertical-align: bottom; color: #999; font-size: 9pt; }
.signs { display: flex; gap: 0; justify-content: flex-end; margin-top: 4mm; break-inside: avoid; }
.keep { break-inside: avoid; }
.appendix { break-before: page; }
th.group { text-align: center; }
.appendix table { font-size: 9pt; }
.appendix th, .appendix td { padding: 0.4mm 2mm; }
.appendix-mark { font-weight: bold; font-size: 12pt; }
table.dense { font-size: 8.5pt; }
table.dense th, table.dense td { padding: 0.8mm 1mm; }
.draft { border: 2px solid #000; padding: 2mm; font-weight: bold; }
figure.chart { margin: 3mm 0; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figure.series { display: inline-block; vertical-align: top; margin-right: 2mm; }
footer { break-before: avoid; margin-top: 8mm; font-size: 8.5pt; color: #444;
  border-top: 1px solid #999; padding-top: 1mm; overflow-wrap: anywhere; }
""".replace("FONTS", FONTS)


#: the whole document on A4 landscape (a table asked for it: the KPI table's fiscal years), so
#: the frame and the table share the first page
LANDSCAPE_CSS = "@page { size: A4 landscape; }\n@media screen { body { max-width: 267mm; } }\n"


def _cell(v, align: str) -> str:
    if isinstance(v, Mark):
        cls = "mark" + (" ng" if v.ok is False else "")
        return f'<td class="{cls}">{escape(v.symbol())}</td>'
    text = cell_text(v)
    if unbroken_cell(text):
        align += " short"
    return f'<td class="{align}">{escape(text)}</td>'


def _th(h: str) -> str:
    cls = ' class="short"' if unbroken_header(h) else ""
    return f"<th{cls}>{escape(h)}</th>"


def _head(t: Table) -> str:
    """The header rows: one, or with header groups two (a group's label over its columns,
    an ungrouped column's header spanning both rows)."""
    if not t.groups:
        return "<tr>" + "".join(_th(h) for h in t.headers) + "</tr>"
    top, below, col = [], [], 0
    for label, span in t.groups:
        if label:
            top.append(f'<th colspan="{span}" class="group">{escape(label)}</th>')
            below += [_th(h) for h in t.headers[col : col + span]]
        else:
            top += [_th(h).replace("<th", '<th rowspan="2"', 1) for h in t.headers[col : col + span]]
        col += span
    top += [_th(h).replace("<th", '<th rowspan="2"', 1) for h in t.headers[col:]]
    return "<tr>" + "".join(top) + "</tr>\n<tr>" + "".join(below) + "</tr>"


def render_table(t: Table) -> str:
    t = clean_table(t.drawn())  # the chart is drawn: no text bars beside it
    aligns = t.aligns()
    dense = t.dense or len(t.headers) >= DENSE_COLUMNS
    classes = " ".join(c for c, on in (("dense", dense), ("whole", len(t.rows) <= WHOLE_TABLE)) if on)
    parts = [f'<table class="{classes}">' if classes else "<table>"]
    if t.caption:
        parts.append(f"<caption>{escape(t.caption)}</caption>")
    parts.append("<thead>" + _head(t) + "</thead>")
    parts.append("<tbody>")
    for i, r in enumerate(t.rows):
        cells = [_cell(v, a) for v, a in zip(r, aligns, strict=False)]
        depth = t.level(i)
        if depth and t.tree_column < len(cells):  # the tree: KGI → KPI → 計画, indented
            cells[t.tree_column] = cells[t.tree_column].replace(
                "<td", f'<td style="padding-left: {2 + 4 * depth}mm"', 1
            )
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return "\n".join(parts)


def css_string(text: str) -> str:
    """text as a CSS string literal, every character that is not a letter or digit escaped."""
    return '"' + "".join(c if c.isalnum() and ord(c) < 0x80 else f"\\{ord(c):x} " for c in text) + '"'


def _frame(doc: Doc, page: PrintedPage) -> str:
    f = doc.frame
    if f is None:
        return ""
    right = [f"<div>{escape(v)}</div>" for v in page.sender]
    return (
        f'<header class="frame"><div class="to">{escape(f.addressee)}</div>'
        f'<div class="from">{"".join(right)}</div></header>'
    )


def _section(sec: Section, heading: str, cls: str = "", tail: str = "") -> str:
    """A section; tail (the seal boxes) is kept on one page with its last part."""
    parts = [f"<h2>{escape(heading)}</h2>"]
    for t in sec.tables:
        parts.append(
            render_table(t)
            if t.rows
            else (f"<p><b>{escape(t.caption)}</b></p>" if t.caption else "") + "<p>（該当なし）</p>"
        )
        if t.rows and t.chart is not None:  # the table's chart right after it (render/svg.py)
            parts.append(svg.figure(svg.table_chart(t)))
    parts += [f"<p>{escape(p)}</p>" for p in sec.paragraphs]
    parts += [svg.figure(svg.series_chart(c), "chart series") for c in sec.charts]
    if tail:
        # the seal boxes never alone on a page: with the section when it is short, else its last part
        if sum(len(t.rows) for t in sec.tables) <= SEAL_KEEP_ROWS:
            parts = ['<div class="keep">', *parts, tail, "</div>"]
        else:
            parts = [*parts[:-1], f'<div class="keep">{parts[-1]}{tail}</div>']
    attr = f' class="{cls}"' if cls else ""
    return f"<section{attr}>" + "\n".join(parts) + "</section>"


def render(doc: Doc) -> str:
    doc = clean(doc)
    page = printed_page(doc)
    facts = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in page.facts)
    seals = "".join(
        f'<table class="sign"><tr><th>{escape(who)}</th></tr><tr><td>印</td></tr></table>'
        for who in doc.seals
    )
    signs = f'<div class="signs" aria-label="押印欄">{seals}</div>' if seals else ""
    top = signs if not doc.seals_at_end else ""
    body = [_frame(doc, page), f"<h1>{escape(doc.title)}</h1>"]
    if doc.frame and doc.frame.contract:
        body.append(f'<p class="contract">契約件名　{escape(doc.frame.contract)}</p>')
    body.append(f'<div class="facts">{top}<table class="facts-list">{facts}</table></div>')
    if doc.note:
        body.append(
            f'<p class="draft">{escape(doc.note)}</p>' if doc.seals_at_end else f"<p>{escape(doc.note)}</p>"
        )
    main = doc.main_sections()
    for i, sec in enumerate(main):
        last = i == len(main) - 1
        body.append(_section(sec, sec.heading, tail=signs if doc.seals_at_end and last else ""))
    if doc.seals_at_end and signs and not main:
        body.append(signs)
    for label, sec in doc.appendices():
        body.append(_section(sec, f"{label}　{sec.heading}", "appendix"))
    witness = f"<br>{escape(doc.witness)}" if doc.witness else ""
    body.append(f"<footer>{escape(page.closing)}{witness}</footer>")
    # the footer line on every page (a literal: the page's margin boxes see no variables)
    page_css = (
        f"@page {{ @bottom-left {{ content: {css_string(page.footer)}; font-size: 8.5pt; color: #444; }} }}\n"
        if page.footer
        else ""
    )
    # a wide table: A4 landscape (after CSS, whose @page says portrait)
    landscape = LANDSCAPE_CSS if page.landscape else ""
    return (
        '<!DOCTYPE html>\n<html lang="ja">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(doc.title)}</title>\n<style>{page_css}{CSS}{landscape}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
