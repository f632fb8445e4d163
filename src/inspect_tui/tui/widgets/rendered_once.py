"""A Rich renderable drawn once per width: Textual draws a Static's content twice a frame.

For a Static holding a Rich renderable, Textual renders it once to learn its height
(``RichVisual.get_height``) and again for its lines (``render_strips``), at the same
width. A Rich Table is slow to draw (every cell measured and wrapped: ~12 ms for the
Today screen's 30-row backlog at 1M cases, plus ~2 ms for the deadlines), and those
two draws were about a third of the frame that first shows the figures. Wrapped in
``RenderedOnce``, the second draw reuses the first one's segments.

Only for renderables whose drawing ignores ``options.height`` (a Table renders its
cells with height=None): the two draws differ in nothing else.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment


class RenderedOnce:
    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self._key: tuple | None = None
        self._segments: list[Segment] = []

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        key = (
            id(console),
            options.min_width,
            options.max_width,
            options.justify,
            options.overflow,
            options.no_wrap,
            options.highlight,
            options.markup,
            options.is_terminal,
            options.encoding,
            options.legacy_windows,
        )
        if key != self._key:
            self._segments = list(console.render(self.renderable, options))
            self._key = key
        yield from self._segments

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.renderable)
