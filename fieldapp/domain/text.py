"""Vietnamese text: NFC for storage, a folded key for diacritic- and case-insensitive search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_name(text: str) -> str:
    """NFC, trimmed, inner runs of spaces made one; letters exactly as typed."""
    return _SPACES.sub(" ", nfc(text)).strip()


def fold(text: str) -> str:
    """'Nguyễn Thị Hoà' -> 'nguyen thi hoa': no marks, đ -> d, lower case, single spaces."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()
