"""The tally report on A4 landscape: the heading, a chart of % of plan against the 100 % line, the
summary and the breakdown tables, and a place to sign."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable

from fieldapp.domain.formats import format_date
from fieldapp.i18n import label, t
from fieldapp.printing import fonts
from fieldapp.printing.footer import footer_text
from fieldapp.printing.lists import landscape_document
from fieldapp.reports.export import format_percent
from fieldapp.reports.tallies import Report, Table, percent


def plan_chart(report: Report, width: float, height: float):
    """Bars of % of plan per targeted metric, a line at 100 %; metrics without a target say so."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    lang = report.lang
    drawing = Drawing(width, height)
    rows = report.summary
    label_w, top = width * 0.34, height - 14
    drawing.add(String(0, top + 2, t("tallies.chart_title", lang), fontName=fonts.BOLD, fontSize=9))
    bar_h = min(14.0, (top - 6) / max(1, len(rows)) - 3)
    scale = (width - label_w - 60) / 150  # up to 150 % of plan
    for i, (metric, done, target) in enumerate(rows):
        y = top - (i + 1) * (bar_h + 3)
        drawing.add(String(0, y + 3, label(metric, lang), fontName=fonts.REGULAR, fontSize=7))
        if not target:
            drawing.add(String(label_w, y + 3, t("tallies.no_target", lang), fontName=fonts.ITALIC, fontSize=7))
            continue
        pct = percent(done, target) or 0.0  # as the tables round it
        colour = colors.HexColor("#2e7d32") if pct >= 100 else colors.HexColor("#1565c0")
        drawing.add(Rect(label_w, y, min(pct, 150) * scale, bar_h, fillColor=colour, strokeColor=None))
        drawing.add(String(label_w + min(pct, 150) * scale + 3, y + 3, format_percent(pct, lang),
                           fontName=fonts.REGULAR, fontSize=7))  # fmt: skip
    x100 = label_w + 100 * scale
    drawing.add(Line(x100, 0, x100, top, strokeColor=colors.HexColor("#c62828"), strokeWidth=1, strokeDashArray=[3, 2]))
    drawing.add(String(x100 + 2, 0, "100 %", fontName=fonts.REGULAR, fontSize=6, fillColor=colors.HexColor("#c62828")))
    return drawing


def report_pdf(report: Report, path: Path, printed_on: date) -> Path:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer

    fonts.register()
    lang = report.lang
    heading = ParagraphStyle("h", fontName=fonts.BOLD, fontSize=13, leading=17, alignment=1)
    normal = ParagraphStyle("n", fontName=fonts.REGULAR, fontSize=9, leading=12, alignment=1)
    caption = ParagraphStyle("c", fontName=fonts.BOLD, fontSize=10, leading=13, spaceBefore=6)
    page_w = landscape(A4)[0] - 24 * mm

    def page(canvas, doc) -> None:
        canvas.setFont(fonts.REGULAR, 7)
        canvas.drawString(12 * mm, 8 * mm, footer_text(report.scope_name, format_date(printed_on)))
        canvas.drawRightString(landscape(A4)[0] - 12 * mm, 8 * mm, str(doc.page))

    story = [
        Paragraph(t("tallies.report_title", lang), heading),
        Paragraph(t("tallies.scope", lang, name=report.scope_name), normal),
        Paragraph(t("tallies.period", lang, period=report.period_text()), normal),
        Spacer(1, 3 * mm),
    ]
    if report.empty:
        story.append(Paragraph(t("tallies.empty", lang), normal))
    story.append(plan_chart(report, page_w * 0.7, 120))
    grids = [(Paragraph(table.title, caption), _grid(table, lang, page_w)) for table in report.tables]
    for i, (title, grid) in enumerate(grids):
        last = i == len(grids) - 1  # the signatures go with the end of the last table, never on a page alone
        ending = _WithEnd(grid, _signatures(report, lang, page_w), gap=6 * mm) if last else grid
        story += [_HeadingRoom(title, grid), title, ending]
    if not grids:
        story += [Spacer(1, 6 * mm), KeepTogether([_signatures(report, lang, page_w)])]
    doc = landscape_document(path, t("tallies.report_title", lang))
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return path


