"""Receipt books on one laptop (issue 17, item 4): receipts in the form's series `{product}-{agent}-{year}`,
numbered only inside the books the server gave this laptop; a used-up book refuses, offline, rather than
clash; and a receipt's number names its signer: a laptop signing in another's book is forged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from fieldapp.domain import receipt_code
from fieldapp.domain.enums import SupportGroup
from fieldapp.domain.premiums import default_rules
from fieldapp.domain.receipt_books import FIRST_NUMBER
from fieldapp.domain.receipt_code import Verdict
from fieldapp.errors import InputRefused
from fieldapp.services import enrolment
from fieldapp.services import receipts as service
from fieldapp.storage import people
from fieldapp.storage import receipt_books as book_store
from fieldapp.storage.sync_devices import replace_devices
from fieldapp.storage.writer import Actor, writing
from tests.reports.helpers import team_and_people

OWN = (FIRST_NUMBER + 500, FIRST_NUMBER + 502)  # a book of three, to use it up
OTHER = (FIRST_NUMBER, FIRST_NUMBER + 499)
AT = datetime(2026, 5, 4, 3, tzinfo=UTC)


def _public(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def _enrol(store):
    team, _leader, member = team_and_people(store)
    (row,) = store.query("SELECT id FROM persons WHERE target_group = 'farmer' AND household_order = 1 LIMIT 1")
    with writing(store, Actor(member.id, store.device_id), clock=lambda: AT) as w:
        return enrolment.enrol_vsi(
            w, default_rules(), team_id=team.id, collector=member, person=people.get(store, row[0]),
            income=2_000_000, months=3, group=SupportGroup.OTHER, province="33",
        )  # fmt: skip


def _own_key_hex(store) -> str:
    (public,) = store.query_one("SELECT public_key FROM devices WHERE id = ?", (store.device_id,))
    return public


@pytest.fixture
def booked(demo_store):
    """The demo laptop as the server lists it with one book, and another laptop of the province with its own."""
    other = Ed25519PrivateKey.generate()
    replace_devices(
        demo_store,
        [
            {
                "id": demo_store.device_id,
                "key_id": None,
                "public_key": None,
                "revoked_at": None,
                "number": 7,
                "blocks": [list(OWN)],
            },
            {
                "id": "other-laptop",
                "key_id": receipt_code.key_id(bytes.fromhex(_public(other))).hex(),
                "public_key": _public(other),
                "revoked_at": None,
                "number": 8,
                "blocks": [list(OTHER)],
            },
        ],
        demo_store.device_id,
    )
    return demo_store, other


def test_receipts_are_in_the_forms_series_numbered_from_the_book(booked):
    store, _other = booked
    _team, _leader, member = team_and_people(store)
    done = [_enrol(store).receipt for _ in range(3)]
    assert [r.number for r in done] == [OWN[0], OWN[0] + 1, OWN[0] + 2]
    assert {r.series for r in done} == {f"IS-{member.code}-2026"}  # {product}-{agent code}-{year}, as forms.md
    for r in done:
        assert service.verify(store, r.qr_payload).verdict is Verdict.GENUINE


def test_a_used_up_book_refuses_offline_and_writes_nothing(booked):
    store, _other = booked
    for _ in range(3):
        _enrol(store)
    before = store.query_one("SELECT count(*) FROM receipts")[0]
    with pytest.raises(InputRefused) as refused:
        _enrol(store)
    assert refused.value.code == "receipt.book_used_up" and refused.value.params["last"] == OWN[1]
    assert store.query_one("SELECT count(*) FROM receipts")[0] == before
    with store.reading() as conn:
        assert book_store.peek(conn, store.device_id) == OWN[1] + 1  # what it tells the server: used up
        book_store.put_own(conn, store.device_id, [(OWN[1] + 1000, OWN[1] + 1499)])  # the next book, on sync
    assert _enrol(store).receipt.number == OWN[1] + 1000


def test_a_counter_behind_never_gives_a_number_twice(booked):
    store, _other = booked
    first = _enrol(store).receipt
    with store.transaction() as conn:  # a store restored from an older copy
        conn.execute("DELETE FROM meta WHERE key = 'receipt_book_last'")
    assert _enrol(store).receipt.number == first.number + 1


def _signed(store, key, number: int, series: str = "BI-330103-2026") -> str:
    from dataclasses import replace

    original = receipt_code.decode(
        store.query_one("SELECT qr_payload FROM receipts WHERE qr_payload IS NOT NULL LIMIT 1")[0]
    ).claim
    public = bytes.fromhex(_public(key))
    claim = replace(original, key_id=receipt_code.key_id(public), series=series, number=number, amount=9_999_000)
    return receipt_code.encode(claim, key.sign)


def test_another_enrolled_laptop_signing_in_this_laptops_book_is_forged(booked):
    store, other = booked
    assert service.verify(store, _signed(store, other, OWN[0] + 1)).verdict is Verdict.FORGED
    assert service.verify(store, _signed(store, other, OTHER[0] + 3)).verdict is Verdict.GENUINE  # its own book


def test_this_laptop_signing_in_anothers_book_is_forged_everywhere(booked):
    store, _other = booked
    with writing(store, Actor(None, store.device_id)) as w:
        own_key = service.device_key(w)
    assert _public(own_key) == _own_key_hex(store)
    assert service.verify(store, _signed(store, own_key, OTHER[0] + 3)).verdict is Verdict.FORGED


def test_a_number_in_no_known_book_names_an_unknown_device_and_old_numbers_no_signer(booked):
    store, other = booked
    assert service.verify(store, _signed(store, other, OWN[1] + 10_000)).verdict is Verdict.UNKNOWN_DEVICE
    # numbered before enrolment (below every book): it names no signer, as before books
    assert service.verify(store, _signed(store, other, 42)).verdict is Verdict.UNCONFIRMED


def test_older_device_series_still_bind_to_their_device(booked):
    store, other = booked
    assert service.verify(store, _signed(store, other, 5, "BI-330103.8-2026")).verdict is Verdict.GENUINE
    assert service.verify(store, _signed(store, other, 5, "BI-330103.7-2026")).verdict is Verdict.FORGED


def test_a_laptop_enrolled_before_books_numbers_in_its_devices_series_until_one_comes(demo_store):
    from fieldapp.storage.receipts import set_device_number

    with demo_store.transaction() as conn:
        set_device_number(conn, 3)
    _team, _leader, member = team_and_people(demo_store)
    r = _enrol(demo_store).receipt
    assert r.series == f"IS-{member.code}.3-2026" and r.number < FIRST_NUMBER


def test_a_laptop_not_enrolled_numbers_below_every_book(demo_store):
    _team, _leader, member = team_and_people(demo_store)
    r = _enrol(demo_store).receipt
    assert r.series == f"IS-{member.code}-2026" and r.number < FIRST_NUMBER
    with demo_store.transaction() as conn:
        conn.execute("UPDATE receipt_series SET last_number = ? WHERE series = ?", (FIRST_NUMBER - 1, r.series))
    with pytest.raises(InputRefused) as refused:
        _enrol(demo_store)
    assert refused.value.code == "receipt.book_needed"
