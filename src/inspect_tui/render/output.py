"""Where a report goes, and writing it to a file: the one rule behind every ``-o`` and the
writer behind it and the app's export.

``destination`` decides (the CLI's ``emit`` only carries it out): no ``-o``, or ``-o -``,
is standard output for every format, binary ones (render.formats.is_binary: xlsx, pdf)
as bytes, so ``ssh host 'inspect-tui report kpi --fy 2027 --format xlsx' > kpi.xlsx``
gets the file; only a binary format while standard output is a terminal (which would
show the bytes, escape sequences included) goes to its default file name in the current
folder instead. ``-o`` names a file, or a folder (one that exists, or any path ending in ``/``)
that gets the report's default file name. A folder that is missing or not
writable, and every failed write, is reported with the output path and the
operating system's reason in Japanese; never as a database problem. The file
appears whole or not at all: the bytes go to a temporary file beside it, which
is renamed over the target only once everything is written. A report file is created
``0600`` (readable by its owner only), whatever the umask; an existing file of that name
is replaced, as ``-o`` always did.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

# The reasons a user can act on, in their words; anything else keeps the system's own text.
_REASONS = {
    errno.ENOENT: "フォルダがありません",
    errno.EACCES: "書き込む権限がありません",
    errno.EPERM: "書き込む権限がありません",
    errno.ENOSPC: "ディスクがいっぱいです",
    errno.EDQUOT: "ディスクの割り当て（クォータ）を超えました",
    errno.EROFS: "読み取り専用のファイルシステムです",
    errno.EISDIR: "同じ名前のフォルダがあります",
    errno.ENOTDIR: "途中にフォルダでないファイルがあります",
    errno.ENAMETOOLONG: "名前が長すぎます",
    errno.EFBIG: "ファイルが大きすぎます",
}


class OutputError(Exception):
    """A report that could not be written; the message names the path and the reason.

    ``bad_input``: what was typed is wrong (an empty ``-o``), not the machine's state."""

    def __init__(self, message: str, *, bad_input: bool = False) -> None:
        super().__init__(message)
        self.bad_input = bad_input


#: ``-o -``: standard output, as no ``-o`` at all
STDOUT = "-"


def destination(
    output: str | None, default_name: str, *, binary: bool, to_terminal: bool, remote: bool = False
) -> Path | None:
    """Where a report goes: None for standard output, else the file to write.

    - ``output`` None or ``-``: standard output, whatever the format; except a binary
      format when standard output is a terminal: ``default_name`` in the current folder.
    - anything else: the file (or folder) ``-o`` names, as resolve_output reads it.

    ``remote``: the command was asked for over SSH (a forced command), so a file here would
    be on the server, where the person cannot reach it: the binary format to a terminal is
    refused, saying how to receive it (``-o FILE`` itself is refused before, by cli.trust).
    """
    if output is None or output == STDOUT:
        if not (binary and to_terminal):
            return None
        if remote:
            raise OutputError(
                "この形式は端末には出せません。手元のファイルに受けてください"
                f"（例: ssh -T … '…' > {default_name}）",
                bad_input=True,
            )
        return Path(default_name)
    return resolve_output(output, default_name)


def os_reason(exc: OSError) -> str:
    """The reason of an OSError in Japanese, with its errno name (ENOSPC, EACCES, ...)."""
    code = exc.errno
    name = errno.errorcode.get(code, "") if code is not None else ""
    text = _REASONS.get(code) if code is not None else None
    if text is None:
        text = exc.strerror or type(exc).__name__
    return f"{text}: {name}" if name else text


def resolve_output(out: str | os.PathLike[str], default_name: str) -> Path:
    """The file ``-o OUT`` means: OUT itself, or default_name inside the folder OUT.

    A folder is a path that is a directory or ends with a slash; it must exist (we
    do not create folders the user did not make). A file's folder must exist. Whether
    it may be written is the operating system's answer, given by write_output.
    """
    text = os.fspath(out)
    if not text.strip():
        raise OutputError(
            "-o に空のパスは指定できません（ファイル名、フォルダ、または標準出力なら -）", bad_input=True
        )
    path = Path(text).expanduser()
    if text.endswith(("/", os.sep)) or path.is_dir():
        if not path.exists():
            raise OutputError(f"書き出し先のフォルダがありません: {text}（先にフォルダを作ってください）")
        if not path.is_dir():
            raise OutputError(f"書き出し先 {text} はフォルダではありません（同じ名前のファイルがあります）")
        return path / default_name
    folder = path.parent
    if not folder.exists():
        raise OutputError(f"{path} に書き込めません（フォルダがありません: {folder}）")
    if not folder.is_dir():
        raise OutputError(f"{path} に書き込めません（{folder} はフォルダではありません）")
    return path


def write_output(path: Path, data: str | bytes) -> None:
    """Write data (text as UTF-8, bytes as they are) to path, whole or not at all."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = path.parent
    tmp = folder / f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}.part"  # = secrets.token_hex(4)
    try:
        # 0600: a report is the office's paper, not every local account's (fchmod: whatever the umask)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise OutputError(f"{path} に書き込めません（{os_reason(exc)}）") from None
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), 0o600)
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{path} に書き込めません（{os_reason(exc)}）") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
