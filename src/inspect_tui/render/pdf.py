"""PDF: the print html (render/html.py) laid out on A4 by WeasyPrint, with its fonts embedded.

WeasyPrint is pure Python over two system parts: Pango (text layout) and a font with
Japanese glyphs (fonts-noto-cjk). Without either a PDF would fail or print boxes, so
``missing_parts()`` checks both first and ``render`` raises ``PdfUnavailable`` saying
exactly what to install; every other format works without them. The html is rendered
from a string with no base URL and a URL fetcher that refuses everything: a report
never reaches for a file or the network.

WeasyPrint is imported when a PDF is made (0.8-3.2 s on the shared 2-vCPU machine:
``python -X importtime``, 3 runs, 2026-12-02), never by the commands that print other
formats. With ``libharfbuzz-subset0`` installed it subsets the embedded fonts in about
0.5 s; without it fontTools does, about 40 s per Noto CJK font (.ci/system-deps installs it).
"""

from __future__ import annotations

import os
from pathlib import Path

from inspect_tui.core.document import Doc
from inspect_tui.render import html
from inspect_tui.render.output import OutputError

#: what to install for each missing part (Debian / Ubuntu package names)
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"
FONT_PACKAGES = "fonts-noto-cjk"

#: where fontconfig finds fonts on Debian and for the user
FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path("~/.local/share/fonts").expanduser(),
    Path("~/.fonts").expanduser(),
)
#: file names of fonts with Japanese glyphs (Noto CJK, Source Han, IPA, Takao, VL Gothic)
_JP_FONT_WORDS = ("cjk", "sourcehan", "ipag", "ipam", "ipaex", "takao", "vl-gothic", "vlgothic")


class PdfUnavailable(OutputError):
    """A PDF was asked for on a machine without a part it needs; the message says what to install."""


def has_japanese_font(font_dirs: tuple[Path, ...] | None = None) -> bool:
    for folder in FONT_DIRS if font_dirs is None else font_dirs:
        if not folder.is_dir():
            continue
        for _root, _dirs, files in os.walk(folder):
            if any(any(w in f.lower() for w in _JP_FONT_WORDS) for f in files):
                return True
    return False


def has_pango() -> bool:
    try:
        import weasyprint  # noqa: F401  (loads Pango through cffi; OSError when it is missing)
    except (ImportError, OSError):
        return False
    return True


def missing_parts(font_dirs: tuple[Path, ...] | None = None) -> list[str]:
    """The system packages a PDF needs that are not installed (empty: a PDF can be made)."""
    missing = []
    if not has_pango():
        missing.append(PANGO_PACKAGES)
    if not has_japanese_font(font_dirs):
        missing.append(FONT_PACKAGES)
    return missing


def unavailable_message(missing: list[str]) -> str:
    what = "、".join("文字の組版に使う Pango" if m == PANGO_PACKAGES else "日本語のフォント" for m in missing)
    return (
        f"PDF を作れません: この機械に{what}がありません。"
        f"次で入れてください: sudo apt-get install {' '.join(missing)}"
        "（ほかの形式 text / md / csv / json / html / xlsx はそのまま使えます）"
    )


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError("a report fetches nothing")


def render(doc: Doc, font_dirs: tuple[Path, ...] | None = None) -> bytes:
    """The document as PDF bytes (A4, fonts embedded, page numbers); PdfUnavailable without
    Pango or a Japanese font."""
    missing = missing_parts(font_dirs)
    if missing:
        raise PdfUnavailable(unavailable_message(missing))
    import weasyprint  # deferred: 0.8-3.2 s, only when a PDF is made

    page = weasyprint.HTML(string=html.render(doc), url_fetcher=_no_fetch)
    return bytes(page.write_pdf())
