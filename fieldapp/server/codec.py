"""Records as the laptop encodes them (`fieldapp.storage.records`), checked and completed on arrival.

A create's payload leaves its empty fields out (`storage.writer._create_payload`); the server stores every
record whole, in field order, with those fields as null, so a pull gives back what `TableSpec.decode`
reads. A record that would not decode on a laptop (a missing field, a wrong type, an unknown enum value,
a field this version does not know) is refused as `invalid` rather than stored.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any

from fieldapp.storage.records import BY_TABLE, TableSpec, strip_optional

Check = Callable[[Any], Any]  # returns the stored value, raises ValueError/TypeError when it is wrong

# Fields a person's erasure empties, as `services.registry.erase` does on the laptop.
ERASED_FIELDS = (
    "full_name",
    "birth_date",
    "birth_year",
    "sex",
    "citizen_id",
    "si_number",
    "phone",
    "hamlet_id",
    "consent_at",
)
# Records of the local registry: filed under the province of their commune (docs/sync-api.md, Scope).
REGISTRY = frozenset({"hamlets", "households", "persons", "sites"})


class Invalid(ValueError):
    """The record does not decode; `str(exc)` names the field (for the log and the op's reason detail)."""


def _text(v: Any) -> str:
    if not isinstance(v, str):
        raise TypeError("not text")
    return v


def _int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError("not an integer")
    return v


def _bool(v: Any) -> int:
    if v in (0, 1) and not isinstance(v, float):
        return int(v)
    raise TypeError("not 0/1")


def _date(v: Any) -> str:
    date.fromisoformat(_text(v))
    return v


def _datetime(v: Any) -> str:
    datetime.fromisoformat(_text(v))
    return v


def _enum(tp: type[Enum]) -> Check:
    values = frozenset(e.value for e in tp)

    def check(v: Any) -> Any:
        if isinstance(v, bool) or v not in values:
            raise ValueError("not one of the values")
        return v

    return check


def _json_text(item: Check | None, rows: type | None) -> Check:
    """Tuples and dicts are stored as JSON text (`to_json`); the text must hold what the type says."""

    def check(v: Any) -> Any:
        parsed = json.loads(_text(v))
        if item is None and rows is None:
            if not isinstance(parsed, dict):
                raise TypeError("not an object")
            return v
        if not isinstance(parsed, list):
            raise TypeError("not a list")
        for element in parsed:
            if rows is not None:
                _row(rows, element)
            elif item is not None:
                item(element)
        return v

    return check


def _row(cls: type, element: Any) -> None:
    if not isinstance(element, dict):
        raise TypeError("not an object")
    names = {f.name for f in dataclasses.fields(cls)}
    if set(element) != names:
        raise ValueError("wrong fields")
    hints = typing.get_type_hints(cls)
    for name in names:
        _checker(hints[name])(element[name])


def _checker(tp: Any) -> Check:
    tp, optional = strip_optional(tp)
    check = _plain_checker(tp)
    if not optional:
        return check
    return lambda v: None if v is None else check(v)


def _plain_checker(tp: Any) -> Check:
    origin = typing.get_origin(tp)
    if tp is datetime:
        return _datetime
    if tp is date:
        return _date
    if tp is bool:
        return _bool
    if tp is int:
        return _int
    if tp is str:
        return _text
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum(tp)
    if origin is tuple:
        (item, *_rest) = typing.get_args(tp)
        if dataclasses.is_dataclass(item):
            return _json_text(None, item)
        return _json_text(_plain_checker(item), None)
    if origin is dict or tp is dict:
        return _json_text(None, None)
    raise TypeError(f"no check for {tp!r}")


_MISSING = object()


@dataclasses.dataclass(frozen=True)
class EntityCodec:
    spec: TableSpec
    fields: tuple[str, ...]
    checks: tuple[Check, ...]
    defaults: tuple[Any, ...]  # _MISSING: required; otherwise the value an absent field takes

    @property
    def mutable(self) -> bool:
        return self.spec.mutable

    def has(self, field: str) -> bool:
        return field in self.spec.fields

    def normalise(self, raw: Any) -> dict[str, Any]:
        """The record whole, in field order, each value checked; raises Invalid."""
        if not isinstance(raw, dict):
            raise Invalid("record: not an object")
        unknown = raw.keys() - set(self.fields)
        if unknown:
            raise Invalid(f"unknown field {sorted(unknown)[0]}")
        out: dict[str, Any] = {}
        for name, check, default in zip(self.fields, self.checks, self.defaults, strict=True):
            value = raw.get(name, default)
            if value is _MISSING:
                raise Invalid(f"{name}: missing")
            try:
                out[name] = check(value)
            except (TypeError, ValueError) as exc:
                raise Invalid(f"{name}: {exc}") from None
        return out


@cache
def codec(entity: str) -> EntityCodec | None:
    spec = BY_TABLE.get(entity)
    if spec is None:
        return None
    hints = typing.get_type_hints(spec.cls)
    fields = dataclasses.fields(spec.cls)
    defaults = []
    for f in fields:
        _tp, optional = strip_optional(hints[f.name])
        if f.default is not dataclasses.MISSING:
            defaults.append(f.default)
        elif optional:
            defaults.append(None)
        else:
            defaults.append(_MISSING)
    return EntityCodec(
        spec,
        tuple(f.name for f in fields),
        tuple(_checker(hints[f.name]) for f in fields),
        tuple(defaults),
    )


def entities() -> tuple[str, ...]:
    return tuple(BY_TABLE)
