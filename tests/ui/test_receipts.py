"""The Receipts screen as a team uses it: print and reprint (logged, BẢN SAO), save as PDF, a day's batch in
one job, void with the team leader's PIN, verify a scanned QR; and the receipt printed right after an
enrolment. Printing goes through a real QPrinter writing a PDF (there is no printer offscreen)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, QItemSelectionModel, Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from fieldapp.demo import DEMO_PIN
from fieldapp.domain.receipt_code import Verdict
from fieldapp.printing.receipt import THERMAL
from fieldapp.services.receipts import verify
from fieldapp.settings import (
    PRINTER_NAME,
    RECEIPT_DESTINATION,
    RECEIPT_FOLDER,
    RECEIPT_LAYOUT,
    RECEIPT_THERMAL_PRINTER,
)
from tests.conftest import DEMO_END
from tests.ui.test_app import WAIT

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
SHOTS = os.environ.get("FIELDAPP_SHOTS")  # a folder: the tests also save their screenshots there


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def shot(widget, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture
def gui(signed_in, tmp_path):
    settings = signed_in.session.settings
    settings.set(RECEIPT_DESTINATION, "printer")
    settings.set(RECEIPT_FOLDER, str(tmp_path / "pdf"))
    signed_in.printed_to = []

    def printer():
        path = tmp_path / f"printed-{len(signed_in.printed_to)}.pdf"
        signed_in.printed_to.append(path)
        return pdf_printer(path)

    signed_in.receipts.printer.make_printer = printer
    return signed_in


def screen(qtbot, gui, day=DEMO_END):
    """The Receipts screen on the demo's last day, with its rows loaded."""
    gui.window.show_screen("receipts")
    view = gui.window.views["receipts"]
    view.day.setDate(QDate(day.year, day.month, day.day))
    qtbot.waitUntil(lambda: gui.tasks.pending == 0 and view.model.rowCount() > 0, timeout=WAIT)
    view.table.setFocus()
    return view


def audit(gui, receipt_id):
    rows = gui.session.store.query(
        "SELECT action, detail FROM audit_log WHERE entity = 'receipts' AND entity_id = ? AND action <> 'create' "
        "ORDER BY seq",
        (receipt_id,),
    )
    return [(r[0], json.loads(r[1])) for r in rows]


def wait_idle(qtbot, gui):
    qtbot.waitUntil(lambda: not gui.receipts.printer.busy and gui.tasks.pending == 0, timeout=WAIT)


def pages(path: Path) -> int:
    return len(PdfReader(str(path)).pages)


def test_today_by_default_then_a_day_and_a_number(qtbot, gui):
    gui.window.show_screen("receipts")
    view = gui.window.views["receipts"]
    qtbot.waitUntil(lambda: gui.tasks.pending == 0, timeout=WAIT)
    assert view.chosen_day() == gui.receipts.today()
    view = screen(qtbot, gui)
    label = view.model.rows[-1].label
    qtbot.keyClicks(view.search, label.rsplit("/", 1)[1].lstrip("0"))
    qtbot.waitUntil(lambda: gui.tasks.pending == 0 and view.model.rowCount() >= 1, timeout=WAIT)
    assert label in [r.label for r in view.model.rows]
    view.search.clear()
    view.day.setDate(QDate.currentDate())
    qtbot.keyClicks(view.search, label)  # a full number finds the receipt on its own day
    qtbot.waitUntil(lambda: gui.tasks.pending == 0 and view.model.rowCount() == 1, timeout=WAIT)
    assert view.model.rows[0].label == label and "ngày khác" in view.summary.text()


def test_print_then_reprint_is_a_logged_copy(qtbot, gui, tmp_path, monkeypatch):
    view = screen(qtbot, gui)
    row = view.model.rows[0]
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_P, CTRL)
    qtbot.keyClick(view.table, Qt.Key.Key_P, CTRL)  # a second tap while printing does nothing
    assert not view.print_button.isEnabled()
    wait_idle(qtbot, gui)
    assert len(gui.printed_to) == 1 and pages(gui.printed_to[0]) == 1
    assert audit(gui, row.id) == [("print", {"layout": "a5"})]
    assert "bản gốc" in view.message.text()

    saved = tmp_path / "copy.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), "PDF (*.pdf)"))
    view.pdf_button.click()
    wait_idle(qtbot, gui)
    assert [a for a, _d in audit(gui, row.id)] == ["print", "reprint"]
    text = PdfReader(str(saved)).pages[0].extract_text()
    assert "BẢN SAO" in text and "BIÊN LAI THU TIỀN" in text and row.label.split("/")[0] in text


