"""Themes from themes/*.toml, registered with Textual (one Theme per file, named by its stem)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.theme import Theme

from inspect_tui.system.paths import themes_dir

_FIELDS = {
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "dark",
    "luminosity_spread",
    "text_alpha",
    "variables",
}


class ThemeFileError(ValueError):
    pass


def load_theme(path: Path) -> Theme:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ThemeFileError(f"{path}: 読めません: {exc}") from None
    unknown = set(doc) - _FIELDS
    if unknown:
        raise ThemeFileError(f"{path}: 知らないキーです: {', '.join(sorted(unknown))}")
    if "primary" not in doc:
        raise ThemeFileError(f"{path}: primary がありません")
    return Theme(name=path.stem, **doc)


def load_themes(folder: Path | None = None) -> tuple[list[Theme], list[str]]:
    """Every theme in the folder, and a message for each file that could not be used."""
    folder = folder or themes_dir()
    themes, problems = [], []
    for path in sorted(folder.glob("*.toml")):
        try:
            themes.append(load_theme(path))
        except ThemeFileError as exc:
            problems.append(str(exc))
    order = {"default": 0, "light": 1, "high-contrast": 2}
    themes.sort(key=lambda t: (order.get(t.name, 9), t.name))
    return themes, problems
