"""QR labels for the HI cards and SI books handed over at an event, and the hand-over list people sign.

An HI card label carries the card's own QR format (forms.md), so a clinic's scanner reads it like the
plastic card the office prints later; an SI book label carries the SI number. Labels come on an A4 sheet
of 3 × 8 (70 × 37 mm, the common sticker sheet) or one at a time on a thermal roll.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from fieldapp.domain import products
from fieldapp.domain.enums import Sex
from fieldapp.domain.formats import format_birth, format_date
from fieldapp.domain.receipts import HandOver
from fieldapp.domain.scans import hi_card_text
from fieldapp.printing import fonts, footer, qr
from fieldapp.printing.lists import list_pdf

LABEL_LAYOUTS = ("sheet", "80mm", "58mm")
_SHEET = (3, 8, 70.0, 37.0)  # columns, rows, label width and height in mm
# What an office printer can reach: the 3 × 8 sheet's stickers run to the paper's edge (A4 is 210 × 297 mm),
# but most printers leave 3-4 mm blank, so the outer labels draw nothing within 5 mm of the edge.
SAFE_MARGIN_MM = 5.0
_PAD_MM = 2.0  # inside a label, all round
NO_SI_NUMBER = "chưa có mã số BHXH"  # why a card or book has no label (hand-over list, `fieldapp receipt`)


def is_card(kind: str) -> bool:
    """An HI card is handed over for an HI product, an SI book for a VSI one (the registry says which)."""
    return products.get(kind).insures == products.HI


@dataclass(frozen=True, slots=True)
class Label:
    title: str  # THẺ BHYT / SỔ BHXH
    name: str
    lines: tuple[str, ...]
    qr_text: str


def label_for(item: HandOver, issued_on: date) -> Label | None:
    """The label of one card or book; None where there is no SI number to put on it yet."""
    if not item.si_number:
        return None
    born = format_birth(item.birth_date, item.birth_year) or "—"
    if is_card(item.kind):
        text = hi_card_text(
            item.si_number,
            item.name,
            item.birth_date,
            Sex(item.sex) if item.sex else None,
            item.start_on,
            item.end_on,
            issued_on,
            birth_year=item.birth_year,
            clinic=item.clinic or "-",
        )
        lines = (
            f"Mã thẻ: {item.si_number}",
            f"Ngày sinh: {born}",
            f"Hạn thẻ: {format_date(item.start_on)} - {format_date(item.end_on)}",
        )
        return Label("THẺ BHYT", item.name, lines, text)
    lines = (
        f"Mã số BHXH: {item.si_number}",
        f"Ngày sinh: {born}",
        f"Đã đóng: {item.start_on:%m/%Y} - {item.end_on:%m/%Y}",
    )
    return Label("SỔ BHXH", item.name, lines, item.si_number)


def without_label(items: Sequence[HandOver]) -> list[HandOver]:
    """The cards and books that get no label (`label_for` gives None): each is named, never skipped silently."""
    return [i for i in items if not i.si_number]


def _inside(x: float, y: float, w: float, h: float, page: tuple[float, float] | None) -> tuple[float, ...]:
    """The part of a label that is drawn on: the label less its padding and, on a sheet, less whatever of it
    lies within SAFE_MARGIN_MM of the paper's edge. (left, bottom, width, height), points."""
    from reportlab.lib.units import mm

    pad, safe = _PAD_MM * mm, SAFE_MARGIN_MM * mm
    left, bottom, right, top = x + pad, y + pad, x + w - pad, y + h - pad
    if page is not None:
        left, bottom = max(left, safe), max(bottom, safe)
        right, top = min(right, page[0] - safe), min(top, page[1] - safe)
    return left, bottom, right - left, top - bottom


def _draw_label(c, label: Label, x: float, y: float, w: float, h: float, page: tuple[float, float] | None) -> None:
    from reportlab.lib.units import mm

    x, y, w, h = _inside(x, y, w, h, page)
    footer.draw_version(c, x + w, y, font=fonts.REGULAR, size=4.5, right=True)
    qr_size = min(h, w * 0.45)
    qr.draw(c, label.qr_text, x, y + (h - qr_size) / 2, qr_size, quiet=1)
    tx = x + qr_size + 1.5 * mm
    tw = w - (tx - x)
    c.setFont(fonts.BOLD, 7)
    ty = y + h - 7
    c.drawString(tx, ty, label.title)
    name_size = 8
    from reportlab.lib.utils import simpleSplit

    c.setFont(fonts.BOLD, name_size)
    for line in simpleSplit(label.name, fonts.BOLD, name_size, tw)[:2]:
        ty -= name_size * 1.2
        c.drawString(tx, ty, line)
    for line in label.lines:
        size = _fitting_size(line, tw)
        c.setFont(fonts.REGULAR, size)
        for part in simpleSplit(line, fonts.REGULAR, size, tw)[:2]:
            ty -= 7.5
            c.drawString(tx, ty, part)


