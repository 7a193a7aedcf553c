"""The 汇总表's workbook, written directly as SpreadsheetML: styled cells appended row by
row, merged ranges, frozen panes, filters, print setup, and the chart sheet's pie and bar
charts. Only what the 汇总表 uses.

It writes the bytes a write-only openpyxl workbook wrote for the same sheets (every part,
in the same order; tests/summary_openpyxl.py keeps that former writer to compare with),
so that a build no longer imports openpyxl (~70 ms of a one-department build's ~220 ms).
Rows go to a spooled temporary file as they are appended, so the memory used does not
grow with the rows. Numbers are written as openpyxl wrote them: "%.16g" of the value (a
Decimal through its float: 9.95 as 9.949999999999999, which reads back as the same
double); a sheet's text with each character beyond ASCII as a character reference."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from reportgen.render.cell_refs import column_letter, column_number

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"
CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
APPLICATION = "Microsoft Excel Compatible / Openpyxl 3.1.5"  # as the former writer said
SPOOL_BYTES = 1 << 20  # a sheet's rows kept in memory up to this size, then in a temporary file
EMU_PER_CM = 360000
THEME = Path(__file__).with_name("summary_theme.xml")  # openpyxl's default theme, as it wrote it
# number formats Excel knows by id (those the 汇总表 uses); any other gets 164, 165, …
BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


# Plain classes, not dataclasses: a dataclass costs ~0.3-1 ms at import (its methods are
# compiled from source), and these are imported by every whole-year build.
class Font(NamedTuple):
    name: str
    size: float
    bold: bool = False
    color: str | None = None  # RRGGBB


class Style(NamedTuple):
    """A cell's look: font, solid fill colour (RRGGBB), thin borders of a colour,
    alignment and number format."""

    font: Font | None = None
    fill: str | None = None
    border: str | None = None
    horizontal: str | None = None
    vertical: str | None = None
    wrap: bool | None = None  # False is another alignment than None, as in openpyxl (the same XML)
    number_format: str | None = None


def _number(value: float) -> str:
    # %-formatting turns a Decimal into its float first, as openpyxl did ("{:.16g}" would not)
    return "%.16g" % value  # noqa: UP031


def _cell_text(text: str) -> str:
    """Text of a sheet's cell as lxml's ASCII serializer wrote it."""
    if _ILLEGAL.search(text):
        raise ValueError(f"text that cannot be written to a worksheet: {text!r}")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    return _xml_text(text).replace('"', "&quot;")


def _coordinate(text: str) -> tuple[int, int]:
    """"C3" -> (row 3, column 3)."""
    match = re.fullmatch(r"([A-Z]+)(\d+)", text)
    if match is None:
        raise ValueError(text)
    return int(match[2]), column_number(match[1])


class Styles:
    """The workbook's fonts, fills, borders, number formats and cell formats, numbered
    as openpyxl numbered them: the parts of a style when the style is made, a cell
    format when a cell first uses it."""

    def __init__(self) -> None:
        self.fonts: list[Font | None] = [None]  # 0: the default Calibri 11
        self.fills: list[str | None] = [None, None]  # 0: none, 1: gray125
        self.borders: list[str | None] = [None]
        self.formats: list[str] = []  # custom number formats, from id 164
        self.xfs: list[tuple] = [(0, 0, 0, 0, None)]
        self._xf_ids: dict[tuple, int] = {self.xfs[0]: 0}

    @staticmethod
    def _index(items: list, item: Any) -> int:
        if item not in items:
            items.append(item)
        return items.index(item)

    def make(self, style: Style) -> tuple:
        """A style's key (its parts' numbers), registering its parts."""
        font = self._index(self.fonts, style.font) if style.font is not None else 0
        fill = self._index(self.fills, style.fill) if style.fill is not None else 0
        border = self._index(self.borders, style.border) if style.border is not None else 0
        number_format = style.number_format or "General"
        if number_format in BUILTIN_FORMATS:
            format_id = BUILTIN_FORMATS[number_format]
        else:
            format_id = 164 + self._index(self.formats, number_format)
        alignment = (style.horizontal, style.vertical, style.wrap) \
            if (style.horizontal, style.vertical, style.wrap) != (None, None, None) else None
        return format_id, font, fill, border, alignment

    def xf(self, key: tuple) -> int:
        found = self._xf_ids.get(key)
        if found is None:
            found = self._xf_ids[key] = len(self.xfs)
            self.xfs.append(key)
        return found

    def xml(self) -> bytes:
        out = [f'<styleSheet xmlns="{MAIN}">']
        if self.formats:
            out.append(f'<numFmts count="{len(self.formats)}">')
            out += [f'<numFmt numFmtId="{164 + i}" formatCode="{_attribute(code)}"/>'
                    for i, code in enumerate(self.formats)]
            out.append("</numFmts>")
        else:
            out.append('<numFmts count="0"/>')
        out.append(f'<fonts count="{len(self.fonts)}">')
        for font in self.fonts:
            if font is None:
                out.append('<font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/>'
                           '<scheme val="minor"/></font>')
                continue
            out.append(f'<font><name val="{_attribute(font.name)}"/>')
            if font.bold:
                out.append('<b val="1"/>')
            if font.color:
                out.append(f'<color rgb="00{font.color}"/>')
            out.append(f'<sz val="{_number(font.size)}"/></font>')
        out.append(f'</fonts><fills count="{len(self.fills)}">')
        out.append('<fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill>')
        out += [f'<fill><patternFill patternType="solid"><fgColor rgb="00{fill}"/></patternFill></fill>'
                for fill in self.fills[2:]]
        out.append(f'</fills><borders count="{len(self.borders)}">')
        for color in self.borders:
            if color is None:
                out.append("<border><left/><right/><top/><bottom/><diagonal/></border>")
            else:
                sides = "".join(f'<{side} style="thin"><color rgb="00{color}"/></{side}>'
                                for side in ("left", "right", "top", "bottom"))
                out.append(f"<border>{sides}</border>")
        out.append('</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
                   f'</cellStyleXfs><cellXfs count="{len(self.xfs)}">')
        for format_id, font, fill, border, alignment in self.xfs:
            head = f'<xf numFmtId="{format_id}" fontId="{font}" fillId="{fill}" borderId="{border}"'
            tail = ' pivotButton="0" quotePrefix="0" xfId="0"'
            if alignment is None:
                out.append(f"{head}{tail}/>")
                continue
            horizontal, vertical, wrap = alignment
            attributes = "".join([f' horizontal="{horizontal}"' if horizontal else "",
                                  f' vertical="{vertical}"' if vertical else "", ' wrapText="1"' if wrap else ""])
            out.append(f'{head} applyAlignment="1"{tail}><alignment{attributes}/></xf>')
        out.append('</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0"/>'
                   '</cellStyles><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
                   'defaultPivotStyle="PivotStyleLight16"/>')
        out.append(_INDEXED_COLORS)
        out.append("</styleSheet>")
        return "".join(out).encode("utf-8")


_INDEXED_COLORS = "<colors><indexedColors>" + "".join(f'<rgbColor rgb="00{c}"/>' for c in (
    "000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF 000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF "
    "00FFFF 800000 008000 000080 808000 800080 008080 C0C0C0 808080 9999FF 993366 FFFFCC CCFFFF 660066 FF8080 "
    "0066CC CCCCFF 000080 FF00FF FFFF00 00FFFF 800080 800000 008080 0000FF 00CCFF CCFFFF CCFFCC FFFF99 99CCFF "
    "FF99CC CC99FF FFCC99 3366FF 33CCCC 99CC00 FFCC00 FF9900 FF6600 666699 969696 003366 339966 003300 333300 "
    "993300 993366 333399 333333").split()) + "</indexedColors></colors>"


class Cell:
    """A value to append, in a style made by Sheet.style; text: written as text even
    when it is None (an empty text cell) or a number."""

    __slots__ = ("value", "style", "text")

    def __init__(self, value: Any, style: tuple | None = None, text: bool = False) -> None:
        self.value, self.style, self.text = value, style, text


class Chart:
    """A pie (the grade counts) or horizontal bar chart (总分 by department) and where it
    is anchored (column and row from 0) and its size in cm. values, categories: their
    references ('sheet'!$B$2:$B$5); series_title: the pie's series name reference;
    axis_titles: a bar chart's (category axis, value axis)."""

    def __init__(self, kind: str, title: str, *, values: str, categories: str, column: int, row: int,
                 width: float, height: float, series_title: str | None = None,
                 axis_titles: tuple[str, str] = ("", "")) -> None:
        self.kind, self.title, self.values, self.categories = kind, title, values, categories
        self.column, self.row, self.width, self.height = column, row, width, height
        self.series_title, self.axis_titles = series_title, axis_titles

    def xml(self) -> bytes:
        a = f'xmlns:a="{DRAWING}"'

        def rich(text: str) -> str:
            return (f'<rich><a:bodyPr {a}/><a:p {a}><a:pPr><a:defRPr/></a:pPr><a:r><a:t>{_xml_text(text)}</a:t>'
                    f'</a:r></a:p></rich>')

        def title(text: str) -> str:
            return f"<title><tx>{rich(text)}</tx></title>"

        line = f'<spPr><a:ln {a}><a:prstDash val="solid"/></a:ln></spPr>'
        if self.kind == "pie":
            plot = (f'<pieChart><varyColors val="1"/><ser><idx val="0"/><order val="0"/><tx><strRef>'
                    f'<f>{_xml_text(self.series_title or "")}</f></strRef></tx>{line}'
                    f'<cat><numRef><f>{_xml_text(self.categories)}</f></numRef></cat>'
                    f'<val><numRef><f>{_xml_text(self.values)}</f></numRef></val></ser>'
                    '<dLbls><showLegendKey val="0"/><showVal val="1"/><showCatName val="0"/><showSerName val="0"/>'
                    '<showPercent val="0"/></dLbls><firstSliceAng val="0"/></pieChart>')
            rest = '<legend><legendPos val="r"/></legend>'
        else:
            names, scores = self.axis_titles
            plot = (f'<barChart><barDir val="bar"/><grouping val="clustered"/><ser><idx val="0"/><order val="0"/>'
                    f'{line}<cat><numRef><f>{_xml_text(self.categories)}</f></numRef></cat>'
                    f'<val><numRef><f>{_xml_text(self.values)}</f></numRef></val></ser><gapWidth val="150"/>'
                    '<axId val="10"/><axId val="100"/></barChart>'
                    '<catAx><axId val="10"/><scaling><orientation val="maxMin"/></scaling><delete val="0"/>'
                    f'<axPos val="l"/>{title(names)}<majorTickMark val="none"/><minorTickMark val="none"/>'
                    f'<txPr><a:bodyPr {a}/><a:p {a}><a:pPr><a:defRPr sz="900"/></a:pPr><a:r><a:t></a:t></a:r>'
                    '<a:endParaRPr sz="900"/></a:p></txPr><crossAx val="100"/><lblOffset val="100"/>'
                    '<tickLblSkip val="1"/><tickMarkSkip val="1"/></catAx>'
                    '<valAx><axId val="100"/><scaling><orientation val="minMax"/><max val="100"/><min val="0"/>'
                    f'</scaling><delete val="0"/><axPos val="l"/><majorGridlines/>{title(scores)}'
                    '<majorTickMark val="none"/><minorTickMark val="none"/><crossAx val="10"/></valAx>')
            rest = ""
        return (f'<chartSpace xmlns="{CHART}"><chart>{title(self.title)}<plotArea>{plot}</plotArea>{rest}'
                '<plotVisOnly val="1"/><dispBlanksAs val="gap"/></chart></chartSpace>').encode()


