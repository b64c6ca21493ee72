"""The `products` table (db/0010): each enrolment kind's tally metric, as the registry
(`fieldapp.domain.products`) says, for the rollup's SQL to read. Filled when a store opens; a product
registered later (a test's own) is recorded with `record_open` on the open store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldapp.domain import products
from fieldapp.storage.driver import Connection

if TYPE_CHECKING:
    from fieldapp.storage.store import Store


def record_open(store: Store) -> bool:
    """`record` on a store already open (a product registered since it opened)."""
    with store.transaction() as conn:
        return record(conn)


def record(conn: Connection) -> bool:
    """Write the registry's kinds and metrics where the table differs (kinds no longer registered stay: the
    store may hold their enrolments). A kind whose metric changed has its rollup rebuilt. True if written."""
    held = dict(conn.execute("SELECT kind, metric FROM products"))
    wanted = {str(p.kind): p.tally_metric for p in products.all_products()}
    changed = {k: m for k, m in wanted.items() if held.get(k) != m}
    if not changed:
        return False
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(
            "INSERT INTO products (kind, metric) VALUES (?, ?) "
            "ON CONFLICT (kind) DO UPDATE SET metric = excluded.metric",
            list(changed.items()),
        )
        if any(k in held for k in changed):  # counted under another metric until now
            from fieldapp.storage.tallies import rebuild_in

            rebuild_in(conn)
        if own:
            conn.execute("COMMIT")
    except BaseException:
        if own and conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return True
