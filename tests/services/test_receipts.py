"""Receipts after the money: signed at issue, verified offline, voided by the team leader, prints logged."""

from __future__ import annotations

import pytest

from fieldapp.domain.enums import AuditAction, Role
from fieldapp.domain.receipt_code import Verdict
from fieldapp.errors import InputRefused
from fieldapp.services import receipts as service
from fieldapp.storage import receipts as receipt_store
from fieldapp.storage import team as team_store
from fieldapp.storage.writer import Actor


def first_receipt(store):
    (rid,) = store.query_one(  # the demo voids a receipt now and then: the first one still valid
        "SELECT id FROM receipts WHERE id NOT IN (SELECT receipt_id FROM receipt_voids) ORDER BY issued_at LIMIT 1"
    )
    (record,) = receipt_store.records(store, [rid])
    return record


def leader_of(store):
    team = team_store.current_team(store)
    return next(m for m in team_store.members(store, team.id) if m.role is Role.TEAM_LEADER)


def member_of(store):
    team = team_store.current_team(store)
    return next(m for m in team_store.members(store, team.id) if m.role is Role.MEMBER)


def test_every_receipt_is_signed_and_genuine(demo_store):
    rows = demo_store.query(
        "SELECT r.qr_payload, v.id IS NOT NULL FROM receipts r LEFT JOIN receipt_voids v ON v.receipt_id = r.id"
    )
    assert rows and all(r[0] and r[0].startswith("BL1:") for r in rows)
    assert any(voided for _p, voided in rows), "the demo voids a receipt now and then"
    for payload, voided in rows[:20] + [r for r in rows if r[1]]:
        result = service.verify(demo_store, payload)
        assert result.verdict is (Verdict.VOID if voided else Verdict.GENUINE), result
        assert result.receipt is not None and result.confirmation


def test_one_device_key_in_the_store_not_in_files(demo_store, demo_dir):
    keys = demo_store.query("SELECT key_id, public_key FROM devices WHERE id = ?", (demo_store.device_id,))
    assert len(keys) == 1 and keys[0][0] and keys[0][1]
    private = receipt_store.signing_key_hex(demo_store._conn)
    for path in demo_dir.root.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".log", ".db"):
            assert private.encode() not in path.read_bytes()


def test_verdicts(demo_store):
    record = first_receipt(demo_store)
    text = record.qr_payload
    assert service.verify(demo_store, "HC1:NCFOXN%TS3DH").verdict is Verdict.NOT_RECEIPT
    assert service.verify(demo_store, text[:40]).verdict is Verdict.DAMAGED
    # the last characters are the signature's: a change there keeps the shape and breaks the signature
    last = text[-2]
    forged = text[:-2] + ("A" if last != "A" else "B") + text[-1]
    assert service.verify(demo_store, forged).verdict in (Verdict.FORGED, Verdict.DAMAGED)


def test_a_forged_amount_is_forged(demo_store):
    from dataclasses import replace

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from fieldapp.domain.receipt_code import decode, encode

    record = first_receipt(demo_store)
    claim = decode(record.qr_payload).claim
    # someone re-signs a bigger amount with their own key but keeps our key id
    fake = encode(replace(claim, amount=claim.amount * 10), Ed25519PrivateKey.generate().sign)
    assert service.verify(demo_store, fake).verdict is Verdict.FORGED


def test_unknown_and_revoked_device(demo_store):
    from dataclasses import replace

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from fieldapp.domain.receipt_code import decode, encode, key_id
    from fieldapp.storage.signing_key import public_bytes as _public_bytes

    record = first_receipt(demo_store)
    claim = decode(record.qr_payload).claim
    other = Ed25519PrivateKey.generate()
    stranger = encode(replace(claim, key_id=key_id(_public_bytes(other))), other.sign)
    assert service.verify(demo_store, stranger).verdict is Verdict.UNKNOWN_DEVICE
    with demo_store.transaction() as conn:
        receipt_store.revoke_device(conn, demo_store.device_id, "2026-07-16T00:00:00Z")
    # dated before the revocation but never sent: nothing tells it from a receipt a thief back-dated
    assert service.verify(demo_store, record.qr_payload).verdict is Verdict.REVOKED_UNCONFIRMED
    with demo_store.transaction() as conn:  # the server took it (before the revocation: it refuses after)
        conn.execute("UPDATE outbox SET state = 'accepted' WHERE entity = 'receipts' AND entity_id = ?", (record.id,))
    assert service.verify(demo_store, record.qr_payload).verdict is Verdict.GENUINE
    with demo_store.transaction() as conn:  # revoked before the receipt's day
        conn.execute("UPDATE devices SET revoked_at = '2026-01-01T00:00:00Z' WHERE id = ?", (demo_store.device_id,))
    assert service.verify(demo_store, record.qr_payload).verdict is Verdict.REVOKED


