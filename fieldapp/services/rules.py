"""What a member is told about the premium rules a quote uses (issue 14; docs/sync-api.md, "Rules"): when
this laptop's rules were last known current, whether they may be stale, and the rules in force on a day.
The signed rule files themselves come in with a sync or an answer bundle (`fieldapp.sync.rules`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fieldapp.domain import rulefile
from fieldapp.domain.premiums import RuleBook
from fieldapp.storage import sync as sync_store
from fieldapp.storage.store import Store

STALE_AFTER_DAYS = 30  # a laptop that has not synced for longer may have missed a change of the rules


# --- what a member is told -------------------------------------------------------------------------


def checked_on(store: Store | None, book: RuleBook) -> date | None:
    """The day this laptop's rules were last known to be current: its last sync, else the newest rule file
    it carries was issued."""
    last = sync_store.settings(store).last_ok if store is not None else None
    days = [d for d in (last.date() if last else None, book.issued) if d is not None]
    return max(days) if days else None


def stale(book: RuleBook, *, paid_on: date, today: date, checked: date | None) -> bool:
    """A laptop that has not synced for 30 days, quoting a payment date after the last rule change it knows
    of, may be missing a newer rule: the quote still works, the member is told."""
    if paid_on <= book.last_change:
        return False
    return checked is None or (today - checked).days > STALE_AFTER_DAYS


def in_force_json(book: RuleBook, on: date) -> list[dict[str, Any]]:
    """`fieldapp rules list --json`: every rule in force on `on`, its source and whether it is confirmed."""
    out = []
    for name, entry in book.in_force_on(on):
        origin = book.origin(entry["id"])
        values = {k: v for k, v in entry.items() if k not in rulefile.ENTRY_KEYS}
        out.append(
            {
                "id": entry["id"],
                "rule": name,
                "from": entry["from"].isoformat(),
                "confirmed": not entry.get("unconfirmed", False),
                "basis": entry.get("basis", ""),
                "note": entry.get("note"),
                "source": origin.source if origin else None,
                "file_version": origin.label() if origin else None,
                "values": {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()},
            }
        )
    return out