class Sheet:
    """A sheet written top to bottom: what comes before the rows (widths, panes, page
    setup) is set first, then rows are appended; merges, filter, breaks and charts are
    written after them."""

    def __init__(self, book: Workbook, name: str) -> None:
        self.book, self.name = book, name
        self.widths: dict[int, float] = {}
        self.freeze: str | None = None
        self.fit_width = False
        self.default_height: float | None = None  # sheetFormatPr with customHeight
        self.landscape = False
        self.margins = (0.5, 0.25)  # page, header/footer (inches)
        self.scale: int | None = None
        self.print_titles: str | None = None  # "1:2"
        self.print_area: str | None = None  # "A1:P66"
        self.filter: str | None = None  # "A2:I3"
        self.merges: set[tuple[int, int, int, int]] = set()  # (first row, first column, last row, last column)
        self.row_breaks: list[int] = []
        self.charts: list[Chart] = []
        self._rows = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+", encoding="ascii")
        self._row = 0

    def style(self, style: Style) -> tuple:
        return self.book.styles.make(style)

    def merge(self, row: int, first: int, last: int, last_row: int | None = None) -> None:
        self.merges.add((row, first, last_row or row, last))

    def append(self, cells: Iterable[Cell | Any], height: float | None = None) -> None:
        self._row += 1
        row = self._row
        styles = self.book.styles
        out = [f'<row r="{row}"' + (f' ht="{_number(height)}" customHeight="1">' if height is not None else ">")]
        for column, cell in enumerate(cells, start=1):
            if not isinstance(cell, Cell):
                cell = Cell(cell)
            value, xf = cell.value, styles.xf(cell.style) if cell.style is not None else 0
            if value is None and not xf:
                continue
            head = f'<c r="{column_letter(column)}{row}"' + (f' s="{xf}"' if xf else "")
            if cell.text or isinstance(value, str):
                if value is None or value == "":
                    out.append(f'{head} t="inlineStr"></c>')
                    continue
                value = str(value)
                space = ' xml:space="preserve"' if value != value.strip() else ""
                out.append(f'{head} t="inlineStr"><is><t{space}>{_cell_text(value)}</t></is></c>')
            elif value is None:
                out.append(f'{head} t="n"></c>')
            else:
                out.append(f'{head} t="n"><v>{_number(value)}</v></c>')
        out.append("</row>")
        self._rows.write("".join(out))

    @property
    def rows(self) -> int:
        return self._row

    def _view(self) -> str:
        if self.freeze is None:
            return '<sheetView workbookViewId="0"><selection activeCell="A1" sqref="A1"/></sheetView>'
        row, column = _coordinate(self.freeze)
        split = (f' xSplit="{column - 1}"' if column > 1 else "") + (f' ySplit="{row - 1}"' if row > 1 else "")
        pane = "bottomRight" if row > 1 and column > 1 else "bottomLeft" if row > 1 else "topRight"
        selections = '<selection pane="topRight"/><selection pane="bottomLeft"/>' if pane == "bottomRight" else ""
        return (f'<sheetView workbookViewId="0"><pane{split} topLeftCell="{self.freeze}" activePane="{pane}" '
                f'state="frozen"/>{selections}<selection pane="{pane}" activeCell="A1" sqref="A1"/></sheetView>')

    def write(self, stream: BinaryIO, drawing: bool) -> None:
        """The sheet's XML into stream, its rows copied from their temporary file a piece
        at a time (never the whole sheet in memory); the rows' file is closed."""
        page, header = self.margins
        out = [f'<worksheet xmlns="{MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>',
               '<pageSetUpPr fitToPage="1"/>' if self.fit_width else "<pageSetUpPr/>",
               f"</sheetPr><sheetViews>{self._view()}</sheetViews>",
               f'<sheetFormatPr baseColWidth="8" defaultRowHeight="{_number(self.default_height or 15)}"'
               + (' customHeight="1"/>' if self.default_height is not None else "/>")]
        if self.widths:
            out.append("<cols>")
            out += [f'<col width="{_number(width)}" customWidth="1" min="{column}" max="{column}"/>'
                    for column, width in sorted(self.widths.items())]
            out.append("</cols>")
        out.append("<sheetData>")
        stream.write("".join(out).encode("ascii"))
        self._rows.seek(0)
        while piece := self._rows.read(1 << 16):
            stream.write(piece.encode("ascii"))
        self._rows.close()
        out = ["</sheetData>"]
        if self.filter:
            out.append(f'<autoFilter ref="{self.filter}"/>')
        if self.merges:
            out.append(f'<mergeCells count="{len(self.merges)}">')
            out += [f'<mergeCell ref="{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"/>'
                    for r1, c1, r2, c2 in self.merges]  # the set's order, as openpyxl's set of ranges
            out.append("</mergeCells>")
        out.append('<printOptions horizontalCentered="1"/>' if self.landscape else "")
        out.append(f'<pageMargins left="{_number(page)}" right="{_number(page)}" top="{_number(page)}" '
                   f'bottom="{_number(page)}" header="{_number(header)}" footer="{_number(header)}"/>')
        setup = ' orientation="landscape" paperSize="9"' if self.landscape else ""
        if self.scale is not None:
            setup += f' scale="{self.scale}"'
        if self.fit_width:
            setup += ' fitToHeight="0" fitToWidth="1"'
        out.append(f"<pageSetup{setup}/>")
        if self.row_breaks:
            out.append(f'<rowBreaks count="{len(self.row_breaks)}" manualBreakCount="{len(self.row_breaks)}">')
            out += [f'<brk id="{row}" min="0" max="16383" man="1"/>' for row in self.row_breaks]
            out.append("</rowBreaks>")
        if drawing:
            out.append(f'<drawing xmlns:r="{REL}" r:id="rId1"/>')
        out.append("</worksheet>")
        stream.write("".join(out).encode("ascii"))


