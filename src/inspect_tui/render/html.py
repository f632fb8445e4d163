"""HTML that prints on A4: title, period, date of issue, page numbers and a signature box.

Page numbers use the CSS paged-media margin boxes (@page @bottom-center with
counter(page) / counter(pages)), which Chromium supports since version 131;
older browsers print without them. Everything is escaped; no scripts, no
external resources (the machines are offline). Control characters in the text
are shown as escapes (``\x1b``) before escaping: HTML has no place for them.
"""

from __future__ import annotations

from html import escape

from inspect_tui.core.document import Doc, Mark, Table, cell_text, clean, clean_table

CSS = """
@page { size: A4; margin: 18mm 15mm 20mm 15mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; } }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "Yu Gothic", "Meiryo", sans-serif;
  font-size: 10.5pt; color: #000; background: #fff; margin: 0 auto; max-width: 180mm; padding: 8mm 0; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 4mm; letter-spacing: 0.1em; }
h2 { font-size: 12pt; border-left: 4px solid #333; padding-left: 2mm; margin: 6mm 0 2mm;
  break-after: avoid; }
.facts { display: flex; justify-content: space-between; align-items: flex-start; }
.facts dl { display: grid; grid-template-columns: auto 1fr; gap: 1mm 4mm; margin: 0; }
.facts dt { font-weight: bold; }
.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; break-inside: auto; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 1px solid #444; padding: 1mm 2mm; }
th { background: #e8e8e8; }
td.r { text-align: right; font-variant-numeric: tabular-nums; }
td.c, td.mark { text-align: center; }
td.ng { font-weight: bold; }
caption { text-align: left; font-weight: bold; padding: 1mm 0; }
p { margin: 1mm 0; }
.sign { border-collapse: collapse; width: auto; margin: 0; }
.sign th, .sign td { border: 1px solid #000; text-align: center; }
.sign td { width: 28mm; height: 24mm; vertical-align: bottom; color: #999; font-size: 9pt; }
.signs { display: flex; gap: 0; justify-content: flex-end; margin-top: 8mm; break-inside: avoid; }
table.dense { font-size: 8.5pt; }
table.dense th, table.dense td { white-space: nowrap; padding: 0.8mm 1mm; }
.draft { border: 2px solid #000; padding: 2mm; font-weight: bold; }
footer { margin-top: 8mm; font-size: 8.5pt; color: #444; border-top: 1px solid #999; padding-top: 1mm; }
"""


def _cell(v, align: str) -> str:
    if isinstance(v, Mark):
        cls = "mark" + (" ng" if v.ok is False else "")
        return f'<td class="{cls}">{escape(v.symbol())}</td>'
    return f'<td class="{align}">{escape(cell_text(v))}</td>'


def render_table(t: Table) -> str:
    t = clean_table(t)
    aligns = t.aligns()
    parts = ['<table class="dense">' if t.dense else "<table>"]
    if t.caption:
        parts.append(f"<caption>{escape(t.caption)}</caption>")
    parts.append("<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in t.headers) + "</tr></thead>")
    parts.append("<tbody>")
    for r in t.rows:
        parts.append("<tr>" + "".join(_cell(v, a) for v, a in zip(r, aligns, strict=False)) + "</tr>")
    parts.append("</tbody></table>")
    return "\n".join(parts)


def render(doc: Doc) -> str:
    doc = clean(doc)
    facts = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in doc.facts)
    seals = "".join(
        f'<table class="sign"><tr><th>{escape(who)}</th></tr><tr><td>印</td></tr></table>'
        for who in doc.seals
    )
    top = f'<div class="signs" aria-label="押印欄">{seals}</div>' if seals and not doc.seals_at_end else ""
    body = [f"<h1>{escape(doc.title)}</h1>", f'<div class="facts"><dl>{facts}</dl>{top}</div>']
    if doc.note:
        body.append(
            f'<p class="draft">{escape(doc.note)}</p>' if doc.seals_at_end else f"<p>{escape(doc.note)}</p>"
        )
    for sec in doc.sections:
        body.append(f"<section><h2>{escape(sec.heading)}</h2>")
        for t in sec.tables:
            body.append(
                render_table(t)
                if t.rows
                else (f"<p><b>{escape(t.caption)}</b></p>" if t.caption else "") + "<p>（該当なし）</p>"
            )
        body += [f"<p>{escape(p)}</p>" for p in sec.paragraphs]
        body.append("</section>")
    if seals and doc.seals_at_end:
        body.append(f'<div class="signs" aria-label="押印欄">{seals}</div>')
    issued = dict(doc.facts).get("発行日", "")
    witness = f"<br>{escape(doc.witness)}" if doc.witness else ""
    body.append(f"<footer>{escape(doc.title)}　{escape(issued)}　inspect-tui{witness}</footer>")
    return (
        '<!DOCTYPE html>\n<html lang="ja">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(doc.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
