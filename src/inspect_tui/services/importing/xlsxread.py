"""Reading an .xlsx file a user brings as the CSV reader reads a CSV: its first sheet's first
row as the header, then the rows, a row at a time (openpyxl's read-only mode), within the
same limits (services/importing/csvread.py ``CsvLimits``).

An .xlsx is a zip: its size on disk says little about what it unpacks to. Before openpyxl
sees it, the zip's directory is read and a file whose parts unpack to more than
``UNPACKED_LIMIT`` (or more than 100 times their packed size) is refused, so a zip bomb
never reaches the parser. Cells come back as the text a CSV of the sheet would hold:
whole numbers without ``.0``, dates as ISO dates.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from inspect_tui.services.importing.csvread import LIMITS, MB, CsvFileError, CsvLimits, CsvRow, _size
from inspect_tui.system import spreadsheet

UNPACKED_LIMIT = 256 * MB
RATIO_LIMIT = 100


def is_xlsx(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm")


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


class XlsxTable:
    """The first sheet of an .xlsx, read like ``CsvTable``: ``header``, ``rows()`` once, ``close()``."""

    encoding = "xlsx"

    def __init__(self, path: Path, limits: CsvLimits = LIMITS) -> None:
        self.name, self.limits = path.name, limits
        where = f"{path.name}: "
        try:
            st = path.stat()
        except FileNotFoundError:
            raise CsvFileError(f"ファイルがありません: {path}") from None
        if st.st_size > limits.max_bytes:
            raise CsvFileError(
                f"{where}ファイルが大きすぎます（{_size(st.st_size)}。"
                f"取り込めるのは {_size(limits.max_bytes)} まで）"
            )
        try:
            with zipfile.ZipFile(path) as z:
                infos = z.infolist()
        except (zipfile.BadZipFile, OSError):
            raise CsvFileError(f"{where}Excel ファイル（.xlsx）として読めません") from None
        unpacked = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if unpacked > UNPACKED_LIMIT or unpacked > RATIO_LIMIT * max(packed, MB):
            raise CsvFileError(
                f"{where}展開すると大きすぎる Excel ファイルです（{_size(unpacked)}）。"
                "CSV で保存し直してください"
            )
        openpyxl = spreadsheet.load()  # deferred: 150 ms, only for an .xlsx

        try:
            self._wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a broken file
            raise CsvFileError(f"{where}Excel ファイル（.xlsx）として読めません") from None
        ws = self._wb.worksheets[0] if self._wb.worksheets else None
        if ws is None:
            self.close()
            raise CsvFileError(f"{where}シートがありません")
        self._iter = ws.iter_rows(values_only=True)
        self._line = 0
        self._started = False
        first = next(self._records(), None)
        if first is None:
            self.close()
            raise CsvFileError(f"{where}空のファイルです（見出しの行がありません）")
        self.header_line, self.header = first
        if len(self.header) > limits.max_columns:
            self.close()
            raise CsvFileError(f"{where}行 {self.header_line}: 列が多すぎます（{limits.max_columns} 列まで）")

    def _records(self) -> Iterator[CsvRow]:
        most = self.limits.max_rows + 1
        count = 0
        for values in self._iter:
            self._line += 1
            cells = tuple(_cell_text(v) for v in values)
            while cells and not cells[-1]:
                cells = cells[:-1]
            if any(cells):
                count += 1
                if count > most:
                    raise CsvFileError(
                        f"{self.name}: 行 {self._line}: 行が多すぎます"
                        f"（見出しのほか {self.limits.max_rows:,} 行まで）"
                    )
                yield CsvRow(self._line, cells)

    def rows(self) -> Iterator[CsvRow]:
        if self._started:
            raise RuntimeError("the rows of a table can be read only once")
        self._started = True
        return self._records()

    def close(self) -> None:
        if hasattr(self, "_wb"):  # not yet there when the file was refused before opening
            self._wb.close()

    def __enter__(self) -> XlsxTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_table(path: Path, limits: CsvLimits = LIMITS):
    """A CSV or an .xlsx (by its name), read row by row; CsvFileError when it cannot be."""
    from inspect_tui.services.importing.csvread import open_csv

    return XlsxTable(path, limits) if is_xlsx(Path(path)) else open_csv(Path(path), limits)
