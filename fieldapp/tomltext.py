"""TOML files people write by hand (a province profile, a rule file): read them, and say where a problem is.

tomllib gives values but no line numbers, so `Lines` finds the line of each table and key by reading the
text; a `Problem` is a message code with its parameters and that line, shown as "dòng 12: …".
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Problem:
    line: int  # 1-based; 0 when the whole file is at fault
    code: str  # message code in resources/messages
    params: Mapping[str, Any] = field(default_factory=dict)
    warning: bool = False  # the build goes on (unless --strict)

    def message(self, lang: str | None = None) -> str:
        from fieldapp.i18n import t

        text = t(self.code, lang, **self.params)
        return t("toml.at_line", lang, line=self.line, text=text) if self.line else text


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\".]+?)\s*=")


class Lines:
    """Line numbers of tables and keys, found by reading the text (tomllib gives none)."""

    def __init__(self, text: str) -> None:
        self.keys: dict[tuple[Any, ...], int] = {}
        self.tables: dict[tuple[Any, ...], int] = {}
        counts: dict[tuple[str, ...], int] = {}
        table: tuple[Any, ...] = ()
        for number, line in enumerate(text.splitlines(), 1):
            header = _HEADER.match(line)
            if header:
                name = tuple(part.strip().strip('"') for part in header.group(2).split("."))
                if header.group(1) == "[[":
                    index = counts.get(name, 0)
                    counts[name] = index + 1
                    table = (*name, index)
                else:
                    table = name
                self.tables.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                parts = tuple(part.strip('"') for part in key.group(1).split("."))
                self.keys.setdefault((*table, *parts), number)

    def of(self, path: tuple[Any, ...]) -> int:
        """The line of a key, else of its table, else of the nearest enclosing one that is written."""
        for end in range(len(path), 0, -1):
            part = path[:end]
            if part in self.keys:
                return self.keys[part]
            if part in self.tables:
                return self.tables[part]
            if (*part, 0) in self.tables:  # an array of tables: its first [[header]]
                return self.tables[(*part, 0)]
        return 0


def decode_error_line(exc: tomllib.TOMLDecodeError) -> int:
    found = re.search(r"line (\d+)", str(exc))
    return int(found.group(1)) if found else 0


def parse(text: str, syntax_code: str) -> tuple[dict[str, Any], Lines] | Problem:
    """The TOML document and its lines, or the problem `syntax_code` at the line tomllib names. A document
    nested deeper than tomllib's recursion allows is a syntax problem too, never a crash."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Problem(decode_error_line(exc), syntax_code, {"reason": str(exc).split(" (at ")[0]})
    except RecursionError:
        return Problem(0, syntax_code, {"reason": "nested too deeply"})
    return data, Lines(text)
