"""Native charts in the xlsx: bars and lines drawn from a sheet's cells, a second value
axis for a line of shares, and the drawing part that places them (ECMA-376 DrawingML, the
elements in the order its schema requires). render/xlsx_file.py writes them into the file.

Colours and lines are given, not left to a theme: the file has no theme part, and without
one LibreOffice drew the series and the gridlines without colour."""

from __future__ import annotations

from inspect_tui.core.records import record
from inspect_tui.render.xlsx_xml import XML, R, esc


@record(frozen=True)
class Series:
    """A series drawn from cells: its name's cell, its values' range, its categories'
    range (None: 1, 2, 3 …) and whether those categories are text."""

    title: str  # a one-cell reference: 'sheet'!$B$57
    values: str  # a range: 'sheet'!$B$58:$B$69
    categories: str | None = None
    text_categories: bool = True


@record(frozen=True)
class Plot:
    """Series of one kind on one value axis: ``secondary`` puts them on a second axis at
    the right (0 to ``axis_max`` when given), sharing the category axis."""

    kind: str  # bar | line
    series: tuple[Series, ...]
    axis_title: str | None = None
    markers: bool = False  # line: a circle at every point
    secondary: bool = False
    axis_min: float | None = None
    axis_max: float | None = None


@record(frozen=True)
class ChartSpec:
    title: str
    plots: tuple[Plot, ...]
    row: int  # the sheet row (1-based) its top-left corner sits on, in column A
    width_cm: float = 17
    height_cm: float = 8


_EMU_PER_CM = 360000
#: the series' colours, in order (Office's default palette: the same in Excel and LibreOffice)
PALETTE = ("4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47")
GRID, AXIS = "D9D9D9", "808080"  # the value axis' gridlines; the axes' own lines


def _rich(text: str) -> str:
    return (
        "<c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr/></a:pPr>"
        f"<a:r><a:t>{esc(text)}</a:t></a:r></a:p></c:rich></c:tx>"
    )


def _title(text: str | None) -> str:
    return f'<c:title>{_rich(text)}<c:overlay val="0"/></c:title>' if text else ""


def _line(color: str) -> str:
    return f'<c:spPr><a:ln w="9525"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></a:ln></c:spPr>'


def _cat_axis(ax: int, cross: int, *, shown: bool) -> str:
    return (
        f'<c:catAx><c:axId val="{ax}"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        f'<c:delete val="{0 if shown else 1}"/><c:axPos val="b"/><c:majorTickMark val="out"/>'
        f'<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{_line(AXIS)}'
        f'<c:crossAx val="{cross}"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
    )


def chart_xml(chart: ChartSpec) -> str:
    cat_ax, main_ax, second_cat, second_ax = 10, 100, 300, 200
    parts = [
        XML + '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        f'xmlns:r="{R}"><c:roundedCorners val="0"/><c:chart>',
        _title(chart.title),
        '<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>',
    ]
    idx = 0
    for plot in chart.plots:
        line = plot.kind == "line"
        parts.append(
            '<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>'
            if line
            else '<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
        )
        for s in plot.series:
            parts.append(f'<c:ser><c:idx val="{idx}"/><c:order val="{idx}"/>')
            parts.append(f"<c:tx><c:strRef><c:f>{esc(s.title)}</c:f></c:strRef></c:tx>")
            color = f'<a:solidFill><a:srgbClr val="{PALETTE[idx % len(PALETTE)]}"/></a:solidFill>'
            if line:
                parts.append(f'<c:spPr><a:ln w="28575" cap="rnd">{color}<a:round/></a:ln></c:spPr>')
                if plot.markers:
                    parts.append(
                        f'<c:marker><c:symbol val="circle"/><c:size val="5"/><c:spPr>{color}'
                        f"<a:ln>{color}</a:ln></c:spPr></c:marker>"
                    )
                else:
                    parts.append('<c:marker><c:symbol val="none"/></c:marker>')
            else:
                parts.append(f'<c:spPr>{color}</c:spPr><c:invertIfNegative val="0"/>')
            if s.categories:
                ref = "strRef" if s.text_categories else "numRef"
                parts.append(f"<c:cat><c:{ref}><c:f>{esc(s.categories)}</c:f></c:{ref}></c:cat>")
            parts.append(f"<c:val><c:numRef><c:f>{esc(s.values)}</c:f></c:numRef></c:val>")
            if line:
                parts.append('<c:smooth val="0"/>')
            parts.append("</c:ser>")
            idx += 1
        value_ax = second_ax if plot.secondary else main_ax
        if line:
            parts.append('<c:marker val="1"/>')
        else:
            parts.append('<c:gapWidth val="150"/>')
        cat = second_cat if plot.secondary else cat_ax
        parts.append(f'<c:axId val="{cat}"/><c:axId val="{value_ax}"/></c:{plot.kind}Chart>')
    parts.append(_cat_axis(cat_ax, main_ax, shown=True))
    done: set[bool] = set()
    for plot in chart.plots:
        if plot.secondary in done:
            continue
        done.add(plot.secondary)
        if plot.secondary:  # its own category axis, not drawn: the line shares the bars' labels
            parts.append(_cat_axis(second_cat, second_ax, shown=False))
        ax = second_ax if plot.secondary else main_ax
        scaling = '<c:orientation val="minMax"/>'
        if plot.axis_max is not None:
            scaling += f'<c:max val="{plot.axis_max:g}"/>'
        if plot.axis_min is not None:
            scaling += f'<c:min val="{plot.axis_min:g}"/>'
        grid = "" if plot.secondary else f"<c:majorGridlines>{_line(GRID)}</c:majorGridlines>"
        parts.append(
            f'<c:valAx><c:axId val="{ax}"/><c:scaling>{scaling}</c:scaling><c:delete val="0"/>'
            f'<c:axPos val="{"r" if plot.secondary else "l"}"/>{grid}{_title(plot.axis_title)}'
            '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
            f"{_line(AXIS)}"
            f'<c:crossAx val="{second_cat if plot.secondary else cat_ax}"/>'
            f'<c:crosses val="{"max" if plot.secondary else "autoZero"}"/>'
            '<c:crossBetween val="between"/></c:valAx>'
        )
    parts.append(
        '</c:plotArea><c:legend><c:legendPos val="r"/><c:overlay val="0"/></c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    )
    return "".join(parts)


def drawing_xml(charts: list[ChartSpec]) -> str:
    """The drawing part placing a sheet's charts, chart i as the drawing's relationship rIdi."""
    out = [
        XML + '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    ]
    for i, ch in enumerate(charts, 1):
        cx, cy = round(ch.width_cm * _EMU_PER_CM), round(ch.height_cm * _EMU_PER_CM)
        out.append(
            f"<xdr:oneCellAnchor><xdr:from><xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{ch.row - 1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f'<xdr:ext cx="{cx}" cy="{cy}"/><xdr:graphicFrame macro="">'
            f'<xdr:nvGraphicFramePr><xdr:cNvPr id="{i + 1}" name="グラフ {i}"/><xdr:cNvGraphicFramePr/>'
            '</xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
            f'xmlns:r="{R}" r:id="rId{i}"/></a:graphicData></a:graphic></xdr:graphicFrame>'
            "<xdr:clientData/></xdr:oneCellAnchor>"
        )
    out.append("</xdr:wsDr>")
    return "".join(out)
