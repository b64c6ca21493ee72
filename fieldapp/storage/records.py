"""How each domain record maps to its table: column values out, records back in.

One description per record type (`TableSpec`) drives inserts, outbox payloads and reads, so a new field
is added in the dataclass and the migration, and nowhere else.
"""

from __future__ import annotations

import dataclasses
import json
import operator
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import cache, cached_property
from typing import Any

from fieldapp.domain.text import fold, sort_key
from fieldapp.protocol.encoding import decode_datetime, encode_datetime, to_json
from fieldapp.protocol.entities import ENTITIES, strip_optional

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any], Any]


def _codec(tp: Any) -> tuple[Encoder, Decoder]:
    """Encoder and decoder for one annotated field type (Optional handled by the caller)."""
    origin = typing.get_origin(tp)
    if tp is datetime:
        return encode_datetime, decode_datetime
    if tp is date:
        return date.isoformat, date.fromisoformat
    if tp is bool:
        return int, bool
    if isinstance(tp, type) and issubclass(tp, Enum):
        return (lambda v, tp=tp: v.value if v.__class__ is tp else tp(v).value), tp
    if origin is tuple:
        (item, *_rest) = typing.get_args(tp)
        if dataclasses.is_dataclass(item):
            return to_json, lambda text, cls=item: tuple(cls(**d) for d in json.loads(text))
        _enc, dec = _codec(item)
        return to_json, lambda text, dec=dec: tuple(dec(v) for v in json.loads(text))
    if origin is dict or tp is dict:
        return to_json, json.loads
    return _identity, _identity


def _identity(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class TableSpec:
    cls: type
    table: str
    mutable: bool  # carries `version`; edits go out with base_version
    derived: Mapping[str, Callable[[Any], Any]] = dataclasses.field(default_factory=dict)

    @property
    def entity(self) -> str:
        return self.table

    @cached_property
    def fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(self.cls))

    @cached_property
    def columns(self) -> tuple[str, ...]:
        return (*self.fields, *self.derived)

    @cached_property
    def insert_sql(self) -> str:
        cols = self.columns
        return f"INSERT INTO {self.table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"

    @cached_property
    def json_insert_sql(self) -> str:
        """The insert of many rows from one JSON array of value arrays in ?1, in the array's order. Stored
        values are text, integers or null, which JSON carries as they are. One statement for a batch:
        SQLite lets go of the GIL for all of it, where executemany takes it back for every row and queues
        behind whatever other thread is busy in Python (a bulk load's next part being prepared, a pull's
        next pages being read), which made bulk inserts nearly twice as slow. `WHERE true` lets an upsert
        clause follow."""
        cols = self.columns
        picks = ", ".join(f"value ->> {i}" for i in range(len(cols)))
        return f"INSERT INTO {self.table} ({', '.join(cols)}) SELECT {picks} FROM json_each(?1) WHERE true ORDER BY key"

    @cached_property
    def select_sql(self) -> str:
        return f"SELECT {', '.join(self.fields)} FROM {self.table}"

    def encode(self, record: Any) -> dict[str, Any]:
        """The record's field values as stored (and as sent in an outbox payload)."""
        return dict(zip(self.fields, self.values(record), strict=True))

    def values(self, record: Any) -> tuple[Any, ...]:
        """The stored field values in field order (`encode` without the names)."""
        return _value_encoder(self.cls)(record)

    def row(self, record: Any) -> tuple[Any, ...]:
        return (*self.values(record), *(fn(record) for fn in self.derived.values()))

    def decode(self, row: typing.Sequence[Any]) -> Any:
        values = {}
        for (name, (_enc, dec, _opt)), value in zip(_codecs(self.cls).items(), row, strict=False):
            values[name] = None if value is None else dec(value)
        return self.cls(**values)


@cache
def _codecs(cls: type) -> dict[str, tuple[Encoder, Decoder, bool]]:
    hints = typing.get_type_hints(cls)
    out = {}
    for f in dataclasses.fields(cls):
        tp, optional = strip_optional(hints[f.name])
        enc, dec = _codec(tp)
        out[f.name] = (enc, dec, optional)
    return out


@cache
def _value_encoder(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """One function per record type that reads and encodes every field at once.

    Written out as code (as `dataclasses` does for `__init__`) because a bulk load encodes a few hundred
    thousand records, and a generic loop over fields spends more time than the inserts.
    """
    codecs = _codecs(cls)
    names = tuple(codecs)
    env: dict[str, Any] = {"get": operator.attrgetter(*names) if len(names) > 1 else lambda r: (getattr(r, names[0]),)}
    items = []
    for i, (name, (enc, _dec, optional)) in enumerate(codecs.items()):
        if enc is _identity:
            items.append(f"v[{i}]")
            continue
        env[f"enc_{name}"] = enc
        items.append(f"(None if v[{i}] is None else enc_{name}(v[{i}]))" if optional else f"enc_{name}(v[{i}])")
    source = f"def encode(record):\n    v = get(record)\n    return ({', '.join(items)},)\n"
    exec(source, env)  # the code is made here from the dataclass's own field names
    return env["encode"]


def _name_key(record: Any) -> str:
    return fold(record.name)


def _sort_key(person: Any) -> str:
    return sort_key(person.full_name or "")


# The columns a table has beyond the record's fields, computed from the record as it is written.
_DERIVED: dict[str, dict[str, Callable[[Any], Any]]] = {
    "hamlets": {"name_key": _name_key},
    "persons": {"name_key": lambda p: fold(p.full_name), "sort_key": _sort_key},
}
SPECS: dict[type, TableSpec] = {
    e.cls: TableSpec(e.cls, e.name, e.mutable, _DERIVED.get(e.name, {})) for e in ENTITIES
}  # the synced entities (fieldapp.protocol.entities), in their order: parents first
BY_TABLE: dict[str, TableSpec] = {s.table: s for s in SPECS.values()}


def spec_for(record_or_cls: Any) -> TableSpec:
    cls = record_or_cls if isinstance(record_or_cls, type) else type(record_or_cls)
    return SPECS[cls]