ROWS_WITH_HEADING = 3  # a table's heading and header row move to the next page unless this many rows follow
ROWS_WITH_SIGNATURES = 2  # the last rows of the last table that go over with the signatures


def _HeadingRoom(title: Any, grid: Any) -> Any:
    """A page break unless the heading, the header row and the first rows of its table fit where they are."""
    from reportlab.platypus import CondPageBreak

    title.wrap(10_000, 10_000)
    heights = _row_heights(grid)
    return CondPageBreak(title.height + title.getSpaceBefore() + sum(heights[: 1 + ROWS_WITH_HEADING]))


def _row_heights(grid: Any) -> list[float]:
    if getattr(grid, "_rowHeights", None) is None or None in grid._rowHeights:
        grid.wrap(sum(grid._colWidths or ()) or 10_000, 100_000)
    return list(grid._rowHeights)


class _WithEnd(Flowable):
    """A table whose last rows stay with what follows it (the signatures): where both do not fit, the table
    is split so that its end goes over to the next page with them (under the repeated header row)."""

    def __init__(self, grid: Any, tail: Any, gap: float) -> None:
        super().__init__()
        self.grid, self.tail, self.gap = grid, tail, gap

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        w, h = self.grid.wrap(aw, ah)
        self._grid_h = h
        self._tail_h = self.tail.wrap(aw, ah)[1] + self.gap
        return w, h + self._tail_h

    def draw(self) -> None:
        self.grid.drawOn(self.canv, 0, self._tail_h)
        self.tail.drawOn(self.canv, 0, 0)

    def split(self, aw: float, ah: float) -> list[Any]:
        self.wrap(aw, ah)
        if self._grid_h + self._tail_h <= ah:
            return [self]
        end = sum(_row_heights(self.grid)[-ROWS_WITH_SIGNATURES:])
        parts = self.grid.split(aw, min(ah, self._grid_h - end))
        if len(parts) < 2:
            return []  # nothing of it fits here: all of it on the next page
        return [*parts[:-1], _WithEnd(parts[-1], self.tail, self.gap)]


def _grid(table: Table, lang: str, page_w: float) -> Any:
    """One tally table: its first column wide, the numbers right-aligned, its total row shaded."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, TableStyle

    from fieldapp.reports.export import compact

    cell = ParagraphStyle("cell", fontName=fonts.REGULAR, fontSize=7, leading=8.5)
    right = ParagraphStyle("r", parent=cell, alignment=2)
    headers, rows, kinds = compact(table, lang)
    data = [[Paragraph(f"<b>{h}</b>", cell) for h in headers]]
    data += [[Paragraph(v, right if kinds[i] != "text" else cell) for i, v in enumerate(row)] for row in rows]
    first_w = 48 * mm
    other_w = (page_w - first_w) / max(1, len(headers) - 1)
    grid = LongTable(data, repeatRows=1, colWidths=[first_w] + [other_w] * (len(headers) - 1))
    style = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eaf6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if table.total:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f5f5f5")))
    grid.setStyle(TableStyle(style))
    return grid


def _signatures(report: Report, lang: str, page_w: float) -> Any:
    """Who signs the report (`Report.signers`: its maker and a team's leader or a province's head of office),
    side by side, room to sign under each."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table

    sign = ParagraphStyle("s", fontName=fonts.BOLD, fontSize=9, alignment=1)
    hint = ParagraphStyle("sh", fontName=fonts.ITALIC, fontSize=8, alignment=1)
    signers = report.signers  # who signs is the report's to say (a team's leader, a province's head of office)
    return Table(
        [
            [Paragraph(t(f"tallies.signed_{who}", lang), sign) for who in signers],
            [Paragraph(t("tallies.sign_hint", lang), hint) for _ in signers],
            ["" for _ in signers],
        ],
        colWidths=[page_w / len(signers)] * len(signers),
        rowHeights=[None, None, 22 * mm],
    )
