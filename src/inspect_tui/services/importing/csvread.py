"""Reading a CSV file a user brings: a piece at a time, within limits.

Excel in Japan saves CSV as CP932 ("CSV (コンマ区切り)") or UTF-8 with a BOM
("CSV UTF-8"); other tools write plain UTF-8. The encoding is decided from the
file's first megabyte: a UTF-8 BOM means UTF-8 (strictly); otherwise UTF-8 if
that megabyte reads as UTF-8, else CP932. A file that is plain ASCII there and
only later shows CP932 bytes is carried on in CP932 without reading it again
(ASCII reads the same in both), so no file is ever read twice. UTF-16
("Unicode テキスト") and binary files (a NUL byte) are refused, with a message
saying how to save the file instead.

Nothing is held whole: the file is read 1 MiB at a time, decoded, split into
lines and parsed by the csv module as the rows are asked for. The limits
(``CsvLimits``) keep a hostile or mistaken file from taking the machine: a file
over the size limit is refused before it is read (and a stream that never ends,
such as /dev/zero or a pipe, is stopped once that many bytes have come), and a
line longer than the line limit is refused as soon as it is seen, and so is a
file with more rows than the row limit (each row is held until the import
writes). Column and cell limits are checked by the import, which names the
line and the column.
"""

from __future__ import annotations

import codecs
import csv
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, NamedTuple

from inspect_tui.core.records import record

ENCODING_LABELS = {"utf-8-sig": "UTF-8", "cp932": "CP932（Shift_JIS）"}
SAVE_AS_HINT = "Excel なら「CSV UTF-8」か「CSV（コンマ区切り）」で保存し直してください"
CHUNK_BYTES = 1 << 20
MB = 1 << 20


@record(frozen=True)
class CsvLimits:
    """What an import accepts. A city's yearly request list is ~15,000 rows of ~200
    bytes (3 MB); the limits are far above anything such a file reaches."""

    max_bytes: int = 64 * MB  # ~300,000 full rows, twenty years of a city's requests
    max_columns: int = 100  # the request list has 19 columns, the roster 11
    max_cell_chars: int = 1_000  # a name or a code is under 100
    max_line_chars: int = 20_000  # one record, line breaks inside quoted cells included
    max_rows: int = 200_000  # thirteen years of a city's requests; each row is held until the write


LIMITS = CsvLimits()


class CsvFileError(ValueError):
    """A file we cannot read as CSV; the message says why and what to do."""


class CsvRow(NamedTuple):
    line: int  # physical line number in the file where the record starts (header = 1)
    cells: tuple[str, ...]


def _size(n: int) -> str:
    """64 MB, 190.7 MB, 512 バイト."""
    if n < MB:
        return f"{n:,} バイト"
    return f"{n / MB:,.1f}".removesuffix(".0") + " MB"


