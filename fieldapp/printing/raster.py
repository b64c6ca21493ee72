"""PDF pages as images, for printers that take pixels: the OS printer through QPrinter, and ESC/POS
thermal printers whose code pages have no Vietnamese. pypdfium2 (PDFium, the engine of Chrome's viewer)
renders the same PDF the "save as PDF" button writes, so paper and file always agree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image


def pages(pdf: bytes, dpi: float = 203.0, *, grey: bool = True) -> Iterator[Image]:
    """Each page of `pdf` as a PIL image at `dpi` (203 dpi is the thermal printers' 8 dots per mm)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(doc)):
            page = doc[index]
            try:
                bitmap = page.render(scale=dpi / 72.0, grayscale=grey, may_draw_forms=False)
                yield bitmap.to_pil()
            finally:
                page.close()
    finally:
        doc.close()


def page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()
