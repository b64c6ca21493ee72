"""Vietnamese text: NFC for storage, a folded key for diacritic- and case-insensitive search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def _fold_table() -> dict[int, str]:
    """Every precomposed Latin letter with marks (Vietnamese and the rest) to its bare lower-case letter."""
    table = {ord("đ"): "d", ord("Đ"): "d"}
    for code in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(code)
        bare = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)).lower()
        if bare != ch.lower() and bare.isascii():
            table[code] = bare
    return table


_FOLD = _fold_table()


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_name(text: str) -> str:
    """NFC, trimmed, inner runs of spaces made one; letters exactly as typed."""
    return _SPACES.sub(" ", nfc(text)).strip()


def fold(text: str) -> str:
    """'Nguyễn Thị Hoà' -> 'nguyen thi hoa': no marks, đ -> d, lower case, single spaces.

    A translation table handles precomposed letters in one pass (most text); text that still holds
    combining marks (typed decomposed, or Windows-1258) takes the slower NFD path.
    """
    folded = text.translate(_FOLD).lower()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_FOLD)
    return " ".join(folded.split())