def test_void_needs_leader_and_reason_and_is_final(demo_store):
    record = first_receipt(demo_store)
    leader, member = leader_of(demo_store), member_of(demo_store)
    actor = Actor(member.id, demo_store.device_id)
    with pytest.raises(InputRefused) as err:
        service.void(demo_store, actor, record.id, "khách đổi ý", member)
    assert err.value.code == "receipt.void_needs_leader"
    with pytest.raises(InputRefused) as err:
        service.void(demo_store, actor, record.id, "   ", leader)
    assert err.value.code == "receipt.void_reason_needed"
    with pytest.raises(InputRefused):
        service.void(demo_store, actor, "no-such-id", "x", leader)
    made = service.void(demo_store, actor, record.id, "Ghi sai số tiền", leader)
    with pytest.raises(InputRefused) as err:
        service.void(demo_store, actor, record.id, "again", leader)
    assert err.value.code == "receipt.already_void"
    assert service.verify(demo_store, record.qr_payload).verdict is Verdict.VOID
    (voided,) = receipt_store.records(demo_store, [record.id])
    assert voided.void_reason == "Ghi sai số tiền"
    audit = demo_store.query(
        "SELECT member_id, detail FROM audit_log WHERE action = 'void' AND entity_id = ?", (record.id,)
    )
    assert len(audit) == 1 and leader.id in audit[0][1]
    ops = demo_store.query("SELECT entity FROM outbox WHERE entity_id = ?", (made.id,))
    assert ops == [("receipt_voids",)]


def test_prints_are_logged_and_reprints_are_copies(demo_store, tmp_path):
    record = first_receipt(demo_store)
    actor = Actor(None, demo_store.device_id)
    assert not service.printed_before(demo_store, record.id)
    (item,) = service.printable(demo_store, [record.id])
    assert item.copy is False
    service.save_pdf(demo_store, actor, [record.id], tmp_path / "a.pdf")
    (item,) = service.printable(demo_store, [record.id])
    assert item.copy is True
    service.save_pdf(demo_store, actor, [record.id], tmp_path / "b.pdf")
    actions = [
        r[0]
        for r in demo_store.query(
            "SELECT action FROM audit_log WHERE entity_id = ? AND action IN ('print', 'reprint') ORDER BY seq",
            (record.id,),
        )
    ]
    assert actions == [AuditAction.PRINT, AuditAction.REPRINT]


def test_save_pdf_refuses_unknown_and_bad_layout(demo_store, tmp_path):
    actor = Actor(None, demo_store.device_id)
    with pytest.raises(InputRefused):
        service.save_pdf(demo_store, actor, ["nope"], tmp_path / "x.pdf")
    record = first_receipt(demo_store)
    with pytest.raises(InputRefused):
        service.save_pdf(demo_store, actor, [record.id], tmp_path / "x.pdf", "a3")
    assert not (tmp_path / "x.pdf").exists()


def test_numbers_never_repeat_in_a_series(demo_store):
    dupes = demo_store.query(
        "SELECT series, number, count(*) FROM receipts GROUP BY series, number HAVING count(*) > 1"
    )
    assert dupes == []
    for series, last in demo_store.query("SELECT series, last_number FROM receipt_series"):
        (top,) = demo_store.query_one("SELECT max(number) FROM receipts WHERE series = ?", (series,))
        assert top == last


def test_find_by_label(demo_store):
    record = first_receipt(demo_store)
    label = f"{record.series}/{record.number:07d}"
    assert receipt_store.find_label(demo_store, label).id == record.id
    assert receipt_store.find_label(demo_store, f" {record.series.lower()} {record.number} ").id == record.id
    for bad in ("", "BI", "BI-1-2026/", "x/1", "BI-330101-2026/0000000000001"):
        assert receipt_store.find_label(demo_store, bad) is None
