"""Receipt books: the number ranges the server hands each laptop (docs/sync-api.md, "Receipts").

A receipt's Ký hiệu is the form's `{product}-{agent code}-{year}` (shared/domain/forms.md), the same on every
laptop of one collector, so the number alone must never clash: each laptop numbers only inside the books
(blocks of BOOK_SIZE numbers) the server gave it, as a paper receipt book is given to one collector. A block
is one device's for good, so the number of a receipt names the device that may sign it, the way the
device part of the older series `BI-330103.1-2026` did.

Books start at FIRST_NUMBER: below it are the numbers laptops gave before receipt books existed (a laptop
not enrolled numbers each series from 1), which no book ever holds, so such a receipt is never taken for
one numbered from a book, nor a book's receipt for one of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

BOOK_SIZE = 500
FIRST_NUMBER = 100_001
# a laptop with fewer unused numbers than this in its books is given the next book (at enrolment, on sync)
LOW_WATER = 100
MAX_NUMBER = 999_999_999  # the nine digits a receipt label carries (storage.receipts.LABEL)

Block = tuple[int, int]  # first and last number, both in the book


def block_after(last_given: int | None) -> Block:
    """The next book after the highest number any book holds (None: no book given yet)."""
    first = FIRST_NUMBER if last_given is None else max(last_given + 1, FIRST_NUMBER)
    return first, first + BOOK_SIZE - 1


def is_book_number(number: int) -> bool:
    """Whether a number (of a series without a device part) can only come from a receipt book."""
    return number >= FIRST_NUMBER


def holds(blocks: Iterable[Block], number: int) -> bool:
    return any(first <= number <= last for first, last in blocks)


def unused(blocks: Iterable[Block], next_number: int | None) -> int:
    """How many numbers of these books are still free when `next_number` is the next one to be issued (None:
    nothing issued yet)."""
    start = next_number or 0
    return sum(last - max(first, start) + 1 for first, last in blocks if last >= start)


def valid_blocks(value: object) -> list[Block]:
    """The books of a wire value (`[[first, last], …]`), those this version can use; junk is left out."""
    out: list[Block] = []
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        return out
    for item in value:
        if not (isinstance(item, Sequence) and not isinstance(item, str | bytes) and len(item) == 2):
            continue
        first, last = item
        if not all(type(x) is int for x in (first, last)):
            continue
        if FIRST_NUMBER <= first <= last <= MAX_NUMBER and last - first < BOOK_SIZE:
            out.append((first, last))
    return sorted(set(out))
