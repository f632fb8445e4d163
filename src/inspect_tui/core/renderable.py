"""What a report is to the writer of every format, without the document itself: the formats
and their file extensions, the ``Renderable`` protocol, the audit chain's head and
``Witnessed`` (a report with that head on it).

A module apart from core/document.py (the cells, tables and sections the readable formats
draw: nine dataclasses and their helpers, 5.5-6 ms of imports, -X importtime, 7 runs): a
report written as JSON gives its ``to_json()`` and never builds a document, so
``report monthly --format json`` does not import it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from inspect_tui.core.records import record, replace

if TYPE_CHECKING:
    from inspect_tui.core.document import Doc
    from inspect_tui.core.frame import Frame

#: Every format a document prints in, and the file name extension of each.
FORMATS = ("text", "md", "csv", "json", "html", "xlsx", "pdf")
EXTENSIONS = {
    "text": "txt",
    "md": "md",
    "csv": "csv",
    "json": "json",
    "html": "html",
    "xlsx": "xlsx",
    "pdf": "pdf",
}
#: the formats a machine reads: their dates stay ISO (2026-12-02); the others print 和暦
MACHINE_FORMATS = ("csv", "json")


class Renderable(Protocol):
    """A report as every format takes it: its document, its JSON shape, and the file name
    it is written to (the kind and period, never personal data)."""

    def as_doc(self, full: bool = False) -> Doc: ...
    def to_json(self) -> dict[str, Any]: ...
    def default_filename(self, fmt: str) -> str: ...


@record(frozen=True)
class AuditHead:
    """The audit chain's head: how many rows, the newest one's hash."""

    count: int
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {"hash": self.hash, "count": self.count}

    def line(self) -> str:
        return f"監査記録の先頭ハッシュ（{self.count} 件目）: {self.hash}"


class Witnessed:
    """A report with the audit chain's head on it (the footer line of every format and
    ``audit_head`` in its JSON) and, when there is one, in its document frame. Everything
    else is the report's own (services/documents.finish makes these)."""

    def __init__(self, report: Renderable, head: AuditHead, frame: Frame | None = None) -> None:
        self.report = report
        self.audit_head = head
        self.frame = frame

    def as_doc(self, full: bool = False) -> Doc:
        from inspect_tui.core.document import framed  # the readable formats only

        return framed(replace(self.report.as_doc(full), witness=self.audit_head.line()), self.frame)

    def to_json(self) -> dict[str, Any]:
        return {**self.report.to_json(), "audit_head": self.audit_head.to_json()}

    def default_filename(self, fmt: str) -> str:
        return self.report.default_filename(fmt)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.report, name)
