"""One entry point for every format: ``render(report, fmt)`` -> str or bytes.

A report is any ``Renderable`` (core.document): ``as_doc()`` (the document the
text formats draw), ``to_json()`` (its documented JSON shape) and
``default_filename(fmt)``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from inspect_tui.core.document import EXTENSIONS, FORMATS, Renderable
from inspect_tui.render import csv_out, html, markdown, text, xlsx
from inspect_tui.render.output import write_output

__all__ = ["EXTENSIONS", "FORMATS", "TEXT_FORMATS", "Renderable", "is_binary", "json_text", "render", "write"]


# json.dumps escapes C0 controls; DEL, C1 controls and lone surrogates it leaves raw
_JSON_RAW = re.compile("[\x7f-\x9f\ud800-\udfff]")


def json_text(data: Any) -> str:
    """JSON as UTF-8 text with every control character escaped (\\u001b, \\u009b)."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


#: format -> its renderer module (xlsx imports openpyxl only when it renders)
RENDERERS = {"text": text, "md": markdown, "csv": csv_out, "html": html, "xlsx": xlsx}


def render(report: Renderable, fmt: str) -> str | bytes:
    if fmt == "json":
        return json_text(report.to_json())
    # full: every late case listed (html and xlsx are for filing; text is for reading)
    doc = report.as_doc(full=fmt in ("html", "xlsx"))
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise ValueError(f"出力形式は {' / '.join(FORMATS)} のどれかです")
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
    """Render and write to path, whole or not at all (CSV as UTF-8 with its BOM; xlsx as bytes).

    Raises reports.output.OutputError naming the path and the reason."""

    write_output(Path(path), render(report, fmt))
