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
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import cache, cached_property, lru_cache
from typing import Any

from fieldapp.domain import models as m
from fieldapp.domain import products
from fieldapp.domain.enums import ScopeKind
from fieldapp.protocol.entities import BY_NAME, strip_optional

if typing.TYPE_CHECKING:
    from fieldapp.domain.premiums import RuleBook

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
    """A tuple field (JSON text): at most `max` elements, each checked by `item` (a nested dataclass's
    elements by `NESTED`)."""

    max: int
    item: Text | Int | Ref | None = None


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
# A person's erasure empties these (as `services.registry.erase` does on the laptop, and the server does
# for an `erase` op): the name to '', the rest to null.
ERASED_FIELDS = ("full_name", "birth_date", "birth_year", "sex", "citizen_id", "si_number", "phone", "hamlet_id",
                 "consent_at")  # fmt: skip

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
        "lines": Items(99),
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
        "cash_expected": Int(0, 10**13),
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
# The elements of tuple fields that hold records of their own.
NESTED: dict[type, dict[str, Bound]] = {
    m.EnrolmentLine: {"person_id": Ref("persons"), "order": Int(1, 99), "monthly": MONEY, "amount": MONEY},
}


class Invalid(ValueError):
    """The record breaks the definition: `field` and `problem` say where and why (for the log, the op's
    answer and the Sync screen; never the value, which may be personal data)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


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

# --- checking a record -------------------------------------------------------------------------------

Check = Callable[[Any], Any]  # returns the value to store, raises ValueError/TypeError when it is wrong
_MISSING = object()


@dataclass(frozen=True)
class _Inline:
    """What a check accepts, for `_compile` to test in line (anything else goes to the check itself)."""

    kind: str  # "text", "int", "enum"
    hi: int = 0
    lo: int = 0
    bad: re.Pattern[str] | None = None
    pattern: re.Pattern[str] | None = None
    values: frozenset[str] = frozenset()


def _type_name(v: Any) -> str:
    return "null" if v is None else type(v).__name__


def _text(bound: Text) -> Check:
    bad = _BAD_NOTE if bound.lines else _BAD_LINE
    pattern = re.compile(bound.pattern) if bound.pattern else None

    def check(v: Any) -> str:
        if not isinstance(v, str):
            raise TypeError(f"not text ({_type_name(v)})")
        if len(v) > bound.max:
            raise ValueError(f"longer than {bound.max}")
        if len(v) < bound.min:
            raise ValueError("empty" if bound.min == 1 else f"shorter than {bound.min}")
        if bad.search(v):
            raise ValueError("a control character")
        if pattern is not None and not pattern.fullmatch(v):
            raise ValueError("not in the expected format")
        return v

    check.inline = _Inline("text", bound.max, bound.min, bad, pattern)  # type: ignore[attr-defined]
    return check


_ID = _text(Text(64, 1, pattern=ID_PATTERN))


def _int(bound: Int) -> Check:
    lo, hi = bound.lo, bound.hi

    def check(v: Any) -> int:
        if v.__class__ is not int:  # not bool, not float
            raise TypeError(f"not an integer ({_type_name(v)})")
        if not lo <= v <= hi:
            raise ValueError(f"outside {lo}..{hi}")
        return v

    check.inline = _Inline("int", hi, lo)  # type: ignore[attr-defined]
    return check


def _bool(v: Any) -> int:
    if v.__class__ is int and v in (0, 1):
        return v
    raise TypeError("not 0 or 1")


def _date(v: Any) -> str:
    return _date_text(v) if v.__class__ is str else _check_date(v)


def _check_date(v: Any) -> str:
    if not isinstance(v, str) or len(v) != 10:
        raise TypeError("not a date")
    day = date.fromisoformat(v)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"outside {FIRST_DAY.year}..{LAST_DAY.year}")
    return v


def check_time(v: Any) -> str:
    """An ISO time with its UTC offset, between 1900 and 2100 (the text as it was)."""
    return _time_text(v) if v.__class__ is str else _check_time(v)


def _check_time(v: Any) -> str:
    if not isinstance(v, str) or len(v) > 40:
        raise TypeError("not a time")
    moment = datetime.fromisoformat(v)
    if moment.utcoffset() is None:
        raise ValueError("no UTC offset")
    if not FIRST_DAY.year <= moment.year <= LAST_DAY.year:
        raise ValueError(f"outside {FIRST_DAY.year}..{LAST_DAY.year}")
    return v


# Dates and times that passed, remembered (a refusal is never cached: it is worked out again): a batch stamps
# its records with one moment, and a registry has a few tens of thousands of birth dates.
_date_text = lru_cache(maxsize=1 << 16)(_check_date)
_time_text = lru_cache(maxsize=1 << 14)(_check_time)


def _enum(tp: type[Enum]) -> Check:
    values = frozenset(e.value for e in tp)

    def check(v: Any) -> str:
        if not isinstance(v, str) or v not in values:
            raise ValueError("not one of the values")
        return v

    check.inline = _Inline("enum", values=values)  # type: ignore[attr-defined]
    return check


def _json(v: Any, kind: type) -> Any:
    if not isinstance(v, str) or len(v) > 4_000_000:
        raise TypeError("not JSON text")
    parsed = json.loads(v)
    if not isinstance(parsed, kind):
        raise TypeError(f"not a JSON {'list' if kind is list else 'object'}")
    return parsed


def _items(tp: Any, bound: Items | None) -> Check:
    (item_tp, *_rest) = typing.get_args(tp)
    item = _row(item_tp) if dataclasses.is_dataclass(item_tp) else _checker(item_tp, bound.item if bound else None)
    most = bound.max if bound else 1000

    def check(v: Any) -> str:
        elements = _json(v, list)
        if len(elements) > most:
            raise ValueError(f"more than {most} elements")
        for element in elements:
            item(element)
        return v

    return check


def _row(cls: type) -> Check:
    hints = typing.get_type_hints(cls)
    bounds = NESTED.get(cls, {})
    checks = {f.name: _checker(hints[f.name], bounds.get(f.name)) for f in dataclasses.fields(cls)}

    def check(element: Any) -> None:
        if not isinstance(element, dict) or element.keys() != checks.keys():
            raise ValueError("an element without its fields")
        for name, field_check in checks.items():
            field_check(element[name])

    return check


def _counts(bound: Counts) -> Check:
    key = re.compile(bound.key)
    count = _int(bound.count)

    def check(v: Any) -> str:
        parsed = _json(v, dict)
        if len(parsed) > bound.max:
            raise ValueError(f"more than {bound.max} entries")
        for k, n in parsed.items():
            if not key.fullmatch(k):
                raise ValueError("a key not in the expected format")
            count(n)
        return v

    return check


def _checker(tp: Any, bound: Bound | None) -> Check:
    tp, optional = strip_optional(tp)
    check = _plain(tp, bound)
    if not optional:
        return check

    def optional_check(v: Any) -> Any:
        return None if v is None else check(v)

    optional_check.inner = check  # type: ignore[attr-defined]  # for `_compile`
    return optional_check


def _plain(tp: Any, bound: Bound | None) -> Check:
    origin = typing.get_origin(tp)
    if isinstance(bound, Ref):
        return _ID
    if tp is datetime:
        return check_time
    if tp is date:
        return _date
    if tp is bool:
        return _bool
    if tp is int:
        if not isinstance(bound, Int):
            raise TypeError("an integer field needs its range in FIELDS")
        return _int(bound)
    if tp is str:
        return _text(bound if isinstance(bound, Text) else Text())
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum(tp)
    if origin is tuple:
        return _items(tp, bound if isinstance(bound, Items) else None)
    if origin is dict or tp is dict:
        if not isinstance(bound, Counts):
            raise TypeError("a dict field needs its bounds in FIELDS")
        return _counts(bound)
    raise TypeError(f"no check for {tp!r}")


@dataclass(frozen=True)
class Definition:
    """One entity's definition, compiled: its fields in order, their checks and defaults, its cross rules."""

    entity: str
    mutable: bool
    fields: tuple[str, ...]
    checks: tuple[Check, ...]
    defaults: tuple[Any, ...]  # _MISSING: required; otherwise the value an absent field takes
    cross: tuple[Callable[[Mapping[str, Any]], tuple[str, str] | None], ...]

    def has(self, field: str) -> bool:
        return field in self.fields

    def check(self, raw: Any) -> dict[str, Any]:
        """The record whole, in field order, each value checked; raises Invalid."""
        return self._compiled(raw)

    @cached_property
    def _compiled(self) -> Callable[[Any], dict[str, Any]]:
        return _compile(self)

    @cached_property
    def check_values(self) -> Callable[[tuple[Any, ...]], None]:
        """`check` of a record given as its values in field order, every field there (a batch being written):
        the same checks and refusals, without a dict for each record."""
        return _compile(self, values=True)

    def check_slowly(self, raw: Any) -> dict[str, Any]:
        """`check` as a loop over the fields: what `_compile` writes out (the tests compare the two)."""
        if not isinstance(raw, dict):
            raise Invalid("record", "not an object")
        if len(raw) > len(self.fields) or not raw.keys() <= set(self.fields):
            unknown = sorted(str(k) for k in raw.keys() - set(self.fields))
            raise Invalid(unknown[0][:64] if unknown else "record", "unknown field")
        out: dict[str, Any] = {}
        for name, check, default in zip(self.fields, self.checks, self.defaults, strict=True):
            value = raw.get(name, default)
            if value is _MISSING:
                raise Invalid(name, "missing")
            try:
                out[name] = check(value)
            except (TypeError, ValueError, RecursionError) as exc:
                raise Invalid(name, str(exc)[:80] or type(exc).__name__) from None
        for rule in self.cross:
            broken = rule(out)
            if broken is not None:
                raise Invalid(*broken)
        return out


