"""Receipts (issue 5): one receipt PDF, sign + encode a QR payload, verify one, 500 receipts in one PDF.

All on a copy of a cached demo store (encrypted): the receipts its demo enrolments made.
- receipt_pdf: read the receipt's facts from the store and write its A5 PDF with the signed QR, a different
  receipt each time (so no QR is reused from the cache); baseline: the same A5 layout without a QR. No
  sample is dropped: the first is a fresh process's first receipt (`python bench/receipts.py --first`:
  the store opened, then one receipt timed, fonts loaded and all), as a member's first print of the day.
- receipt_sign: build, CBOR-encode, sign (Ed25519), compress-if-shorter and base45-encode a payload;
  baseline: the bare Ed25519 signature of the same bytes.
- receipt_verify: `services.receipts.verify` on a scanned payload, key look-up and void check in the store
  included; baseline: the bare Ed25519 verification.
- receipt_batch_500: 500 receipts in one A5 PDF (the day's batch print), facts read included; baseline: the
  same 500 pages without QR codes.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run alone for --first
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import PYTHON, Row, Target, child_env, progress
from stores import DemoStore, copy_data_dir, open_existing

from fieldapp.domain import receipt_code
from fieldapp.paths import DataDir
from fieldapp.printing import qr
from fieldapp.printing.receipt import Printing, pdf_bytes
from fieldapp.services import receipts as service
from fieldapp.storage import receipts as receipt_store
from fieldapp.storage.store import Store


def _ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def run_receipts(demo: DemoStore, *, calls: int, batch: int, tmp: Path) -> list[Row]:
    data_dir = copy_data_dir(demo.data_dir, tmp / "receipt-data")
    store = open_existing(data_dir)
    try:
        ids = [r[0] for r in store.query("SELECT id FROM receipts ORDER BY issued_at")]
    finally:
        store.close()
    if len(ids) < 2:
        raise RuntimeError("the demo store has no receipts")
    first = _first_in_process(data_dir, ids[-1], tmp)
    store = open_existing(data_dir)
    try:
        return _measure(store, ids, calls, batch, first)
    finally:
        store.close()


def _first_in_process(data_dir: DataDir, receipt_id: str, tmp: Path) -> float:
    """A fresh process's first receipt PDF (ms): the store is opened first, then only the print is timed."""
    done = subprocess.run(
        [PYTHON, str(Path(__file__)), "--first", str(data_dir.root), receipt_id],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the first receipt of a process failed: {done.stderr[-800:]}")
    return float(done.stdout.split()[-1])


def _measure(store: Store, ids: list[str], calls: int, batch_size: int, first: float) -> list[Row]:
    progress(f"receipts: {len(ids):,} in the store")
    records = receipt_store.records(store, ids)
    payloads = [r.qr_payload for r in records]

    # one receipt PDF, a different receipt each time
    pdf = Row("receipt_pdf", "ms", [first], targets=[Target("p95", 30.0)])
    bare = replace(records[0], qr_payload=None)
    pdf.baseline.append(_ms(lambda: pdf_bytes([Printing(bare)], "a5")))  # this process's first one: fonts
    for i in range(min(calls, 400)):
        rid = ids[i % len(ids)]
        qr.matrix.cache_clear()
        ours = _ms(lambda rid=rid: pdf_bytes(service.printable(store, [rid], copy=False), "a5"))
        bare = replace(records[i % len(records)], qr_payload=None)
        base = _ms(lambda bare=bare: pdf_bytes([Printing(bare)], "a5"))
        pdf.samples.append(ours)
        pdf.baseline.append(base)
    pdf.note = (
        f"{len(pdf.samples)} A5 receipts, each read from the store and written with its signed QR "
        f"(vector modules, embedded Noto Sans), the first a new process's first ({first:.1f} ms, fonts loaded); "
        "baseline: the same layout without the QR (its first one loads the fonts in this process)"
    )

    # sign and encode; verify
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    claims = [receipt_code.decode(p).claim for p in payloads]
    sign = Row("receipt_sign", "ms", targets=[Target("p95", 0.5)])
    verify = Row("receipt_verify", "ms", targets=[Target("p95", 0.5)])
    for i in range(calls * 2 + 50):
        claim = claims[i % len(claims)]
        message = receipt_code.claim_bytes(claim)
        ours = _ms(lambda claim=claim: receipt_code.encode(claim, key.sign))
        base = _ms(lambda message=message: key.sign(message))
        signature = key.sign(message)
        payload = payloads[i % len(payloads)]
        checked = _ms(lambda payload=payload: service.verify(store, payload))
        bare = _ms(lambda signature=signature, message=message: public.verify(signature, message))
        if i >= 50:
            sign.samples.append(ours)
            sign.baseline.append(base)
            verify.samples.append(checked)
            verify.baseline.append(bare)
    sign.note = (
        f"{len(sign.samples):,} payloads: CBOR, Ed25519, zlib only if shorter, base45 ({len(payloads[0])} chars); "
        "baseline: the Ed25519 signature alone"
    )
    verify.note = (
        f"{len(verify.samples):,} scanned payloads through services.receipts.verify (decode, key look-up, "
        "signature, void check in the store); baseline: the Ed25519 verification alone"
    )

    # 500 receipts in one PDF
    batch_ids = [ids[i % len(ids)] for i in range(batch_size)]
    batch = Row(f"receipt_batch_{batch_size}", "s", targets=[Target("median", 10.0)])
    for _ in range(3):
        qr.matrix.cache_clear()
        batch.samples.append(_ms(lambda: pdf_bytes(_batch(store, batch_ids), "a5")) / 1000)
        bare = [
            Printing(replace(r, qr_payload=None)) for r in (records * (batch_size // len(records) + 1))[:batch_size]
        ]
        batch.baseline.append(_ms(lambda bare=bare: pdf_bytes(bare, "a5")) / 1000)
    unique = len(set(batch_ids))
    batch.note = (
        f"{batch_size} A5 receipts ({unique} distinct in the store) in one PDF, facts read included; "
        "baseline: the same pages without QR codes"
    )
    return [pdf, sign, verify, batch]


def _batch(store: Store, batch_ids: list[str]) -> list[Printing]:
    """The batch's receipts read from the store; where it holds fewer, some print twice."""
    items = {p.record.id: p for p in service.printable(store, sorted(set(batch_ids)), copy=False)}
    return [items[i] for i in batch_ids]


def _first_main(root: str, receipt_id: str) -> None:
    store = open_existing(DataDir(Path(root)))
    try:
        start = time.perf_counter()
        pdf_bytes(service.printable(store, [receipt_id], copy=False), "a5")
        print(f"{(time.perf_counter() - start) * 1000:.3f}")
    finally:
        store.close()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--first":
        _first_main(sys.argv[2], sys.argv[3])
