"""The pull's UNIQUE-clash check (fieldapp.storage.clashes): what it costs a pull of receipts.

On a copy of a cached demo store (encrypted; 20,000 persons, or the size given), pulled pages of 2,000
records applied by `storage.sync_pull.apply_page`, as a sync does:
- pull_new_receipts: new payments and their receipts (1,000 + 1,000 a page), the receipts in a series of
  their own; baseline: the same pages with the clash check switched off (what the pull did before).
- pull_receipts_again: every receipt of the store pulled again (a resync from 0: all already here);
  baseline: the same with the check off.
Which of the two goes first alternates per sample. Run: .venv/bin/python bench/pull_clashes.py [500000]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PASSPHRASE, Row, progress, render, run_temp_dir
from stores import DemoSpec, copy_data_dir, demo_store

from fieldapp.domain.ids import new_id
from fieldapp.storage import sync_pull
from fieldapp.storage.records import BY_TABLE
from fieldapp.storage.store import OpenOptions, Store

PAGE = 2000
SAMPLES = 7


def _records(store: Store, table: str, limit: int | None = None) -> list[dict]:
    spec = BY_TABLE[table]
    sql = spec.select_sql + (f" LIMIT {int(limit)}" if limit else "")
    return [dict(zip(spec.fields, row, strict=False)) for row in store.query(sql)]


def _pages(changes: list[dict]) -> list[list[dict]]:
    return [changes[i : i + PAGE] for i in range(0, len(changes), PAGE)]


def _apply(store: Store, pages: list[list[dict]], *, check: bool) -> float:
    real = sync_pull.split_clashes
    if not check:
        sync_pull.split_clashes = lambda _conn, changes: (list(changes), [])
    try:
        start = time.perf_counter()
        for page in pages:
            sync_pull.apply_page(store, page, 0, own_device=store.device_id)
        return time.perf_counter() - start
    finally:
        sync_pull.split_clashes = real


def _new_pages(payments: list[dict], receipts: list[dict], tag: str) -> list[list[dict]]:
    by_payment = {r["payment_id"]: r for r in receipts}
    changes = []
    for n, pay in enumerate(p for p in payments if p["id"] in by_payment):
        pid, rid = new_id(), new_id()
        receipt = dict(by_payment[pay["id"]], id=rid, payment_id=pid, series=f"BI-BENCH{tag}-2026", number=n + 1)
        changes.append({"entity": "payments", "id": pid, "record": dict(pay, id=pid)})
        changes.append({"entity": "receipts", "id": rid, "record": receipt})
    return _pages(changes)


def main() -> None:
    persons = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000  # a cached demo store's size: 20000, 500000
    with run_temp_dir() as tmp:
        demo = demo_store(DemoSpec(persons), tmp=tmp)
        data_dir = copy_data_dir(demo.data_dir, tmp / "pull-clashes")
        store = Store.open(data_dir, OpenOptions(passphrase=PASSPHRASE))
        try:
            receipts = _records(store, "receipts")
            payments = _records(store, "payments")
            progress(f"pull_clashes: {len(receipts):,} receipts in the store")
            again = _pages([{"entity": "receipts", "id": r["id"], "record": r} for r in receipts])
            new_row, again_row = Row("pull_new_receipts", "ms"), Row("pull_receipts_again", "ms")
            for i in range(SAMPLES):
                first_checked = i % 2 == 0
                for checked in (first_checked, not first_checked):
                    pages = _new_pages(payments, receipts, f"{i}{int(checked)}")
                    ms = _apply(store, pages, check=checked) * 1000
                    (new_row.samples if checked else new_row.baseline).append(ms)
                    ms = _apply(store, again, check=checked) * 1000
                    (again_row.samples if checked else again_row.baseline).append(ms)
                progress(f"pull_clashes: sample {i + 1}/{SAMPLES}")
            count = sum(len(p) for p in _new_pages(payments, receipts, "x"))
            new_row.note = (
                f"{count:,} new records ({count // 2:,} payments + their receipts) in pages of {PAGE:,}, encrypted "
                f"store of {persons:,} persons; baseline: the same pages with the UNIQUE-clash check off"
            )
            again_row.note = (
                f"the store's {len(receipts):,} receipts pulled again (all already here) in pages of {PAGE:,}; "
                "baseline: the same with the check off"
            )
        finally:
            store.close()
    print(render([new_row, again_row]))


if __name__ == "__main__":
    main()
