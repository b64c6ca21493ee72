"""Pulled changes read and checked, not written yet: the part of applying a pull that needs no store
(`storage.sync_pull.apply_read` writes what `read_page` read). Pure, so a catch-up does it on a thread of its own
while the pages before are written and the pages after are fetched."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fieldapp.protocol.bounds import Invalid
from fieldapp.protocol.records import check
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
    reading thread for a catch-up, so the writing thread only writes."""

    latest: dict[tuple[str, str], _Change] = field(default_factory=dict)
    problems: dict[tuple[str, str], str] = field(default_factory=dict)
    ignored: int = 0  # not a record this laptop knows
    edited: dict[str, set[str]] = field(default_factory=dict)  # tallies.edited_parents of the changes

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
        for entity, ids in later.edited.items():
            self.edited.setdefault(entity, set()).update(ids)


def read_page(changes: Sequence[Mapping[str, Any]]) -> ReadPage:
    """What applying these changes needs that no store is needed for: each record checked against its
    definition (`protocol.records.check`) and its row made. Pure: it needs no store."""
    page = ReadPage(edited=edited_parents(changes))
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
    for key, c in latest.items():
        if c.entity == VOID_NOTICES:
            continue
        try:
            record = check(c.entity, c.record)  # each whole, in field order
        except Invalid as exc:
            page.problems[key] = str(exc)
            continue
        spec = BY_TABLE[c.entity]
        latest[key] = _Change(c.entity, c.id, c.version, record, c.pos, _row_of(spec, record, c.version))
    return page


def _row(spec: TableSpec, change: _Change) -> tuple[Any, ...]:
    return change.row if change.row is not None else _row_of(spec, change.record, change.version)


def _row_of(spec: TableSpec, rec: Mapping[str, Any], version: int | None) -> tuple[Any, ...]:
    # a checked record holds its fields in order (protocol.records.check): its values are the row's
    values = list(rec.values()) if tuple(rec) == spec.fields else [rec.get(f) for f in spec.fields]
    if spec.mutable:
        version = version if version is not None else rec.get("version")
        values[spec.fields.index("version")] = int(version or 0)
    if spec.derived:
        view = _Attrs(rec)
        values += [fn(view) for fn in spec.derived.values()]
    return tuple(values)
