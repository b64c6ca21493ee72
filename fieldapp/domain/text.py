"""Vietnamese text: NFC for storage, a folded key for diacritic- and case-insensitive search, and a sort key
for lists in Vietnamese alphabetical order."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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


# --- Vietnamese alphabetical order -------------------------------------------------------------
# Lists of people read as Vietnamese lists do: by given name (the last word), then family and middle
# names; letters in the Vietnamese alphabet's order (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x
# y, with f j w z of other names in their Latin places), tones only breaking ties (ngang, huyền, hỏi, ngã,
# sắc, nặng). Case does not count. Folding alone would put Đặng among the Dương and Ă among the A.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: chr(0x41 + i) for i, letter in enumerate(_ALPHABET)}
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_LETTER_MARKS = frozenset("\u0306\u0302\u031b")  # breve (ă), circumflex (â ê ô), horn (ơ ư)


@lru_cache(maxsize=65536)
def _word_key(word: str) -> tuple[str, str]:
    letters: list[str] = []
    tones: list[str] = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            if tones:
                tones[-1] = _TONES[ch]
        elif ch in _LETTER_MARKS and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + ch)
        elif not unicodedata.combining(ch):
            letters.append(ch)
            tones.append("0")
    # digits and signs before the letters; any other character after them all, in code point order
    return "".join(_RANK.get(c) or (c if c < "A" else "\x7f" + c) for c in letters), "".join(tones)


def _key(words: list[str]) -> str:
    keys = [_word_key(w) for w in words]
    return " ".join(k[0] for k in keys) + "\x1f" + "".join(k[1] for k in keys)


def sort_key(full_name: str | None) -> str:
    """'Nguyễn Văn An' sorts as 'An Nguyễn Văn' in the Vietnamese alphabet; "" for an empty name."""
    words = clean_name(full_name or "").split(" ")
    return "" if words == [""] else _key([words[-1], *words[:-1]])


def text_sort_key(text: str | None) -> str:
    """A place's name ('Thôn Đông', 'Xóm Chùa') in the Vietnamese alphabet, its words in their order."""
    words = clean_name(text or "").split(" ")
    return "" if words == [""] else _key(words)
