"""The declaration lists that go to the VSS office (forms.md): D05-TS for voluntary social insurance and
D03-TS for household health insurance, as XLSX in the printed layout, and D05-TS as the XML the
e-declaration systems take (root `D05-TS`, one `LaoDong` per participant). D03-TS's XML columns are not
known, so it is XLSX only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

from fieldapp.domain import products
from fieldapp.domain.enums import Sex
from fieldapp.domain.formats import format_birth
from fieldapp.domain.receipts import Participant, ReceiptRecord
from fieldapp.i18n import label
from fieldapp.outputs import OutputLike, safe_row, write_with
from fieldapp.storage import tallies as tally_store
from fieldapp.storage.receipts import records
from fieldapp.storage.store import Store

D05_COLUMNS = (
    "STT",
    "Họ và tên",
    "Mã số BHXH",
    "Số CCCD",
    "Địa chỉ",
    "Ngày biên lai",
    "Số biên lai",
    "Mức thu nhập tháng (đồng)",
    "Số tháng đóng",
    "Từ tháng/năm",
    "Số tiền phải đóng (đồng)",
    "Người tham gia đóng (đồng)",
    "NSNN hỗ trợ: tỷ lệ (%)",
    "NSNN hỗ trợ: số tiền (đồng)",
    "NSĐP hỗ trợ: tỷ lệ (%)",
    "NSĐP hỗ trợ: số tiền (đồng)",
    "Hỗ trợ khác: tỷ lệ (%)",
    "Hỗ trợ khác: số tiền (đồng)",
    "Mã đại lý thu",
    "Ghi chú",
)
D03_COLUMNS = (
    "STT",
    "Họ và tên",
    "Mã số BHXH",
    "Số CCCD",
    "Ngày sinh",
    "Giới tính",
    "Người thứ",
    "Địa chỉ",
    "Nơi KCB ban đầu",
    "Ngày biên lai",
    "Số biên lai",
    "Số tháng đóng",
    "Thẻ từ ngày",
    "Thẻ đến ngày",
    "Số tiền đóng (đồng)",
    "Mã đại lý thu",
    "Ghi chú",
)


@dataclass(frozen=True)
class Declaration:
    kind: str  # "d05" or "d03"
    first: date
    last: date
    rows: list[list[object]]

    @property
    def columns(self) -> tuple[str, ...]:
        return D05_COLUMNS if self.kind == "d05" else D03_COLUMNS

    @property
    def title(self) -> str:
        if self.kind == "d05":
            return "DANH SÁCH NGƯỜI THAM GIA BHXH TỰ NGUYỆN"
        return "DANH SÁCH NGƯỜI CHỈ THAM GIA BHYT"


def _rate(support: int, base: Decimal | int, r: ReceiptRecord) -> float | None:
    """A support as a percentage of what it is a share of, per month."""
    return round(float(100 * Decimal(support) / (base * r.months)), 1) if base and support and r.months else None


def _rates(r: ReceiptRecord, other: int) -> tuple[float | None, float | None, float | None]:
    """The state's rate of the rules in force on the receipt's day (a share of the contribution rate times
    the rural poverty line: 20, 30, 40 or 50 %, whatever income was chosen); the province's and a sponsor's
    as shares of the contribution on the income chosen."""
    from fieldapp.domain.premiums import default_rules
    from fieldapp.errors import InputRefused

    rules = default_rules()
    try:
        state_base = rules.vsi_support_base(r.day)
        contribution = (
            Decimal(r.income or 0) * Decimal(str(rules.in_force("vsi.contribution", r.day)["rate_pct"])) / 100
        )
    except InputRefused:  # a day before the rules: no rate to give
        return None, None, None
    return _rate(r.state_support, state_base, r), _rate(r.local_support, contribution, r), _rate(other, contribution, r)


# The amounts the "Cộng" row adds up: money paid or supported, never a monthly income or a rate.
SUMMED = frozenset(
    {
        "Số tiền phải đóng (đồng)",
        "Người tham gia đóng (đồng)",
        "NSNN hỗ trợ: số tiền (đồng)",
        "NSĐP hỗ trợ: số tiền (đồng)",
        "Hỗ trợ khác: số tiền (đồng)",
        "Số tiền đóng (đồng)",
    }
)
NEW, CONTINUING = "Tăng mới", "Đóng tiếp"


def payment_method(months: int) -> str:
    """The XML's `Phuongthuc` (rules.md, "Payment methods"): "01", "03", "06" or "12" for monthly or every 3, 6
    or 12 months, "VS" for months paid ahead at once (2 to 5 years: "đóng một lần cho nhiều năm về sau")."""
    return f"{months:02d}" if months <= 12 else "VS"


def _note(r: ReceiptRecord, continues: bool) -> str:
    """D05-TS "Ghi chú": new or continuing, and who paid when a sponsor did."""
    note = CONTINUING if continues else NEW
    return f"{note}; hỗ trợ: {r.sponsor}" if r.sponsor else note


def build(store: Store, kind: str, first: date, last: date, team_ids=()) -> Declaration:
    if kind not in (products.D05, products.D03):
        raise KeyError(kind)
    kinds = [str(k) for k in products.kinds(declaration=kind)]
    ids = tally_store.receipts_for_declaration(store, first, last, kinds, team_ids)
    found = records(store, ids)
    if kind == products.D05:
        continues = tally_store.continuing(store, ids, kinds)
        rows = [_d05_row(n, r, r.id in continues) for n, r in enumerate(found, 1)]
    else:
        people = [(r, p) for r in found for p in r.participants]
        rows = [_d03_row(n, r, p) for n, (r, p) in enumerate(people, 1)]
    return Declaration(kind, first, last, rows)


def _d05_row(n: int, r: ReceiptRecord, continues: bool) -> list[object]:
    """One participant of D05-TS, in D05_COLUMNS' order: a sponsor's payment is "other support"."""
    other = r.amount if r.sponsor else 0
    own = 0 if r.sponsor else r.amount
    state_rate, local_rate, other_rate = _rates(r, other)
    return [
        n,
        r.payer_name,
        r.payer_si_number or "",
        r.payer_citizen_id or "",
        r.address,
        r.day.strftime("%d/%m/%Y"),
        f"{r.series}/{r.number:07d}",
        r.income or 0,
        r.months,
        r.start_on.strftime("%m/%Y"),
        r.amount + r.state_support + r.local_support,
        own,
        state_rate,
        r.state_support,
        local_rate,
        r.local_support,
        other_rate,
        other,
        r.collector_code,
        _note(r, continues),
    ]


def _d03_row(n: int, r: ReceiptRecord, p: Participant) -> list[object]:
    """One member of D03-TS, in D03_COLUMNS' order."""
    return [
        n,
        p.name,
        p.si_number or "",
        # a member without an SI number is found, or given one, by these (issue 17)
        p.citizen_id or "",
        format_birth(p.birth_date, p.birth_year),
        label(Sex(p.sex), "vi") if p.sex else "",
        p.order,
        r.address,
        p.hi_clinic or "",
        r.day.strftime("%d/%m/%Y"),
        f"{r.series}/{r.number:07d}",
        r.months,
        r.start_on.strftime("%d/%m/%Y"),
        r.end_on.strftime("%d/%m/%Y"),
        p.amount,
        r.collector_code,
        r.sponsor or "",
    ]


