"""The Japanese font a PDF embeds: found on disk, measured and subset by HarfBuzz (ctypes).

The font is Noto Sans CJK JP (Debian's fonts-noto-cjk): OpenType with CID-keyed CFF
outlines. A PDF shows a character by writing its glyph's CID (Identity-H), read from the
font's CFF charset (``cid_order``: the collection's faces are in the Adobe-Identity-0 order,
where the CID is the glyph id; Google's single-face NotoSansCJKjp is Adobe-Japan1, where it
is not), and embeds only the CFF table of a subset holding the glyphs the document used
(HarfBuzz keeps each glyph's CID in the subset's charset). Two calls do the work:
``hb_font_get_nominal_glyph`` / ``hb_font_get_glyph_h_advance`` for each distinct
character (cached), and ``hb_subset_or_fail`` once per font when the file is written
(12-25 ms for a report's few hundred characters, 2026-12-08).

libharfbuzz and libharfbuzz-subset are loaded with ctypes the first time a PDF is made;
without them, or without such a font, ``render.pdf.missing_parts`` names the package to
install before anything is laid out.
"""

from __future__ import annotations

import ctypes
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

#: the fonts a PDF can embed, best first: (file name, face wanted in a collection). Noto Sans
#: CJK JP as Debian's fonts-noto-cjk ships it (a collection) or as Google's single-face file;
#: another font would need its CID order checked first (see the module's docstring)
FONT_FILES = (
    ("NotoSansCJK-Regular.ttc", "Noto Sans CJK JP"),
    ("NotoSansCJKjp-Regular.otf", "Noto Sans CJK JP"),
)
BOLD_FILES = {
    "NotoSansCJK-Regular.ttc": "NotoSansCJK-Bold.ttc",
    "NotoSansCJKjp-Regular.otf": "NotoSansCJKjp-Bold.otf",
}

GETA = "〓"  # printed for a character the font has not (an emoji)
#: the Unicode categories of characters that show nothing: controls, formats (U+200B, U+202E,
#: U+FEFF), line and paragraph separators, marks without a character before them
INVISIBLE = ("Cc", "Cf", "Zl", "Zp", "Mn", "Me")
#: characters drawn with the one before them: combining marks (U+0301, the kana marks U+3099
#: and U+309A) and variation selectors (U+FE00-FE0F, the IVS U+E0100-E01EF)
_JOINING = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\u3099\u309a"
    "\ufe00-\ufe0f\ufe20-\ufe2f\U000e0100-\U000e01ef]"
)


def _is_selector(ch: str) -> bool:
    return "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef"


_P = ctypes.c_void_p
_U32 = ctypes.c_uint32


def _tag(name: str) -> int:
    a, b, c, d = (ord(ch) for ch in name)
    return (a << 24) | (b << 16) | (c << 8) | d


def _load(name: str) -> ctypes.CDLL:
    """lib<name>.so.0 by its soname (1 ms), else wherever ctypes.util finds it (which runs
    ldconfig: 27 ms, so only where the soname differs, as on macOS)."""
    try:
        return ctypes.CDLL(f"lib{name}.so.0")
    except OSError:
        from ctypes.util import find_library

        found = find_library(name)
        if found is None:
            raise
        return ctypes.CDLL(found)


