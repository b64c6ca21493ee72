"""Receipts after the money: print (the first print is the original, every later one a copy, all logged),
save as PDF, print a day's batch in one job, void with the team leader's PIN, verify a scanned QR.

The store work and the PDF rendering run on the database thread; the QPrinter, its dialog and its
painter live on the GUI thread. Pages come back a few at a time, so a batch of hundreds of receipts
neither blocks the window nor holds every page image in memory.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from fieldapp.domain.formats import format_date, format_vnd
from fieldapp.domain.permissions import Action, allowed
from fieldapp.domain.receipt_code import Verdict
from fieldapp.errors import FieldappError, InputRefused
from fieldapp.i18n import t
from fieldapp.outputs import Output
from fieldapp.services import receipts as receipt_service
from fieldapp.services.team import SignIn, sign_in
from fieldapp.settings import (
    PIN_LOCK_MINUTES,
    PIN_MAX_FAILURES,
    PRINTER_NAME,
    RECEIPT_DESTINATION,
    RECEIPT_FOLDER,
    RECEIPT_LAYOUT,
    RECEIPT_THERMAL_PRINTER,
)
from fieldapp.storage import receipts as receipt_store
from fieldapp.storage import work
from ui import printing
from ui.controllers.common import say_in_status_bar, show_refusal, sign_in_refusal
from ui.session import Session
from ui.tasks import Tasks
from ui.views.receipt_dialogs import Shown, VerifyDialog, VoidDialog
from ui.views.receipts import ReceiptsView

if TYPE_CHECKING:
    from fieldapp.printing import escpos
    from fieldapp.printing.receipt import Printing

log = logging.getLogger(__name__)
PAGES_AT_ONCE = 8
GREEN, RED, AMBER = "#2e7d32", "#c62828", "#b26a00"
COLOURS = {
    Verdict.GENUINE: GREEN,
    Verdict.FORGED: RED,
    Verdict.REVOKED: RED,
    Verdict.VOID: RED,
    Verdict.DAMAGED: AMBER,
    Verdict.UNKNOWN_DEVICE: AMBER,
    Verdict.NOT_RECEIPT: AMBER,
    Verdict.REVOKED_UNCONFIRMED: AMBER,  # check with the office
    Verdict.UNCONFIRMED: AMBER,
}


def headline(verdict: Verdict) -> str:
    return {
        Verdict.GENUINE: QCoreApplication.translate("ReceiptsController", "GENUINE"),
        Verdict.FORGED: QCoreApplication.translate("ReceiptsController", "FORGED"),
        Verdict.DAMAGED: QCoreApplication.translate("ReceiptsController", "DAMAGED"),
        Verdict.NOT_RECEIPT: QCoreApplication.translate("ReceiptsController", "NOT A RECEIPT"),
        Verdict.UNKNOWN_DEVICE: QCoreApplication.translate("ReceiptsController", "UNKNOWN DEVICE"),
        Verdict.REVOKED: QCoreApplication.translate("ReceiptsController", "REVOKED DEVICE"),
        Verdict.VOID: QCoreApplication.translate("ReceiptsController", "VOID"),
        Verdict.REVOKED_UNCONFIRMED: QCoreApplication.translate("ReceiptsController", "NOT CONFIRMED"),
        Verdict.UNCONFIRMED: QCoreApplication.translate("ReceiptsController", "NOT CONFIRMED"),
    }[verdict]


def product_name(code: str) -> str:
    return {
        "BI": QCoreApplication.translate("ReceiptsController", "Household health insurance"),
        "IS": QCoreApplication.translate("ReceiptsController", "Voluntary social insurance"),
    }.get(code, code)


def shown(result: receipt_service.Verification, lang: str) -> Shown:
    """What the Verify dialog shows for a verification: the verdict in big, its sentence, the claim."""
    details: list[tuple[str, str]] = []
    c = result.claim
    if c is not None:
        period = ""
        if c.start_on and c.end_on:
            period = (
                QCoreApplication.translate("ReceiptsController", "%1 to %2")
                .replace("%1", format_date(c.start_on))
                .replace("%2", format_date(c.end_on))
            )
        details = [
            (QCoreApplication.translate("ReceiptsController", "Number:"), result.label or ""),
            (QCoreApplication.translate("ReceiptsController", "Date:"), format_date(c.day)),
            (QCoreApplication.translate("ReceiptsController", "Amount:"), format_vnd(c.amount, lang)),
            (QCoreApplication.translate("ReceiptsController", "Paid for:"), product_name(c.product)),
            (QCoreApplication.translate("ReceiptsController", "Months:"), str(c.months)),
            (QCoreApplication.translate("ReceiptsController", "Period:"), period),
            (QCoreApplication.translate("ReceiptsController", "Insured persons:"), str(c.people)),
            (QCoreApplication.translate("ReceiptsController", "Payer's ID (masked):"), c.payer_id),
            (QCoreApplication.translate("ReceiptsController", "Confirmation code:"), result.confirmation or ""),
            (
                QCoreApplication.translate("ReceiptsController", "Issued by device:"),
                result.device or QCoreApplication.translate("ReceiptsController", "(not known on this laptop)"),
            ),
        ]
        if result.receipt is not None and result.receipt.void_reason:
            details.append(
                (QCoreApplication.translate("ReceiptsController", "Void because:"), result.receipt.void_reason)
            )
    if result.verdict is Verdict.GENUINE:
        title = QCoreApplication.translate("ReceiptsController", "The receipt")
    else:
        title = QCoreApplication.translate("ReceiptsController", "What the QR code claims (do not trust it)")
    return Shown(
        headline(result.verdict), t(f"verify.{result.verdict.value}", lang), COLOURS[result.verdict], details, title
    )


def not_written(exc: OSError, where) -> str:
    text = QCoreApplication.translate(
        "ReceiptsController",
        "Could not write %1 (%2). The receipt is saved; choose another folder, then save again.",
    )
    return text.replace("%1", str(where)).replace("%2", exc.strerror or str(exc))


def file_name(refs: list[receipt_store.ReceiptRef]) -> str:
    if len(refs) == 1:
        return refs[0].label.replace("/", "-") + ".pdf"
    days = sorted({r.day for r in refs})
    return f"bien-lai-{days[0]:%Y-%m-%d}-{len(refs)}.pdf"


def free_path(folder: Path, name: str) -> Path:
    """`name` in `folder`, or name-2, name-3… where it is taken (a reprint never overwrites the original)."""
    path = folder / name
    n = 2
    while path.exists():
        path = folder / f"{Path(name).stem}-{n}.pdf"
        n += 1
    return path


@dataclass
class _Job:
    """One print request as it goes: the receipts, how, and (for a printer) the pages still to paint."""

    ids: list[str]
    layout: str
    asked: Path | None = None  # "Save as PDF" to this file
    path: Path | None = None  # the PDF written (or the folder it goes into), where not a printer
    printer: QPrinter | None = None
    items: list[Printing] | None = None
    pages: Iterator[QImage] | None = None
    paper: printing.Job | None = None
    thermal: str | None = None  # an ESC/POS printer's address, where the receipt goes straight to one
    pdf: bytes | None = None


class ReceiptsController(QObject):
    changed = Signal()  # a receipt was voided or printed: the screens showing receipts refresh
    finished = Signal(bool)  # a print request ended: printed (or saved), or not

    def __init__(self, session: Session, tasks: Tasks, view: ReceiptsView, parent: QWidget, today) -> None:
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.view = view
        self.parent_widget = parent
        self.today: Callable[[], date] = today
        self.busy = False
        # the printer the Settings (or the province profile) name, else the OS's default
        self.make_printer: Callable[[], QPrinter | None] = lambda: printing.default_printer(
            self.session.settings.get(PRINTER_NAME)
        )
        self.failure: QMessageBox | None = None
        self.void_dialog: VoidDialog | None = None
        self.verify_dialog: VerifyDialog | None = None
        self._printer_thread: Tasks | None = None
        self._day: date | None = None
        view.day_changed.connect(lambda _d: self.refresh())
        view.search_changed.connect(lambda _s: self.refresh())
        view.print_requested.connect(self.print_receipts)
        view.batch_requested.connect(self.print_receipts)
        view.pdf_requested.connect(lambda ids, path: self.print_receipts(ids, Path(path)))
        view.void_requested.connect(self.ask_void)
        view.verify_requested.connect(self.verify)
        view.hand_over_requested.connect(self.hand_over)
        session.locked.connect(self._close_dialogs)

    def _close_dialogs(self) -> None:
        """Locking the app closes what shows a receipt or asks for a PIN; a print already running finishes."""
        for dialog in (self.void_dialog, self.verify_dialog):
            if dialog is not None:
                dialog.reject()

    # --- the screen ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        store, lang = self.session.store, self.session.lang
        if store is None:
            return
        if self._day is None:  # the first time: today, whatever day the view was built on
            self._day = self.today()
            self.view.show_day(self._day)
        day = self.view.chosen_day()
        self._day = day
        wanted = self.view.search.text().strip()

        def load():
            rows = work.receipts(store, day)
            if not wanted:
                return rows, False
            matching = [r for r in rows if _matches(r.label, wanted)]
            if matching:
                return matching, False
            ref = receipt_store.find_label(store, wanted)
            if ref is None:
                return [], False
            return [r for r in work.receipts(store, ref.day) if r.id == ref.id], True

        self.tasks.run(load, lambda got: self.view.show_rows(got[0], lang, got[1]))

    # --- printing -------------------------------------------------------------------------------------

    def print_new(self, receipt_id: str) -> None:
        """Right after an enrolment is saved: print its receipt the way Settings say."""
        self.print_receipts([receipt_id])

    def print_receipts(self, ids: list[str], path: Path | None = None) -> None:
        """Print (or, with `path`, save as PDF) these receipts in one job; a second request while one runs
        is ignored."""
        from fieldapp.printing.receipt import THERMAL, pdf_bytes

        store = self.session.store
        if self.busy or not ids or store is None:
            return
        settings = self.session.settings
        job = _Job(list(ids), settings.get(RECEIPT_LAYOUT), path, path)
        destination = "file" if path else settings.get(RECEIPT_DESTINATION)
        if destination == "pdf":
            folder = settings.get(RECEIPT_FOLDER) or str(
                Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)) / "fieldapp"
            )
            job.path = Path(folder)
        elif destination == "escpos":
            job.thermal = settings.get(RECEIPT_THERMAL_PRINTER)
            job.layout = job.layout if job.layout in THERMAL else "80mm"  # a roll prints the roll layout
            if not job.thermal:
                text = QCoreApplication.translate(
                    "ReceiptsController", "No thermal printer is chosen yet: choose it in Settings, Receipt printing."
                )
                self._failed(job, text)
                return
        elif destination in ("printer", "ask"):
            job.printer = self._printer(destination, job.layout)
            if job.printer is None:
                if destination == "printer":
                    self._failed(
                        job,
                        t(
                            "receipt.printer_missing",
                            self.session.lang,
                            printer=settings.get(PRINTER_NAME)
                            or QCoreApplication.translate("ReceiptsController", "(default)"),
                        ),
                    )
                return
        self._set_busy(True)
        actor, layout, printer = self.session.actor, job.layout, job.printer
        dpi = printing.dpi_for(printer) if printer is not None else 0

        def work_() -> _Job:
            if printer is None and job.thermal is None:  # a PDF: written and logged in one go
                target = Output(path, force=True) if path is not None else None  # the save dialog asked
                if target is None:
                    job.path.mkdir(parents=True, exist_ok=True)
                    target = free_path(job.path, file_name(receipt_store.refs(store, ids=job.ids)))
                job.path = receipt_service.save_pdf(store, actor, job.ids, target, layout)
                return job
            job.items = receipt_service.printable(store, job.ids)
            if not job.items:
                raise InputRefused("receipt.unknown", number="")
            pdf = pdf_bytes(job.items, layout)  # logged once it is on paper
            if job.thermal is not None:
                job.pdf = pdf
            else:
                job.pages = printing.render(pdf, dpi)
            return job

        self.tasks.run(work_, self._rendered, self._error(job))

    def _printer(self, destination: str, layout: str) -> QPrinter | None:
        if destination == "printer":
            printer = self.make_printer()
            if printer is not None:
                printing.prepare(printer, layout)
            return printer
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printing.prepare(printer, layout)
        dialog = QPrintDialog(printer, self.parent_widget)
        dialog.setWindowTitle(QCoreApplication.translate("ReceiptsController", "Print the receipt"))
        return printer if dialog.exec() == QDialog.DialogCode.Accepted else None

    def _rendered(self, job: _Job) -> None:
        if job.thermal is not None:
            self._print_thermal(job)
            return
        if job.printer is None:
            self._done(job)
            return
        job.paper = printing.Job(job.printer, job.layout)
        self._next_pages(job)

    def _next_pages(self, job: _Job) -> None:
        pages = job.pages
        self.tasks.run(
            lambda: list(islice(pages, PAGES_AT_ONCE)), lambda images: self._paint(job, images), self._error(job)
        )

    def _paint(self, job: _Job, images: list[QImage]) -> None:
        try:
            for image in images:
                job.paper.add(image)
            if len(images) == PAGES_AT_ONCE:
                self.view.show_message(
                    QCoreApplication.translate("ReceiptsController", "Printing: %1 of %2 pages sent…")
                    .replace("%1", str(job.paper.pages))
                    .replace("%2", str(len(job.items or ())))
                )
                self._next_pages(job)
                return
            job.paper.finish()
        except printing.PrintFailed as exc:
            self.tasks.run(job.pages.close)
            self._failed(job, self._printer_problem(exc))
            return
        self._logged(job)

    def _print_thermal(self, job: _Job) -> None:
        """Straight to the ESC/POS printer, on a thread of its own: a slow Bluetooth printer never holds up
        the store."""
        from fieldapp.printing import escpos

        if self._printer_thread is None:
            self._printer_thread = Tasks(self.tasks.report, parent=self)
        pdf, address, roll = job.pdf, job.thermal, job.layout
        self._printer_thread.run(
            lambda: escpos.print_pdf(pdf, address, roll=roll), lambda done: self._logged(job, done), self._error(job)
        )

    def _logged(self, job: _Job, printed: escpos.Printed | None = None) -> None:
        store, actor = self.session.store, self.session.actor
        note = t("escpos.paper_low", self.session.lang, address=job.thermal) if printed and printed.paper_low else ""
        self.tasks.run(
            lambda: receipt_service.log_printed(store, actor, job.items, job.layout),
            lambda _n: self._done(job, note),
            self._error(job),
        )

    def shutdown(self) -> None:
        if self._printer_thread is not None:
            self._printer_thread.shutdown()

    def _printer_problem(self, exc: printing.PrintFailed) -> str:
        problem = {
            "offline": QCoreApplication.translate("ReceiptsController", "it does not answer"),
            "new page": QCoreApplication.translate("ReceiptsController", "it stopped in the middle of the job"),
        }.get(exc.problem, QCoreApplication.translate("ReceiptsController", "it refused the job"))
        return t("receipt.printer_failed", self.session.lang, printer=exc.printer, problem=problem)

    def _done(self, job: _Job, note: str = "") -> None:
        from fieldapp.printing.receipt import label as receipt_label

        self._set_busy(False)
        items = job.items or []
        copies = sum(1 for p in items if p.copy)
        if job.printer is None and job.thermal is None:
            text = t("receipt.written", self.session.lang, path=str(job.path))
        elif len(items) == 1:
            what = (
                QCoreApplication.translate("ReceiptsController", "Printed a copy (BẢN SAO) of %1.")
                if copies
                else QCoreApplication.translate("ReceiptsController", "Printed the original of %1.")
            )
            text = what.replace("%1", receipt_label(items[0].record))
        else:
            text = QCoreApplication.translate(
                "ReceiptsController", "Printed %1 receipts in one job (%2 of them copies)."
            ).replace("%1", str(len(items)))
            text = text.replace("%2", str(copies))
        text = f"{text} {note}".strip()
        self.view.show_message(text)
        say_in_status_bar(self.parent_widget, text, 10_000)
        self.changed.emit()
        self.finished.emit(True)

    def _error(self, job: _Job):
        def handle(exc: BaseException) -> None:
            if job.paper is not None:
                job.paper.abort()
            if isinstance(exc, FieldappError) and (job.thermal is not None or exc.code.startswith("output.")):
                # the printer or its address; or the file's place (fieldapp.outputs): said, and Print again
                self._failed(job, t(exc.code, self.session.lang, **exc.params))
                return
            if isinstance(exc, OSError):
                self._failed(job, not_written(exc, exc.filename or job.path or ""))
                return
            self._set_busy(False)
            self.finished.emit(False)
            self.tasks.report(exc)

        return handle

    def _failed(self, job: _Job, text: str) -> None:
        """The receipt is saved whatever the printer did; say what went wrong and offer to print again."""
        self._set_busy(False)
        self.view.show_message(text, error=True)
        box = QMessageBox(QMessageBox.Icon.Warning, "fieldapp", text, parent=self.parent_widget)
        again = box.addButton(
            QCoreApplication.translate("ReceiptsController", "Print again"), QMessageBox.ButtonRole.AcceptRole
        )
        as_pdf = (
            box.addButton(
                QCoreApplication.translate("ReceiptsController", "Save as &PDF…"), QMessageBox.ButtonRole.ActionRole
            )
            if job.asked is None  # a printer failed: the receipt can still go to a file, to print elsewhere
            else None
        )
        box.addButton(QCoreApplication.translate("ReceiptsController", "Close"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(as_pdf or again)  # Enter does not repeat what just failed
        ids, path = job.ids, job.asked

        def clicked(button) -> None:
            self.failure = None
            if button is again:
                self.print_receipts(ids, path)
            elif as_pdf is not None and button is as_pdf:
                self._save_as_pdf(ids)

        box.buttonClicked.connect(clicked)
        self.failure = box
        self.finished.emit(False)
        box.open()

    def _save_as_pdf(self, ids: list[str]) -> None:
        from PySide6.QtWidgets import QFileDialog

        refs = receipt_store.refs(self.session.store, ids=ids) if self.session.store is not None else []
        name = file_name(refs) if refs else "bien-lai.pdf"
        folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))
        caption = QCoreApplication.translate("ReceiptsController", "Save the receipt as PDF")
        chosen, _filter = QFileDialog.getSaveFileName(self.parent_widget, caption, str(folder / name), "PDF (*.pdf)")
        if chosen:
            self.print_receipts(ids, Path(chosen))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.view.set_busy(busy)

    # --- what is handed over ----------------------------------------------------------------------------

    def hand_over(self, ids: list[str], path: str, what: str) -> None:
        """QR labels for the cards and books of these receipts, or the list their recipients sign, as a PDF
        opened for printing. Labels go on the thermal roll where receipts do, else on an A4 label sheet."""
        from fieldapp.printing.receipt import THERMAL

        store, session = self.session.store, self.session
        if store is None or not ids:
            return
        layout = session.settings.get(RECEIPT_LAYOUT)
        layout = layout if layout in THERMAL else "sheet"
        team = session.team.name if session.team else ""
        collector = session.member.full_name if session.member else ""
        day = self.view.chosen_day()

        def work() -> Path:
            return receipt_service.hand_over_file(
                store,
                Output(Path(path), force=True),
                day=day,
                receipt_ids=ids,
                what=what,
                layout=layout,
                team=team,
                collector=collector,
            )

        def opened(out: Path) -> None:
            self.view.show_message(t("receipt.file_written", session.lang, path=str(out)))
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(out)))

        self.tasks.run(work, opened, self._file_error(path))

    def _file_error(self, path: str):
        def handle(exc: BaseException) -> None:
            if isinstance(exc, OSError):
                self.view.show_message(not_written(exc, exc.filename or path), error=True)
                return
            if isinstance(exc, FieldappError) and exc.code.startswith("output."):  # the file's place
                self.view.show_message(t(exc.code, self.session.lang, **exc.params), error=True)
                return
            self.tasks.report(exc)

        return handle

    # --- voiding ------------------------------------------------------------------------------------

    def ask_void(self, receipt_id: str) -> None:
        row = next((r for r in self.view.model.rows if r.id == receipt_id), None)
        if row is None or row.void:
            return
        lang = self.session.lang
        team_id = self.session.team.id if self.session.team else None
        leaders = [m for m in self.session.members if allowed(m, Action.VOID_RECEIPT, team_id)]  # who to offer
        title = f"{row.label}\n{row.payer} — {format_vnd(row.amount, lang)}"
        dialog = VoidDialog(title, leaders, self.parent_widget)
        self.void_dialog = dialog
        dialog.submitted.connect(lambda leader_id, pin, reason: self._void(dialog, receipt_id, leader_id, pin, reason))
        dialog.finished.connect(lambda _r: setattr(self, "void_dialog", None))
        dialog.open()

    def _void(self, dialog: VoidDialog, receipt_id: str, leader_id: str, pin: str, reason: str) -> None:
        s, lang = self.session, self.session.lang
        store, actor = s.store, s.actor
        if not " ".join(reason.split()):
            dialog.refuse(t("receipt.void_reason_needed", lang))
            return
        if not leader_id:
            dialog.refuse(t("receipt.void_needs_leader", lang))
            return
        max_failures, lock_minutes = s.settings.get(PIN_MAX_FAILURES), s.settings.get(PIN_LOCK_MINUTES)

        def work_():
            result = sign_in(store, leader_id, pin, max_failures=max_failures, lock_minutes=lock_minutes)
            if result.outcome is SignIn.OK:  # the service decides whether this member may void it
                receipt_service.void(store, actor, receipt_id, reason, result.member)
            return result

        def done(result) -> None:
            refusal = sign_in_refusal(result, lang)
            if refusal is not None:
                dialog.refuse(refusal)
                return
            dialog.accept()
            self.view.show_message(
                QCoreApplication.translate(
                    "ReceiptsController", "The receipt is void. It prints and verifies as void from now on."
                )
            )
            self.refresh()
            self.changed.emit()

        dialog.set_busy(True)
        self.tasks.run(work_, done, show_refusal(dialog.message, lang, self.tasks, lambda: dialog.set_busy(False)))

    # --- verifying ----------------------------------------------------------------------------------

    def verify(self) -> None:
        if self.session.store is None or self.session.member is None:
            return
        if self.verify_dialog is None:
            dialog = VerifyDialog(self.parent_widget)
            dialog.submitted.connect(self.check)
            dialog.finished.connect(lambda _r: setattr(self, "verify_dialog", None))
            self.verify_dialog = dialog
        self.verify_dialog.show()
        self.verify_dialog.raise_()
        self.verify_dialog.activateWindow()
        self.verify_dialog.input.setFocus()

    def check(self, text: str) -> None:
        dialog, store, lang = self.verify_dialog, self.session.store, self.session.lang
        if dialog is None or store is None:
            return

        def failed(exc: BaseException) -> None:
            log.error("verifying a payload failed", exc_info=exc)
            dialog.show_result(Shown(headline(Verdict.DAMAGED), t(f"verify.{Verdict.DAMAGED.value}", lang), AMBER, []))

        self.tasks.run(
            lambda: receipt_service.verify(store, text), lambda v: dialog.show_result(shown(v, lang)), failed
        )


def _matches(label: str, wanted: str) -> bool:
    """A search matches the label's text, or its number without the zeros ("3" finds …/0000003)."""
    wanted = wanted.upper()
    if wanted in label.upper():
        return True
    digits = re.sub(r"\D", "", wanted)
    return bool(digits) and wanted.isdigit() and int(label.rsplit("/", 1)[1]) == int(digits)
