"""Rule files on the province's server (issue 14; docs/sync-api.md, "Rules").

`fieldapp server rules add FILE` checks a rule file (fieldapp/domain/rulefile.py) against the rules the
server holds (the shipped national file, the national files added before, the file's province's files),
signs it with the server's Ed25519 bundle signing key (the key laptops hold since enrolment and check
answer bundles with) and stores it; nothing of a refused file is kept. Laptops get the national files and
their province's at every sync (`GET /v1/rules`) and in every answer bundle, and check the signature
themselves. No endpoint takes a rule file from a laptop.

The server prices nothing, but it checks every pushed enrolment's months against the rules
(fieldapp.protocol.records): `refresh` keeps this process's rule book in step with the table, reading it
again at most once a minute, so a file added by another process (the CLI) is seen by every worker.

The route is fieldapp/server/routes/rules.py, the queries fieldapp/server/store_rules.py.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import Any

from fieldapp.domain import rulefile, ruleformat
from fieldapp.domain.premiums import RuleBook, activate
from fieldapp.protocol.bundle import key_id, raw_public
from fieldapp.server import store_rules

log = logging.getLogger(__name__)

REFRESH_SECONDS = 60.0


def _parsed(rows: list[dict[str, Any]]) -> list[rulefile.RuleFile]:
    """The stored files as rule files (they were checked when added; one a newer app refuses is skipped)."""
    out = []
    checked = rulefile.check_files([row["body"].encode() for row in rows], source=ruleformat.SERVER)
    for row, (found, problems) in zip(rows, checked, strict=True):
        if found is None:
            log.warning("stored rule file %s is not taken: %s", row["sha256"], problems[0].message("en"))
            continue
        out.append(found)
    return out


def book(store, province: str | None) -> RuleBook:
    """The rules the server holds for `province` (None: the national ones only)."""
    return RuleBook.from_files([rulefile.shipped(), *_parsed(store_rules.files(store, province or ""))])


def add(store, raw: bytes, today: date) -> dict[str, Any]:
    """Check, sign and store a rule file; RulesRefused (every problem with its line) when it is wrong.
    The same file twice is taken once (`added` false the second time)."""
    from fieldapp.server.bundle import server_keys
    from fieldapp.server.store import utcnow

    first = rulefile.read(raw, source=ruleformat.SERVER, today=today)  # the header says whose rules these are
    found = rulefile.read(raw, source=ruleformat.SERVER, today=today, base=book(store, first.origin.province))
    sign = server_keys(store).sign
    origin = found.origin
    row = {
        "sha256": found.sha256,
        "kind": origin.kind,
        "province_code": origin.province or "",
        "version": origin.version,
        "issued": origin.issued.isoformat() if origin.issued else "",
        "body": raw.decode("utf-8"),
        "signature": sign.sign(ruleformat.signed_message(raw)).hex(),
        "key_id": key_id(raw_public(sign)),
        "entries": found.count(),
        "added_at": utcnow(),
    }
    added = store_rules.insert(store, row)
    if added:  # a running server reads it within a minute (`refresh`)
        log.info(
            "rule file %s (%s %s, issued %s) added", row["sha256"][:12], origin.kind, origin.version, row["issued"]
        )
    return {**_listed(row), "added": added}


def _listed(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "sha256": row["sha256"],
        "kind": row["kind"],
        "province": row["province_code"] or None,
        "version": row["version"],
        "issued": row["issued"],
        "entries": row["entries"],
        "added_at": row["added_at"],
    }


def listing(store) -> list[dict[str, Any]]:
    return [_listed(row) for row in store_rules.files(store)]


def wire(store, province: str) -> list[dict[str, Any]]:
    """What a laptop of `province` gets: the national files and its province's, signed."""
    return [
        {
            "sha256": row["sha256"],
            "kind": row["kind"],
            "province": row["province_code"] or None,
            "version": row["version"],
            "issued": row["issued"],
            "body": row["body"],
            "signature": row["signature"],
            "key_id": row["key_id"],
        }
        for row in store_rules.files(store, province)
    ]


def refresh(store, *, every: float = REFRESH_SECONDS, clock=time.monotonic) -> None:
    """Check pushed records against the rule files this store holds: the table is read again at most every
    `every` seconds, and the rule book made again only when a file was added."""
    now = clock()
    held = getattr(store, "rules_checked", None)
    if held is not None and now - held[0] < every:
        return
    revision = store_rules.revision(store)
    if held is None or held[1] != revision:
        activate(_parsed(store_rules.files(store)))
    store.rules_checked = (now, revision)
