"""The shipped reference list of provinces and communes (resources/admin_units)."""

from __future__ import annotations

import csv
from functools import cache

from fieldapp.domain.models import Commune, Province
from fieldapp.paths import resource_path


@cache
def provinces() -> dict[str, Province]:
    with resource_path("admin_units", "provinces.csv").open(encoding="utf-8", newline="") as f:
        return {r["code"]: Province(r["code"], r["name"], r["kind"]) for r in csv.DictReader(f)}


@cache
def communes() -> dict[str, Commune]:
    with resource_path("admin_units", "communes.csv").open(encoding="utf-8", newline="") as f:
        return {r["code"]: Commune(r["code"], r["province_code"], r["name"], r["kind"]) for r in csv.DictReader(f)}


def communes_of(province_code: str) -> list[Commune]:
    return [c for c in communes().values() if c.province_code == province_code]


def reference_version() -> str:
    return resource_path("admin_units", "VERSION").read_text(encoding="utf-8").strip()


def normalise_province_code(text: str) -> str | None:
    """'33', '033' or ' 3 ' style input to the two-digit official code, if it exists."""
    text = text.strip()
    if not text.isdigit():
        return None
    code = f"{int(text):02d}"
    return code if code in provinces() else None


def province_title(name: str, kind: str) -> str:
    """A province named as the administrative unit it is, as a heading, a report's unit or an address
    writes it: "Tỉnh Hưng Yên", "Thành phố Hà Nội" (the reference list's own name says it), capitalised
    like the communes' names ("Xã Nam Cường"); an upper-case heading line upper-cases it ("TỈNH HƯNG
    YÊN"). Not "tỉnh Hưng Yên": at the head of a line or a printout the unit reads as a title (issue 17,
    item 8)."""
    if name.lower().startswith("thành phố") or not kind:
        return name
    unit = "thành phố" if kind.startswith("thành phố") else kind  # "thành phố trung ương": a city's title
    return f"{unit[:1].upper()}{unit[1:]} {name}"