def test_batch_of_the_day_in_one_job(qtbot, gui, monkeypatch):
    monkeypatch.setattr("ui.controllers.receipt_printing.PAGES_AT_ONCE", 2)  # pages come back a few at a time
    view = screen(qtbot, gui)
    assert view.model.rowCount() > 2
    gui.session.settings.set(RECEIPT_LAYOUT, "a4")
    ids = [r.id for r in view.model.rows]
    qtbot.keyClick(view.table, Qt.Key.Key_P, CTRL | SHIFT)
    wait_idle(qtbot, gui)
    assert len(gui.printed_to) == 1 and pages(gui.printed_to[0]) == len(ids)
    assert all(audit(gui, i) == [("print", {"layout": "a4"})] for i in ids)
    # the selected ones, saved as one PDF into the folder of Settings: copies now
    gui.session.settings.set(RECEIPT_DESTINATION, "pdf")
    view.table.selectRow(0)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    view.table.selectionModel().select(view.model.index(1, 0), flags)
    qtbot.keyClick(view.table, Qt.Key.Key_P, CTRL | SHIFT)
    wait_idle(qtbot, gui)
    folder = Path(gui.session.settings.get(RECEIPT_FOLDER))
    (written,) = folder.glob("*.pdf")
    reader = PdfReader(str(written))
    assert len(reader.pages) == 2 and all("BẢN SAO" in p.extract_text() for p in reader.pages)


def test_missing_or_failing_printer_says_so_and_offers_to_print_again(qtbot, gui, tmp_path):
    view = screen(qtbot, gui)
    row = view.model.rows[0]
    working = gui.receipts.printer.make_printer
    gui.receipts.printer.make_printer = lambda: None
    qtbot.keyClick(view.table, Qt.Key.Key_P, CTRL)
    box = gui.receipts.printer.failure
    assert box is not None and "Không tìm thấy máy in" in box.text()
    assert audit(gui, row.id) == []
    gui.receipts.printer.make_printer = lambda: pdf_printer(tmp_path / "no-such-folder" / "x.pdf")  # it cannot open
    again = next(b for b in box.buttons() if b.text() == "In lại")
    again.click()
    wait_idle(qtbot, gui)
    box = gui.receipts.printer.failure
    assert box is not None and "không in được" in box.text() and "vẫn được lưu" in box.text()
    assert audit(gui, row.id) == [] and view.print_button.isEnabled()
    gui.receipts.printer.make_printer = working
    next(b for b in box.buttons() if b.text() == "In lại").click()
    wait_idle(qtbot, gui)
    assert audit(gui, row.id) == [("print", {"layout": "a5"})] and pages(gui.printed_to[0]) == 1


def test_the_printer_named_in_settings_is_the_one_asked_for(qtbot, gui):
    """A province profile (or Settings) names the team's printer; one that is not installed is named in
    the message rather than silently replaced by another printer."""
    from ui import printing

    assert printing.default_printer("Canon-LBP-khong-co") is None
    view = screen(qtbot, gui)
    row = view.model.rows[0]
    working = gui.receipts.printer.make_printer
    gui.receipts.printer.make_printer = lambda: printing.default_printer(gui.session.settings.get(PRINTER_NAME))
    gui.session.settings.set(PRINTER_NAME, "Canon-LBP-khong-co")
    try:
        qtbot.keyClick(view.table, Qt.Key.Key_P, CTRL)
        box = gui.receipts.printer.failure
        assert box is not None and "Canon-LBP-khong-co" in box.text()
        assert audit(gui, row.id) == []
    finally:
        gui.session.settings.set(PRINTER_NAME, "")
        gui.receipts.printer.make_printer = working


def open_void(qtbot, gui, view):
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: gui.receipts.void_dialog is not None and gui.receipts.void_dialog.isVisible(), timeout=WAIT)
    return gui.receipts.void_dialog


