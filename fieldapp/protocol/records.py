"""What a valid record is, for the laptop and the server alike (docs/sync-api.md, "Valid records").

A record travels as the laptop stores it (`storage.records.TableSpec.encode`): dates and times as ISO text,
flags as 0/1, enums as their values, tuples and dicts as JSON text. `check(entity, raw)` takes such a record
(from a push, a pull, a bundle or a write about to happen) and gives it back whole, in field order, with the
fields it left out as null; or raises `Invalid` naming the field and the problem. What it checks:
- each field's type, from the dataclass in `fieldapp.domain.models`;
- each field's bounds, from `FIELDS` below: integer ranges, text lengths and formats, no control characters,
  dates between 1900 and 2100, times with their UTC offset;
- the rules between fields of one record (`CROSS`: dates in order, a months count the rules allow, ...).
References between records (`references`) are checked by whoever holds the other records: the server
(scope and roles, `fieldapp.server.push`), the laptop's store (foreign keys: a record waits for its parent).
"""

from __future__ import annotations

import dataclasses
import json
import re
import typing
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any

from fieldapp.domain import models as m
from fieldapp.domain import products
from fieldapp.domain.enums import ScopeKind
from fieldapp.protocol.entities import BY_NAME, strip_optional

if typing.TYPE_CHECKING:
    from fieldapp.domain.premiums import RuleBook

from fieldapp.protocol.bounds import (
    COMMUNE,
    FIRST_DAY,
    HEX,
    ID_PATTERN,
    LAST_DAY,
    MONEY,
    NAME,
    NOTE,
    POSITIVE_MONEY,
    PROVINCE,
    VERSION,
    Bound,
    Counts,
    Int,
    Invalid,
    Items,
    Ref,
    Text,
)
from fieldapp.protocol.checks import _ID, _MISSING, Definition, _checker

