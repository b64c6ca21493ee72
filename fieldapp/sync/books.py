"""Receipt books at every sync (docs/sync-api.md, "Receipts"): the laptop tells the server the next number it
would issue and keeps the books it answers with, a new one among them when it has used most of its own."""

from __future__ import annotations

import logging

from fieldapp.domain.receipt_books import valid_blocks
from fieldapp.storage import receipt_books
from fieldapp.storage.store import Store
from fieldapp.sync.errors import HttpRefused
from fieldapp.sync.transport import Transport

log = logging.getLogger(__name__)


def ask_for_books(store: Store, http: Transport) -> int:
    """POST /v1/receipt-blocks; returns how many books this laptop holds after it. An older server (404)
    gives none: the laptop numbers as it did (its device's series), and asks again next time."""
    with store.reading() as conn:
        upcoming = receipt_books.peek(conn, store.device_id)
    try:
        answer = http.post("/v1/receipt-blocks", {"next": upcoming})
    except HttpRefused as exc:
        log.info("no receipt books from the server (%s %s)", exc.status, exc.code)
        return -1
    blocks = valid_blocks(answer.get("blocks"))
    with store.transaction() as conn:
        receipt_books.put_own(conn, store.device_id, blocks)
        return len(receipt_books.own_blocks(conn, store.device_id))
