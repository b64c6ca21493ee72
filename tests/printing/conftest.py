"""Printouts are read back: text with pypdf and pdftotext, QR codes decoded with zxing-cpp from the page
as pdftoppm renders it (a real rasteriser, not ours)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def pdftoppm(pdf: Path, dpi: int = 150) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed; .ci/run installs it")
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True, timeout=60)
    return sorted(pdf.parent.glob(prefix.name + "-*.png"))


def qr_texts(png: Path) -> list[str]:
    import zxingcpp
    from PIL import Image

    with Image.open(png) as image:
        return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def pdf_text(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(pdf).pages]