# Every field's bound beyond its type. A text field not named here is Text(200); an integer must be named.
FIELDS: dict[str, dict[str, Bound]] = {
    "hamlets": {"name": Text(100, 1)},
    "teams": {"province_code": PROVINCE, "organisation": Text(300), "commune_codes": Items(1000, COMMUNE)},
    "members": {
        "team_id": Ref("teams"),
        "full_name": NAME,
        "code": Text(20, 1, pattern=r"[0-9A-Za-z._-]+"),
        "phone": Text(10, pattern=r"0[0-9]{9}"),
        "pin_hash": Text(400, pattern=r"[\x21-\x7e]*"),
    },
    "devices": {"team_id": Ref("teams"), "key_id": HEX, "public_key": HEX, "number": Int(1, 10**9)},
    "campaigns": {"province_code": PROVINCE, "name": Text(300, 1)},
    "campaign_periods": {"campaign_id": Ref("campaigns"), "name": Text(100, 1)},
    "targets": {
        "campaign_id": Ref("campaigns"),
        "period_id": Ref("campaign_periods"),
        "scope_ref": Text(64, 1),
        "value": Int(0, 10**9),
    },
    "sites": {"team_id": Ref("teams"), "commune_code": COMMUNE, "hamlet_id": Ref("hamlets"), "name": Text(200, 1)},
    "households": {"commune_code": COMMUNE, "hamlet_id": Ref("hamlets"), "address": Text(300)},
    "persons": {
        "full_name": NAME,
        "citizen_id": Text(12, pattern=r"[0-9]{12}"),
        "si_number": Text(10, pattern=r"[0-9]{10}"),
        "phone": Text(10, pattern=r"0[0-9]{9}"),
        "commune_code": COMMUNE,
        "hamlet_id": Ref("hamlets"),
        "household_id": Ref("households"),
        "household_order": Int(1, 99),
        "merged_into": Ref("persons"),
        "birth_year": Int(FIRST_DAY.year, LAST_DAY.year),
        "hi_clinic": Text(30, pattern=r"[0-9A-Za-z .-]*"),  # as the HI card prints it (validators.check_clinic)
    },
    "person_merges": {"kept_id": Ref("persons"), "merged_id": Ref("persons"), "member_id": Ref("members")},
    "prospect_lists": {
        "name": Text(300, 1),
        "file_sha256": Text(64, pattern=r"[0-9a-f]{64}"),
        "rows": Int(0, 10**7),
        "imported": Int(0, 10**7),
        "duplicates": Int(0, 10**7),
        "rejected": Int(0, 10**7),
        "member_id": Ref("members"),
    },
    "prospects": {"list_id": Ref("prospect_lists"), "person_id": Ref("persons"), "row_number": Int(1, 10**7)},
    "events": {
        "team_id": Ref("teams"),
        "campaign_id": Ref("campaigns"),
        "site_id": Ref("sites"),
        "title": Text(200, 1),
        "attendance": Int(0, 10**6),
        "member_id": Ref("members"),
        "note": NOTE,
    },
    "consultations": {
        "person_id": Ref("persons"),
        "event_id": Ref("events"),
        "site_id": Ref("sites"),
        "team_id": Ref("teams"),
        "member_id": Ref("members"),
        "topics": Items(len(m.Topic)),
        "refusal_reason": Text(500, lines=True),
        "note": NOTE,
    },
    "follow_ups": {
        "person_id": Ref("persons"),
        "consultation_id": Ref("consultations"),
        "member_id": Ref("members"),
        "note": NOTE,
    },
    "enrolments": {
        "kind": Text(16, 1, pattern=r"[a-z0-9_]+"),  # one of domain.products: the cross rule checks which
        "person_id": Ref("persons"),
        "household_id": Ref("households"),
        "team_id": Ref("teams"),
        "member_id": Ref("members"),
        "event_id": Ref("events"),
        "months": Int(1, 120),
        "income": Int(0, 10**10),
        "amount": MONEY,
        "state_support": MONEY,
        "local_support": MONEY,
        "sponsor": Text(200),
        "rules": Items(50, Text(100, 1)),
        "lines": Items(
            99, row=(("person_id", Ref("persons")), ("order", Int(1, 99)), ("monthly", MONEY), ("amount", MONEY))
        ),
    },
    "payments": {
        "enrolment_id": Ref("enrolments"),
        "amount": POSITIVE_MONEY,
        "reference": Text(100),
        "member_id": Ref("members"),
    },
    "receipts": {
        "payment_id": Ref("payments"),
        "series": Text(40, 1, pattern=r"[0-9A-Z.-]+"),
        "number": Int(1, 10**9),
        "amount": POSITIVE_MONEY,
        "payer_name": Text(200, 1),
        "member_id": Ref("members"),
        "qr_payload": Text(4000, pattern=r"[\x20-\x7e]*"),
    },
    "receipt_voids": {"receipt_id": Ref("receipts"), "reason": Text(500, 1, lines=True), "member_id": Ref("members")},
    "outreach_results": {
        "person_id": Ref("persons"),
        "event_id": Ref("events"),
        "team_id": Ref("teams"),
        "member_id": Ref("members"),
        "note": NOTE,
    },
    "day_closings": {
        "collector_id": Ref("members"),
        "team_id": Ref("teams"),
        "closed_by": Ref("members"),
        "receipts": Int(0, 10**6),
        "receipts_amount": Int(0, 10**13),
        "cash_expected": Int(-(10**13), 10**13),  # below 0 when a correction gives back more than the day took
        "cash_counted": Int(0, 10**13),
        "transfers": Int(0, 10**13),
        "difference": Int(-(10**13), 10**13),
        "explanation": NOTE,
        "notes": Counts(r"[1-9][0-9]{0,8}", Int(0, 10**6), 30),
        "voids": Items(10_000, Ref("receipt_voids")),
        "corrections": Items(10_000, Ref("receipt_voids")),
    },
}
# Fields the wire carries beyond the record's own (the server writes them; the laptop reads them apart).
WIRE_ONLY: dict[str, dict[str, tuple[Any, Bound]]] = {}


# --- the rules between fields of one record ---------------------------------------------------------


def _months_allowed(rules: RuleBook, known: tuple[products.Product, ...]) -> dict[str, frozenset[int]]:
    """Months an enrolment may cover, by kind: any payment period of any premium rule this process knows (the
    shipped rules, the profile's and the server's rule files: the same book the laptop prices with)."""
    return {p.kind: p.months_ever(rules) for p in known}


def _in_order(first: str, last: str) -> Callable[[Mapping[str, Any]], tuple[str, str] | None]:
    def rule(r: Mapping[str, Any]) -> tuple[str, str] | None:
        if r[first] is not None and r[last] is not None and r[last] < r[first]:
            return last, f"before {first}"
        return None

    return rule


def _person(r: Mapping[str, Any]) -> tuple[str, str] | None:
    if r["erased_at"] is None and not r["full_name"].strip():
        return "full_name", "empty"
    if r["birth_date"] is not None and r["birth_year"] is not None and int(r["birth_date"][:4]) != r["birth_year"]:
        return "birth_year", "not the year of birth_date"
    return None


def _enrolment(r: Mapping[str, Any]) -> tuple[str, str] | None:
    months = _cached_months().get(r["kind"])
    if months is None:
        return "kind", "not a product"
    if r["months"] not in months:
        return "months", "not a payment period of the rules"
    lines = json.loads(r["lines"])
    if len({line["person_id"] for line in lines}) != len(lines):
        return "lines", "a person twice"
    return None


