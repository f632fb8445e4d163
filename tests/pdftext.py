"""A rendered report as the text a person would read: str as it is, xlsx (a zip) by its XML
parts, PDF by pdftotext (poppler-utils; .ci/system-deps installs it)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest

PDFTOTEXT = shutil.which("pdftotext")


def pdf_text(data: bytes, page: int | None = None, *, layout: bool = False) -> str:
    """The text of a PDF (one page of it with page=N), by pdftotext; skips without it."""
    if PDFTOTEXT is None:
        pytest.skip("pdftotext is missing: apt-get install poppler-utils (.ci/system-deps)")
    args = [PDFTOTEXT, "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    out = subprocess.run([*args, "-", "-"], input=data, capture_output=True, check=True, timeout=60)
    return out.stdout.decode("utf-8")


def as_text(out: str | bytes) -> str:
    if isinstance(out, str):
        return out
    if out.startswith(b"%PDF"):
        return pdf_text(out)
    z = zipfile.ZipFile(io.BytesIO(out))
    return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def pdf_missing() -> str:
    """Why a PDF cannot be made and read here ("" when it can): the test's skip reason."""
    from inspect_tui.render.pdf import missing_parts

    missing = missing_parts()
    if missing:
        return f"PDF cannot be made here: apt-get install {' '.join(missing)} (.ci/system-deps)"
    if PDFTOTEXT is None:
        return "pdftotext is missing: apt-get install poppler-utils (.ci/system-deps)"
    return ""


def formats_here() -> tuple[str, ...]:
    """Every format, but pdf only where it can be made and read (the other formats never skip)."""
    from inspect_tui.core.renderable import FORMATS

    return tuple(f for f in FORMATS if f != "pdf" or not pdf_missing())
