"""Display width of Japanese text in a terminal (wcwidth), and wrapping by it."""

from __future__ import annotations

from wcwidth import wcswidth, wcwidth


def width(text: str) -> int:
    w = wcswidth(text)
    if w >= 0:
        return w
    return sum(max(0, wcwidth(ch)) for ch in text)


def wrap(text: str, limit: int = 80, indent: str = "") -> list[str]:
    """Break text into lines of at most ``limit`` columns (Japanese: any character may break)."""
    out: list[str] = []
    line, w = indent, width(indent)
    for ch in text:
        cw = max(0, wcwidth(ch))
        if w + cw > limit and line.strip():
            out.append(line.rstrip())
            line, w = indent, width(indent)
            if ch == " ":
                continue
        line += ch
        w += cw
    if line.strip():
        out.append(line.rstrip())
    return out or [""]