def test_void_needs_the_leaders_pin_then_verifies_as_void(qtbot, gui):
    view = screen(qtbot, gui)
    row = view.model.rows[0]
    payload = gui.session.store.query_one("SELECT qr_payload FROM receipts WHERE id = ?", (row.id,))[0]
    voids = gui.session.store.query_one("SELECT count(*) FROM receipt_voids")[0]  # the demo's own
    dialog = open_void(qtbot, gui, view)
    shot(dialog, "void-dialog")
    dialog.pin.setFocus()
    qtbot.keyClicks(dialog.pin, DEMO_PIN)
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    assert "lý do" in dialog.message.text()  # a reason first
    dialog.reason.insertPlainText("Ghi sai số tiền")  # what a Vietnamese input method commits
    qtbot.keyClicks(dialog.pin, "0000")
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "không đúng" in dialog.message.text(), timeout=WAIT)
    assert gui.session.store.query_one("SELECT count(*) FROM receipt_voids")[0] == voids
    assert verify(gui.session.store, payload).verdict is Verdict.GENUINE
    qtbot.keyClicks(dialog.pin, DEMO_PIN)
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    assert [a for a, _d in audit(gui, row.id)] == ["void"]
    assert verify(gui.session.store, payload).verdict is Verdict.VOID
    qtbot.waitUntil(lambda: gui.tasks.pending == 0 and view.model.rows[0].void, timeout=WAIT)
    assert view.model.data(view.model.index(0, 5)) == "ĐÃ HUỶ"
    assert not view.void_button.isEnabled()
    shot(gui.window, "receipts")

    gui.window.activateWindow()
    qtbot.waitUntil(gui.window.isActiveWindow, timeout=WAIT)
    qtbot.keyClick(view.table, Qt.Key.Key_V, CTRL | SHIFT)
    verifying = gui.receipts.verify_dialog
    assert verifying is not None and verifying.isVisible()
    verifying.input.setText(payload)
    qtbot.keyClick(verifying.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: verifying.verdict.text() == "ĐÃ HUỶ", timeout=WAIT)
    assert "Ghi sai số tiền" in " ".join(
        verifying.details.itemAt(i).widget().text() for i in range(verifying.details.count())
    )


