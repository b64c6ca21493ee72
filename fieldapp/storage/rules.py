"""The server's rule files on the laptop (db/0009; fieldapp/services/rules.py takes them in), and the
premium rules they make with the shipped ones (`activate`, run when the store opens and when files come)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fieldapp.domain import premiums, rulefile, ruleformat
from fieldapp.domain.premiums import RuleBook
from fieldapp.storage.driver import Connection
from fieldapp.storage.store import Store, put_meta

log = logging.getLogger(__name__)

META_REFUSED = "rules_refused"  # JSON: the files the last sync or bundle brought and this laptop refused


@dataclass(frozen=True)
class Held:
    sha256: str
    body: bytes
    via: str
    received_at: str


def held(store: Store) -> list[Held]:
    rows = store.query("SELECT sha256, body, via, received_at FROM rule_files ORDER BY issued, received_at")
    return [Held(sha, body.encode("utf-8"), via, at) for sha, body, via, at in rows]


def known(store: Store) -> set[str]:
    return {row[0] for row in store.query("SELECT sha256 FROM rule_files")}


def save(conn: Connection, found: rulefile.RuleFile, signature: str, key_id: str, via: str, at: str) -> None:
    o = found.origin
    conn.execute(
        "INSERT OR IGNORE INTO rule_files (sha256, kind, province, version, issued, body, signature, key_id, "
        "received_at, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            found.sha256,
            o.kind,
            o.province,
            o.version,
            o.issued.isoformat() if o.issued else "",
            found.raw.decode("utf-8"),
            signature,
            key_id,
            at,
            via,
        ),
    )


def set_refused(conn: Connection, refused: Sequence[dict[str, Any]]) -> None:
    put_meta(conn, META_REFUSED, json.dumps(list(refused), ensure_ascii=False, default=str))


def refused(store: Store) -> list[dict[str, Any]]:
    raw = store.meta(META_REFUSED)
    found = json.loads(raw) if raw else []
    return found if isinstance(found, list) else []


def parse(bodies: Sequence[bytes], province: str | None) -> list[rulefile.RuleFile]:
    """The stored files this laptop takes, checked again: one a newer app refuses is left out and logged,
    never a crash."""
    taken = []
    for found, problems in rulefile.check_files(bodies, source=ruleformat.SERVER, province=province):
        if found is None:
            log.warning("a stored rule file is not taken: %s", problems[0].message("en"))
            continue
        taken.append(found)
    return taken


def activate(store: Store) -> RuleBook:
    """Price with the shipped rules, the profile's and the server's files this store holds."""
    province = store.meta("sync_province")
    return premiums.activate(parse([h.body for h in held(store)], province))