def _fitting_size(line: str, width: float, size: float = 6.3, smallest: float = 4.8) -> float:
    """The font size (down to `smallest`) at which `line` takes at most two lines of `width`: on a 58 mm
    roll the card's validity ("Hạn thẻ: 01/07/2026 - 30/06/2027") would otherwise lose its end date."""
    from reportlab.lib.utils import simpleSplit

    while size > smallest and len(simpleSplit(line, fonts.REGULAR, size, width)) > 2:
        size = round(size - 0.3, 2)
    return size


def labels_pdf(labels: Sequence[Label], out: Path | BinaryIO, layout: str = "sheet") -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    if layout not in LABEL_LAYOUTS:
        raise ValueError(layout)
    fonts.register()
    c = Canvas(str(out) if isinstance(out, Path) else out, pagesize=A4, initialFontName=fonts.REGULAR)
    c.setTitle("Nhãn QR thẻ BHYT, sổ BHXH")
    c.setAuthor("fieldapp")
    footer.stamp(c)
    if layout == "sheet":
        cols, rows, lw, lh = _SHEET
        left = (A4[0] - cols * lw * mm) / 2
        bottom = (A4[1] - rows * lh * mm) / 2
        per_page = cols * rows
        for i, label in enumerate(labels):
            if i and i % per_page == 0:
                c.showPage()
            k = i % per_page
            col, row = k % cols, k // cols
            x = left + col * lw * mm
            y = bottom + (rows - 1 - row) * lh * mm
            _draw_label(c, label, x, y, lw * mm, lh * mm, A4)
    else:
        width = (72.0 if layout == "80mm" else 48.0) * mm
        height = (34.0 if layout == "80mm" else 30.0) * mm
        for label in labels:
            c.setPageSize((width, height))
            _draw_label(c, label, 0, 0, width, height, None)  # a roll's head prints to its edge
            c.showPage()
    if not labels:
        c.setFont(fonts.REGULAR, 10)
        c.drawString(20 * mm, A4[1] - 20 * mm, "Không có thẻ, sổ nào để in nhãn.")
    c.save()


def hand_over_pdf(
    items: Sequence[HandOver], path: Path, *, day: date, team: str, collector: str, printed_on: date
) -> Path:
    """The list the recipients sign when they take their card or book (one row each); it counts the labels
    too and names each card or book without one, so the count of labels and of cards never differ unexplained."""
    missing = without_label(items)
    rows = []
    for i, item in enumerate(items, 1):
        hi = is_card(item.kind)
        rows.append(
            (
                str(i),
                item.name,
                format_birth(item.birth_date, item.birth_year),
                item.si_number or f"({NO_SI_NUMBER}: không có nhãn)",
                "Thẻ BHYT" if hi else "Sổ BHXH",
                f"{format_date(item.start_on)} - {format_date(item.end_on)}",
                item.hamlet,
                item.receipt + (" (đã huỷ)" if item.voided else ""),
                "",
            )
        )
    headers = (
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Mã số BHXH / mã thẻ",
        "Loại",
        "Thời hạn",
        "Thôn/tổ",
        "Biên lai",
        "Ký nhận",
    )
    parts = [
        f"Ngày {format_date(day)}",
        team,
        f"Người bàn giao: {collector}" if collector else "",
        f"{len(items)} thẻ, sổ",
        f"{len(items) - len(missing)} nhãn QR",
    ]
    subtitle = " · ".join(p for p in parts if p)
    if missing:
        names = ", ".join(f"{i.name} ({NO_SI_NUMBER})" for i in missing)
        subtitle += f". Không có nhãn: {names}"
    return list_pdf(
        path,
        "DANH SÁCH BÀN GIAO THẺ BHYT, SỔ BHXH",
        subtitle,
        headers,
        rows,
        printed_on,
        footer="Người nhận ký xác nhận đã nhận thẻ, sổ",
        widths_mm=(10, 46, 21, 30, 18, 40, 30, 45, 33),
    )