# -- bytes to text ------------------------------------------------------------------
class _Decoded:
    """A byte stream's text, a chunk at a time, in the encoding its first chunk shows."""

    def __init__(
        self, f: IO[bytes], where: str, limits: CsvLimits, on_read: Callable[[int], None] | None = None
    ) -> None:
        self.f, self.where, self.limits, self.on_read = f, where, limits, on_read
        self.read_bytes = 0
        self.lines_before = 0  # line breaks in the chunks already decoded
        self.ascii_so_far = True
        first = self._read(check_nul=False)
        if first.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise CsvFileError(f"{where}UTF-16 で保存されたファイルは読めません。{SAVE_AS_HINT}")
        self._check_nul(first)
        self.bom = first.startswith(codecs.BOM_UTF8)
        self.encoding = "utf-8-sig" if self.bom else self._guess(first)
        self.decoder = codecs.getincrementaldecoder(self.encoding)(errors="strict")
        self._first: bytes | None = first

    def _read(self, check_nul: bool = True) -> bytes:
        data = self.f.read(CHUNK_BYTES)
        self.read_bytes += len(data)
        if self.on_read is not None:
            self.on_read(self.read_bytes)
        if self.read_bytes > self.limits.max_bytes:
            raise CsvFileError(
                f"{self.where}ファイルが大きすぎます（{_size(self.limits.max_bytes)} を超えたところで"
                f"読むのをやめました。取り込めるのは {_size(self.limits.max_bytes)} まで）"
            )
        if check_nul:
            self._check_nul(data)
        return data

    def _check_nul(self, data: bytes) -> None:
        if b"\x00" in data:
            raise CsvFileError(
                f"{self.where}CSV ではないか、UTF-16 などの読めない文字コードのファイルです。{SAVE_AS_HINT}"
            )

    def _guess(self, first: bytes) -> str:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(first, final=False)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
        try:
            codecs.getincrementaldecoder("cp932")().decode(first, final=False)
            return "cp932"
        except UnicodeDecodeError as exc:
            raise self._neither(first, exc.start) from None

    def _neither(self, data: bytes, offset: int) -> CsvFileError:
        line = self.lines_before + data.count(b"\n", 0, max(0, offset)) + 1
        return CsvFileError(
            f"{self.where}文字コードが UTF-8 でも CP932（Shift_JIS）でもありません"
            f"（行 {line} で読めないバイト）。{SAVE_AS_HINT}"
        )

    def chunks(self) -> Iterator[str]:
        data, self._first = self._first, None
        while data:
            yield self._decode(data, final=False)
            self.lines_before += data.count(b"\n")
            data = self._read()
        tail = self._decode(b"", final=True)
        if tail:
            yield tail

    def _decode(self, data: bytes, final: bool) -> str:
        pending = len(self.decoder.getstate()[0])
        try:
            text = self.decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            offset = exc.start - pending
            if self.encoding == "cp932":
                raise self._neither(data, offset) from None
            if not self.bom and self.ascii_so_far and data[: max(0, offset)].isascii():
                # ASCII until here, which CP932 reads the same: go on in CP932, no second pass
                self.encoding = "cp932"
                self.decoder = codecs.getincrementaldecoder("cp932")(errors="strict")
                return self._decode(data, final)
            line = self.lines_before + data.count(b"\n", 0, max(0, offset)) + 1
            what = (
                "UTF-8（BOM 付き）として読めないバイトがあります"
                if self.bom
                else "UTF-8 として読めないバイトがあります（それより前は UTF-8 で書かれています）"
            )
            raise CsvFileError(f"{self.where}行 {line}: {what}。{SAVE_AS_HINT}") from None
        if self.ascii_so_far and not data.isascii():
            self.ascii_so_far = False
        return text


# -- text to lines ------------------------------------------------------------------
_EOL = re.compile(r"\r\n|\r|\n")


class _Lines:
    """Physical lines (ends kept, as csv wants) of a text stream, none over the line limit.

    ``mark()`` starts a new record: a record's lines together (a quoted cell may
    hold line breaks) are held to the same limit.
    """

    def __init__(self, chunks: Iterator[str], where: str, limit: int) -> None:
        self._it = self._lines(chunks)
        self.where, self.limit = where, limit
        self.line = 0  # lines handed out so far
        self._record = 0  # characters of the current record so far
        self._start = 1  # the line the current record starts on

    def mark(self) -> None:
        self._record = 0
        self._start = self.line + 1

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._it)
        self.line += 1
        self._record += len(line)
        if self._record > self.limit:
            raise self._too_long(self._start)
        return line

    def _too_long(self, line: int) -> CsvFileError:
        return CsvFileError(
            f"{self.where}行 {line}: 1 行が長すぎます（{self.limit:,} 文字まで）。"
            "CSV ではないか、改行のない大きなデータです"
        )

    def _lines(self, chunks: Iterator[str]) -> Iterator[str]:
        pending = ""
        for chunk in chunks:
            text = pending + chunk if pending else chunk
            pos, end = 0, len(text)
            for m in _EOL.finditer(text):
                if m.end() == end and m.group() == "\r":
                    break  # may be the first half of a CR LF split between chunks
                yield text[pos : m.end()]
                pos = m.end()
            pending = text[pos:]
            if len(pending) + self._record > self.limit:  # the record is too long before its line ends
                raise self._too_long(self._start)
        if pending:
            yield pending


