"""Receipt numbers: unique per series without a network, allocated in the receipt's own transaction."""

from __future__ import annotations

from fieldapp.storage.driver import Connection


def next_number(conn: Connection, series: str) -> int:
    """Bump and return the series' number; call inside the transaction that inserts the receipt."""
    row = conn.execute(
        "INSERT INTO receipt_series (series, last_number) VALUES (?, 1) "
        "ON CONFLICT (series) DO UPDATE SET last_number = last_number + 1 RETURNING last_number",
        (series,),
    ).fetchone()
    return int(row[0])
