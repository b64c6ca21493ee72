"""Receipt printouts: every layout read back, its QR decoded from the rendered page and verified."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest

from fieldapp.domain.formats import format_vnd
from fieldapp.domain.receipt_code import Verdict
from fieldapp.domain.words import amount_in_words
from fieldapp.printing.receipt import LAYOUTS, Printing, write
from fieldapp.services import receipts as service
from fieldapp.storage import receipts as receipt_store
from tests.printing.conftest import pdf_text, pdftoppm, qr_texts


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


@pytest.fixture
def records(demo_store):
    ids = [  # genuine ones: the demo voids a receipt now and then
        r[0]
        for r in demo_store.query(
            "SELECT id FROM receipts WHERE id NOT IN (SELECT receipt_id FROM receipt_voids) ORDER BY series, number "
            "LIMIT 6"
        )
    ]
    return receipt_store.records(demo_store, ids)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_layout_reads_back_and_its_qr_verifies(demo_store, records, tmp_path, layout):
    hi = next(r for r in records if len(r.participants) >= 1)
    pdf = tmp_path / f"r-{layout}.pdf"
    write([Printing(hi)], pdf, layout)
    pages = pdf_text(pdf)
    assert len(pages) == 1
    text = nfc(pages[0])
    for expected in (
        "BIÊN LAI THU TIỀN",
        "BẢO HIỂM XÃ HỘI TỈNH HƯNG YÊN",
        "C45-BB",
        hi.series,
        f"{hi.number:07d}",
        hi.payer_name,
        format_vnd(hi.amount),
        hi.collector_name,
        *(p.name for p in hi.participants),
    ):
        assert nfc(expected) in text, (expected, layout)
    # the amount in words may wrap across lines; compare without spaces
    assert nfc(amount_in_words(hi.amount)).replace(" ", "") in text.replace(" ", "")
    pngs = pdftoppm(pdf, dpi=150 if layout in ("a5", "a4") else 203)
    found = [t for png in pngs for t in qr_texts(png)]
    expected_qrs = 2 if layout == "a4" else 1  # the A4 sheet carries the payer's and the agent's copy
    assert found == [hi.qr_payload] * expected_qrs
    assert service.verify(demo_store, found[0]).verdict is Verdict.GENUINE
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert nfc(hi.payer_name) in nfc(out)


def test_copy_and_void_marks(demo_store, records, tmp_path):
    from dataclasses import replace

    first, second = records[:2]
    pdf = tmp_path / "marks.pdf"
    write([Printing(first, copy=True), Printing(replace(second, void_reason="Ghi sai tên"))], pdf, "a5")
    copy_page, void_page = (nfc(t) for t in pdf_text(pdf))
    assert "BẢN SAO" in copy_page and "ĐÃ HUỶ" not in copy_page
    assert "ĐÃ HUỶ" in void_page and "Ghi sai tên" in void_page and "BẢN SAO" not in void_page


def test_batch_of_a_day_in_one_pdf(demo_store, records, tmp_path):
    pdf = tmp_path / "batch.pdf"
    write([Printing(r) for r in records], pdf, "a5")
    pages = pdf_text(pdf)
    assert len(pages) == len(records)
    for page, r in zip(pages, records, strict=True):
        assert f"{r.number:07d}" in page and nfc(r.series) in nfc(page)


def test_thermal_roll_is_as_long_as_the_receipt(records, tmp_path):
    from pypdf import PdfReader

    pdf = tmp_path / "roll.pdf"
    write([Printing(r) for r in records[:2]], pdf, "58mm")
    for page in PdfReader(pdf).pages:
        width_mm = float(page.mediabox.width) / 72 * 25.4
        height_mm = float(page.mediabox.height) / 72 * 25.4
        assert abs(width_mm - 48) < 0.5 and 100 < height_mm < 400


def test_vietnamese_on_paper_in_every_font_weight(records, tmp_path):
    """The bundled Noto Sans is embedded: the PDF needs no font of the laptop's."""
    from pypdf import PdfReader

    pdf = tmp_path / "fonts.pdf"
    write([Printing(records[0], copy=True)], pdf, "a5")
    fonts = set()
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            f = font.get_object()
            fonts.add(str(f["/BaseFont"]))
            assert "/FontFile2" in f.get("/FontDescriptor", {}).get_object(), f  # embedded TrueType
    assert all("NotoSans" in x for x in fonts), fonts
    assert any("NotoSans-Bold" in x for x in fonts) and any("NotoSans-Italic" in x for x in fonts)


