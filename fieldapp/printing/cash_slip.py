"""The cash hand-over slip (GIẤY NỘP TIỀN MẶT, forms.md): rows per product, the total in figures and in
words, the notes by denomination, what was paid by transfer shown apart, corrections and signatures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fieldapp.domain.clock import today as vietnam_today
from fieldapp.domain.formats import format_date, format_number
from fieldapp.domain.words import amount_in_words
from fieldapp.printing import fonts
from fieldapp.printing.footer import footer_text, version_mark
from fieldapp.services.closing import DENOMINATIONS, DayCash

PRODUCT_TEXT = {"BHYT": "Thu tiền BHYT hộ gia đình", "BHXH": "Thu tiền BHXH tự nguyện"}


@dataclass(frozen=True)
class SlipParties:
    office: str  # "BẢO HIỂM XÃ HỘI TỈNH HƯNG YÊN"
    organisation: str
    team: str
    collector: str
    collector_code: str
    receiver: str  # the team leader


def cash_slip_pdf(
    cash: DayCash, parties: SlipParties, path: Path, notes: dict[int, int], explanation: str = ""
) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    fonts.register()
    n = ParagraphStyle("n", fontName=fonts.REGULAR, fontSize=9.5, leading=13)
    b = ParagraphStyle("b", parent=n, fontName=fonts.BOLD)
    c = ParagraphStyle("c", parent=b, alignment=1)
    title = ParagraphStyle("t", fontName=fonts.BOLD, fontSize=15, leading=20, alignment=1, spaceBefore=6)
    i = ParagraphStyle("i", fontName=fonts.ITALIC, fontSize=9, leading=12, alignment=1)

    def grid(data, widths, total_row=True, numbers=1):
        table = Table(data, colWidths=[w * mm for w in widths])
        style = [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 9),
            ("FONT", (0, 0), (-1, 0), fonts.BOLD, 9),
            ("ALIGN", (-numbers, 1), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        if total_row:
            style.append(("FONT", (0, -1), (-1, -1), fonts.BOLD, 9))
        table.setStyle(TableStyle(style))
        return table

    products = cash.products()
    cash_total = cash.cash_expected
    counted_total = sum(d * k for d, k in notes.items())
    rows = [["STT", "Nội dung", "Số biên lai", "Số tiền (đồng)"]]
    for k, line in enumerate(products, start=1):
        rows.append([str(k), PRODUCT_TEXT[line.product], format_number(line.receipts), format_number(line.amount)])
    if cash.corrections:
        cash_corr = sum(r.amount for r in cash.corrections if r.method.value == "cash")
        rows.append(
            [
                str(len(rows)),
                "Điều chỉnh: biên lai ngày trước đã huỷ",
                str(len(cash.corrections)),
                format_number(-cash_corr),
            ]
        )
    rows.append(["", "Cộng tiền mặt phải nộp", "", format_number(cash_total)])
    story = [
        Table(
            [
                [Paragraph(parties.office.upper(), b), Paragraph("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", c)],
                [Paragraph(parties.organisation, n), Paragraph("Độc lập - Tự do - Hạnh phúc", c)],
            ],
            colWidths=[85 * mm, 95 * mm],
        ),
        Paragraph("GIẤY NỘP TIỀN MẶT", title),
        Paragraph(f"Ngày {format_date(cash.day)}", i),
        Spacer(1, 4 * mm),
        Paragraph(f"Người nộp tiền: <b>{parties.collector}</b> — mã nhân viên thu: {parties.collector_code}", n),
        Paragraph(f"Đơn vị: {parties.team}", n),
        Paragraph(f"Người nhận tiền: {parties.receiver}", n),
        Spacer(1, 3 * mm),
        grid(rows, [12, 90, 28, 45], numbers=2),
        Spacer(1, 2 * mm),
        Paragraph(f"Số tiền bằng chữ: <i>{amount_in_words(max(cash_total, 0))}</i>", n),
        Spacer(1, 4 * mm),
        Paragraph("Bảng kê các loại tiền", b),
    ]
    denominations = [["Mệnh giá (đồng)", "Số tờ", "Thành tiền (đồng)"]]
    for d in DENOMINATIONS:
        k = notes.get(d, 0)
        denominations.append([format_number(d), format_number(k), format_number(d * k)])
    denominations.append(["Cộng", "", format_number(counted_total)])
    story += [grid(denominations, [50, 30, 50], numbers=3), Spacer(1, 2 * mm)]
    difference = counted_total - cash_total
    if difference:
        story.append(Paragraph(f"Chênh lệch: <b>{format_number(difference)} đồng</b>. Lý do: {explanation}", n))
    story += [Spacer(1, 4 * mm), Paragraph("Đã thu bằng chuyển khoản (không nộp tiền mặt)", b)]
    transfers = [["Biên lai", "Người nộp", "Mã giao dịch", "Số tiền (đồng)"]]
    for r in cash.transfers:
        transfers.append([r.label, r.payer, r.reference or "", format_number(r.amount)])
    transfers.append(["Cộng", "", "", format_number(sum(r.amount for r in cash.transfers))])
    story += [grid(transfers, [48, 60, 35, 35])]
    if cash.voided:
        story += [Spacer(1, 3 * mm), Paragraph("Biên lai đã huỷ trong ngày", b)]
        voided = [["Biên lai", "Người nộp", "Lý do huỷ", "Số tiền (đồng)"]]
        voided += [[r.label, r.payer, r.void_reason or "", format_number(r.amount)] for r in cash.voided]
        story.append(grid(voided, [48, 50, 45, 35], total_row=False))
    story += [
        Spacer(1, 8 * mm),
        Table(
            [
                [Paragraph("NGƯỜI NỘP TIỀN", c), Paragraph("NGƯỜI NHẬN TIỀN", c)],
                [Paragraph("(Ký, ghi rõ họ tên)", i), Paragraph("(Ký, ghi rõ họ tên)", i)],
                ["", ""],
                [Paragraph(parties.collector, c), Paragraph(parties.receiver, c)],
            ],
            colWidths=[90 * mm, 90 * mm],
            rowHeights=[None, None, 20 * mm, None],
        ),
    ]

    def page(canvas, doc) -> None:
        canvas.setFont(fonts.REGULAR, 7)
        canvas.drawString(15 * mm, 8 * mm, footer_text(format_date(vietnam_today())))

    doc = SimpleDocTemplate(
        path if hasattr(path, "write") else str(path),
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=14 * mm,
        title="GIẤY NỘP TIỀN MẶT",
        author="fieldapp",
        creator=version_mark(),
    )
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return path
