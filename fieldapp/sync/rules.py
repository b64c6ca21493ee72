"""Rule files the province's server signed, taken in at a sync or from an answer bundle (issue 14;
docs/sync-api.md, "Rules").

`take(store, files, via=...)` keeps each file whose Ed25519 signature verifies against the server's sign key
this laptop holds (from enrolment and every sync) and that the rule-file checker takes; anything else is
refused with its reason, kept for the Sync screen, and changes nothing. The rules then apply from each
entry's date (fieldapp.storage.rules.activate). Files are never dropped: a newer rule stays.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fieldapp.domain import rulefile, ruleformat
from fieldapp.domain.clock import utcnow
from fieldapp.protocol.encoding import encode_datetime
from fieldapp.storage import bundle as bundle_store
from fieldapp.storage import rules as rule_store
from fieldapp.storage import sync as sync_store
from fieldapp.storage.store import Store
from fieldapp.tomltext import Problem

log = logging.getLogger(__name__)


@dataclass
class Taken:
    added: int = 0
    refused: list[dict[str, Any]] = field(default_factory=list)  # {"version", "kind", "line", "code", "params"}

    def messages(self, lang: str) -> list[str]:
        return [refusal_text(r, lang) for r in self.refused]


def refusal_text(refused: dict[str, Any], lang: str) -> str:
    from fieldapp.i18n import t

    problem = Problem(int(refused.get("line") or 0), str(refused.get("code")), refused.get("params") or {})
    return t("rules.file_refused", lang, version=refused.get("version") or "?", reason=problem.message(lang))


def _refusal(item: Any, problem: Problem) -> dict[str, Any]:
    item = item if isinstance(item, dict) else {}
    version = item.get("version") if isinstance(item.get("version"), str) else None
    return {
        "version": (version or "?")[:20],
        "kind": item.get("kind") if item.get("kind") in rulefile.KINDS else None,
        "line": problem.line,
        "code": problem.code,
        "params": {k: v if isinstance(v, int | float | str) else str(v) for k, v in problem.params.items()},
    }


def _verified(item: Any, keys: dict[str, str] | None) -> bytes | Problem:
    """The file's bytes when the server's sign key signed them, else why not."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("body", "signature", "key_id")):
        return Problem(0, "rules.damaged")
    if keys is None:
        return Problem(0, "rules.no_server_key")
    if item["key_id"] != keys["sign_key_id"]:
        return Problem(0, "rules.foreign_key", {"key_id": item["key_id"][:16]})
    body = item["body"].encode("utf-8", "surrogatepass")
    if len(body) > rulefile.MAX_BYTES:
        return Problem(0, "rules.too_big", {"size": len(body), "limit": rulefile.MAX_BYTES})
    try:
        signature = bytes.fromhex(item["signature"])
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(keys["sign"])).verify(
            signature, ruleformat.signed_message(body)
        )
    except (ValueError, InvalidSignature):
        return Problem(0, "rules.signature")
    return body


def take(store: Store, files: Any, *, via: str, now: datetime | None = None) -> Taken:
    """Keep the signed, valid rule files among `files` (GET /v1/rules' `files`, or an answer bundle's
    `rules`); None (an older server) changes nothing."""
    taken = Taken()
    if files is None:
        return taken
    if not isinstance(files, list):
        files = [files]
    keys = bundle_store.server_keys(store)
    province = sync_store.settings(store).province_code
    have = rule_store.known(store)
    signed: list[tuple[Any, bytes]] = []
    for item in files[:100]:
        body = _verified(item, keys)
        if isinstance(body, Problem):
            taken.refused.append(_refusal(item, body))
        else:
            signed.append((item, body))
    held = [f for f in rule_store.parse([h.body for h in rule_store.held(store)], province) if f.kind == "national"]
    checked = rulefile.check_files([b for _i, b in signed], source=ruleformat.SERVER, province=province, held=held)
    good: list[tuple[rulefile.RuleFile, str, str]] = []
    for (item, _body), (found, problems) in zip(signed, checked, strict=True):
        if found is None:
            taken.refused.append(_refusal(item, problems[0]))
        elif found.sha256 not in have:
            good.append((found, item["signature"], item["key_id"]))
            have.add(found.sha256)
    at = encode_datetime(now or utcnow())
    with store.transaction() as conn:
        for found, signature, key_id in good:
            rule_store.save(conn, found, signature, key_id, via, at)
        rule_store.set_refused(conn, taken.refused)
    taken.added = len(good)
    for refused in taken.refused:
        log.warning("rule file %s refused: %s", refused["version"], refused["code"])
    if good:
        book = rule_store.activate(store)
        log.info("%d rule file(s) taken in by %s: rules %s", len(good), via, book.version)
    return taken
