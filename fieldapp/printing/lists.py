"""A printed work list (visits, renewals, follow-ups) on A4 landscape, to carry on a round."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from fieldapp.domain.formats import format_date
from fieldapp.printing import fonts
from fieldapp.printing.footer import footer_text, version_mark

ROWS_PER_PAGE = 30  # one-line rows of a landscape A4 page: the page count a progress bar expects


def list_pdf(
    path: Path,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    printed_on: date,
    footer: str = "",
    widths_mm: Sequence[float] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Every row, on as many pages as they take. `progress(page, pages_expected)` is called as each page is
    laid out; it may raise to stop (the caller's file writer then leaves no file).

    A cell is a plain string where it fits its column on one line and a wrapped Paragraph only where it
    does not: 45,000 Paragraphs made 5,000 rows take 12 s, most of it wrapping text that fitted anyway."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    fonts.register()
    heading = ParagraphStyle("h", fontName=fonts.BOLD, fontSize=14, leading=18)
    normal = ParagraphStyle("n", fontName=fonts.REGULAR, fontSize=9, leading=11)
    usable = landscape(A4)[0] - 24 * mm
    widths = [w * mm for w in widths_mm] if widths_mm else _widths(headers, rows, usable)
    pages = max(1, -(-len(rows) // ROWS_PER_PAGE))

    def page(canvas, doc) -> None:
        canvas.setFont(fonts.REGULAR, 7)
        canvas.drawString(12 * mm, 8 * mm, footer_text(footer, format_date(printed_on)))
        canvas.drawRightString(landscape(A4)[0] - 12 * mm, 8 * mm, str(doc.page))
        if progress is not None:
            progress(doc.page, max(pages, doc.page))

    table = _table(headers, rows, widths)
    doc = landscape_document(path, title)
    doc.build(
        [Paragraph(escape(title), heading), Paragraph(escape(subtitle), normal), Spacer(1, 4 * mm), table],
        onFirstPage=page,
        onLaterPages=page,
    )
    return path


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> Any:
    """The rows under a repeated head row, each cell laid out as `list_pdf` says."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import LongTable, Paragraph, TableStyle

    cell = ParagraphStyle("c", fontName=fonts.REGULAR, fontSize=CELL_SIZE, leading=10)
    room = [w - 2 * CELL_PADDING for w in widths]

    def laid(value: object, column: int) -> object:
        text = str(value)
        if "\n" not in text and stringWidth(text, fonts.REGULAR, CELL_SIZE) <= room[column]:
            return text
        return Paragraph(escape(text), cell)

    data: list[list[object]] = [[Paragraph(f"<b>{escape(h)}</b>", cell) for h in headers]]
    data += [[laid(v, i) for i, v in enumerate(row)] for row in rows]
    table = LongTable(data, repeatRows=1, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 1), (-1, -1), fonts.REGULAR, CELL_SIZE, 10),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eaf6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ]
        )
    )
    return table


CELL_SIZE = 8.5
CELL_PADDING = 3


def _widths(headers: Sequence[str], rows: Sequence[Sequence[str]], usable: float) -> list[float]:
    """Each column as wide as its widest text (a sample of the rows), a long one capped, scaled to the page."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    sample = rows[:: max(1, len(rows) // 2000)]
    natural = [
        min(
            max([stringWidth(str(h), fonts.BOLD, CELL_SIZE)] + [stringWidth(str(r[i]), fonts.REGULAR, CELL_SIZE)
                for r in sample]) + 2 * CELL_PADDING + 1,
            usable / 4,
        )
        for i, h in enumerate(headers)
    ]  # fmt: skip
    scale = usable / sum(natural)
    return [w * scale for w in natural]


def landscape_document(path: Path, title: str):
    """An A4 landscape document with the margins every list and report uses (room for the page footer)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    return SimpleDocTemplate(
        str(path),
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=14 * mm,
        title=title,
        author="fieldapp",
        creator=version_mark(),
    )
