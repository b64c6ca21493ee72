"""Receipt books (issue 17, item 4), attacked: the form's series `{product}-{agent}-{year}` is the same on
every laptop of a collector, so the number alone names the signer. A laptop signing in another's book, or in
a book nobody was given, is refused by the server and verifies as forged (or an unknown device) on every
other laptop; books given at once never overlap; a book is given only to the device asking, when it has
used most of its own. Written from docs/sync-api.md ("Receipts") with the hostile client of rogue.py."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from types import SimpleNamespace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from fieldapp.domain.receipt_books import BOOK_SIZE, FIRST_NUMBER, LOW_WATER
from fieldapp.domain.receipt_code import Verdict
from fieldapp.server import admin
from fieldapp.services import receipts as receipt_service
from fieldapp.storage.records import spec_for
from tests.security.rogue import Rogue, public_hex
from tests.server.conftest import create

SERIES = "BI-DV01-2026"  # the form's series: the same on every laptop of collector DV01


def _verdict(laptop, qr: str) -> Verdict:
    return receipt_service.verify(laptop.store, qr).verdict


def _overlap(books: list[list[int]]) -> bool:
    spans = sorted(books)
    return any(a[1] >= b[0] for a, b in pairwise(spans))


def test_a_rogue_laptop_signing_in_anothers_book_is_refused_and_forged_everywhere(world, laptops):
    team = world.team()
    a, b = Rogue.enrolled(world, team), Rogue.enrolled(world, team)
    assert a.blocks and b.blocks and not _overlap(a.blocks + b.blocks)
    assert all(last - first + 1 == BOOK_SIZE and first >= FIRST_NUMBER for first, last in a.blocks + b.blocks)
    in_b, qr = a.receipt(SERIES, b.blocks[0][0] + 1, amount=50_000_000)  # A signs in B's book
    (result,) = a.results([create(in_b)])
    assert (result["status"], result["reason"]) == ("rejected", "forged")
    nobodys, nobody_qr = a.receipt(SERIES, b.blocks[-1][1] + 10 * BOOK_SIZE)  # a book nobody was given
    assert a.results([create(nobodys)])[0]["reason"] == "forged"
    own, own_qr = a.receipt(SERIES, a.blocks[0][0])
    assert a.results([create(own)])[0]["status"] == "accepted"
    _b_own, b_qr = b.receipt(SERIES, b.blocks[0][0])  # B's genuine receipt, in the same series as A's

    third = laptops(world, "c", world.team(province=a.province))  # another team: it holds none of these
    r = third.sync()
    assert (r.rejected, r.parked, r.mismatched) == (0, 0, {}), r
    assert _verdict(third, qr) is Verdict.FORGED
    assert _verdict(third, nobody_qr) is Verdict.UNKNOWN_DEVICE
    assert _verdict(third, own_qr) is Verdict.GENUINE
    assert _verdict(third, b_qr) is Verdict.GENUINE


def test_books_given_at_once_never_overlap(world):
    team = world.team()
    first = Rogue.enrolled(world, team)  # makes the team's leader
    with ThreadPoolExecutor(5) as pool:  # five laptops of the team enrolling at once
        rogues = [first, *pool.map(lambda _i: Rogue.enrolled(world, team), range(5))]
    books = [tuple(b) for r in rogues for b in r.blocks]
    assert len(books) == 6 and not _overlap([list(b) for b in books])

    def used_up(rogue):  # each says it used its book up, all at once: each gets one more, all apart
        r = rogue.http.post("/v1/receipt-blocks", json={"next": rogue.blocks[-1][1] + 1})
        assert r.status_code == 200, r.text
        return r.json()["blocks"]

    with ThreadPoolExecutor(6) as pool:
        after = list(pool.map(used_up, rogues))
    assert all(len(held) == 2 for held in after)
    assert not _overlap([b for held in after for b in held])


def test_a_book_is_given_only_when_most_of_one_is_used_and_never_to_a_revoked_laptop(world):
    a = Rogue.enrolled(world, world.team())
    (first, last) = a.blocks[0]
    asked = a.http.post("/v1/receipt-blocks", json={"next": last + 1 - LOW_WATER})
    assert asked.json()["blocks"] == [[first, last]]  # LOW_WATER numbers left: enough
    asked = a.http.post("/v1/receipt-blocks", json={"next": last + 2 - LOW_WATER})
    assert len(asked.json()["blocks"]) == 2  # fewer: the next book
    assert a.http.post("/v1/receipt-blocks", json={"next": "x"}).status_code == 422
    store = world.store()
    try:
        admin.revoke(store, a.device_id)
    finally:
        store.close()
    assert a.http.post("/v1/receipt-blocks", json={"next": None}).status_code == 403


def test_the_devices_list_names_every_devices_books(world):
    a = Rogue.enrolled(world, world.team())
    listed = {d["id"]: d for d in a.http.get("/v1/devices").json()["devices"]}
    assert listed[a.device_id]["blocks"] == a.blocks


_KEY = Ed25519PrivateKey.generate()


@given(
    first=st.integers(FIRST_NUMBER, 10**8),
    offset=st.integers(-2 * BOOK_SIZE, 3 * BOOK_SIZE),
    below=st.integers(1, FIRST_NUMBER - 1),
)
def test_the_server_takes_a_book_number_only_from_the_books_holder(first, offset, below):
    from fieldapp.server.receipts_check import refusal

    book = (first, first + BOOK_SIZE - 1)
    device = SimpleNamespace(public_key=public_hex(_KEY), number=4, blocks=(book,))
    signer = Rogue(None, key=_KEY)
    number = first + offset
    record, _qr = signer.receipt(SERIES, number)
    inside = book[0] <= number <= book[1] or number < FIRST_NUMBER  # below every book: numbered before enrolment
    assert refusal(device, spec_for(record).encode(record)) == (None if inside else "forged")
    old, _qr = signer.receipt(SERIES, below)  # numbered before enrolment: no book, no signer named
    assert refusal(device, spec_for(old).encode(old)) is None