class _HarfBuzz:
    """The few HarfBuzz functions a PDF needs, with their C signatures."""

    def __init__(self) -> None:
        hb, hbs = _load("harfbuzz"), _load("harfbuzz-subset")
        for lib, name, res, args in (
            (hb, "hb_blob_create_from_file", _P, [ctypes.c_char_p]),
            (hb, "hb_blob_get_data", ctypes.POINTER(ctypes.c_char), [_P, ctypes.POINTER(ctypes.c_uint)]),
            (hb, "hb_blob_destroy", None, [_P]),
            (hb, "hb_face_count", ctypes.c_uint, [_P]),
            (hb, "hb_face_create", _P, [_P, ctypes.c_uint]),
            (hb, "hb_face_destroy", None, [_P]),
            (hb, "hb_face_get_upem", ctypes.c_uint, [_P]),
            (hb, "hb_face_get_glyph_count", ctypes.c_uint, [_P]),
            (hb, "hb_face_reference_table", _P, [_P, _U32]),
            (hb, "hb_font_create", _P, [_P]),
            (hb, "hb_font_get_nominal_glyph", ctypes.c_int, [_P, _U32, ctypes.POINTER(_U32)]),
            (hb, "hb_font_get_glyph_h_advance", ctypes.c_int32, [_P, _U32]),
            (hb, "hb_font_get_variation_glyph", ctypes.c_int, [_P, _U32, _U32, ctypes.POINTER(_U32)]),
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

    def __getattr__(self, name: str) -> Any:
        """The C functions set in __init__ (hb_font_create is ``font_create``); typed as Any
        for mypy, since they are set by name."""
        raise AttributeError(name)

    def blob_bytes(self, blob: int) -> bytes:
        n = ctypes.c_uint()
        data = self.blob_get_data(blob, ctypes.byref(n))
        return ctypes.string_at(data, n.value) if n.value else b""

    def blob_view(self, blob: int) -> memoryview:
        """A blob's bytes without copying them (valid while the blob lives)."""
        n = ctypes.c_uint()
        data = self.blob_get_data(blob, ctypes.byref(n))
        if not n.value:
            return memoryview(b"")
        return memoryview((ctypes.c_char * n.value).from_address(ctypes.addressof(data.contents))).cast("B")

    def name(self, face: int, name_id: int) -> str:
        lang = self.language_from_string(b"en", -1)
        size = ctypes.c_uint(256)
        buf = ctypes.create_string_buffer(256)
        self.ot_name_get_utf8(face, name_id, lang, ctypes.byref(size), buf)
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


# --------------------------------------------------------------------------- the CFF charset


def _index(cff: memoryview, off: int) -> tuple[list[memoryview], int]:
    """A CFF INDEX at off: its items and the offset after it."""
    count = int.from_bytes(cff[off : off + 2], "big")
    if count == 0:
        return [], off + 2
    size = cff[off + 2]
    at = off + 3
    offsets = [int.from_bytes(cff[at + i * size : at + (i + 1) * size], "big") for i in range(count + 1)]
    base = at + (count + 1) * size - 1
    return [cff[base + offsets[i] : base + offsets[i + 1]] for i in range(count)], base + offsets[-1]


def _dict(data: memoryview) -> dict[int, list[int]]:
    """A CFF DICT's integer operands by operator (12 x as 1200 + x; reals skipped)."""
    out: dict[int, list[int]] = {}
    operands: list[int] = []
    i = 0
    while i < len(data):
        b = data[i]
        if b <= 21:
            op = b
            if b == 12:
                i += 1
                op = 1200 + data[i]
            out[op] = operands
            operands = []
            i += 1
        elif b == 28:
            operands.append(int.from_bytes(data[i + 1 : i + 3], "big", signed=True))
            i += 3
        elif b == 29:
            operands.append(int.from_bytes(data[i + 1 : i + 5], "big", signed=True))
            i += 5
        elif b == 30:  # a real: nibbles up to 0xf
            i += 1
            while i < len(data) and (data[i] & 0x0F) != 0x0F and (data[i] >> 4) != 0x0F:
                i += 1
            i += 1
            operands.append(0)
        elif 32 <= b <= 246:
            operands.append(b - 139)
            i += 1
        elif 247 <= b <= 250:
            operands.append((b - 247) * 256 + data[i + 1] + 108)
            i += 2
        elif 251 <= b <= 254:
            operands.append(-(b - 251) * 256 - data[i + 1] - 108)
            i += 2
        else:
            raise ValueError(f"a CFF DICT byte this reader does not know: {b}")
    return out


_ROS, _CHARSET = 1230, 15


def cid_order(cff: memoryview, glyphs: int) -> dict[int, int] | None:
    """Glyph id -> CID from a CID-keyed CFF's charset; None where every CID is its glyph id
    (Adobe-Identity-0 as fonts-noto-cjk ships it, or a font that is not CID-keyed)."""
    _names, after = _index(cff, cff[2])
    tops, _ = _index(cff, after)
    top = _dict(tops[0])
    if _ROS not in top or not top.get(_CHARSET):
        return None
    at = top[_CHARSET][0]
    fmt, at = cff[at], at + 1
    if fmt not in (0, 1, 2):
        raise ValueError(f"CFF charset format {fmt}")
    ranges: list[tuple[int, int, int]] = []  # (first glyph id, first CID, how many)
    gid = 1
    while gid < glyphs:
        if fmt == 0:
            first, count = int.from_bytes(cff[at : at + 2], "big"), 1
            at += 2
        else:
            first = int.from_bytes(cff[at : at + 2], "big")
            count = 1 + (cff[at + 2] if fmt == 1 else int.from_bytes(cff[at + 2 : at + 4], "big"))
            at += 3 if fmt == 1 else 4
        ranges.append((gid, first, count))
        gid += count
    if all(g == cid for g, cid, _n in ranges):
        return None
    return {g + k: cid + k for g, cid, n in ranges for k in range(n)}


# hb_subset flags and sets (hb-subset.h, HarfBuzz 2.9+)
_NO_HINTING = 0x1
_SET_LAYOUT_FEATURE_TAG = 6


class Font:
    """One face of a font file: glyph ids and advances of characters, and its CFF subset."""

    def __init__(self, path: Path, family: str) -> None:
        hb = self.hb = harfbuzz()
        self.blob = hb.blob_create_from_file(os.fsencode(path))
        count = hb.face_count(self.blob)
        if count == 0:
            raise OSError(f"not a font: {path.name}")
        face = None
        for i in range(count):
            candidate = hb.face_create(self.blob, i)
            if hb.name(candidate, 1) == family or i == count - 1:
                face = candidate
                break
            hb.face_destroy(candidate)
        assert face is not None  # the loop takes the last face at the latest
        self.face = face
        self.font = hb.font_create(face)
        self.upem = hb.face_get_upem(face) or 1000
        self.ps_name = "".join(c for c in hb.name(face, 6) if c.isalnum() or c in "-_") or "JapaneseFont"
        table = hb.face_reference_table(face, _tag("CFF "))
        try:
            cff = hb.blob_view(table)
            if len(cff) < 4:
                raise OSError(f"not an OpenType CFF font: {path.name}")
            try:
                self._cids = cid_order(cff, hb.face_get_glyph_count(face))
            except (ValueError, IndexError) as e:
                raise OSError(f"a CFF table this writer cannot read: {path.name}") from e
            del cff  # the view dies before its blob
        finally:
            hb.blob_destroy(table)
        #: character -> (glyph id, CID, advance in 1/1000 em), and the CID as 4 hex digits
        self._glyphs: dict[str, tuple[int, int, int]] = {}
        self._adv: dict[str, int] = {}
        self._hex: dict[str, str] = {}
        self._widths: dict[str, int] = {}  # whole texts measured (a report repeats its dates, numbers)
        self._used: set[str] = set()
        self._shown: dict[str, str] = {}  # a unit drawn as something else (〓 for a missing glyph)

    def _nominal(self, ch: str) -> int:
        gid = _U32()
        if not self.hb.font_get_nominal_glyph(self.font, ord(ch), ctypes.byref(gid)):
            return 0
        return gid.value

    def glyph(self, unit: str) -> tuple[int, int, int]:
        """(glyph id, CID, advance in 1/1000 em) of a character, or of a character with its
        variation selector (葛 + U+E0100: the font's IVS glyph) or combining marks (e + U+0301:
        the precomposed é where there is one; marks with no such character are left out).
        A character the font does not have prints as 〓 (geta, as Japanese print marks one)."""
        g = self._glyphs.get(unit)
        if g is not None:
            return g
        base, rest = unit[0], unit[1:]
        if base == "\t":
            base = self._shown[unit] = " "  # a tab typed into a note: a space
        gid = self._nominal(base)
        if rest:
            selector = next((c for c in rest if _is_selector(c)), "")
            marks = "".join(c for c in rest if not _is_selector(c))
            found = _U32()
            if selector and self.hb.font_get_variation_glyph(
                self.font, ord(base), ord(selector), ctypes.byref(found)
            ):
                gid = found.value
            elif marks:
                composed = unicodedata.normalize("NFC", base + marks)
                if len(composed) == 1 and self._nominal(composed):
                    gid = self._nominal(composed)
        if gid == 0 and (_is_selector(base) or unicodedata.category(base) in INVISIBLE):
            # nothing to see (a zero-width space, a direction mark, a lone selector): not drawn
            g = self._glyphs[unit] = (0, 0, 0)
            self._adv[unit], self._hex[unit] = 0, ""
            return g
        if gid == 0:
            gid = self._nominal(GETA)
            self._shown[unit] = GETA
        adv = self.hb.font_get_glyph_h_advance(self.font, gid)
        cid = gid if self._cids is None else self._cids.get(gid, 0)
        g = self._glyphs[unit] = (gid, cid, round(adv * 1000 / self.upem))
        self._adv[unit] = g[2]
        self._hex[unit] = f"{cid:04x}"
        return g

    def units(self, text: str) -> list[str] | str:
        """text as what is drawn one glyph each: itself when every character stands alone
        (nearly always), else a list with each variation selector and combining mark on the
        character before it."""
        if _JOINING.search(text) is None:
            return text
        out: list[str] = []
        for ch in text:
            if out and (_is_selector(ch) or unicodedata.category(ch) in ("Mn", "Me")):
                out[-1] += ch
            else:
                out.append(ch)
        return out

    def width(self, text: str) -> int:
        """The advance of text in 1/1000 em."""
        w = self._widths.get(text)
        if w is None:
            units = self.units(text)
            try:
                w = sum(map(self._adv.__getitem__, units))
            except KeyError:
                for u in units:
                    self.glyph(u)
                w = sum(map(self._adv.__getitem__, units))
            self._widths[text] = w
        return w

    def encode(self, text: str) -> bytes:
        """text as the hex of its CIDs (Identity-H: two bytes each), its characters marked used."""
        units = self.units(text)
        try:
            out = "".join(map(self._hex.__getitem__, units))
        except KeyError:
            for u in units:
                self.glyph(u)
            out = "".join(map(self._hex.__getitem__, units))
        self._used.update(units)
        return out.encode("ascii")

    @property
    def used(self) -> set[int]:
        """The glyph ids drawn so far."""
        return {self._glyphs[ch][0] for ch in self._used}

    def unicode_of(self) -> dict[int, str]:
        """Each used CID and the text it shows (the PDF's ToUnicode map: what a search or a
        copy finds; 〓 where the font had no glyph)."""
        out: dict[int, str] = {}
        for unit in sorted(self._used):
            cid = self._glyphs[unit][1]
            if cid:
                out.setdefault(cid, self._shown.get(unit, unit))
        return out

    def widths(self) -> dict[int, int]:
        """Each used CID's advance (the PDF's W array)."""
        return {self._glyphs[ch][1]: self._adv[ch] for ch in self._used}

    def subset_cff(self) -> bytes:
        """The CFF table of a subset with the used glyphs (and .notdef)."""
        hb = self.hb
        inp = hb.subset_input_create_or_fail()
        if not inp:
            raise OSError("HarfBuzz could not start a subset")
        try:
            glyphs = hb.subset_input_glyph_set(inp)
            hb.set_add(glyphs, 0)
            for gid in sorted(self.used):
                hb.set_add(glyphs, gid)
            hb.set_clear(hb.subset_input_set(inp, _SET_LAYOUT_FEATURE_TAG))
            hb.subset_input_set_flags(inp, _NO_HINTING)
            sub = hb.subset_or_fail(self.face, inp)
            if not sub:
                raise OSError("HarfBuzz could not subset the font")
            table = hb.face_reference_table(sub, _tag("CFF "))
            data = hb.blob_bytes(table)
            hb.blob_destroy(table)
            hb.face_destroy(sub)
        finally:
            hb.subset_input_destroy(inp)
        if not data:
            raise OSError("the font's subset has no CFF table")
        return data
