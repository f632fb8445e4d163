"""The bytes of a PDF: numbered objects, compressed page streams, the embedded fonts and
the cross-reference table (ISO 32000-1; PDF 1.7).

What is written: a Catalog, one Pages node, a Page per page with its content stream
(Flate), and per font a Type0 font (Identity-H) over a CIDFontType0 whose FontFile3 is the
subset CFF (render/pdf_font.py), with its widths and a ToUnicode map so the text can be
searched and copied (pdftotext reads it back). No dates, no producer, no ids: the same
document gives the same bytes.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from inspect_tui.render.pdf_font import Font


def pdf_string(text: str) -> bytes:
    """A text string (Info, bookmarks): UTF-16BE with its BOM, as hex."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


class Writer:
    def __init__(self) -> None:
        self.objects: list[bytes | None] = []

    def reserve(self) -> int:
        self.objects.append(None)
        return len(self.objects)

    def put(self, num: int, body: bytes) -> int:
        self.objects[num - 1] = body
        return num

    def add(self, body: bytes) -> int:
        return self.put(self.reserve(), body)

    def stream(self, data: bytes, extra: bytes = b"", *, compress: bool = True) -> int:
        if compress:
            data = zlib.compress(data, 6)
            extra += b" /Filter /FlateDecode"
        return self.add(b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream")

    def font(self, font: Font, tag: str) -> int:
        """The Type0 font of the used glyphs; its objects written now."""
        name = f"{tag}+{font.ps_name}".encode("ascii")
        cff = font.subset_cff()
        file_obj = self.stream(cff, b" /Subtype /CIDFontType0C")
        desc = self.add(
            b"<< /Type /FontDescriptor /FontName /%s /Flags 4 /FontBBox [-1000 -1100 3000 1900]"
            b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 733 /StemV 80 /FontFile3 %d 0 R >>"
            % (name, file_obj)
        )
        widths = sorted(font.widths().items())
        w = b" ".join(b"%d [%d]" % (gid, adv) for gid, adv in widths if adv != 1000)
        cid = self.add(
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /%s"
            b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
            b" /FontDescriptor %d 0 R /DW 1000 /W [%s] >>" % (name, desc, w)
        )
        to_unicode = self.stream(_to_unicode(font.unicode_of()))
        return self.add(
            b"<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H"
            b" /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (name, cid, to_unicode)
        )

    def finish(self, root: int, info: int) -> bytes:
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(self.objects, 1):
            assert body is not None, f"object {i} was reserved but never written"
            offsets.append(len(out))
            out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
        out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\n" % (len(self.objects) + 1, root, info)
        out += b"startxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)


def _to_unicode(chars: dict[int, str]) -> bytes:
    lines = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    items = sorted(chars.items())
    for start in range(0, len(items), 100):  # at most 100 entries a block
        block = items[start : start + 100]
        lines.append(b"%d beginbfchar" % len(block))
        lines += [b"<%04X> <%s>" % (gid, ch.encode("utf-16-be").hex().upper().encode()) for gid, ch in block]
        lines.append(b"endbfchar")
    lines.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    return b"\n".join(lines)


def document(
    pages: Sequence[bytes], size: tuple[float, float], fonts: Sequence[tuple[bytes, Font]], title: str
) -> bytes:
    """The whole file: pages (content streams using the fonts by their resource names)."""
    w = Writer()
    root, tree = w.reserve(), w.reserve()
    font_refs = b" ".join(
        b"/%s %d 0 R" % (res, w.font(font, f"AAAAA{chr(65 + i)}"))
        for i, (res, font) in enumerate(fonts)
        if font.used
    )
    resources = w.add(b"<< /Font << %s >> >>" % font_refs)
    kids = []
    for content in pages:
        stream = w.stream(content)
        kids.append(
            w.add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f]"
                b" /Resources %d 0 R /Contents %d 0 R >>" % (tree, size[0], size[1], resources, stream)
            )
        )
    w.put(
        tree, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    )
    w.put(root, b"<< /Type /Catalog /Pages %d 0 R /Lang (ja) >>" % tree)
    info = w.add(b"<< /Title %s >>" % pdf_string(title))
    return w.finish(root, info)