def one_char_forgery(store, payload: str) -> str:
    """A real payload with one character changed that still decodes: its signature no longer matches."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    head, body = payload.split(":", 1)
    for i in range(len(body) - 1, 0, -1):
        for c in alphabet:
            if c != body[i]:
                changed = f"{head}:{body[:i]}{c}{body[i + 1 :]}"
                if verify(store, changed).verdict is Verdict.FORGED:
                    return changed
    raise AssertionError("no one-character forgery found")


def test_verify_shows_every_verdict_and_never_crashes(qtbot, gui):
    view = screen(qtbot, gui)
    store = gui.session.store
    payload = store.query_one("SELECT qr_payload FROM receipts WHERE id = ?", (view.model.rows[0].id,))[0]
    view.verify_button.click()
    dialog = gui.receipts.verify_dialog
    assert dialog.isVisible()
    qtbot.waitUntil(dialog.input.hasFocus, timeout=WAIT)  # ready for the scanner

    def scan(text: str) -> str:
        dialog.verdict.clear()
        dialog.input.clear()
        dialog.input.insert(text)
        qtbot.keyClick(dialog.input, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.verdict.text() != "", timeout=WAIT)
        return dialog.verdict.text()

    assert scan(payload) == "THẬT"
    assert "#2e7d32" in dialog.verdict.styleSheet()
    details = {
        dialog.details.itemAt(i, dialog.details.ItemRole.LabelRole).widget().text(): dialog.details.itemAt(
            i, dialog.details.ItemRole.FieldRole
        )
        .widget()
        .text()
        for i in range(dialog.details.rowCount())
    }
    assert details["Số:"] == view.model.rows[0].label and details["Mã xác nhận:"]
    assert "đ" in details["Số tiền:"] and details["Mã người nộp (che bớt):"].startswith("*")
    assert details["Máy lập:"] and details["Nộp cho:"]
    shot(dialog, "verify-genuine")
    assert scan(one_char_forgery(store, payload)) == "GIẢ" and "#c62828" in dialog.verdict.styleSheet()
    assert "Không nhận" in dialog.message.text()
    shot(dialog, "verify-forged")
    assert scan(payload[: len(payload) // 2]) == "HỎNG"
    assert "#b26a00" in dialog.verdict.styleSheet()
    assert scan("HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N") == "KHÔNG PHẢI BIÊN LAI"
    assert scan("Nguyễn Văn An") == "KHÔNG PHẢI BIÊN LAI"
    assert scan(payload.lower()) == "THẬT"  # Caps Lock on the scanner
    for junk in ("", " ", "B" * 5000, "BL1:" + "Z" * 4990, "\x00\x01\x7f\ufffd\u202e" * 20, "BL1Z:$$$", "bl1:"):
        assert scan(junk) in ("KHÔNG PHẢI BIÊN LAI", "HỎNG")
    dialog.close()


def test_the_receipt_prints_right_after_the_enrolment(qtbot, gui, monkeypatch, tmp_path):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    settings_view = gui.window.views["settings"]
    gui.window.show_screen("settings")
    settings_view.receipt_layout.setCurrentIndex(settings_view.receipt_layout.findData("80mm"))
    settings_view.receipt_destination.setCurrentIndex(settings_view.receipt_destination.findData("pdf"))
    assert gui.session.settings.get(RECEIPT_LAYOUT) == "80mm"
    assert gui.session.settings.get(RECEIPT_DESTINATION) == "pdf"
    gui.window.show_screen("people")
    from tests.ui.test_enrol import open_enrol

    dialog = open_enrol(qtbot, gui)
    qtbot.keyClick(dialog, Qt.Key.Key_Return, CTRL)
    qtbot.keyClick(dialog, Qt.Key.Key_Return, CTRL)  # a double tap makes one receipt
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    wait_idle(qtbot, gui)
    receipt_id, label = gui.session.store.query_one(
        "SELECT id, series || '/' || printf('%07d', number) FROM receipts ORDER BY issued_at DESC LIMIT 1"
    )
    assert audit(gui, receipt_id) == [("print", {"layout": "80mm"})]
    (written,) = (tmp_path / "pdf").glob("*.pdf")
    text = PdfReader(str(written)).pages[0].extract_text()
    series, number = label.split("/")
    assert series in text and number in text and "BẢN SAO" not in text
    assert label.split("/")[0] in gui.enrolling.saved_message and shown == []  # said in the status bar
    today = gui.receipts.today().isoformat()
    assert gui.session.store.query_one("SELECT count(*) FROM receipts WHERE day = ?", (today,))[0] == 1


def test_verify_shortcut_needs_a_signed_in_member(qtbot, gui):
    view = screen(qtbot, gui)
    view.verify_button.click()
    dialog = gui.receipts.verify_dialog
    assert dialog.isVisible()
    gui.lock()  # locking closes it: a receipt's details never stay over the lock screen
    assert not dialog.isVisible() and gui.receipts.verify_dialog is None
    qtbot.keyClick(gui.window, Qt.Key.Key_V, CTRL | SHIFT)
    assert gui.receipts.verify_dialog is None
    QApplication.processEvents()


def test_thermal_roll_through_the_print_dialog(qtbot, gui, tmp_path, monkeypatch):
    """ "Ask every time": the print dialog chooses the printer; a roll's page is as long as its receipt."""
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QDialog

    gui.session.settings.set(RECEIPT_DESTINATION, "ask")
    gui.session.settings.set(RECEIPT_LAYOUT, "58mm")
    out = tmp_path / "dialog.pdf"

    def accept(dialog):
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(out))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    view = screen(qtbot, gui)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    view.table.selectRow(0)
    view.table.selectionModel().select(view.model.index(1, 0), flags)
    qtbot.keyClick(view.table, Qt.Key.Key_P, CTRL)
    wait_idle(qtbot, gui)
    reader = PdfReader(str(out))
    assert len(reader.pages) == 2
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    height_mm = float(reader.pages[0].mediabox.height) / 72 * 25.4
    assert abs(width_mm - THERMAL["58mm"]) < 1 and height_mm > 2 * width_mm  # the roll's printable width
    assert all(audit(gui, r.id) == [("print", {"layout": "58mm"})] for r in view.model.rows[:2])
    monkeypatch.setattr(QPrintDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    qtbot.keyClick(view.table, Qt.Key.Key_P, CTRL)  # cancelled: nothing printed, nothing logged
    wait_idle(qtbot, gui)
    assert all(len(audit(gui, r.id)) == 1 for r in view.model.rows[:2]) and view.print_button.isEnabled()


def test_a_pdf_that_cannot_be_written_is_said_and_not_logged(qtbot, gui, tmp_path, monkeypatch):
    view = screen(qtbot, gui)
    row = view.model.rows[0]
    target = tmp_path / "no-such-folder" / "x.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    view.pdf_button.click()
    wait_idle(qtbot, gui)
    box = gui.receipts.printer.failure
    assert box is not None and "Không ghi được" in box.text() and "no-such-folder" in box.text()
    assert audit(gui, row.id) == [] and not target.exists() and view.pdf_button.isEnabled()
    target.parent.mkdir()
    next(b for b in box.buttons() if b.text() == "In lại").click()  # the same file, now that it can be
    wait_idle(qtbot, gui)
    assert target.exists() and audit(gui, row.id) == [("print", {"layout": "a5"})]


def test_straight_to_a_thermal_printer(qtbot, gui, tmp_path):
    """ESC/POS: the roll as raster images to the printer's device, no driver; a printer that is not there
    is said, and nothing is logged until the receipt is on paper."""
    settings_view = gui.window.views["settings"]
    gui.window.show_screen("settings")
    qtbot.waitUntil(lambda: gui.tasks.pending == 0, timeout=WAIT)
    settings_view.receipt_destination.setCurrentIndex(settings_view.receipt_destination.findData("escpos"))
    assert settings_view.thermal_printer.isEnabled() and not settings_view.receipt_folder.isEnabled()
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    settings_view.thermal_printer.setEditText(f"file:{tmp_path / 'gone' / 'lp0'}")
    settings_view.thermal_printer.lineEdit().editingFinished.emit()
    assert gui.session.settings.get(RECEIPT_THERMAL_PRINTER) == f"file:{tmp_path / 'gone' / 'lp0'}"
    view = screen(qtbot, gui)
    row = view.model.rows[0]
    qtbot.keyClick(view.table, Qt.Key.Key_P, CTRL)
    wait_idle(qtbot, gui)
    box = gui.receipts.printer.failure
    assert box is not None and "Không tìm thấy máy in" in box.text() and audit(gui, row.id) == []
    gui.session.settings.set(RECEIPT_THERMAL_PRINTER, f"file:{device}")
    next(b for b in box.buttons() if b.text() == "In lại").click()
    wait_idle(qtbot, gui)
    sent = device.read_bytes()
    assert b"\x1dv0" in sent and len(sent) > 2000  # GS v 0: the receipt went as a raster image
    assert audit(gui, row.id) == [("print", {"layout": "80mm"})]  # A5 in Settings: a roll prints the roll
    assert "bản gốc" in view.message.text()


def test_qr_labels_and_the_hand_over_list_from_the_screen(qtbot, gui, tmp_path, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    from fieldapp.domain.scans import read_hi_card
    from tests.printing.conftest import pdftoppm, qr_texts

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    view = screen(qtbot, gui)
    labels, listed = tmp_path / "labels.pdf", tmp_path / "handover.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(labels), "PDF (*.pdf)"))
    qtbot.keyClick(view.table, Qt.Key.Key_L, CTRL | SHIFT)
    qtbot.waitUntil(lambda: gui.tasks.pending == 0 and len(opened) == 1, timeout=WAIT)
    # every card or book without a label is named under the file's line, as the command line does (issue 17)
    from fieldapp.services.receipts import without_labels

    missing = without_labels(gui.session.store, view.chosen_day())
    assert all(i.name in view.message.text() and i.receipt in view.message.text() for i in missing)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(listed), "PDF (*.pdf)"))
    view.hand_over_button.click()
    qtbot.waitUntil(lambda: gui.tasks.pending == 0 and len(opened) == 2, timeout=WAIT)
    assert opened == [str(labels), str(listed)]
    text = PdfReader(str(listed)).pages[0].extract_text()
    assert "DANH SÁCH BÀN GIAO" in text and gui.session.member.full_name in text
    codes = [t for png in pdftoppm(labels, dpi=200) for t in qr_texts(png)]
    assert codes and all(read_hi_card(c).ok or c.isdigit() for c in codes)
    shot(gui.window, "receipts-hand-over")


def test_a_printer_failure_offers_save_as_pdf_and_enter_does_not_repeat_it(qtbot, gui, tmp_path, monkeypatch):
    """After an enrolment without a printer, 'In lại' was the default: Enter repeated the failure. The box
    offers the receipt as a PDF (to print elsewhere) and makes that the default."""
    from PySide6.QtWidgets import QFileDialog

    view = screen(qtbot, gui)
    row = view.model.rows[0]
    gui.receipts.printer.make_printer = lambda: None
    qtbot.keyClick(view.table, Qt.Key.Key_P, CTRL)
    box = gui.receipts.printer.failure
    assert box is not None
    as_pdf = next(b for b in box.buttons() if b.text().replace("&", "") == "Lưu thành PDF…")
    assert box.defaultButton() is as_pdf
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "bien-lai.pdf"), ""))
    as_pdf.click()
    wait_idle(qtbot, gui)
    assert "BIÊN LAI" in PdfReader(str(tmp_path / "bien-lai.pdf")).pages[0].extract_text().upper()
    assert audit(gui, row.id)[-1][0] in ("pdf", "print", "save_pdf")
