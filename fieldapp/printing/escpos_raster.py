"""Receipt pages as ESC/POS commands: a roll PDF rendered at the head's 203 dpi, made 1-bit, sent in bands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fieldapp.errors import InputRefused

if TYPE_CHECKING:
    from PIL.Image import Image

HEAD_DOTS = {"80mm": 576, "58mm": 384}  # 72 mm and 48 mm printable at 8 dots per mm
DPI = 203
# Grey levels below this print black. Above plain 50% on purpose: at 203 dpi the anti-aliased strokes of
# 6-7 pt text and the marks of Vietnamese (dấu nặng, hỏi, ngã) are 1-2 dots wide and mostly grey; a
# threshold of 160 keeps them whole and slightly bold, where 128 thins them and dithering breaks them.
THRESHOLD = 160
BAND_ROWS = 64  # one GS v 0 command: 4.6 KB at 80 mm, 3 KB at 58 mm


def head_dots(roll: str) -> int:
    try:
        return HEAD_DOTS[roll]
    except (KeyError, TypeError):
        raise InputRefused("escpos.roll", value=str(roll)[:20]) from None


def one_bit(page: Image, width: int) -> Image:
    """A rendered page as the printer's dots: exactly `width` wide, black where darker than THRESHOLD.
    A roll page is already the head's width (give or take a dot of rounding: padded, never resampled);
    anything else is scaled to fit."""
    from PIL import Image as PILImage

    grey = page.convert("L")
    if abs(grey.width - width) > 2:
        height = max(1, round(grey.height * width / grey.width))
        grey = grey.resize((width, height), PILImage.Resampling.LANCZOS)
    elif grey.width != width:
        canvas = PILImage.new("L", (width, grey.height), 255)
        canvas.paste(grey.crop((0, 0, min(width, grey.width), grey.height)), ((width - grey.width) // 2, 0))
        grey = canvas
    return grey.point(lambda v: 255 if v >= THRESHOLD else 0, mode="1")


def render(pdf_bytes: bytes, *, roll: str = "80mm") -> list[Image]:
    """Each page of a roll PDF (one receipt a page) as a 1-bit image the printer's head wide."""
    from fieldapp.printing import raster

    width = head_dots(roll)
    return [one_bit(page, width) for page in raster.pages(pdf_bytes, DPI)]


def commands(pdf_bytes: bytes, *, roll: str = "80mm") -> list[bytes]:
    """The ESC/POS job for these receipts, in the pieces it is sent in: reset, then for each receipt its
    raster bands (GS v 0, BAND_ROWS rows each), a feed and a cut."""
    return _job(pdf_bytes, roll)[1]


def _job(pdf_bytes: bytes, roll: str) -> tuple[int, list[bytes]]:
    images = render(pdf_bytes, roll=roll)
    printer = _collector(head_dots(roll))
    printer.hw("INIT")
    for image in images:
        for top in range(0, image.height, BAND_ROWS):  # banded here: python-escpos would convert it all first
            band = image.crop((0, top, image.width, min(top + BAND_ROWS, image.height)))
            printer.image(band, impl="bitImageRaster", fragment_height=BAND_ROWS)
        printer.cut()
    return len(images), printer.chunks


def _collector(width: int) -> Any:
    """A python-escpos printer that keeps what it would send, its profile told the head's width (else it
    prints a warning to stdout for every image)."""
    from escpos.escpos import Escpos

    class Collector(Escpos):
        def __init__(self) -> None:
            super().__init__()
            self.chunks: list[bytes] = []
            data = dict(self.profile.profile_data)
            data["media"] = {"width": {"pixels": width, "mm": width / 8}, "dpi": DPI}
            self.profile.profile_data = data  # on this instance only: the profile class is shared

        def _raw(self, msg: bytes) -> None:
            self.chunks.append(bytes(msg))

    return Collector()