@pytest.mark.parametrize("layout", ["80mm", "58mm"])
def test_a_roll_receipt_names_its_issuer_and_both_signers_and_ends_with_the_version(records, tmp_path, layout):
    """Issue 17, item 5: the roll has the A4/A5 sheet's issuer line and the collector's signature block, and
    the version footer comes last, under the QR, not between the payer's signature and the QR."""
    from fieldapp.printing.footer import version_mark
    from fieldapp.printing.receipt import organisation

    r = next(r for r in records if r.qr_payload)
    pdf = tmp_path / f"roll-{layout}.pdf"
    write([Printing(r)], pdf, layout)
    text = nfc(pdf_text(pdf)[0])
    issuer = nfc(f"(Do {organisation(r)} - tổ chức được BHXH uỷ quyền thu phát hành)")
    assert organisation(r) and issuer.replace(" ", "") in text.replace(" ", "")
    assert "NGƯỜI NỘP TIỀN" in text and "NGƯỜI THU TIỀN" in text
    assert text.index("NGƯỜI THU TIỀN") > text.index("NGƯỜI NỘP TIỀN")
    assert nfc(r.collector_name) in text[text.index("NGƯỜI THU TIỀN") :]
    assert text.index("Mã xác nhận") < text.index(version_mark())
    assert text.rstrip().endswith(version_mark())


@pytest.mark.parametrize("layout", ["a5", "80mm"])
def test_a_donated_card_names_the_sponsor_as_payer_and_lists_the_beneficiaries(demo_store, tmp_path, layout):
    """Issue 17, item 6: the sponsor paid, so the sponsor is the payer (and signs as such); the people the
    card or book is given to are listed as its beneficiaries, never as the payer."""
    from dataclasses import replace

    from fieldapp.domain.enums import PaymentMethod

    ids = [row[0] for row in demo_store.query(
        "SELECT r.id FROM receipts r JOIN payments p ON p.id = r.payment_id JOIN enrolments e ON e.id = p.enrolment_id"
        " WHERE e.kind = 'donated_hi' ORDER BY r.series, r.number LIMIT 1")]  # fmt: skip
    (r,) = receipt_store.records(demo_store, ids)
    r = replace(r, method=PaymentMethod.TRANSFER, reference="FT-TANG-01")  # what the sponsor paid by
    assert r.sponsor and r.sponsor != r.payer_name
    pdf = tmp_path / f"donated-{layout}.pdf"
    write([Printing(r)], pdf, layout)
    text = nfc(pdf_text(pdf)[0])
    payer_label = "Họ tên người nộp tiền" if layout == "a5" else "Người nộp"
    assert f"{payer_label}: {nfc(r.sponsor)}" in text
    assert f"{payer_label}: {nfc(r.payer_name)}" not in text
    assert "người được tặng" in text.lower()
    for p in r.participants:
        assert nfc(p.name) in text
    assert "Chuyển khoản (mã giao dịch FT-TANG-01)" in text and "Tiền mặt" not in text
    signs = text[text.index("NGƯỜI NỘP TIỀN") :]
    assert nfc(r.sponsor) in signs


@pytest.mark.parametrize(("payer_copy", "left", "right"), [
    (1, "Liên 1: Giao người nộp tiền", "Liên 2: Lưu tại đơn vị thu"),
    (2, "Liên 1: Lưu tại đơn vị thu", "Liên 2: Giao người nộp tiền"),
])  # fmt: skip
def test_the_a4_sheet_gives_the_payer_the_copy_the_province_says(records, tmp_path, payer_copy, left, right):
    """Issue 17, item 12: which Liên the payer keeps is the province profile's `[receipts] payer_copy`, which
    the letterhead each receipt is printed with carries (domain.profile.letterhead_of)."""
    from fieldapp.domain import profile

    pdf = tmp_path / "a4.pdf"
    write([Printing(records[0], letterhead=profile.Letterhead("Bưu điện tỉnh Hưng Yên", None, payer_copy))], pdf, "a4")
    text = nfc(pdf_text(pdf)[0])
    assert left in text and right in text and text.index(left) < text.index(right)