def _refused(name: str, exc: BaseException) -> Invalid:
    return Invalid(name, str(exc)[:80] or type(exc).__name__)


def _unknown(raw: dict[Any, Any], fields: frozenset[str]) -> Invalid:
    unknown = sorted(str(k) for k in raw.keys() - fields)
    return Invalid(unknown[0][:64] if unknown else "record", "unknown field")


def _accepts(inline: _Inline, var: str, env: dict[str, Any], i: int) -> str:
    """A Python condition true when the check would take `var` as it is (which every check then returns)."""
    if inline.kind == "int":
        return f"({var}.__class__ is int and {inline.lo} <= {var} <= {inline.hi})"
    if inline.kind == "enum":
        env[f"values_{i}"] = inline.values
        return f"({var}.__class__ is str and {var} in values_{i})"
    parts = [f"{var}.__class__ is str", f"{inline.lo} <= len({var}) <= {inline.hi}"]
    env[f"bad_{i}"] = inline.bad
    parts.append(f"not bad_{i}.search({var})")
    if inline.pattern is not None:
        env[f"pattern_{i}"] = inline.pattern
        parts.append(f"pattern_{i}.fullmatch({var})")
    return "(" + " and ".join(parts) + ")"


def _compile(d: Definition, *, values: bool = False) -> Callable[[Any], Any]:
    """One function for the definition, written out as code (as `storage.records._value_encoder` does): the
    common cases of each field (text within its bounds, an integer in range, one of an enum's values, an
    absent optional) are tested in line, and anything else goes to the field's check, which takes it or says
    why not. It gives what `check_slowly` gives, or raises what it raises, a few times faster: every pushed,
    pulled and written record passes here."""
    env: dict[str, Any] = {
        "Invalid": Invalid, "MISSING": _MISSING, "refused": _refused, "unknown": _unknown,
        "FIELDS": frozenset(d.fields), "CROSS": d.cross, "dict": dict,
    }  # fmt: skip
    lines = [
        "def check(raw):",
        "    if not isinstance(raw, dict):",
        "        raise Invalid('record', 'not an object')",
        f"    if len(raw) > {len(d.fields)} or not raw.keys() <= FIELDS:",
        "        raise unknown(raw, FIELDS)",
        "    get = raw.get",
    ]
    if values:  # every field is there, in order: as a dict of them would be
        lines = ["def check(raw):", f"    {', '.join(f'v{i}' for i in range(len(d.fields)))}, = raw"]
    for i, (name, check, default) in enumerate(zip(d.fields, d.checks, d.defaults, strict=True)):
        var = f"v{i}"
        env[f"check_{i}"] = check
        env[f"default_{i}"] = default
        if not values:
            lines.append(f"    {var} = get({name!r}, default_{i})")
        if default is _MISSING and not values:
            lines += [f"    if {var} is MISSING:", f"        raise Invalid({name!r}, 'missing')"]
        inner = getattr(check, "inner", check)
        optional = inner is not check
        inline = getattr(inner, "inline", None)
        accepted = []
        if optional:
            accepted.append(f"{var} is None")
        if inline is not None:
            accepted.append(_accepts(inline, var, env, i))
        condition = f"not ({' or '.join(accepted)})" if accepted else "True"
        lines += [
            f"    if {condition}:",
            "        try:",
            f"            {var} = check_{i}({var})",
            "        except (TypeError, ValueError, RecursionError) as exc:",
            f"            raise refused({name!r}, exc) from None",
        ]
    items = ", ".join(f"{name!r}: v{i}" for i, name in enumerate(d.fields))
    if values and not d.cross:
        lines.append("    return None")
    else:
        lines += [
            f"    out = {{{items}}}",
            "    for rule in CROSS:",
            "        broken = rule(out)",
            "        if broken is not None:",
            "            raise Invalid(*broken)",
            "    return None" if values else "    return out",
        ]
    exec("\n".join(lines) + "\n", env)  # the code is made here from the definition's own field names
    return env["check"]


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