# [(the book, the products, their months)]
_months_of: list[tuple[RuleBook, tuple[products.Product, ...], dict[str, frozenset[int]]]] = []


def _cached_months() -> dict[str, frozenset[int]]:
    """Worked out once per rule book and product list: a new book comes when rule files arrive
    (premiums.activate), a new product when one is registered."""
    from fieldapp.domain.premiums import default_rules

    rules, known = default_rules(), products.all_products()
    if not _months_of or _months_of[0][0] is not rules or _months_of[0][1] is not known:
        _months_of[:] = [(rules, known, _months_allowed(rules, known))]
    return _months_of[0][2]


_SCOPE_REF = {
    ScopeKind.PROVINCE: re.compile(r"[0-9]{2}"),
    ScopeKind.COMMUNE: re.compile(r"[0-9]{5}"),
    ScopeKind.TEAM: re.compile(ID_PATTERN),
    ScopeKind.MEMBER: re.compile(ID_PATTERN),
}


def _target(r: Mapping[str, Any]) -> tuple[str, str] | None:
    if not _SCOPE_REF[r["scope"]].fullmatch(r["scope_ref"]):
        return "scope_ref", f"not a {r['scope']} reference"
    return None


def _closing(r: Mapping[str, Any]) -> tuple[str, str] | None:
    if r["difference"] != r["cash_counted"] - r["cash_expected"]:
        return "difference", "not cash_counted - cash_expected"
    return None


CROSS: dict[str, tuple[Callable[[Mapping[str, Any]], tuple[str, str] | None], ...]] = {
    "campaigns": (_in_order("starts_on", "ends_on"),),
    "campaign_periods": (_in_order("starts_on", "ends_on"),),
    "targets": (_target,),
    "persons": (_person,),
    "enrolments": (_in_order("start_on", "end_on"), _enrolment),
    "day_closings": (_closing,),
}


@cache
def definition(entity: str) -> Definition | None:
    """The definition of an entity, or None for a name sync does not carry."""
    e = BY_NAME.get(entity)
    if e is None:
        return None
    hints = typing.get_type_hints(e.cls)
    bounds = FIELDS.get(entity, {})
    fields = dataclasses.fields(e.cls)
    defaults = []
    for f in fields:
        _tp, optional = strip_optional(hints[f.name])
        if f.default is not dataclasses.MISSING:
            defaults.append(f.default)
        elif optional:
            defaults.append(None)
        else:
            defaults.append(_MISSING)
    checks = []
    for f in fields:
        bound = VERSION if f.name == "version" else bounds.get(f.name)
        if f.name == "id":
            checks.append(_ID)
        else:
            checks.append(_checker(hints[f.name], bound))
    extra = WIRE_ONLY.get(entity, {})
    return Definition(
        entity,
        e.mutable,
        (*(f.name for f in fields), *extra),
        (*checks, *(_checker(tp, bound) for tp, bound in extra.values())),
        (*defaults, *(None for _ in extra)),
        CROSS.get(entity, ()),
    )


def check(entity: str, raw: Any) -> dict[str, Any]:
    """`raw` checked as a record of `entity` (see the module's docstring); raises Invalid."""
    d = definition(entity)
    if d is None:
        raise Invalid("entity", "unknown")
    return d.check(raw)


# --- references ---------------------------------------------------------------------------------------


def references(entity: str, record: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(field, entity, id) of every record this one (checked) names: its `Ref` fields, the persons of an
    enrolment's lines, the voids a day closing lists, and a target's team or member."""
    for name, bound in FIELDS.get(entity, {}).items():
        value = record.get(name)
        if value is None:
            continue
        if isinstance(bound, Ref):
            yield name, bound.entity, value
        elif isinstance(bound, Items) and isinstance(bound.item, Ref):
            for rid in json.loads(value):
                yield name, bound.item.entity, rid
    if entity == "enrolments":
        for line in json.loads(record["lines"]):
            yield "lines", "persons", line["person_id"]
    elif entity == "targets" and record["scope"] in (ScopeKind.TEAM, ScopeKind.MEMBER):
        yield "scope_ref", "teams" if record["scope"] == ScopeKind.TEAM else "members", record["scope_ref"]


def reference_fields() -> dict[str, dict[str, str]]:
    """entity -> {field: referenced entity} for the plain `Ref` fields (the laptop's foreign keys)."""
    return {
        entity: {name: b.entity for name, b in bounds.items() if isinstance(b, Ref)}
        for entity, bounds in FIELDS.items()
    }
