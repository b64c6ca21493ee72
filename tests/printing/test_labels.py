"""QR labels for the HI cards and SI books handed over, and the hand-over list: read back and decoded."""

from __future__ import annotations

import io
from datetime import date

from fieldapp.domain.enums import Sex
from fieldapp.domain.scans import hi_card_text, read_hi_card
from fieldapp.printing.labels import hand_over_pdf, is_card, label_for, labels_pdf
from fieldapp.storage.receipts import hand_overs
from tests.printing.conftest import pdf_text, pdftoppm, qr_texts


def day_with_hand_overs(store):
    (day,) = store.query_one("SELECT day FROM receipts GROUP BY day ORDER BY count(*) DESC LIMIT 1")
    return date.fromisoformat(day)


def test_hi_card_text_reads_back_as_a_card():
    text = hi_card_text(
        "0111077012",
        "Nguyễn Thị Hoà",
        date(1988, 3, 29),
        Sex.FEMALE,
        date(2026, 7, 1),
        date(2027, 6, 30),
        date(2026, 6, 1),
    )
    scanned = read_hi_card(text)
    assert scanned.ok, scanned.error
    p = scanned.person
    assert (p.full_name, p.birth_date, p.sex, p.si_number) == (
        "Nguyễn Thị Hoà",
        date(1988, 3, 29),
        Sex.FEMALE,
        "0111077012",
    )
    assert (p.hi_valid_from, p.hi_valid_to, p.issued_on) == (date(2026, 7, 1), date(2027, 6, 30), date(2026, 6, 1))


def test_label_sheet_qrs_decode(demo_store, tmp_path):
    day = day_with_hand_overs(demo_store)
    items = hand_overs(demo_store, day)
    labels = [lbl for i in items if (lbl := label_for(i, day))]
    assert labels
    pdf = tmp_path / "labels.pdf"
    labels_pdf(labels, pdf, "sheet")
    found = [t for png in pdftoppm(pdf, dpi=200) for t in qr_texts(png)]
    assert sorted(found) == sorted(lbl.qr_text for lbl in labels)
    for item, lbl in zip((i for i in items if i.si_number), labels, strict=True):
        if is_card(item.kind):
            card = read_hi_card(lbl.qr_text)
            assert card.ok and card.person.full_name == item.name and card.person.hi_valid_to == item.end_on
            # field [5], the registered clinic, as a clinic's scanner reads it from the card (forms.md)
            assert item.clinic and card.person.clinic == item.clinic == lbl.qr_text.split("|")[5]
        else:
            assert lbl.qr_text == item.si_number
    text = " ".join(pdf_text(pdf))
    assert all(lbl.name in text for lbl in labels)


def test_thermal_labels_one_per_page(demo_store):
    day = day_with_hand_overs(demo_store)
    labels = [lbl for i in hand_overs(demo_store, day) if (lbl := label_for(i, day))]
    out = io.BytesIO()
    labels_pdf(labels, out, "58mm")
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(out.getvalue())).pages) == len(labels)


def test_empty_label_sheet_says_so(tmp_path):
    pdf = tmp_path / "none.pdf"
    labels_pdf([], pdf)
    assert "Không có thẻ, sổ nào" in pdf_text(pdf)[0]


def test_hand_over_list(demo_store, tmp_path):
    day = day_with_hand_overs(demo_store)
    items = hand_overs(demo_store, day)
    pdf = hand_over_pdf(
        items, tmp_path / "handover.pdf", day=day, team="Tổ 1", collector="Trần Thị Hoa", printed_on=day
    )
    text = " ".join(pdf_text(pdf))
    assert "DANH SÁCH BÀN GIAO THẺ BHYT, SỔ BHXH" in text and "Ký nhận" in text
    assert all(i.name in text for i in items)


def test_a_person_known_by_year_only():
    from fieldapp.domain.enums import EnrolmentKind
    from fieldapp.domain.receipts import HandOver

    item = HandOver(
        "p1",
        "Lò Văn Páo",
        None,
        1965,
        "male",
        "3312345678",
        EnrolmentKind.HOUSEHOLD_HI,
        date(2026, 7, 1),
        date(2027, 6, 30),
        "BI-X1-2026/0000001",
        "Bản Mới",
        False,
    )
    label = label_for(item, date(2026, 6, 1))
    assert "Ngày sinh: 1965" in label.lines
    card = read_hi_card(label.qr_text)
    assert card.ok and card.person.birth_year == 1965 and card.person.birth_date is None


def test_a_58mm_label_keeps_the_whole_card_validity(demo_store, tmp_path):
    day = day_with_hand_overs(demo_store)
    labels = [lbl for i in hand_overs(demo_store, day) if is_card(i.kind) and (lbl := label_for(i, day))]
    assert labels
    pdf = tmp_path / "labels-58.pdf"
    labels_pdf(labels[:3], pdf, "58mm")
    text = " ".join(" ".join(pdf_text(pdf)).split())
    for lbl in labels[:3]:
        validity = next(line for line in lbl.lines if line.startswith("Hạn thẻ"))
        assert validity.split(" - ")[1] in text  # the end date, not only the start


def test_a_card_without_a_label_is_named_on_the_hand_over_list(demo_store, tmp_path):
    """Issue 17, item 7: "11 thẻ, sổ" and 10 labels, and nobody said which one had none. The list names each
    card or book that gets no label, and why (no SI number yet)."""
    from fieldapp.printing.labels import without_label

    day = day_with_hand_overs(demo_store)
    items = [i for i in hand_overs(demo_store, day) if not i.voided]
    missing = without_label(items)
    assert missing and len([i for i in items if label_for(i, day)]) == len(items) - len(missing)
    pdf = hand_over_pdf(items, tmp_path / "handover.pdf", day=day, team="Tổ 1", collector="", printed_on=day)
    text = " ".join(" ".join(pdf_text(pdf)).split())
    assert f"{len(items)} thẻ, sổ" in text and f"{len(items) - len(missing)} nhãn QR" in text
    for item in missing:
        assert f"{item.name} (chưa có mã số BHXH)" in text


def test_every_label_on_the_sheet_keeps_clear_of_the_paper_edge(demo_store, tmp_path):
    """Issue 17, item 7: the sheet printed 2.4 mm from the edge, where office printers cannot; nothing is
    drawn within 5 mm of any edge (the sticker grid stays where the 3 × 8 sheet has its labels)."""
    from PIL import Image

    day = day_with_hand_overs(demo_store)
    labels = [lbl for i in hand_overs(demo_store, day) if (lbl := label_for(i, day))]
    pdf = tmp_path / "sheet.pdf"
    labels_pdf((labels * 24)[:24], pdf, "sheet")  # a full sheet: every edge has labels
    (png,) = pdftoppm(pdf, dpi=150)
    with Image.open(png) as image:
        grey = image.convert("L")
        w, h = grey.size
        band = int(5 / 25.4 * 150) - 1  # the last whole pixel before 5 mm (anti-aliasing bleeds into the next)
        for box in ((0, 0, w, band), (0, h - band, w, h), (0, 0, band, h), (w - band, 0, w, h)):
            assert grey.crop(box).getextrema()[0] > 200, box  # nothing dark near the edge
        assert grey.crop((band, band, w - band, h - band)).getextrema()[0] < 50  # the labels are there
    found = [t for t in qr_texts(png)]
    assert sorted(found) == sorted(lbl.qr_text for lbl in (labels * 24)[:24])
