"""The floor of the start-up to the dashboard's figures: the Today screen without inspect-tui.

The same widgets as tui/screens/today.py (a top line, the summary, four bordered panels in
two columns, the list of cases due, the footer) with the layout of app.tcss, and a thread
worker started at mount that opens the database read-only and runs the statements the app's
first figures ran (captured from the app by m_tui.capture_first_figures, with their
parameters as bound), fetching every row, then shows them. No module of inspect-tui is
imported: what this costs over bench/hello_app.py is what any Textual app showing that
screen from those queries pays; what the app costs over this is its own.

    python floor_app.py DB STATEMENTS.json
"""

from __future__ import annotations

import json
import sqlite3
import sys

from textual import work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

FIGURES = "未完了"  # the text m_tui waits for, as on the app's Today screen (m_tui.DASHBOARD)

CSS = """
#top { height: 1; background: $panel; }
#summary { height: auto; max-height: 4; }
#panels { height: auto; max-height: 60%; }
#panels .col { width: 1fr; height: auto; }
.panel { border: round $primary 50%; border-title-color: $primary; padding: 0 1; height: auto; }
#due { height: 1fr; border: round $primary 50%; border-title-color: $primary; }
"""

PANELS = ("deadlines", "backlog", "review", "alerts")


class FloorApp(App[None]):
    CSS = CSS
    BINDINGS = [("q", "quit", "Quit")]  # noqa: RUF012 (Textual's own idiom)

    def __init__(self, db: str, statements: str) -> None:
        super().__init__()
        self.db, self.statements = db, statements

    def compose(self) -> ComposeResult:
        yield Static(" 1 今日  2 依頼  3 調査員  4 点検  5 報告  6 品質  7 契約", id="top")
        yield Static("データベースを開いています", id="summary")
        with Horizontal(id="panels"):
            with Vertical(classes="col"):
                yield Static("", id="deadlines", classes="panel")
                yield Static("", id="backlog", classes="panel")
            with Vertical(classes="col"):
                yield Static("", id="review", classes="panel")
                yield Static("", id="alerts", classes="panel")
        yield OptionList(id="due")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#due", OptionList).border_title = "要対応の依頼"
        self.read()

    @work(thread=True)
    def read(self) -> None:
        with open(self.statements, encoding="utf-8") as f:
            statements = json.load(f)
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, check_same_thread=False)
        conn.execute("PRAGMA cache_size = -65536")  # the app's page cache (store.connection)
        results = [conn.execute(sql, params).fetchall() for sql, params in statements]
        conn.close()
        self.call_from_thread(self.show, results)

    def show(self, results: list[list[tuple]]) -> None:
        rows = [r for res in results[:3] for r in res][:50]  # the first lists: the cases due
        self.query_one("#summary", Static).update(f"{FIGURES} {sum(len(r) for r in results):,} 行")
        for i, name in enumerate(PANELS):
            shown = results[3 + i][:6] if 3 + i < len(results) else []
            self.query_one(f"#{name}", Static).update("\n".join(" ".join(map(str, r)) for r in shown))
        self.query_one("#due", OptionList).add_options([Option(" ".join(map(str, r))) for r in rows])


if __name__ == "__main__":
    FloorApp(sys.argv[1], sys.argv[2]).run()
