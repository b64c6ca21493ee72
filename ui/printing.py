"""Printing PDF pages through QPrinter: any printer the OS knows, the print dialog, or Qt's own PDF output.

PySide6 here has no QtPdf, so the pages are rendered to images by `fieldapp.printing.raster` (PDFium) at
the printer's resolution (at most 300 dpi: more only makes the job bigger) and painted one per printer
page, scaled to the page keeping their aspect ratio. Rendering may run on the database thread (QImage is
safe off the GUI thread); everything that touches the QPrinter and its QPainter runs on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QMarginsF, QRect, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

MAX_DPI = 300
MM_PER_INCH = 25.4


class PrintFailed(Exception):
    """The printer could not be opened or refused a page; `printer` names it for the message."""

    def __init__(self, printer: str, problem: str = "") -> None:
        super().__init__(problem or printer)
        self.printer = printer
        self.problem = problem


def printer_name(printer: QPrinter) -> str:
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return printer.outputFileName() or "PDF"
    return printer.printerName() or "?"


def default_printer(name: str = "") -> QPrinter | None:
    """The printer called `name` (the Settings' or the province profile's), or the OS's default one where
    no name is given; None where there is none (no driver, nothing installed, no printer of that name)."""
    info = QPrinterInfo.printerInfo(name) if name else QPrinterInfo.defaultPrinter()
    if info.isNull():
        return None
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    return printer if printer.isValid() else None


def dpi_for(printer: QPrinter) -> int:
    return max(72, min(MAX_DPI, printer.resolution()))


def prepare(printer: QPrinter, layout: str) -> None:
    """Paper and orientation the receipt layout was drawn for (the print dialog may still change them)."""
    if layout == "a4":
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    elif layout == "a5":
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A5))
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    else:  # a thermal roll: its width, and a length set per page from the rendered image
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def to_qimage(image) -> QImage:
    """A PIL image (grey "L" or "RGB") as a QImage that owns its pixels."""
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    fmt, depth = (QImage.Format.Format_Grayscale8, 1) if image.mode == "L" else (QImage.Format.Format_RGB888, 3)
    data = image.tobytes()
    return QImage(data, image.width, image.height, image.width * depth, fmt).copy()


def render(pdf: bytes, dpi: int) -> Iterator[QImage]:
    """The pages of `pdf` as QImages at `dpi`; runs on the database thread, one page at a time."""
    from fieldapp.printing import raster

    for page in raster.pages(pdf, dpi):
        image = to_qimage(page)
        image.setDotsPerMeterX(round(dpi / MM_PER_INCH * 1000))
        image.setDotsPerMeterY(round(dpi / MM_PER_INCH * 1000))
        yield image


class Job:
    """One print job on a QPrinter: begin, a page per image, end. GUI thread only."""

    def __init__(self, printer: QPrinter, layout: str) -> None:
        self.printer = printer
        self.layout = layout
        self.pages = 0
        self.painter = QPainter()

    def _fit_roll(self, image: QImage) -> None:
        """A thermal page is as long as its receipt: size the paper to the image (in mm at its dpi)."""
        if self.layout in ("a4", "a5"):
            return
        dpm = image.dotsPerMeterX() or 8000
        size = QSizeF(image.width() / dpm * 1000, image.height() / dpm * 1000)
        self.printer.setPageSize(QPageSize(size, QPageSize.Unit.Millimeter, "receipt"))

    def add(self, image: QImage) -> None:
        name = printer_name(self.printer)
        if self.pages == 0:
            self._fit_roll(image)
            if not self.painter.begin(self.printer):
                raise PrintFailed(name, "offline")
        else:
            self._fit_roll(image)
            if not self.printer.newPage():
                self.abort()
                raise PrintFailed(name, "new page")
        area = self.painter.viewport()
        scaled = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = area.x() + (area.width() - scaled.width()) // 2
        self.painter.drawImage(QRect(x, area.y(), scaled.width(), scaled.height()), image)
        self.pages += 1

    def finish(self) -> None:
        name = printer_name(self.printer)
        if self.painter.isActive() and not self.painter.end():
            raise PrintFailed(name, "end")
        if self.printer.printerState() == QPrinter.PrinterState.Error:
            raise PrintFailed(name, "error")

    def abort(self) -> None:
        if self.painter.isActive():
            self.printer.abort()
            self.painter.end()
