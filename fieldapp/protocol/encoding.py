"""How values travel as text, on the wire and in the laptop's columns alike (docs/sync-api.md, "Valid
records"): a moment as ISO 8601 in UTC to the millisecond, a day as ISO, a tuple, a dict or a dataclass as
compact JSON with its non-ASCII letters kept (a Vietnamese name reads the same in the database as on paper)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=8)  # a batch stamps its records with one moment: encoded once, not per record
def encode_datetime(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds")


def decode_datetime(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _json_default(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return encode_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value))


# One encoder for every payload: json.dumps with options builds a new one per call, a third of its cost
# on the small payloads that bulk loads write by the hundred thousand.
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default)


def to_json(value: Any) -> str:
    return _JSON.encode(value)
