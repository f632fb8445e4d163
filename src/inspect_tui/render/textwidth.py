"""Display width of Japanese text in a terminal (wcwidth), and wrapping by it."""

from __future__ import annotations

from wcwidth import wcswidth, wcwidth


def width(text: str) -> int:
    w = wcswidth(text)
    if w >= 0:
        return w
    return sum(max(0, wcwidth(ch)) for ch in text)


_NO_LINE_START = set("、。，．）」』】〕！？・ー…：；,.)]!?:;%")


def _tokens(text: str) -> list[str]:
    """ASCII words stay whole; every other character is its own token."""
    out: list[str] = []
    for ch in text:
        prev = out[-1][-1:] if out else ""
        if prev and ch.isascii() and not ch.isspace() and prev.isascii() and not prev.isspace():
            out[-1] += ch
        else:
            out.append(ch)
    return out


def wrap(text: str, limit: int = 80, indent: str = "") -> list[str]:
    """Break text into lines of at most ``limit`` columns.

    Japanese may break between any two characters, but not inside an ASCII
    word or number, and a closing mark (、。）」 …) never starts a line: it
    hangs past the limit instead.
    """
    out: list[str] = []
    line, w = indent, width(indent)
    for tok in _tokens(text):
        tw = width(tok)
        if w + tw > limit and line.strip() and not (tok[0] in _NO_LINE_START and w + tw <= limit + 2):
            out.append(line.rstrip())
            line, w = indent, width(indent)
            if tok.isspace():
                continue
        line += tok
        w += tw
    if line.strip():
        out.append(line.rstrip())
    return out or [""]
