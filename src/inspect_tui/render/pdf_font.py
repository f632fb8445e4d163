"""The Japanese font a PDF embeds: found on disk, measured and subset by HarfBuzz (ctypes).

The font is an OpenType CJK font with CFF outlines, CID-keyed in the Adobe-Identity-0
order (Noto Sans CJK JP from Debian's fonts-noto-cjk, or Source Han Sans): its glyph ids
are its CIDs, so a PDF shows a character by writing the glyph id the font's cmap gives
(Identity-H) and embeds only the CFF table of a subset holding the glyphs the document
used (HarfBuzz keeps each glyph's CID in the subset's charset). Two calls do the work:
``hb_font_get_nominal_glyph`` / ``hb_font_get_glyph_h_advance`` for each distinct
character (cached), and ``hb_subset_or_fail`` once per font when the file is written
(12-25 ms for a report's few hundred characters, 2026-12-08).

libharfbuzz and libharfbuzz-subset are loaded with ctypes the first time a PDF is made;
without them, or without such a font, ``render.pdf.missing_parts`` names the package to
install before anything is laid out.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path

#: the fonts a PDF can embed, best first: (file name, face wanted in a collection)
FONT_FILES = (
    ("NotoSansCJK-Regular.ttc", "Noto Sans CJK JP"),
    ("NotoSansCJKjp-Regular.otf", "Noto Sans CJK JP"),
    ("SourceHanSans-Regular.ttc", "Source Han Sans"),
    ("SourceHanSansJP-Regular.otf", "Source Han Sans JP"),
)
BOLD_FILES = {
    "NotoSansCJK-Regular.ttc": "NotoSansCJK-Bold.ttc",
    "NotoSansCJKjp-Regular.otf": "NotoSansCJKjp-Bold.otf",
    "SourceHanSans-Regular.ttc": "SourceHanSans-Bold.ttc",
    "SourceHanSansJP-Regular.otf": "SourceHanSansJP-Bold.otf",
}

_P = ctypes.c_void_p
_U32 = ctypes.c_uint32


def _tag(name: str) -> int:
    a, b, c, d = (ord(ch) for ch in name)
    return (a << 24) | (b << 16) | (c << 8) | d


class _HarfBuzz:
    """The few HarfBuzz functions a PDF needs, with their C signatures."""

    def __init__(self) -> None:
        hb = ctypes.CDLL(ctypes.util.find_library("harfbuzz") or "libharfbuzz.so.0")
        hbs = ctypes.CDLL(ctypes.util.find_library("harfbuzz-subset") or "libharfbuzz-subset.so.0")
        for lib, name, res, args in (
            (hb, "hb_blob_create_from_file", _P, [ctypes.c_char_p]),
            (hb, "hb_blob_get_data", ctypes.POINTER(ctypes.c_char), [_P, ctypes.POINTER(ctypes.c_uint)]),
            (hb, "hb_blob_destroy", None, [_P]),
            (hb, "hb_face_count", ctypes.c_uint, [_P]),
            (hb, "hb_face_create", _P, [_P, ctypes.c_uint]),
            (hb, "hb_face_destroy", None, [_P]),
            (hb, "hb_face_get_upem", ctypes.c_uint, [_P]),
            (hb, "hb_face_reference_table", _P, [_P, _U32]),
            (hb, "hb_font_create", _P, [_P]),
            (hb, "hb_font_get_nominal_glyph", ctypes.c_int, [_P, _U32, ctypes.POINTER(_U32)]),
            (hb, "hb_font_get_glyph_h_advance", ctypes.c_int32, [_P, _U32]),
            (
                hb,
                "hb_ot_name_get_utf8",
                ctypes.c_uint,
                [_P, ctypes.c_uint, _P, ctypes.POINTER(ctypes.c_uint), _P],
            ),
            (hb, "hb_language_from_string", _P, [ctypes.c_char_p, ctypes.c_int]),
            (hb, "hb_set_add", None, [_P, _U32]),
            (hb, "hb_set_clear", None, [_P]),
            (hbs, "hb_subset_input_create_or_fail", _P, []),
            (hbs, "hb_subset_input_destroy", None, [_P]),
            (hbs, "hb_subset_input_glyph_set", _P, [_P]),
            (hbs, "hb_subset_input_set", _P, [_P, ctypes.c_int]),
            (hbs, "hb_subset_input_set_flags", None, [_P, ctypes.c_uint]),
            (hbs, "hb_subset_or_fail", _P, [_P, _P]),
        ):
            fn = getattr(lib, name)
            fn.restype, fn.argtypes = res, args
            setattr(self, name[3:], fn)

    def blob_bytes(self, blob: int) -> bytes:
        n = ctypes.c_uint()
        data = self.blob_get_data(blob, ctypes.byref(n))  # type: ignore[attr-defined]
        return ctypes.string_at(data, n.value) if n.value else b""

    def name(self, face: int, name_id: int) -> str:
        lang = self.language_from_string(b"en", -1)  # type: ignore[attr-defined]
        size = ctypes.c_uint(256)
        buf = ctypes.create_string_buffer(256)
        self.ot_name_get_utf8(face, name_id, lang, ctypes.byref(size), buf)  # type: ignore[attr-defined]
        return buf.value.decode("utf-8", "replace")


_HB: _HarfBuzz | None = None


def harfbuzz() -> _HarfBuzz:
    """HarfBuzz, loaded once; OSError when libharfbuzz or libharfbuzz-subset is missing."""
    global _HB
    if _HB is None:
        _HB = _HarfBuzz()
    return _HB


def has_harfbuzz() -> bool:
    try:
        harfbuzz()
    except (OSError, AttributeError):
        return False
    return True


def find_font(font_dirs: tuple[Path, ...]) -> tuple[Path, str] | None:
    """The best font of FONT_FILES in the folders (and the face it wants), or None."""
    found: dict[str, Path] = {}
    for folder in font_dirs:
        if not folder.is_dir():
            continue
        for root, _dirs, files in os.walk(folder):
            for f in files:
                found.setdefault(f, Path(root) / f)
    for name, family in FONT_FILES:
        if name in found:
            return found[name], family
    return None


# hb_subset flags and sets (hb-subset.h, HarfBuzz 2.9+)
_NO_HINTING = 0x1
_SET_LAYOUT_FEATURE_TAG = 6


class Font:
    """One face of a font file: glyph ids and advances of characters, and its CFF subset."""

    def __init__(self, path: Path, family: str) -> None:
        hb = self.hb = harfbuzz()
        self.blob = hb.blob_create_from_file(os.fsencode(path))  # type: ignore[attr-defined]
        count = hb.face_count(self.blob)  # type: ignore[attr-defined]
        if count == 0:
            raise OSError(f"not a font: {path.name}")
        face = None
        for i in range(count):
            candidate = hb.face_create(self.blob, i)  # type: ignore[attr-defined]
            if hb.name(candidate, 1) == family or i == count - 1:
                face = candidate
                break
            hb.face_destroy(candidate)  # type: ignore[attr-defined]
        assert face is not None  # the loop takes the last face at the latest
        self.face = face
        self.font = hb.font_create(face)  # type: ignore[attr-defined]
        self.upem = hb.face_get_upem(face) or 1000  # type: ignore[attr-defined]
        cff = hb.face_reference_table(face, _tag("CFF "))  # type: ignore[attr-defined]
        has_cff = bool(hb.blob_bytes(cff)[:4])
        hb.blob_destroy(cff)  # type: ignore[attr-defined]
        if not has_cff:
            raise OSError(f"not an OpenType CFF font: {path.name}")
        self.ps_name = "".join(c for c in hb.name(face, 6) if c.isalnum() or c in "-_") or "JapaneseFont"
        #: character -> (glyph id, advance in 1/1000 em), and the glyph id as 4 hex digits
        self._glyphs: dict[str, tuple[int, int]] = {}
        self._adv: dict[str, int] = {}
        self._hex: dict[str, str] = {}
        self._widths: dict[str, int] = {}  # whole texts measured (a report repeats its dates, numbers)
        self._used: set[str] = set()

    def glyph(self, ch: str) -> tuple[int, int]:
        g = self._glyphs.get(ch)
        if g is None:
            gid = _U32()
            if not self.hb.font_get_nominal_glyph(self.font, ord(ch), ctypes.byref(gid)):  # type: ignore[attr-defined]
                gid.value = 0  # .notdef: a character the font has not
            adv = self.hb.font_get_glyph_h_advance(self.font, gid.value)  # type: ignore[attr-defined]
            g = self._glyphs[ch] = (gid.value, round(adv * 1000 / self.upem))
            self._adv[ch] = g[1]
            self._hex[ch] = f"{gid.value:04x}"
        return g

    def width(self, text: str) -> int:
        """The advance of text in 1/1000 em."""
        w = self._widths.get(text)
        if w is None:
            try:
                w = sum(map(self._adv.__getitem__, text))
            except KeyError:
                for ch in text:
                    self.glyph(ch)
                w = sum(map(self._adv.__getitem__, text))
            self._widths[text] = w
        return w

    def encode(self, text: str) -> bytes:
        """text as the hex of its glyph ids (Identity-H: two bytes each), its characters marked used."""
        try:
            out = "".join(map(self._hex.__getitem__, text))
        except KeyError:
            for ch in text:
                self.glyph(ch)
            out = "".join(map(self._hex.__getitem__, text))
        self._used.update(text)
        return out.encode("ascii")

    @property
    def used(self) -> set[int]:
        """The glyph ids drawn so far."""
        return {self._glyphs[ch][0] for ch in self._used}

    def unicode_of(self) -> dict[int, str]:
        """Each used glyph id and the character it shows (the PDF's ToUnicode map)."""
        out: dict[int, str] = {}
        for ch in sorted(self._used):
            gid = self._glyphs[ch][0]
            if gid:
                out.setdefault(gid, ch)
        return out

    def widths(self) -> dict[int, int]:
        return {self._glyphs[ch][0]: self._adv[ch] for ch in self._used}

    def subset_cff(self) -> bytes:
        """The CFF table of a subset with the used glyphs (and .notdef)."""
        hb = self.hb
        inp = hb.subset_input_create_or_fail()  # type: ignore[attr-defined]
        if not inp:
            raise OSError("HarfBuzz could not start a subset")
        try:
            glyphs = hb.subset_input_glyph_set(inp)  # type: ignore[attr-defined]
            hb.set_add(glyphs, 0)  # type: ignore[attr-defined]
            for gid in sorted(self.used):
                hb.set_add(glyphs, gid)  # type: ignore[attr-defined]
            hb.set_clear(hb.subset_input_set(inp, _SET_LAYOUT_FEATURE_TAG))  # type: ignore[attr-defined]
            hb.subset_input_set_flags(inp, _NO_HINTING)  # type: ignore[attr-defined]
            sub = hb.subset_or_fail(self.face, inp)  # type: ignore[attr-defined]
            if not sub:
                raise OSError("HarfBuzz could not subset the font")
            table = hb.face_reference_table(sub, _tag("CFF "))  # type: ignore[attr-defined]
            data = hb.blob_bytes(table)
            hb.blob_destroy(table)  # type: ignore[attr-defined]
            hb.face_destroy(sub)  # type: ignore[attr-defined]
        finally:
            hb.subset_input_destroy(inp)  # type: ignore[attr-defined]
        if not data:
            raise OSError("the font's subset has no CFF table")
        return data
