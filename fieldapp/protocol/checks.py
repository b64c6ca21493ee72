"""Checking a record against its definition (`fieldapp.protocol.records`): each field's check made from
its type and bound, and each entity's checks compiled into one function (`Definition.check`), the one the
server runs on every push and the laptop on every write and pull."""

from __future__ import annotations

import dataclasses
import json
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import cached_property, lru_cache
from typing import Any

from fieldapp.protocol.bounds import (
    _BAD_LINE,
    _BAD_NOTE,
    FIRST_DAY,
    ID_PATTERN,
    LAST_DAY,
    Bound,
    Counts,
    Int,
    Invalid,
    Items,
    Ref,
    Text,
)
from fieldapp.protocol.entities import strip_optional

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
    if dataclasses.is_dataclass(item_tp):
        item = _row(item_tp, dict(bound.row) if bound else {})
    else:
        item = _checker(item_tp, bound.item if bound else None)
    most = bound.max if bound else 1000

    def check(v: Any) -> str:
        elements = _json(v, list)
        if len(elements) > most:
            raise ValueError(f"more than {most} elements")
        for element in elements:
            item(element)
        return v

    return check


def _row(cls: type, bounds: dict[str, Bound]) -> Check:
    hints = typing.get_type_hints(cls)
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