def _quoted(sheet: str) -> str:
    return "'{}'".format(sheet.replace("'", "''"))


def reference(sheet: Sheet | str, first_row: int, column: int, last_row: int | None = None,
              absolute: bool = True) -> str:
    """'sheet'!$B$3:$B$22 (one cell: 'sheet'!$B$3; absolute=False: 'sheet'!B1)."""
    name = sheet.name if isinstance(sheet, Sheet) else sheet
    dollar = "$" if absolute else ""
    cell = f"{dollar}{column_letter(column)}{dollar}{first_row}"
    if last_row is not None and last_row != first_row:
        cell += f":{dollar}{column_letter(column)}{dollar}{last_row}"
    return f"{_quoted(name)}!{cell}"


class Workbook:
    """The 汇总表: sheets made in order, then saved as one .xlsx."""

    def __init__(self) -> None:
        self.styles = Styles()
        self.sheets: list[Sheet] = []
        self.title: str | None = None
        self.creator = "reportgen"

    def create_sheet(self, name: str) -> Sheet:
        sheet = Sheet(self, name)
        self.sheets.append(sheet)
        return sheet

    def _workbook_xml(self) -> bytes:
        sheets = "".join(f'<sheet xmlns:r="{REL}" name="{_attribute(s.name)}" sheetId="{i}" state="visible" '
                         f'r:id="rId{i}"/>' for i, s in enumerate(self.sheets, start=1))
        names = []
        for index, sheet in enumerate(self.sheets):
            quoted = _attribute(_quoted(sheet.name))
            if sheet.filter:
                first, last = sheet.filter.split(":")
                (r1, c1), (r2, c2) = _coordinate(first), _coordinate(last)
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
                             f'{quoted}!${column_letter(c1)}${r1}:${column_letter(c2)}${r2}</definedName>')
            if sheet.print_titles:
                first, last = sheet.print_titles.split(":")
                names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
                             f'{quoted}!${first}:${last}</definedName>')
            if sheet.print_area:
                first, last = sheet.print_area.split(":")
                (r1, c1), (r2, c2) = _coordinate(first), _coordinate(last)
                names.append(f'<definedName name="_xlnm.Print_Area" localSheetId="{index}">'
                             f'{quoted}!${column_letter(c1)}${r1}:${column_letter(c2)}${r2}</definedName>')
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else "<definedNames/>"
        return (f'<workbook xmlns="{MAIN}"><workbookPr/><workbookProtection/><bookViews><workbookView '
                'visibility="visible" minimized="0" showHorizontalScroll="1" showVerticalScroll="1" '
                'showSheetTabs="1" tabRatio="600" firstSheet="0" activeTab="0" autoFilterDateGrouping="1"/>'
                f'</bookViews><sheets>{sheets}</sheets>{defined}<calcPr calcId="124519" fullCalcOnLoad="1"/>'
                '</workbook>').encode()

    def _core_xml(self, stamp: str) -> bytes:
        dc, terms = 'xmlns:dc="http://purl.org/dc/elements/1.1/"', 'xmlns:dcterms="http://purl.org/dc/terms/"'
        xsi = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="dcterms:W3CDTF"'
        title = f"<dc:title {dc}>{_xml_text(self.title)}</dc:title>" if self.title else ""
        return ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
                f'core-properties"><dc:creator {dc}>{_xml_text(self.creator)}</dc:creator>{title}'
                f'<dcterms:created {terms} {xsi}>{stamp}</dcterms:created>'
                f'<dcterms:modified {terms} {xsi}>{stamp}</dcterms:modified></cp:coreProperties>').encode()

    def parts(self, stamp: str) -> list[tuple[str, bytes | Callable[[BinaryIO], None]]]:
        """The package's parts in openpyxl's order, each its bytes or what writes them
        (a sheet); stamp: the document's date (YYYY-MM-DDTHH:MM:SSZ)."""
        parts = [("docProps/app.xml", f'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                                      f'extended-properties"><Application>{APPLICATION}</Application>'
                                      '<AppVersion>3.1</AppVersion></Properties>'.encode()),
                 ("docProps/core.xml", self._core_xml(stamp)),
                 ("xl/theme/theme1.xml", THEME.read_bytes())]
        types: list[str] = []  # the sheets and drawings, in the order written
        drawings: list[str] = []
        charts: list[Chart] = []
        for index, sheet in enumerate(self.sheets, start=1):
            parts.append((f"xl/worksheets/sheet{index}.xml", partial(sheet.write, drawing=bool(sheet.charts))))
            types.append(f"/xl/worksheets/sheet{index}.xml")
            if not sheet.charts:
                continue
            number = len(drawings) + 1
            first = len(charts) + 1
            drawings.append(f"/xl/drawings/drawing{number}.xml")
            types.append(drawings[-1])
            anchors, links = [], []
            for offset, chart in enumerate(sheet.charts):
                chart_id = first + offset
                anchors.append(
                    f"<oneCellAnchor><from><col>{chart.column}</col><colOff>0</colOff><row>{chart.row}</row>"
                    f'<rowOff>0</rowOff></from><ext cx="{int(chart.width * EMU_PER_CM)}" '
                    f'cy="{int(chart.height * EMU_PER_CM)}"/><graphicFrame><nvGraphicFramePr>'
                    f'<cNvPr id="{offset + 1}" name="Chart {offset + 1}"/><cNvGraphicFramePr/></nvGraphicFramePr>'
                    f'<xfrm/><a:graphic xmlns:a="{DRAWING}"><a:graphicData uri="{CHART}"><c:chart '
                    f'xmlns:c="{CHART}" xmlns:r="{REL}" r:id="rId{offset + 1}"/></a:graphicData></a:graphic>'
                    "</graphicFrame><clientData/></oneCellAnchor>")
                links.append(f'<Relationship Type="{REL}/chart" Target="/xl/charts/chart{chart_id}.xml" '
                             f'Id="rId{offset + 1}"/>')
            charts += sheet.charts
            parts.append((f"xl/drawings/drawing{number}.xml", (
                '<wsDr xmlns="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing">'
                f'{"".join(anchors)}</wsDr>').encode()))
            parts.append((f"xl/drawings/_rels/drawing{number}.xml.rels",
                          f'<Relationships xmlns="{PKG_REL}">{"".join(links)}</Relationships>'.encode()))
            parts.append((f"xl/worksheets/_rels/sheet{index}.xml.rels", (
                f'<Relationships xmlns="{PKG_REL}"><Relationship Type="{REL}/drawing" '
                f'Target="/xl/drawings/drawing{number}.xml" Id="rId1"/></Relationships>').encode()))
        parts += [(f"xl/charts/chart{i}.xml", chart.xml()) for i, chart in enumerate(charts, start=1)]
        parts.append(("xl/styles.xml", self.styles.xml()))
        parts.append(("_rels/.rels", (
            f'<Relationships xmlns="{PKG_REL}"><Relationship Type="{REL}/officeDocument" Target="xl/workbook.xml" '
            f'Id="rId1"/><Relationship Type="{PKG_REL}/metadata/core-properties" Target="docProps/core.xml" '
            f'Id="rId2"/><Relationship Type="{REL}/extended-properties" Target="docProps/app.xml" Id="rId3"/>'
            "</Relationships>").encode()))
        parts.append(("xl/workbook.xml", self._workbook_xml()))
        count = len(self.sheets)
        links = [f'<Relationship Type="{REL}/worksheet" Target="/xl/worksheets/sheet{i}.xml" Id="rId{i}"/>'
                 for i in range(1, count + 1)]
        links += [f'<Relationship Type="{REL}/styles" Target="styles.xml" Id="rId{count + 1}"/>',
                  f'<Relationship Type="{REL}/theme" Target="theme/theme1.xml" Id="rId{count + 2}"/>']
        parts.append(("xl/_rels/workbook.xml.rels",
                      f'<Relationships xmlns="{PKG_REL}">{"".join(links)}</Relationships>'.encode()))
        parts.append(("[Content_Types].xml", _content_types(types, len(charts))))
        return parts

    def save(self, stamp: str) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, payload in self.parts(stamp):
                if isinstance(payload, bytes):
                    archive.writestr(name, payload)
                else:
                    with archive.open(name, "w") as stream:
                        payload(stream)
        return buffer.getvalue()


def _content_types(parts: Sequence[str], charts: int) -> bytes:
    """parts: the sheets and drawings in the order written."""
    office = "application/vnd.openxmlformats-officedocument"
    overrides = [("/xl/styles.xml", f"{office}.spreadsheetml.styles+xml"),
                 ("/xl/theme/theme1.xml", f"{office}.theme+xml"),
                 ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
                 ("/docProps/app.xml", f"{office}.extended-properties+xml")]
    overrides += [(part, f"{office}.drawing+xml" if part.startswith("/xl/drawings/")
                   else f"{office}.spreadsheetml.worksheet+xml") for part in parts]
    overrides += [(f"/xl/charts/chart{i}.xml", f"{office}.drawingml.chart+xml") for i in range(1, charts + 1)]
    overrides.append(("/xl/workbook.xml", f"{office}.spreadsheetml.sheet.main+xml"))
    return ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides)
            + "</Types>").encode("utf-8")
