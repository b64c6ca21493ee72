"""The cash hand-over slip (GIẤY NỘP TIỀN MẶT, forms.md): rows per product, the total in figures and in
words, the notes by denomination, what was paid by transfer shown apart, corrections and signatures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from fieldapp.domain import products
from fieldapp.domain.cash import DENOMINATIONS, SMALLEST_NOTE, DayCash, odd_part_only
from fieldapp.domain.clock import today as vietnam_today
from fieldapp.domain.formats import format_date, format_number
from fieldapp.domain.words import amount_in_words
from fieldapp.printing import fonts
from fieldapp.printing.footer import footer_text, version_mark

# The words of each slip row (products.SLIP_ROWS): a product's `slip_row` says which it is handed over on.
PRODUCT_TEXT = {
    products.SLIP_HI: "Thu tiền BHYT hộ gia đình",
    products.SLIP_VSI: "Thu tiền BHXH tự nguyện",
    products.SLIP_DONATED_HI: "Thu tiền tặng thẻ BHYT",
    products.SLIP_DONATED_VSI: "Thu tiền tặng sổ BHXH",
}


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
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    fonts.register()
    st = _styles()
    cash_total = cash.cash_expected
    counted_total = sum(d * k for d, k in notes.items())
    story = [*_heading(cash, parties, st), *_products(cash, st)]
    story += _notes(notes, counted_total, st)
    difference = counted_total - cash_total
    if difference:
        story.append(Paragraph(_difference(difference, explanation), st.n))
    story += _not_in_cash(cash, st)
    story += _signatures(parties, st)

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


@dataclass(frozen=True)
class _Styles:
    n: Any  # body text
    b: Any  # bold
    c: Any  # bold, centred
    title: Any
    i: Any  # italic, centred: dates and "(Ký, ghi rõ họ tên)"


def _styles() -> _Styles:
    from reportlab.lib.styles import ParagraphStyle

    n = ParagraphStyle("n", fontName=fonts.REGULAR, fontSize=9.5, leading=13)
    b = ParagraphStyle("b", parent=n, fontName=fonts.BOLD)
    c = ParagraphStyle("c", parent=b, alignment=1)
    title = ParagraphStyle("t", fontName=fonts.BOLD, fontSize=15, leading=20, alignment=1, spaceBefore=6)
    i = ParagraphStyle("i", fontName=fonts.ITALIC, fontSize=9, leading=12, alignment=1)
    return _Styles(n, b, c, title, i)


def _grid(data: list[list[str]], widths: list[int], total_row: bool = True, numbers: int = 1) -> Any:
    """A ruled table, its head row bold, its last `numbers` columns right-aligned; its total row bold."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

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


def _heading(cash: DayCash, parties: SlipParties, st: _Styles) -> list[Any]:
    """The office and the national motto side by side, the title and day, who hands over to whom."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table

    return [
        Table(
            [
                [Paragraph(parties.office.upper(), st.b), Paragraph("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", st.c)],
                [Paragraph(parties.organisation, st.n), Paragraph("Độc lập - Tự do - Hạnh phúc", st.c)],
            ],
            colWidths=[85 * mm, 95 * mm],
        ),
        Paragraph("GIẤY NỘP TIỀN MẶT", st.title),
        Paragraph(f"Ngày {format_date(cash.day)}", st.i),
        Spacer(1, 4 * mm),
        Paragraph(f"Người nộp tiền: <b>{parties.collector}</b> — mã nhân viên thu: {parties.collector_code}", st.n),
        Paragraph(f"Đơn vị: {parties.team}", st.n),
        Paragraph(f"Người nhận tiền: {parties.receiver}", st.n),
        Spacer(1, 3 * mm),
    ]


def _products(cash: DayCash, st: _Styles) -> list[Any]:
    """A row per product, the day's corrections, the cash to hand over in figures and in words."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    cash_total = cash.cash_expected
    rows = [["STT", "Nội dung", "Số biên lai", "Số tiền (đồng)"]]
    for k, line in enumerate(cash.products(), start=1):
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
    return [
        _grid(rows, [12, 90, 28, 45], numbers=2),
        Spacer(1, 2 * mm),
        Paragraph(f"Số tiền bằng chữ: <i>{amount_in_words(max(cash_total, 0))}</i>", st.n),
        Spacer(1, 4 * mm),
    ]


def _notes(notes: dict[int, int], counted_total: int, st: _Styles) -> list[Any]:
    """The notes counted, by denomination."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    denominations = [["Mệnh giá (đồng)", "Số tờ", "Thành tiền (đồng)"]]
    for d in DENOMINATIONS:
        k = notes.get(d, 0)
        denominations.append([format_number(d), format_number(k), format_number(d * k)])
    denominations.append(["Cộng", "", format_number(counted_total)])
    return [Paragraph("Bảng kê các loại tiền", st.b), _grid(denominations, [50, 30, 50], numbers=3), Spacer(1, 2 * mm)]


def _difference(difference: int, explanation: str) -> str:
    """The difference and why; one smaller than the smallest note is the amount's odd part, which no note
    pays: the slip says so, whether or not the leader wrote a reason."""
    text = f"Chênh lệch: <b>{format_number(difference)} đồng</b>"
    if odd_part_only(difference):
        text += f" (phần lẻ dưới {format_number(SMALLEST_NOTE)} đồng, không có tiền mệnh giá để nộp)"
    return text + (f". Lý do: {escape(explanation)}" if explanation else ".")


def _not_in_cash(cash: DayCash, st: _Styles) -> list[Any]:
    """What was paid by transfer (not handed over), and the receipts voided that day."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    story = [Spacer(1, 4 * mm), Paragraph("Đã thu bằng chuyển khoản (không nộp tiền mặt)", st.b)]
    transfers = [["Biên lai", "Người nộp", "Mã giao dịch", "Số tiền (đồng)"]]
    for r in cash.transfers:
        transfers.append([r.label, r.payer, r.reference or "", format_number(r.amount)])
    transfers.append(["Cộng", "", "", format_number(sum(r.amount for r in cash.transfers))])
    story += [_grid(transfers, [48, 60, 35, 35])]
    if cash.voided:
        story += [Spacer(1, 3 * mm), Paragraph("Biên lai đã huỷ trong ngày", st.b)]
        voided = [["Biên lai", "Người nộp", "Lý do huỷ", "Số tiền (đồng)"]]
        voided += [[r.label, r.payer, r.void_reason or "", format_number(r.amount)] for r in cash.voided]
        story.append(_grid(voided, [48, 50, 45, 35], total_row=False))
    return story


def _signatures(parties: SlipParties, st: _Styles) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table

    return [
        Spacer(1, 8 * mm),
        Table(
            [
                [Paragraph("NGƯỜI NỘP TIỀN", st.c), Paragraph("NGƯỜI NHẬN TIỀN", st.c)],
                [Paragraph("(Ký, ghi rõ họ tên)", st.i), Paragraph("(Ký, ghi rõ họ tên)", st.i)],
                ["", ""],
                [Paragraph(parties.collector, st.c), Paragraph(parties.receiver, st.c)],
            ],
            colWidths=[90 * mm, 90 * mm],
            rowHeights=[None, None, 20 * mm, None],
        ),
    ]
