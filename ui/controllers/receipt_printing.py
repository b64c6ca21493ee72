"""Printing receipts: one job from the Settings' destination to paper, a PDF or a thermal roll, logged.

The first print is the original, every later one a copy. The store work and the PDF rendering run on the
database thread; the QPrinter, its dialog and its painter live on the GUI thread. Pages come back a few at a
time, so a batch of hundreds of receipts neither blocks the window nor holds every page image in memory.

Split from ui.controllers.receipts, whose screen owns this printer. The texts keep the translation context
"ReceiptsController", which the .ts entries are keyed by.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, Signal
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from fieldapp.errors import FieldappError, InputRefused
from fieldapp.i18n import t
from fieldapp.outputs import Output
from fieldapp.services import receipts as receipt_service
from fieldapp.settings import (
    PRINTER_NAME,
    RECEIPT_DESTINATION,
    RECEIPT_FOLDER,
    RECEIPT_LAYOUT,
    RECEIPT_THERMAL_PRINTER,
)
from fieldapp.storage import receipts as receipt_store
from ui import printing
from ui.controllers.common import say_in_status_bar
from ui.session import Session
from ui.tasks import Tasks
from ui.views.receipts import ReceiptsView

if TYPE_CHECKING:
    from fieldapp.printing import escpos
    from fieldapp.printing.receipt import Printing

PAGES_AT_ONCE = 8


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


class ReceiptPrinter(QObject):
    """Prints (or saves) receipts for the Receipts screen and after an enrolment, one request at a time."""

    changed = Signal()  # a receipt was printed: the screens showing receipts refresh
    finished = Signal(bool)  # a print request ended: printed (or saved), or not

    def __init__(self, session: Session, tasks: Tasks, view: ReceiptsView, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.view = view
        self.parent_widget = parent
        self.busy = False
        # the printer the Settings (or the province profile) name, else the OS's default
        self.make_printer: Callable[[], QPrinter | None] = lambda: printing.default_printer(
            self.session.settings.get(PRINTER_NAME)
        )
        self.failure: QMessageBox | None = None
        self._printer_thread: Tasks | None = None

    def print_receipts(self, ids: list[str], path: Path | None = None) -> None:
        """Print (or, with `path`, save as PDF) these receipts in one job; a second request while one runs
        is ignored."""
        from fieldapp.printing.receipt import pdf_bytes

        store = self.session.store
        if self.busy or not ids or store is None:
            return
        job = _Job(list(ids), self.session.settings.get(RECEIPT_LAYOUT), path, path)
        if not self._prepare(job):
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

    def _prepare(self, job: _Job) -> bool:
        """Where the job goes, as Settings say (a path asked for is a file): a PDF folder, a thermal printer
        or a QPrinter, set on `job`; False, with the failure said, where there is none (or the print dialog
        was cancelled)."""
        from fieldapp.printing.receipt import THERMAL

        settings = self.session.settings
        destination = "file" if job.asked else settings.get(RECEIPT_DESTINATION)
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
                return False
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
                return False
        return True

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