def write_xlsx(decl: Declaration, path: OutputLike, unit: str) -> Path:
    """The list in the printed layout (fieldapp.outputs: atomic, 0600; every text cell safe_cell'd)."""
    return write_with(path, lambda tmp: _xlsx(decl, tmp, unit))


def _xlsx(decl: Declaration, path: Path, unit: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "D05-TS" if decl.kind == "d05" else "D03-TS"
    n = len(decl.columns)
    form = "Mẫu D05-TS" if decl.kind == "d05" else "Mẫu D03-TS"
    ws.append(safe_row([f"Tên đơn vị: {unit}", *[""] * (n - 2), form]))
    ws.append(safe_row([decl.title]))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=n)
    ws["A2"].font = Font(bold=True, size=13)
    ws["A2"].alignment = Alignment(horizontal="center")
    period = decl.first.strftime("%d/%m/%Y") + ("" if decl.first == decl.last else f" - {decl.last:%d/%m/%Y}")
    ws.append(safe_row([f"Kỳ: {period}"]))
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=n)
    ws["A3"].alignment = Alignment(horizontal="center")
    ws.append(safe_row(decl.columns))
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in ws[4]:
        cell.font, cell.border = Font(bold=True), box
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    ws.append(safe_row(["I", "Tăng"]))
    ws.append(safe_row(["I.1", "Người tham gia"]))
    for r in (5, 6):
        for cell in ws[r]:
            cell.font = Font(bold=True)
    for row in decl.rows:
        ws.append(safe_row(row))
        for cell in ws[ws.max_row]:
            cell.border = box
            if isinstance(cell.value, int) and cell.column > 1:
                cell.number_format = "#,##0"
    total_at = [i for i, c in enumerate(decl.columns) if c in SUMMED]
    total = ["", "Cộng"] + [""] * (n - 2)
    for i in total_at:
        total[i] = sum(int(r[i] or 0) for r in decl.rows)
    ws.append(safe_row(total))
    for cell in ws[ws.max_row]:
        cell.font, cell.border = Font(bold=True), box
        if isinstance(cell.value, int):
            cell.number_format = "#,##0"
    widths = {"STT": 6, "Họ và tên": 26, "Địa chỉ": 40}
    for i, name in enumerate(decl.columns, start=1):
        ws.column_dimensions[ws.cell(4, i).column_letter].width = widths.get(name, 14)
    ws.append([])
    ws.append(safe_row(["", "NGƯỜI LẬP BIỂU", "", "", "", "", "", "", "THỦ TRƯỞNG ĐƠN VỊ"]))
    _print_setup(ws)
    wb.save(path)


