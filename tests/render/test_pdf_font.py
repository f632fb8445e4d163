"""render/pdf_font.cid_order: the CID a PDF writes for each glyph, read from the font's CFF
charset. With Noto Sans CJK JP as Debian ships it (a collection in Adobe-Identity-0 order)
every CID is its glyph id; Google's single-face NotoSansCJKjp (Adobe-Japan1) is not, and
writing glyph ids there would print the wrong characters while pdftotext still read the
right ones (the ToUnicode map is keyed by the same codes). These fonts are built here
byte by byte, so the tests need no font installed."""

from __future__ import annotations

import pytest

from inspect_tui.render.pdf_font import cid_order


@pytest.fixture
def font():
    """Noto Sans CJK JP as a PDF embeds it (skips where it or HarfBuzz is missing)."""
    from inspect_tui.render import pdf, pdf_font

    missing = pdf.missing_parts()
    if missing:
        pytest.skip(f"PDF cannot be made here: apt-get install {' '.join(missing)} (.ci/system-deps)")
    return pdf_font.Font(*pdf_font.find_font(pdf.FONT_DIRS))


def index(items: list[bytes]) -> bytes:
    """A CFF INDEX with one-byte offsets."""
    offsets, at = [], 1
    for item in items:
        offsets.append(at)
        at += len(item)
    offsets.append(at)
    return len(items).to_bytes(2, "big") + b"\x01" + bytes(offsets) + b"".join(items)


def int5(v: int) -> bytes:
    return b"\x1d" + v.to_bytes(4, "big", signed=True)


def cff(charset: bytes | None, *, cid_keyed: bool = True) -> memoryview:
    """Header, Name INDEX, Top DICT INDEX (ROS and the charset's offset), then the charset."""
    head = bytes([1, 0, 4, 1]) + index([b"Test"])
    ros = int5(391) + int5(392) + int5(0) + b"\x0c\x1e" if cid_keyed else b""
    top_len = len(index([ros + int5(0) + b"\x0f"]))
    top = ros + int5(len(head) + top_len) + b"\x0f" if charset is not None else ros
    return memoryview(head + index([top]) + (charset or b""))


def test_an_identity_charset_is_none():
    assert cid_order(cff(b"\x02" + (1).to_bytes(2, "big") + (65533).to_bytes(2, "big")), 65535) is None


def test_adobe_japan1_ranges_give_each_glyph_its_cid():
    # format 1: glyphs 1-3 are CIDs 1-3, glyphs 4-5 are CIDs 633-634 (not their glyph ids)
    charset = b"\x01" + (1).to_bytes(2, "big") + b"\x02" + (633).to_bytes(2, "big") + b"\x01"
    assert cid_order(cff(charset), 6) == {1: 1, 2: 2, 3: 3, 4: 633, 5: 634}


def test_format_0_lists_every_cid():
    charset = b"\x00" + b"".join(v.to_bytes(2, "big") for v in (5, 1, 7))
    assert cid_order(cff(charset), 4) == {1: 5, 2: 1, 3: 7}


def test_a_font_that_is_not_cid_keyed_writes_glyph_ids():
    assert cid_order(cff(b"\x00\x00\x05", cid_keyed=False), 2) is None


def test_a_charset_format_this_reader_does_not_know_is_an_error():
    with pytest.raises(ValueError, match="format 3"):
        cid_order(cff(b"\x03\x00\x01"), 2)


def test_the_pdf_writes_cids_and_their_widths_not_glyph_ids(font):
    gid, cid, adv = font.glyph("あ")
    assert gid == cid  # Debian's collection: Adobe-Identity-0
    font._cids = {gid: 633}  # as an Adobe-Japan1 font would map it
    font._glyphs.clear()
    assert font.glyph("あ") == (gid, 633, adv)
    assert font.encode("ああ") == b"02790279"
    assert font.used == {gid}  # the subset keeps the glyph id
    assert font.widths() == {633: adv} and font.unicode_of() == {633: "あ"}


def test_ivs_combining_marks_and_missing_characters(font):
    """A name with an IVS (葛󠄀: U+845B U+E0100) prints the font's variant glyph; a combining
    mark prints as the precomposed character (e + U+0301 = é, か + U+3099 = が), never as a
    mark beside it; a character the font lacks (an emoji) prints as 〓, as Japanese print
    marks one, not as an empty box."""
    from inspect_tui.render import pdf
    from pdftext import pdf_text

    assert font.glyph("葛\U000e0100")[0] != font.glyph("葛")[0] != 0
    assert font.width("cafe\u0301") == font.width("café") and font.encode("cafe\u0301") == font.encode("café")
    assert font.encode("か\u3099") == font.encode("が")
    assert font.encode("👍") == font.encode("〓")

    from inspect_tui.core.document import Doc, Section

    doc = Doc("記録", [], [Section("1", paragraphs=["葛\U000e0100飾区 cafe\u0301 か\u3099き 👍"])])
    text = pdf_text(pdf.render(doc))
    assert "葛\U000e0100飾区 cafe\u0301 か\u3099き 〓" in text  # a copy gives back what was typed
