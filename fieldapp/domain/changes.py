"""What a write changed: which record types, which ids (issue 16, Anki's OpChanges).

Every `storage.writer.Writer` keeps one as it writes (each record it puts in the outbox: an add, an edit, an
erasure), and a use case returns it with its result (`Done`). A screen asks `touches(...)` with the record
types it shows and reloads only then, instead of every screen reloading after every save.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    """Record type (the entity's name, as on the wire: "persons", "receipts") → the ids written."""

    by_entity: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(cls, written: Mapping[str, Iterable[str]]) -> Changes:
        kept = {entity: frozenset(ids) for entity, ids in written.items() if ids}
        return cls(MappingProxyType(kept))

    def __bool__(self) -> bool:
        return bool(self.by_entity)

    def __or__(self, other: Changes) -> Changes:
        merged = {e: set(ids) for e, ids in self.by_entity.items()}
        for entity, ids in other.by_entity.items():
            merged.setdefault(entity, set()).update(ids)
        return Changes.of(merged)

    @property
    def entities(self) -> frozenset[str]:
        return frozenset(self.by_entity)

    def ids(self, entity: str) -> frozenset[str]:
        return self.by_entity.get(entity, frozenset())

    def touches(self, *entities: str) -> bool:
        """Whether any record of these types was written."""
        return any(e in self.by_entity for e in entities)


NOTHING = Changes()


@dataclass(frozen=True)
class Done(Generic[T]):
    """A use case's result and what it changed."""

    value: T
    changes: Changes
