"""An op: one change a laptop sends the server (docs/sync-api.md, "Push"). One type for it everywhere: the
laptop's outbox reads its rows as ops (`storage.sync_push.OutOp` adds where the row sits), a push and a bundle
carry them as `wire()` dicts, and the server decides on the same type."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

CREATE, UPDATE, ERASE = "create", "update", "erase"


@dataclass(frozen=True)
class Op:
    op_id: str
    entity: str
    entity_id: str
    op: str  # create, update or erase
    base_version: int | None  # the version an edit was made on (None: a create, or an immutable record)
    payload: Any  # the record's fields; an array only for the links of a prospect list
    created_at: str | None = None
    actor: str | None = None  # the member who made the change on the laptop (signed in there with a PIN)

    @property
    def is_links(self) -> bool:
        """The links of a prospect list in one op (docs/sync-api.md, "Push")."""
        return self.entity == "prospects" and self.op == CREATE and isinstance(self.payload, list)

    def content_sha256(self) -> str:
        """SHA-256 of the canonical JSON of [entity, entity_id, op, base_version, payload], keys sorted: what
        tells a resent op (the same id, the same content) from an op id used again for something else."""
        text = json.dumps(
            [self.entity, self.entity_id, self.op, self.base_version, self.payload],
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def wire(self) -> dict[str, Any]:
        """The op as a push or a bundle carries it."""
        return {
            "op_id": self.op_id,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "op": self.op,
            "base_version": self.base_version,
            "payload": self.payload,
            "created_at": self.created_at,
            "actor": self.actor,
        }
