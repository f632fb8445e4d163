"""A virtual case list: only the visible rows are rendered, from a small page cache.

The table knows the row count and asks its owner for pages (``NeedPage``);
the owner reads them from SQLite in a worker and hands them back with
``add_page``. Rows not yet read draw as a dim placeholder. Columns are laid
out in terminal cells (rich.cells), so Japanese text never breaks a column.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from inspect_tui.core.deadlines import case_rules
from inspect_tui.core.records import record, replace
from inspect_tui.tui.bindings import TABLE
from inspect_tui.tui.widgets.cells import fit

PAGE_SIZE = 100
MAX_PAGES = 40


@record(frozen=True)
class Column:
    key: str
    title: str
    width: int
    min_screen: int = 0  # shown only when the table is at least this wide
    right: bool = False


BASE_COLUMNS = (
    Column("state", "期限", 4),
    Column("urgent", "急", 2),
    Column("case_no", "依頼番号", 11),
    Column("ward", "区", 6),
    Column("status", "状態", 6),
    Column("surveyor", "調査員", 10),
    Column("next", "次の期限", 10),
    Column("left", "残日", 4, right=True),
    Column("received", "受理日", 10, min_screen=76),
    Column("application", "申請", 8, min_screen=90),
    Column("name", "氏名", 14, min_screen=104),
)


def columns() -> tuple[Column, ...]:
    """Every column: the fixed ones, then one per deadline rule (core.deadlines) on wide screens."""
    return (*BASE_COLUMNS, *(Column(f"due_{r.id}", r.due_title, 8, min_screen=150) for r in case_rules()))


def _short(rule_id: str | None) -> str:
    return next((r.short for r in case_rules() if r.id == rule_id), "")


def cell_text(row, key: str) -> str:
    if key == "state":
        return row.state_word
    if key == "urgent":
        return "急" if row.urgent else ""
    if key == "case_no":
        return row.case_no
    if key == "ward":
        return row.ward
    if key == "status":
        return row.status_label
    if key == "surveyor":
        return row.surveyor_name or row.surveyor or "未割当"
    if key == "next":
        if row.next_due is None:
            return "－"
        return f"{_short(row.next_rule)} {row.next_due.strftime('%m-%d')}"
    if key == "left":
        return "" if row.days_left is None else str(row.days_left)
    if key == "received":
        return row.received_on
    if key == "application":
        return row.application
    if key == "name":
        return row.applicant_name or ""
    if key.startswith("due_"):
        index = next((i for i, r in enumerate(case_rules()) if key == f"due_{r.id}"), None)
        return row.deadlines[index] if index is not None else ""
    return ""


class CaseTable(ScrollView, can_focus=True):
    """Case rows by index; the first line is the column header."""

    BINDINGS = TABLE
    COMPONENT_CLASSES: ClassVar = {
        "case-table--header",
        "case-table--cursor",
        "case-table--overdue",
        "case-table--today",
        "case-table--soon",
        "case-table--ok",
        "case-table--none",
        "case-table--loading",
    }
    DEFAULT_CSS = """
    CaseTable { height: 1fr; }
    CaseTable > .case-table--header { text-style: bold; background: $panel; }
    CaseTable > .case-table--cursor { background: $accent 40%; text-style: bold; }
    CaseTable:focus > .case-table--cursor { background: $accent; color: $text; }
    CaseTable > .case-table--overdue { color: $error; text-style: bold; }
    CaseTable > .case-table--today { color: $warning; text-style: bold; }
    CaseTable > .case-table--soon { color: $warning; }
    CaseTable > .case-table--ok { color: $success; }
    CaseTable > .case-table--none { color: $text-muted; }
    CaseTable > .case-table--loading { color: $text-muted; }
    """

    cursor = reactive(0, always_update=True)

    class NeedPage(Message):
        def __init__(self, table: CaseTable, page: int, generation: int) -> None:
            super().__init__()
            self.table = table
            self.page = page
            self.generation = generation

    class Selected(Message):
        def __init__(self, table: CaseTable, row) -> None:
            super().__init__()
            self.table = table
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.total = 0
        self.generation = 0
        self._pages: OrderedDict[int, list] = OrderedDict()
        self._asked: set[tuple[int, int]] = set()
        self.loaded = False
        self.show_names = True  # off for roles that may not see applicants' names
        self._style_cache: dict[str, Style] = {}
        self._line_cache: dict[tuple[int, int, bool], Strip] = {}
        self._cols: list[Column] = []
        self._cols_width = -1

    # -- data ---------------------------------------------------------------
    def reset(self, total: int, first_page: list | None = None, keep_cursor: bool = False) -> int:
        """A new result set of total rows; returns the new generation for page requests."""
        self.generation += 1
        self._cols_width = -1  # show_names may have changed
        self.total = total
        self._pages.clear()
        self._asked.clear()
        self.loaded = True
        if first_page is not None:
            self._pages[0] = first_page
        if not keep_cursor:
            self.cursor = 0
            self.scroll_to(y=0, animate=False)
        else:
            self.cursor = min(self.cursor, max(0, total - 1))
        self._resize()
        self.refresh()
        return self.generation

    def set_total(self, total: int) -> None:
        """The same result set, now counted exactly (it was a count stopped at the cap)."""
        self.total = total
        self.cursor = min(self.cursor, max(0, total - 1))
        self._resize()
        self.refresh()

    def add_page(self, page: int, rows: list, generation: int) -> None:
        if generation != self.generation:
            return
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        self.refresh()

    def row_at(self, index: int):
        page = self._pages.get(index // PAGE_SIZE)
        if page is None:
            return None
        i = index % PAGE_SIZE
        return page[i] if i < len(page) else None

    @property
    def current_row(self):
        return self.row_at(self.cursor) if self.total else None

    def _resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.total + 1)

    def on_resize(self) -> None:
        self._resize()

    # -- drawing ------------------------------------------------------------
    def visible_columns(self) -> list[Column]:
        width = self.size.width or 80
        cols = [c for c in columns() if width >= c.min_screen and (c.key != "name" or self.show_names)]
        while cols and sum(c.width + 1 for c in cols) > width and len(cols) > 4:
            cols.pop()
        extra = width - sum(c.width + 1 for c in cols)
        grow = {"surveyor": 4, "name": 10}
        for i, c in enumerate(cols):
            if c.key in grow and extra > 0:
                add = min(grow[c.key], extra)
                cols[i] = replace(c, width=c.width + add)
                extra -= add
        return cols

    def _line(self, texts: list[str], cols: list[Column], style: Style, width: int) -> Strip:
        text = " ".join(fit(t, c.width, c.right) for t, c in zip(texts, cols, strict=True))
        text = fit(text, width)
        return Strip([Segment(text, style)], width)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_cache.clear()
        self._line_cache.clear()

    def _style(self, name: str) -> Style:
        """base + component style, computed once per theme (render_line runs for every line)."""
        style = self._style_cache.get(name)
        if style is None:
            style = self.rich_style + self.get_component_rich_style(name) if name else self.rich_style
            self._style_cache[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if width != self._cols_width:
            self._cols = self.visible_columns()
            self._cols_width = width
            self._line_cache.clear()
        cols = self._cols
        base = self._style("")
        if y == 0:
            return self._line([c.title for c in cols], cols, self._style("case-table--header"), width)
        index = int(self.scroll_offset.y) + y - 1
        if index >= self.total:
            if index == 0 and self.loaded:
                return Strip([Segment(fit("  該当する依頼はありません", width), base)], width)
            if index == 0:
                return Strip([Segment(fit("  読み込み中", width), base)], width)
            return Strip.blank(width, base)
        row = self.row_at(index)
        if row is None:
            self._ask(index // PAGE_SIZE)
            return Strip([Segment(fit("  ...", width), self._style("case-table--loading"))], width)
        is_cursor = index == self.cursor
        key = (self.generation, index, is_cursor)
        strip = self._line_cache.get(key)
        if strip is None:
            style = self._style(f"case-table--{row.state}")
            if is_cursor:
                style = style + self._style("case-table--cursor")
            strip = self._line([cell_text(row, c.key) for c in cols], cols, style, width)
            if len(self._line_cache) > 400:
                self._line_cache.clear()
            self._line_cache[key] = strip
        return strip

    def _ask(self, page: int) -> None:
        key = (self.generation, page)
        if key not in self._asked:
            self._asked.add(key)
            self.post_message(self.NeedPage(self, page, self.generation))

    # -- cursor -------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        visible = max(1, self.size.height - 1)
        top = int(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + visible:
            self.scroll_to(y=new - visible + 1, animate=False)
        self.refresh()

    def _move(self, delta: int) -> None:
        if self.total:
            self.cursor = max(0, min(self.total - 1, self.cursor + delta))

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_page_down(self) -> None:
        self._move(max(1, self.size.height - 2))

    def action_page_up(self) -> None:
        self._move(-max(1, self.size.height - 2))

    def action_first(self) -> None:
        self._move(-self.total)

    def action_last(self) -> None:
        self._move(self.total)

    def action_select(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.Selected(self, row))

    def on_click(self, event) -> None:
        index = int(self.scroll_offset.y) + event.y - 1
        if 0 <= index < self.total:
            self.cursor = index
