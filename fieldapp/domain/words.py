"""Amounts in Vietnamese words, as receipts write them ("Viết bằng chữ: … đồng./.").

Written here rather than taken from num2words: its Vietnamese drops the hundreds of an inner group
(1001 -> "một nghìn lẻ một", 1014 -> "một nghìn lẻ mười bốn"), where receipts and bank forms write
"một nghìn không trăm lẻ một" and "một nghìn không trăm mười bốn". The tricky readings: lẻ (or linh)
before a lone unit, mốt after mươi, lăm for a 5 after mười/mươi, tư (or bốn) for a 4 after mươi,
nghìn (or ngàn), triệu, tỷ.
"""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _tens_and_units(tens: int, units: int, *, four: str) -> list[str]:
    if tens == 0:
        return [DIGITS[units]] if units else []
    words = ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if units == 1:
        words.append("mốt" if tens >= 2 else "một")
    elif units == 4:
        words.append(four if tens >= 2 else "bốn")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _triple(n: int, *, leading: bool, zero_tens: str, four: str) -> list[str]:
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    if leading and hundreds == 0:
        return _tens_and_units(tens, units, four=four)
    words = [DIGITS[hundreds], "trăm"]
    if tens == 0 and units:
        return [*words, zero_tens, DIGITS[units]]
    return words + _tens_and_units(tens, units, four=four)


def spell(n: int, *, thousand: str = "nghìn", zero_tens: str = "lẻ", four: str = "tư") -> str:
    """1263600 -> "một triệu hai trăm sáu mươi ba nghìn sáu trăm"."""
    if n < 0:
        return "âm " + spell(-n, thousand=thousand, zero_tens=zero_tens, four=four)
    if n == 0:
        return DIGITS[0]
    billions, below = divmod(n, 1_000_000_000)
    words: list[str] = []
    if billions:
        words += [spell(billions, thousand=thousand, zero_tens=zero_tens, four=four), "tỷ"]
    groups = ((below // 1_000_000, "triệu"), (below // 1_000 % 1_000, thousand), (below % 1_000, ""))
    for value, unit in groups:
        if value == 0:
            continue
        words += _triple(value, leading=not words, zero_tens=zero_tens, four=four)
        if unit:
            words.append(unit)
    return " ".join(words)


def amount_in_words(amount: int) -> str:
    """The receipt's line: capitalised, in đồng. 2906280 -> "Hai triệu chín trăm lẻ sáu nghìn … đồng"."""
    text = spell(amount)
    return text[0].upper() + text[1:] + " đồng"
