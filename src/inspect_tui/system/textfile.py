"""Reading a small text file a person wrote (the config, an SLA or KPI indicator file).

One place for what can go wrong before the TOML parser sees the text, each said
in Japanese: the file is missing, is a folder, may not be read, or is not
UTF-8 (with the line of the first bad byte). A UTF-8 byte-order mark at the
start is accepted: Windows Notepad writes one.
"""

from __future__ import annotations

import errno
from pathlib import Path

BOM = "\ufeff"


class TextFileError(ValueError):
    """The file cannot be read as UTF-8 text; str() says why, in Japanese, with its path."""

    def __init__(self, path: Path, reason: str, line: int = 0, *, missing: bool = False) -> None:
        self.path, self.reason, self.line, self.missing = path, reason, line, missing
        super().__init__(f"{path}:{line}: {reason}" if line else f"{path}: {reason}")


def os_reason(exc: OSError) -> str:
    """An OSError in Japanese (the OS's own text is English and says little to our users)."""
    if isinstance(exc, FileNotFoundError):
        return "ファイルがありません"
    if isinstance(exc, IsADirectoryError):
        return "フォルダです（ファイルを指定してください）"
    if isinstance(exc, PermissionError):
        return "読む権限がありません（ファイルの権限を確かめてください）"
    if exc.errno == errno.ENAMETOOLONG:
        return "名前が長すぎます"
    if exc.errno == errno.ENOTDIR:
        return "途中にフォルダでないものがあります"
    return f"読めません（{exc.strerror or type(exc).__name__}）"


def read_text(path: Path) -> str:
    """The file's text without a leading BOM; raises TextFileError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TextFileError(path, os_reason(exc), missing=isinstance(exc, FileNotFoundError)) from None
    except ValueError:  # a NUL in the path
        raise TextFileError(path, "パスに使えない文字（NUL）があります") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise TextFileError(
            path,
            f"UTF-8 で保存してください（{line}行目に UTF-8 でない文字があります。"
            "Shift_JIS で保存していませんか）",
            line,
        ) from None
    return text[1:] if text.startswith(BOM) else text