def _print_setup(ws) -> None:
    """Printed as the office files it: A4 landscape, every column on the page's width (as many pages down as
    the rows need), the column headings again on each page, narrow margins, pages numbered."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "4:4"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Trang &P / &N"


def write_xml(decl: Declaration, path: OutputLike) -> Path:
    if decl.kind != "d05":
        raise ValueError("only D05-TS has known XML columns")
    return write_with(path, lambda tmp: _xml(decl, tmp))


def _xml(decl: Declaration, path: Path) -> None:
    root = ET.Element("D05-TS")
    c = {name: i for i, name in enumerate(D05_COLUMNS)}
    for row in decl.rows:
        item = ET.SubElement(root, "LaoDong")
        values = {
            "STT": row[c["STT"]],
            "HoTen": row[c["Họ và tên"]],
            "MasoBHXH": row[c["Mã số BHXH"]],
            "SoCCCD": row[c["Số CCCD"]],
            "DiaChi": row[c["Địa chỉ"]],
            "NgayBienLai": row[c["Ngày biên lai"]],
            "SoBienLai": row[c["Số biên lai"]],
            "MucTien": row[c["Mức thu nhập tháng (đồng)"]],
            "Tuthang": row[c["Từ tháng/năm"]],
            "Sothang": row[c["Số tháng đóng"]],
            "Phuongthuc": payment_method(row[c["Số tháng đóng"]]),
            "Tongtien": row[c["Số tiền phải đóng (đồng)"]],
            "TienTudong": row[c["Người tham gia đóng (đồng)"]],
            "TyleNSNN": row[c["NSNN hỗ trợ: tỷ lệ (%)"]] or 0,
            "TienHotro": row[c["NSNN hỗ trợ: số tiền (đồng)"]],
            "TyleNSDP": row[c["NSĐP hỗ trợ: tỷ lệ (%)"]] or 0,
            "TienNSDP": row[c["NSĐP hỗ trợ: số tiền (đồng)"]],
            # a sponsor's part (forms.md: "other support (rate %, amount)"); named as the columns before it
            "TyleHotroKhac": row[c["Hỗ trợ khác: tỷ lệ (%)"]] or 0,
            "TienHotroKhac": row[c["Hỗ trợ khác: số tiền (đồng)"]],
            "MaDaiLy": row[c["Mã đại lý thu"]],
            "GhiChu": row[c["Ghi chú"]],
        }
        for key, value in values.items():
            ET.SubElement(item, key).text = str(value)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