# -- the file -----------------------------------------------------------------------
class CsvTable:
    """A CSV file being read: its header at once, its rows as they are read (one pass).

    Blank lines are skipped and cells trimmed. Use it as a context manager, or
    call close(). CsvFileError may come from ``open_csv`` or while the rows are read.
    """

    def __init__(
        self, f: IO[bytes], name: str, limits: CsvLimits, on_read: Callable[[int], None] | None = None
    ) -> None:
        self.name, self.limits = name, limits
        self._f = f
        self._where = f"{name}: " if name else ""
        self._decoded = _Decoded(f, self._where, limits, on_read)
        self._lines = _Lines(self._decoded.chunks(), self._where, limits.max_line_chars)
        self._reader = csv.reader(self._lines, strict=True)
        self._last_line = 0
        self._count = 0  # records read, the header included
        first = next(self._records(), None)
        if first is None:
            raise CsvFileError(f"{self._where}空のファイルです（見出しの行がありません）")
        self.header_line, self.header = first
        if len(self.header) > limits.max_columns:
            raise CsvFileError(
                f"{self._where}行 {self.header_line}: 列が多すぎます"
                f"（{len(self.header):,} 列。{limits.max_columns} 列まで）"
            )
        self._started = False

    @property
    def encoding(self) -> str:
        """utf-8-sig or cp932 (may turn to cp932 while the rows are read)."""
        return self._decoded.encoding

    def _records(self) -> Iterator[CsvRow]:
        reader, lines = self._reader, self._lines
        most = self.limits.max_rows + 1  # the header is a row too
        try:
            for record in reader:
                start, self._last_line = self._last_line + 1, reader.line_num
                lines.mark()
                cells = tuple(map(str.strip, record))
                if any(cells):
                    self._count += 1
                    if self._count > most:
                        raise self._too_many_rows(start)
                    yield CsvRow(start, cells)
        except csv.Error as exc:
            raise CsvFileError(f"{self._where}行 {reader.line_num}: CSV として読めません（{exc}）") from None

    def _too_many_rows(self, line: int) -> CsvFileError:
        return CsvFileError(
            f"{self._where}行 {line}: 行が多すぎます（見出しのほか {self.limits.max_rows:,} 行まで）。"
            "ファイルを分けて取り込んでください"
        )

    def rows(self) -> Iterator[CsvRow]:
        """The data rows after the header, read as they are asked for; only once."""
        if self._started:
            raise RuntimeError("the rows of a CsvTable can be read only once")
        self._started = True
        return self._records()

    def close(self) -> None:
        self._f.close()

    def __enter__(self) -> CsvTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_csv(
    path: Path, limits: CsvLimits = LIMITS, on_read: Callable[[int], None] | None = None
) -> CsvTable:
    """Open a CSV file for reading; CsvFileError if it is missing, too big or unreadable.

    on_read, if given, is called with the bytes read so far after every chunk (progress).
    """
    where = f"{path.name}: "
    try:
        st = path.stat()
        if stat.S_ISREG(st.st_mode) and st.st_size > limits.max_bytes:
            raise CsvFileError(
                f"{where}ファイルが大きすぎます（{_size(st.st_size)}。"
                f"取り込めるのは {_size(limits.max_bytes)} まで）。ファイルを分けて取り込んでください"
            )
        f = path.open("rb")
    except FileNotFoundError:
        raise CsvFileError(f"ファイルがありません: {path}") from None
    except IsADirectoryError:
        raise CsvFileError(f"{path} はフォルダです。CSV ファイルを指定してください") from None
    except OSError as exc:
        raise CsvFileError(f"{path}: 読めません: {exc.strerror}") from None
    try:
        return CsvTable(f, path.name, limits, on_read)
    except BaseException:
        f.close()
        raise
