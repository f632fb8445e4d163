"""One entry point for every format: ``render(report, fmt)`` -> str or bytes.

A report is any ``Renderable`` (core.renderable): ``as_doc()`` (the document the
text formats draw), ``to_json()`` (its documented JSON shape) and
``default_filename(fmt)``.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any

from inspect_tui.core.renderable import EXTENSIONS, FORMATS, MACHINE_FORMATS, Renderable
from inspect_tui.render.output import write_output

__all__ = ["EXTENSIONS", "FORMATS", "TEXT_FORMATS", "Renderable", "is_binary", "json_text", "render", "write"]


# json.dumps escapes C0 controls; DEL, C1 controls and lone surrogates it leaves raw
_JSON_RAW = re.compile("[\x7f-\x9f\ud800-\udfff]")


def json_text(data: Any) -> str:
    """JSON as UTF-8 text with every control character escaped (\\u001b, \\u009b)."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


#: format -> its renderer module, imported when the format is first rendered (the text
#: renderers bring tabulate and wcwidth: 12-20 ms a JSON report does not need); xlsx and pdf
#: import their writers only when they render
RENDERERS = {"text": "text", "md": "markdown", "csv": "csv_out", "html": "html", "xlsx": "xlsx", "pdf": "pdf"}

#: the formats for filing: every late case listed (text is for reading)
FULL_FORMATS = ("html", "xlsx", "pdf")


def render(report: Renderable, fmt: str, *, width: int | None = None) -> str | bytes:
    """The report's bytes or text in ``fmt``; ``width`` (text only) the columns its lines
    and tables fit, 80 when not given (the Reports screen gives what a narrower view has)."""
    if fmt == "json":
        return json_text(report.to_json())
    module = RENDERERS.get(fmt)
    if module is None:
        raise ValueError(f"出力形式は {' / '.join(FORMATS)} のどれかです")
    renderer = importlib.import_module(f"inspect_tui.render.{module}")
    from inspect_tui.core.document import for_people  # a document: every format but json

    doc = report.as_doc(full=fmt in FULL_FORMATS)
    if fmt not in MACHINE_FORMATS:  # 発行日・基準日 in 和暦 where a person reads them
        doc = for_people(doc)
    if width is not None and fmt == "text":
        return renderer.render(doc, width)
    return renderer.render(doc)


# --------------------------------------------------------------------------- binary formats
#: The formats whose output is UTF-8 text a terminal can show. Every other format is
#: binary (xlsx, pdf, and any format added later, until it is named here): it goes to
#: standard output as bytes, except to a terminal (render.output.destination).
TEXT_FORMATS = frozenset({"text", "md", "csv", "json", "html"})


def is_binary(fmt: str) -> bool:
    """True for a format whose bytes are not text (a terminal would show them as garbage)."""
    return fmt not in TEXT_FORMATS


def write(report: Renderable, fmt: str, path) -> None:
    """Render and write to path, whole or not at all (CSV as UTF-8 with its BOM; xlsx and pdf
    as bytes).

    Raises reports.output.OutputError naming the path and the reason."""

    write_output(Path(path), render(report, fmt))
