"""The kinds of bounds a record's fields are held to (docs/sync-api.md, "Valid records"), the bounds the
definitions share, and `Invalid`, what breaking one raises. `fieldapp.protocol.records` says which field has
which; `fieldapp.protocol.checks` turns them into checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

# --- the kinds of bounds ---------------------------------------------------------------------------

# What no text may hold: C0 and C1 control characters (a line break and a tab only in notes), lone
# surrogates (not text at all: SQLite and PostgreSQL refuse them) and the bidirectional overrides that make
# a printed name read other than it is stored.
_BAD_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_BAD_NOTE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)
ID_PATTERN = r"[0-9A-Za-z._:-]{1,64}"
_ID_TEXT = re.compile(ID_PATTERN)


def is_id(value: Any) -> bool:
    """A record's id as the protocol defines one (ID_PATTERN): what any id a record or op names must be."""
    return isinstance(value, str) and _ID_TEXT.fullmatch(value) is not None


@dataclass(frozen=True)
class Text:
    max: int = 200
    min: int = 0
    lines: bool = False  # a note: line breaks and tabs allowed
    pattern: str | None = None  # the whole text must match


@dataclass(frozen=True)
class Int:
    lo: int
    hi: int


@dataclass(frozen=True)
class Ref:
    """The id of another record of `entity`."""

    entity: str


@dataclass(frozen=True)
class Items:
    """A tuple field (JSON text): at most `max` elements, each checked by `item`, or, when the elements are a
    dataclass's, each of their fields by its bound in `row` (an integer field must have one)."""

    max: int
    item: Text | Int | Ref | None = None
    row: tuple[tuple[str, Text | Int | Ref], ...] = ()


@dataclass(frozen=True)
class Counts:
    """A dict field (JSON text) of {key: count}: keys matching `key`, counts within `count`."""

    key: str
    count: Int
    max: int


Bound = Text | Int | Ref | Items | Counts

MONEY = Int(0, 10**12)  # đồng: a year of the highest VSI contribution for a household is 10^9
POSITIVE_MONEY = Int(1, 10**12)
NAME = Text(80)  # domain.validators.NAME_MAX_LENGTH
NOTE = Text(2000, lines=True)
VERSION = Int(0, 2**53)
CODE = Text(20, pattern=r"[0-9A-Za-z._-]*")
COMMUNE = Text(5, pattern=r"[0-9]{5}")
PROVINCE = Text(2, pattern=r"[0-9]{2}")
HEX = Text(128, pattern=r"[0-9a-fA-F]*")


class Invalid(ValueError):
    """The record breaks the definition: `field` and `problem` say where and why (for the log, the op's
    answer and the Sync screen; never the value, which may be personal data)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
