"""Pulled changes read and checked, not written yet: the part of applying a pull that needs no store
(`storage.sync.apply_read` writes what `read_page` read). Pure, so a catch-up does it on the thread that
fetches the next pages while the pages before are written."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fieldapp.storage import refused
from fieldapp.storage.records import BY_TABLE, TableSpec
from fieldapp.storage.tallies import edited_parents

# made by the server, never by a laptop: a receipt of the province voided (docs/sync-api.md, "Voids")
VOID_NOTICES = "void_notices"


@dataclass(frozen=True)
class _Change:
    entity: str
    id: str
    version: int | None
    record: dict[str, Any]
    pos: int
    row: tuple[Any, ...] | None = None  # its table row, when made ahead (read_page); else made when written


class _Attrs:
    """A raw record read by attribute, for the specs' derived columns (name_key from full_name)."""

    __slots__ = ("_rec",)

    def __init__(self, rec: Mapping[str, Any]) -> None:
        self._rec = rec

    def __getattr__(self, name: str) -> Any:
        return self._rec.get(name)


@dataclass
class ReadPage:
    """Pulled changes read and checked, not written yet (`read_page`): the latest change of each record
    (by feed position), the problem of each the definition refuses, and the rows of the others. Made on the
    fetching thread for a catch-up (`read_body`), so the writing thread only writes."""

    latest: dict[tuple[str, str], _Change] = field(default_factory=dict)
    problems: dict[tuple[str, str], str] = field(default_factory=dict)
    ignored: int = 0  # not a record this laptop knows
    edited: dict[str, set[str]] = field(default_factory=dict)  # tallies.edited_parents of the changes
    count: int = 0  # changes read

    def add(self, later: ReadPage) -> None:
        """Take in the page after this one (a group of pages applied in one transaction)."""
        for key, change in later.latest.items():
            mine = self.latest.get(key)
            if mine is None or mine.pos <= change.pos:
                self.latest[key] = change
                self.problems.pop(key, None)
                if key in later.problems:
                    self.problems[key] = later.problems[key]
        self.ignored += later.ignored
        self.count += later.count
        for entity, ids in later.edited.items():
            self.edited.setdefault(entity, set()).update(ids)


def read_page(changes: Sequence[Mapping[str, Any]]) -> ReadPage:
    """What applying these changes needs that no store is needed for: each record checked against its
    definition (`refused.split_valid`) and its row made. Pure: it needs no store."""
    page = ReadPage(count=len(changes), edited=edited_parents(changes))
    latest = page.latest
    for ch in changes:
        entity = ch.get("entity")
        if (entity not in BY_TABLE and entity != VOID_NOTICES) or not isinstance(ch.get("id"), str) or not ch.get("id"):
            page.ignored += 1
            continue
        pos = ch.get("pos")
        raw = ch.get("record")
        record = dict(raw) if isinstance(raw, dict) else {"": raw}  # not an object: refused below
        record.setdefault("id", ch["id"])
        version = ch.get("version")
        change = _Change(entity, ch["id"], version if type(version) is int else None, record,
                         pos if type(pos) is int else 0)  # fmt: skip
        key = (entity, change.id)
        if key not in latest or latest[key].pos <= change.pos:
            latest[key] = change
    valid, invalid = refused.split_valid(c for c in latest.values() if c.entity != VOID_NOTICES)
    for c in valid:
        latest[(c.entity, c.id)] = _Change(c.entity, c.id, c.version, c.record, c.pos, _row(BY_TABLE[c.entity], c))
    for c, problem in invalid:
        page.problems[(c.entity, c.id)] = problem
    return page


@dataclass
class PulledPage:
    """A page of GET /v1/pull as `read_body` found it: `next` and `more` as the server sent them (the engine
    checks them), the changes read, or None when `changes` was not a list."""

    next: Any
    more: Any
    read: ReadPage | None


def read_body(body: bytes) -> PulledPage:
    """A pull page's body parsed and read (`read_page`), on the thread that fetched it.
    A body that is not a JSON object raises ValueError (the transport asks again: a cut answer)."""
    page = json.loads(body)
    if not isinstance(page, dict):
        raise ValueError("a pull answer that is not a JSON object")
    changes = page.get("changes")
    return PulledPage(page.get("next"), page.get("more"), read_page(changes) if isinstance(changes, list) else None)


def _row(spec: TableSpec, change: _Change) -> tuple[Any, ...]:
    if change.row is not None:
        return change.row
    rec = change.record
    # a checked record holds its fields in order (protocol.records.check): its values are the row's
    values = list(rec.values()) if tuple(rec) == spec.fields else [rec.get(f) for f in spec.fields]
    if spec.mutable:
        version = change.version if change.version is not None else rec.get("version")
        values[spec.fields.index("version")] = int(version or 0)
    if spec.derived:
        view = _Attrs(rec)
        values += [fn(view) for fn in spec.derived.values()]
    return tuple(values)
