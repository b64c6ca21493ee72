"""The receipt (BIÊN LAI THU TIỀN, form C45-BB of Circular 107/2017/TT-BTC; forms.md) as PDF.

Layouts: `a5` (one sheet), `a4` (two A5 copies side by side on A4 landscape: for the payer and for the
agent), and `80mm` / `58mm` thermal rolls (the same facts in a narrow column, as long as they need).
A batch is many receipts in one PDF. Paper is always in Vietnamese: it is the official form.

The receipt's facts come in as `ReceiptRecord`s; nothing here reads the store.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from fieldapp.domain import products
from fieldapp.domain.admin_units import province_title
from fieldapp.domain.enums import PaymentMethod
from fieldapp.domain.formats import format_date, format_datetime, format_vnd
from fieldapp.domain.profile import Letterhead
from fieldapp.domain.receipt_code import confirmation_code, decode
from fieldapp.domain.receipts import ReceiptRecord
from fieldapp.domain.words import amount_in_words
from fieldapp.printing import fonts, footer, qr

LAYOUTS = ("a5", "a4", "80mm", "58mm")
THERMAL = {"80mm": 72.0, "58mm": 48.0}  # printable width of the roll, mm

FORM = "Mẫu số: C45-BB"
FORM_BASIS = "(Ban hành kèm theo Thông tư 107/2017/TT-BTC ngày 10/10/2017 của Bộ Tài chính)"
TITLE = "BIÊN LAI THU TIỀN"
COPY_MARK = "BẢN SAO"
VOID_MARK = "ĐÃ HUỶ"
PAYER_COPY, KEPT_COPY = "Giao người nộp tiền", "Lưu tại đơn vị thu"


def copies(payer_copy: int) -> tuple[str, str]:
    """The names of the A4 sheet's two copies, left to right: which Liên the payer keeps is the province's
    (profile `[receipts] payer_copy`, fieldapp.domain.profile), Liên 1 unless it says 2."""
    given = (PAYER_COPY, KEPT_COPY) if payer_copy != 2 else (KEPT_COPY, PAYER_COPY)
    return (f"Liên 1: {given[0]}", f"Liên 2: {given[1]}")


METHOD = {PaymentMethod.CASH: "Tiền mặt", PaymentMethod.TRANSFER: "Chuyển khoản"}


@dataclass(frozen=True, slots=True)
class Printing:
    """One receipt to print, and how: a copy prints BẢN SAO; a void one prints ĐÃ HUỶ with its reason."""

    record: ReceiptRecord
    copy: bool = False
    letterhead: Letterhead = field(default_factory=Letterhead)  # logo, payer copy (domain.profile.letterhead_of)


def vss_office(record: ReceiptRecord) -> str:
    """BẢO HIỂM XÃ HỘI TỈNH HƯNG YÊN / THÀNH PHỐ HÀ NỘI (provinces keep their kind: tỉnh, thành phố)."""
    return f"BẢO HIỂM XÃ HỘI {province_title(record.province_name, record.province_kind)}".upper()


def donated(r: ReceiptRecord) -> bool:
    """A card or book a sponsor paid for: the sponsor is the payer, the participants its beneficiaries."""
    return products.get(r.kind).donated and bool(r.sponsor)


def payer(r: ReceiptRecord) -> str:
    """Who paid: the sponsor of a donated card or book (what they paid by is the receipt's method), else the
    participant or the household's payer."""
    return r.sponsor if donated(r) and r.sponsor else r.payer_name


def _payer_pairs(r: ReceiptRecord, payer_label: str) -> list[tuple[str, str]]:
    """The payer's lines; a sponsor has no SI number, and the address is the beneficiaries'."""
    if donated(r):
        return [(payer_label, payer(r)), ("Địa chỉ người được tặng", r.address)]
    return [(payer_label, r.payer_name), ("Mã số BHXH", r.payer_si_number or "—"), ("Địa chỉ", r.address)]


def what_was_paid(r: ReceiptRecord) -> str:
    text = products.get(r.kind).paid_for(r.months, r.start_on, r.end_on, r.income)
    if r.sponsor:
        text += f". Đơn vị/người tặng: {r.sponsor}"
    return text


def confirmation(r: ReceiptRecord) -> str | None:
    if not r.qr_payload:
        return None
    try:
        return confirmation_code(decode(r.qr_payload).signature)
    except ValueError:
        return None


def label(r: ReceiptRecord) -> str:
    return f"{r.series}/{r.number:07d}"


def organisation(r: ReceiptRecord) -> str:
    """The collecting organisation that issues the receipt (storage.issuer: the team's, else the profile's)."""
    return r.organisation


def issued_by(r: ReceiptRecord) -> str:
    """The title's issuer line (forms.md), the same on every layout; only where the organisation is known."""
    return f"(Do {organisation(r)} - tổ chức được BHXH uỷ quyền thu phát hành)"


def _draw_logo(c, logo: Path | None, left: float, top: float, size: float) -> float:
    """The profile's logo in a square at the top left; the width it took (0 without one)."""
    if logo is None:
        return 0.0
    try:
        c.drawImage(str(logo), left, top - size, size, size, preserveAspectRatio=True, mask="auto")
    except Exception:  # a logo that went bad after the build: the receipt prints without it
        return 0.0
    return size + 2


# --- a flowing column of text -------------------------------------------------------------------------


class Column:
    """Writes wrapped lines downwards from `top`, between `left` and `left + width` (points)."""

    def __init__(self, canvas, left: float, top: float, width: float, size: float) -> None:
        self.c, self.left, self.y, self.width, self.size = canvas, left, top, width, size

    def _lines(self, text: str, font: str, size: float, width: float) -> list[str]:
        from reportlab.lib.utils import simpleSplit

        return simpleSplit(text, font, size, width) or [""]

    def text(
        self, text: str, *, font: str = fonts.REGULAR, size: float | None = None, align: str = "left", gap: float = 1.25
    ) -> None:
        size = size or self.size
        self.c.setFont(font, size)
        for line in self._lines(text, font, size, self.width):
            self.y -= size * gap
            if align == "center":
                self.c.drawCentredString(self.left + self.width / 2, self.y, line)
            elif align == "right":
                self.c.drawRightString(self.left + self.width, self.y, line)
            else:
                self.c.drawString(self.left, self.y, line)

    def pair(self, name: str, value: str, *, bold_value: bool = False) -> None:
        """`Name: value`, the value wrapping under itself."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        size = self.size
        head = f"{name}: "
        indent = stringWidth(head, fonts.REGULAR, size)
        font = fonts.BOLD if bold_value else fonts.REGULAR
        if indent > self.width * 0.55:
            self.text(head.strip())
            self.text(value, font=font)
            return
        lines = self._lines(value, font, size, self.width - indent)
        for i, line in enumerate(lines):
            self.y -= size * 1.25
            if i == 0:
                self.c.setFont(fonts.REGULAR, size)
                self.c.drawString(self.left, self.y, head)
            self.c.setFont(font, size)
            self.c.drawString(self.left + indent, self.y, line)

    def space(self, points: float) -> None:
        self.y -= points

    def rule(self) -> None:
        self.y -= self.size * 0.5
        self.c.setLineWidth(0.4)
        self.c.setDash(1, 1.5)
        self.c.line(self.left, self.y, self.left + self.width, self.y)
        self.c.setDash()


def _participants(col: Column, r: ReceiptRecord, *, narrow: bool) -> None:
    code_name = products.get(r.kind).code_heading
    if narrow:
        if donated(r):
            col.text("Người được tặng:", font=fonts.BOLD)
        for p in r.participants:
            col.text(f"{p.order}. {p.name}")
            col.text(f"   {code_name}: {p.si_number or '—'} · {format_vnd(p.amount)}")
        return
    c = col.c
    size = col.size - 0.5
    widths = (0.07, 0.45, 0.26, 0.22)
    xs = [col.left]
    for w in widths[:-1]:
        xs.append(xs[-1] + w * col.width)
    who = "Họ và tên người được tặng" if donated(r) else "Họ và tên người tham gia"
    heads = ("STT", who, code_name, "Số tiền")
    col.y -= size * 1.4
    c.setFont(fonts.BOLD, size)
    for x, w, h in zip(xs, widths, heads, strict=True):
        if h == "Số tiền":
            c.drawRightString(x + w * col.width - 2, col.y, h)
        else:
            c.drawString(x + 2, col.y, h)
    c.setLineWidth(0.3)
    c.line(col.left, col.y - 2.5, col.left + col.width, col.y - 2.5)
    c.setFont(fonts.REGULAR, size)
    for p in r.participants:
        col.y -= size * 1.35
        c.drawString(xs[0] + 2, col.y, str(p.order))
        name = p.name
        from reportlab.pdfbase.pdfmetrics import stringWidth

        while name and stringWidth(name, fonts.REGULAR, size) > widths[1] * col.width - 4:
            name = name[:-1]
        c.drawString(xs[1] + 2, col.y, name)
        c.drawString(xs[2] + 2, col.y, p.si_number or "—")
        c.drawRightString(xs[3] + widths[3] * col.width - 2, col.y, format_vnd(p.amount))
    c.line(col.left, col.y - 2.5, col.left + col.width, col.y - 2.5)
    col.y -= 2


def _money(col: Column, r: ReceiptRecord) -> None:
    col.pair("Số tiền", format_vnd(r.amount), bold_value=True)
    col.pair("Viết bằng chữ", amount_in_words(r.amount) + "./.")
    method = METHOD[r.method]
    if r.method is PaymentMethod.TRANSFER and r.reference:
        method += f" (mã giao dịch {r.reference})"
    col.pair("Hình thức thanh toán", method)
    if r.state_support or r.local_support:
        col.pair(
            "Hỗ trợ",
            f"ngân sách nhà nước {format_vnd(r.state_support)}; ngân sách địa phương {format_vnd(r.local_support)}",
        )


def _stamp(c, text: str, x: float, y: float, size: float, angle: float = 0, red: bool = True) -> None:
    c.saveState()
    if red:
        c.setFillColorRGB(0.78, 0.1, 0.1)
        c.setStrokeColorRGB(0.78, 0.1, 0.1)
    c.translate(x, y)
    c.rotate(angle)
    c.setFont(fonts.BOLD, size)
    c.drawCentredString(0, 0, text)
    c.restoreState()


# --- A5 sheet (and each half of the A4 sheet) ---------------------------------------------------------


def _sheet(c, p: Printing, left: float, bottom: float, width: float, height: float, copy_name: str | None) -> None:
    from reportlab.lib.units import mm

    r = p.record
    margin = 10 * mm
    col = _sheet_heading(c, p, left, bottom + height - margin, width, margin, copy_name)
    _series_and_number(c, r, left + margin, left + width - margin, col.y)
    col.space(16)
    for i, (name, value) in enumerate(_payer_pairs(r, "Họ tên người nộp tiền")):
        col.pair(name, value, bold_value=i == 0)
    col.pair("Nội dung thu", what_was_paid(r))
    _participants(col, r, narrow=False)
    col.space(2)
    _money(col, r)
    _qr_and_signatures(c, r, left + margin, left + width - margin, col.y - 6)
    c.setFont(fonts.REGULAR, 6)
    issued = f"Lập lúc {format_datetime(r.issued_at)}"
    c.drawString(left + margin, bottom + 6 * mm, footer.footer_text(issued, _rules(r)))
    if r.void_reason is not None:
        _stamp(c, VOID_MARK, left + width / 2, bottom + height / 2, 54, angle=28)
        c.setFont(fonts.BOLD, 8)
        c.setFillColorRGB(0.78, 0.1, 0.1)
        c.drawCentredString(left + width / 2, bottom + 10 * mm, f"Lý do huỷ: {r.void_reason}"[:110])
        c.setFillColorRGB(0, 0, 0)


def _sheet_heading(
    c, p: Printing, left: float, top: float, width: float, margin: float, copy_name: str | None
) -> Column:
    """The organisation's logo, the VSS office and the organisation on the left, the form on the right; then
    the title, the copy's name and the day. Returns the column the rest of the sheet goes on."""
    from reportlab.lib.units import mm

    r = p.record
    inner = width - 2 * margin
    logo_width = _draw_logo(c, p.letterhead.logo, left + margin, top, 12 * mm)
    head = Column(c, left + margin + logo_width, top, inner * 0.55 - logo_width, 8)
    head.text(vss_office(r), font=fonts.BOLD, size=8.5)
    head.text(organisation(r), size=8)
    form = Column(c, left + margin + inner * 0.58, top, inner * 0.42, 7)
    form.text(FORM, font=fonts.BOLD, size=8.5, align="center")
    form.text(FORM_BASIS, font=fonts.ITALIC, size=6.5, align="center")
    col = Column(c, left + margin, min(head.y, form.y) - 6, inner, 9)
    col.text(TITLE, font=fonts.BOLD, size=15, align="center")
    if p.copy:
        _stamp(c, COPY_MARK, left + width - margin - 12 * mm, col.y + 1, 12, angle=6)
    if organisation(r):
        col.text(issued_by(r), font=fonts.ITALIC, size=7.5, align="center")
    if copy_name:
        col.text(copy_name, font=fonts.ITALIC, size=7.5, align="center")
    d = r.day
    col.text(f"Ngày {d.day:02d} tháng {d.month:02d} năm {d.year}", font=fonts.ITALIC, size=8.5, align="center")
    col.space(2)
    return col


def _series_and_number(c, r: ReceiptRecord, x_left: float, x_right: float, series_y: float) -> None:
    """The words "Ký hiệu" and the series on the left, "Số" and the receipt's number on the right, on one line."""
    c.setFont(fonts.REGULAR, 9)
    c.drawString(x_left, series_y - 11, "Ký hiệu: ")
    c.setFont(fonts.BOLD, 9)
    c.drawString(x_left + 38, series_y - 11, r.series)
    c.setFont(fonts.REGULAR, 9)
    c.drawRightString(x_right - 45, series_y - 11, "Số: ")
    c.setFont(fonts.BOLD, 11)
    c.drawRightString(x_right, series_y - 11, f"{r.number:07d}")


def _qr_and_signatures(c, r: ReceiptRecord, x_left: float, x_right: float, block_top: float) -> None:
    """The QR and confirmation code on the left, the two signature blocks on the right."""
    from reportlab.lib.units import mm

    qr_size = 30 * mm
    if r.qr_payload:
        qr.draw(c, r.qr_payload, x_left - 2, block_top - qr_size, qr_size)
        code = confirmation(r)
        c.setFont(fonts.REGULAR, 7)
        c.drawCentredString(x_left + qr_size / 2 - 2, block_top - qr_size - 8, "Mã xác nhận:")
        c.setFont(fonts.BOLD, 9)
        c.drawCentredString(x_left + qr_size / 2 - 2, block_top - qr_size - 18, code or "")
    signs_left = x_left + qr_size + 4 * mm
    signs_width = x_right - signs_left
    for i, (who, name) in enumerate(
        (("NGƯỜI NỘP TIỀN", payer(r)), ("NGƯỜI THU TIỀN", f"{r.collector_name} ({r.collector_code})"))
    ):
        x = signs_left + signs_width * (i + 0.5) / 2
        c.setFont(fonts.BOLD, 8.5)
        c.drawCentredString(x, block_top - 10, who)
        c.setFont(fonts.ITALIC, 7)
        c.drawCentredString(x, block_top - 19, "(Ký, ghi rõ họ tên)")
        c.setFont(fonts.REGULAR, 8)
        c.drawCentredString(x, block_top - qr_size - 2, name[:40])


# --- thermal roll ------------------------------------------------------------------------------------


def _thermal_lines(col: Column, p: Printing) -> None:
    r = p.record
    small = col.size - 1
    col.text(vss_office(r), font=fonts.BOLD, align="center")
    if organisation(r):
        col.text(organisation(r), size=small, align="center")
    col.text(f"{FORM} - TT 107/2017/TT-BTC", size=small, align="center")
    col.space(2)
    col.text(TITLE, font=fonts.BOLD, size=col.size + 3, align="center")
    if organisation(r):
        col.text(issued_by(r), font=fonts.ITALIC, size=small, align="center")
    if p.copy:
        col.text(f"*** {COPY_MARK} ***", font=fonts.BOLD, align="center")
    if r.void_reason is not None:
        col.text(f"*** {VOID_MARK} ***", font=fonts.BOLD, size=col.size + 3, align="center")
        col.text(f"Lý do huỷ: {r.void_reason}", size=small, align="center")
    col.text(f"Ngày {format_date(r.day)}", align="center")
    col.rule()
    col.pair("Ký hiệu", r.series, bold_value=True)
    col.pair("Số", f"{r.number:07d}", bold_value=True)
    for i, (name, value) in enumerate(_payer_pairs(r, "Người nộp")):
        col.pair(name, value, bold_value=i == 0)
    col.rule()
    col.text(what_was_paid(r))
    _participants(col, r, narrow=True)
    col.rule()
    _money(col, r)
    col.rule()
    _thermal_signatures(col, r)


def _thermal_signatures(col: Column, r: ReceiptRecord) -> None:
    """The sheet's two signature blocks, one under the other (a roll is too narrow for two side by side)."""
    for who, name in (("NGƯỜI NỘP TIỀN", payer(r)), ("NGƯỜI THU TIỀN", f"{r.collector_name} ({r.collector_code})")):
        col.space(col.size * 0.6)
        col.text(who, font=fonts.BOLD, align="center")
        col.text("(Ký, ghi rõ họ tên)", font=fonts.ITALIC, size=col.size - 1.5, align="center")
        col.space(col.size * 3)
        col.text(name, align="center")


def _rules(r: ReceiptRecord) -> str:
    """The premium rules that priced it, as members and the office name them ("Quy định mức đóng 2027.1");
    never whether a rule is confirmed: that is for members, not for the participant's paper."""
    return f"Quy định mức đóng {r.rules_version}" if r.rules_version else ""


def _thermal(c, p: Printing, roll_mm: float, top: float) -> float:
    """Draw one receipt on a roll from `top` down: the facts, the signatures, the QR and its code, and the
    version footer last of all; return where it ended (points). Measured by drawing it on a scratch canvas,
    so the page is exactly as long as what is drawn."""
    from reportlab.lib.units import mm

    width = roll_mm * mm
    size = 8.5 if roll_mm >= 72 else 7
    col = Column(c, 2 * mm, top, width - 4 * mm, size)
    _thermal_lines(col, p)
    r = p.record
    if r.qr_payload:
        qr_size = min(width * 0.62, 42 * mm)
        col.space(size)
        qr.draw(c, r.qr_payload, (width - qr_size) / 2, col.y - qr_size, qr_size)
        col.y -= qr_size
        col.text(f"Mã xác nhận: {confirmation(r) or ''}", font=fonts.BOLD, align="center")
    col.space(2)
    col.text(footer.footer_text(_rules(r)), size=size - 2.5, align="center")
    return col.y


# --- the document --------------------------------------------------------------------------------------


def write(items: Sequence[Printing], out: Path | BinaryIO, layout: str = "a5") -> None:
    """Write the receipts into one PDF: a page each (A5, thermal) or a sheet of two copies each (A4)."""
    from reportlab.lib.pagesizes import A4, A5, landscape
    from reportlab.pdfgen.canvas import Canvas

    if layout not in LAYOUTS:
        raise ValueError(layout)
    fonts.register()
    target = str(out) if isinstance(out, Path) else out
    size = landscape(A4) if layout == "a4" else A5
    c = Canvas(target, pagesize=size, pageCompression=1, initialFontName=fonts.REGULAR, initialFontSize=9)
    c.setTitle(TITLE if len(items) != 1 else f"{TITLE} {label(items[0].record)}")
    c.setAuthor("fieldapp")
    footer.stamp(c)
    for p in items:
        if layout == "a5":
            _sheet(c, p, 0, 0, A5[0], A5[1], None)
        elif layout == "a4":
            w, h = landscape(A4)
            for i, name in enumerate(copies(p.letterhead.payer_copy)):
                _sheet(c, p, i * w / 2, 0, w / 2, h, name)
            c.setLineWidth(0.3)
            c.setDash(3, 3)
            c.line(w / 2, 8, w / 2, h - 8)
            c.setDash()
        else:
            from reportlab.lib.units import mm

            roll = THERMAL[layout]
            height = 3 * mm - _thermal(Canvas(io.BytesIO()), p, roll, 0) + 4 * mm  # top and bottom margins
            c.setPageSize((roll * mm, height))
            _thermal(c, p, roll, height - 3 * mm)
        c.showPage()
    c.save()


def pdf_bytes(items: Sequence[Printing], layout: str = "a5") -> bytes:
    buffer = io.BytesIO()
    write(items, buffer, layout)
    return buffer.getvalue()
