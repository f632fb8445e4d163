"""The fonts every printed format asks for (html, PDF, the charts' SVG)."""

#: Japanese fonts, the first one installed wins (Debian: fonts-noto-cjk); also in the page's
#: margin boxes (footer, page numbers), which do not inherit the body's font
FONTS = '"Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "Yu Gothic", "Meiryo", sans-serif'
