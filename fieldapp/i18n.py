"""Messages of the core (errors, reasons, CLI output) in Vietnamese and English.

The domain and storage return codes; this module turns a code into a sentence. The catalogs are
`resources/messages/vi.toml` and `en.toml` (one key per code, `{name}` placeholders). Qt widgets use Qt's
own .ts/.qm for their labels and this module for the codes the core gives them.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date
from enum import Enum
from functools import cache
from typing import Any

from fieldapp.paths import resource_path

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


def normalise_language(lang: str | None) -> str:
    """Map 'vi_VN', 'EN', '' and None to one of LANGUAGES (Vietnamese when unknown)."""
    if not lang:
        return DEFAULT_LANGUAGE
    short = lang.replace("-", "_").split("_")[0].lower()
    return short if short in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    return normalise_language(os.environ.get("FIELDAPP_LANG"))


@cache
def catalog(lang: str) -> dict[str, str]:
    with resource_path("messages", f"{lang}.toml").open("rb") as f:
        return _flatten(tomllib.load(f))


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


def t(code: str, /, lang: str | None = None, **params: Any) -> str:
    """The message for `code` in `lang`, falling back to Vietnamese, then to the code itself."""
    lang = normalise_language(lang) if lang else current_language()
    text = catalog(lang).get(code) or catalog(DEFAULT_LANGUAGE).get(code)
    if text is None:
        return code
    shown = {k: v if _PLAIN.search(k) else _show(v, lang) for k, v in params.items()}
    try:
        return text.format(**shown)
    except (KeyError, IndexError, ValueError):
        return text


# Parameters named like these are identifiers, not quantities: never grouped (1988, not 1.988).
_PLAIN = re.compile(r"(year|version|seed|digit|code|issue)$")


def _show(value: Any, lang: str) -> Any:
    """Numbers read as the language writes them (1.500.000 / 1,500,000; 5.105 hộ); enum members read as
    their label (Sex.MALE -> "Nam")."""
    if isinstance(value, Enum):
        return label(value, lang)
    if isinstance(value, date):
        return format_date(value, lang)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 1_000:
        return format_number(value, lang)
    return value


# How each language writes a number and a day (rules.md, "Display"): here, below everything that shows one,
# so the messages of the domain and the figures of the printouts group alike (fieldapp.domain.formats builds
# money, birth dates and moments on them).
def format_number(value: int, lang: str = "vi") -> str:
    text = f"{abs(value):,}"
    text = text.replace(",", "." if lang == "vi" else ",")
    return f"-{text}" if value < 0 else text


def format_date(value: date, lang: str = "vi") -> str:
    return value.strftime("%d/%m/%Y")


def label(value: Enum, lang: str | None = None) -> str:
    """The display name of an enum member, e.g. Outcome.REFUSED -> "Từ chối"."""
    return t(f"enum.{type(value).__name__}.{value.value}", lang)
