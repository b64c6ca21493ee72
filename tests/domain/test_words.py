"""Amounts in Vietnamese words: the readings receipts use, and a round trip for every number."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.domain.words import DIGITS, amount_in_words, spell

CASES = {
    0: "không",
    5: "năm",
    11: "mười một",
    14: "mười bốn",
    15: "mười lăm",
    21: "hai mươi mốt",
    24: "hai mươi tư",
    25: "hai mươi lăm",
    105: "một trăm lẻ năm",
    110: "một trăm mười",
    1001: "một nghìn không trăm lẻ một",
    1014: "một nghìn không trăm mười bốn",
    1021: "một nghìn không trăm hai mươi mốt",
    105_300: "một trăm lẻ năm nghìn ba trăm",
    1_000_005: "một triệu không trăm lẻ năm",
    1_004_000: "một triệu không trăm lẻ bốn nghìn",
    1_263_600: "một triệu hai trăm sáu mươi ba nghìn sáu trăm",
    2_906_280: "hai triệu chín trăm lẻ sáu nghìn hai trăm tám mươi",
    2_500_000_000: "hai tỷ năm trăm triệu",
    1_000_000_000_000: "một nghìn tỷ",
}


@pytest.mark.parametrize(("n", "words"), CASES.items())
def test_readings(n, words):
    assert spell(n) == words


def test_regional_choices():
    assert spell(1005, zero_tens="linh", thousand="ngàn") == "một ngàn không trăm linh năm"
    assert spell(34, four="bốn") == "ba mươi bốn"


def test_the_receipt_line():
    assert amount_in_words(1_263_600) == "Một triệu hai trăm sáu mươi ba nghìn sáu trăm đồng"


def parse(words: str) -> int:
    """Read the words back (the test's own reader), to check that every number spells unambiguously."""
    value = {d: i for i, d in enumerate(DIGITS)} | {"mốt": 1, "lăm": 5, "tư": 4}
    total, group, current = 0, 0, 0
    tokens = words.split()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok == "tỷ":
            total = (total + group + current) * 1_000_000_000
            group = current = 0
        elif tok in ("triệu", "nghìn"):
            group += current * (1_000_000 if tok == "triệu" else 1_000)
            current = 0
        elif tok == "trăm":
            current *= 100
        elif tok == "mươi":
            current = current - current % 100 + (current % 100) * 10 if current % 100 < 10 else current
        elif tok == "mười":
            current += 10
        elif tok == "lẻ":
            pass
        else:
            digit = value[tok]
            last = current % 100
            if (i > 0 and tokens[i - 1] in ("mươi", "mười")) or last == 0:
                current += digit
            else:
                current = current * 10 + digit
        i += 1
    return total + group + current


@settings(max_examples=500)
@given(st.integers(min_value=0, max_value=10**15))
def test_every_number_reads_back(n):
    words = spell(n)
    assert "  " not in words and not words.startswith("không trăm")
    assert parse(words) == n
