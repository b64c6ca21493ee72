"""A printed work list (visits, renewals, follow-ups) on A4 landscape, to carry on a round."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from fieldapp.domain.formats import format_date
from fieldapp.printing import fonts
from fieldapp.printing.footer import footer_text, version_mark


def list_pdf(
    path: Path,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    printed_on: date,
    footer: str = "",
    widths_mm: Sequence[float] | None = None,
) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, Spacer, TableStyle

    fonts.register()
    heading = ParagraphStyle("h", fontName=fonts.BOLD, fontSize=14, leading=18)
    normal = ParagraphStyle("n", fontName=fonts.REGULAR, fontSize=9, leading=11)
    cell = ParagraphStyle("c", fontName=fonts.REGULAR, fontSize=8.5, leading=10)

    def page(canvas, doc) -> None:
        canvas.setFont(fonts.REGULAR, 7)
        canvas.drawString(12 * mm, 8 * mm, footer_text(footer, format_date(printed_on)))
        canvas.drawRightString(landscape(A4)[0] - 12 * mm, 8 * mm, str(doc.page))

    data = [[Paragraph(f"<b>{h}</b>", cell) for h in headers]]
    data += [[Paragraph(str(v), cell) for v in row] for row in rows]
    widths = [w * mm for w in widths_mm] if widths_mm else None
    table = LongTable(data, repeatRows=1, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eaf6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    doc = landscape_document(path, title)
    doc.build(
        [Paragraph(title, heading), Paragraph(subtitle, normal), Spacer(1, 4 * mm), table],
        onFirstPage=page,
        onLaterPages=page,
    )
    return path


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
