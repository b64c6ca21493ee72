"""Receipts bind series to signer (issue 13, point 4): a receipt's series names the device that may sign it
(`BI-{agent}.{device number}-{year}`), voids reach every laptop of the province, and a revoked laptop's
receipts are trusted only as far as the server saw them before the revocation.

The attacker signs with its own enrolled key, in another laptop's series, for any amount; the verdicts are
read on other laptops (real stores, synced). Every test here failed before the fix, but the one marked
otherwise."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from fieldapp.demo import DemoOptions, load_demo
from fieldapp.domain import models as m
from fieldapp.domain.enums import EnrolmentKind
from fieldapp.domain.formats import local_day
from fieldapp.domain.ids import new_id
from fieldapp.domain.receipt_code import Verdict
from fieldapp.server import admin
from fieldapp.services import receipts as receipt_service
from fieldapp.services.enrolment import receipt_series
from fieldapp.storage import receipts as receipt_store
from fieldapp.storage.records import spec_for
from tests.reports.helpers import enrol_hi, team_and_people
from tests.security.rogue import Rogue, public_hex
from tests.server.conftest import create


def _verdict(laptop, qr: str) -> Verdict:
    return receipt_service.verify(laptop.store, qr).verdict


def _clean(result) -> None:
    assert (result.rejected, result.parked, result.mismatched) == (0, 0, {}), result


# --- the series names its signer ------------------------------------------------------------------


def test_a_receipt_in_another_laptops_series_is_refused_and_verifies_as_forged(world, laptops):
    team = world.team()
    a, b = Rogue.enrolled(world, team), Rogue.enrolled(world, team)
    in_b_series, qr = a.receipt(b.series(), 1, amount=50_000_000)  # signed by A, in B's series
    (result,) = a.results([create(in_b_series)])
    assert (result["status"], result["reason"]) == ("rejected", "forged")
    # A's own series but the QR another key signed (B's genuine QR copied onto A's record)
    _b_record, b_qr = b.receipt(b.series(), 7)
    (result,) = a.results([create(_with_qr(a.receipt(a.series(), 1)[0], b_qr))])
    assert (result["status"], result["reason"]) == ("rejected", "forged")
    # the amount of the record is not the signed one
    own, own_qr = a.receipt(a.series(), 2, amount=500_000)
    (result,) = a.results([create(_with_amount(own, 5_000_000))])
    assert (result["status"], result["reason"]) == ("rejected", "forged")
    (result,) = a.results([create(own)])  # a genuine receipt in A's own series is taken
    assert result["status"] == "accepted", result

    third = laptops(world, "c", world.team(province=a.province))  # another team: it holds none of these
    _clean(third.sync())
    assert _verdict(third, qr) is Verdict.FORGED
    assert _verdict(third, own_qr) is Verdict.GENUINE
    assert _verdict(third, b_qr) is Verdict.GENUINE


def test_a_series_naming_a_device_this_laptop_does_not_know_is_not_genuine(world, laptops):
    team = world.team()
    a = Rogue.enrolled(world, team)
    third = laptops(world, "c", team)
    _clean(third.sync())
    _record, qr = a.receipt(a.series(number=999_999), 1)
    assert _verdict(third, qr) is Verdict.UNKNOWN_DEVICE


def test_an_old_form_series_is_unconfirmed_where_the_laptop_does_not_hold_the_receipt(world, laptops):
    """A series without a device part (receipts numbered before enrolment) names no signer: a QR in one
    is genuine where the laptop holds that receipt (tests/sync/test_receipt_series.py), `unconfirmed`
    elsewhere. The server takes such a receipt from the device whose key signed its QR only."""
    team = world.team()
    a, b = Rogue.enrolled(world, team), Rogue.enrolled(world, team)
    record, qr = a.receipt("BI-DV01-2026", 1)
    (result,) = b.results([create(record)])  # B pushing A's receipt
    assert (result["status"], result["reason"]) == ("rejected", "forged")
    assert a.results([create(record)])[0]["status"] == "accepted"
    third = laptops(world, "c", world.team(province=a.province))
    _clean(third.sync())
    assert _verdict(third, qr) is Verdict.UNCONFIRMED


def _with_qr(record: m.Receipt, qr: str) -> m.Receipt:
    return replace(record, qr_payload=qr)


def _with_amount(record: m.Receipt, amount: int) -> m.Receipt:
    return replace(record, amount=amount)


@given(
    kind=st.sampled_from(list(EnrolmentKind)),
    agent=st.from_regex(r"[A-Z0-9]{1,12}", fullmatch=True),
    device=st.one_of(st.none(), st.integers(1, 999_999)),
    prefix=st.one_of(st.just(""), st.from_regex(r"[A-Z0-9]{1,8}", fullmatch=True)),
    year=st.integers(2000, 2100),
)
def test_the_device_number_is_read_back_from_every_series(kind, agent, device, prefix, year):
    from fieldapp.domain.receipt_code import series_device

    assert series_device(receipt_series(kind, agent, year, device=device, prefix=prefix)) == device


_KEY = Ed25519PrivateKey.generate()
_OTHER = Ed25519PrivateKey.generate()


@given(
    own=st.integers(1, 50),
    named=st.one_of(st.none(), st.integers(1, 50)),
    agent=st.from_regex(r"[A-Z0-9]{1,12}", fullmatch=True),
    prefix=st.one_of(st.just(""), st.from_regex(r"[A-Z0-9]{1,8}", fullmatch=True)),
    other_key=st.booleans(),
    amount=st.integers(1, 10**9),
)
def test_the_server_takes_a_receipt_only_in_the_pushers_series_and_signed_by_it(
    own, named, agent, prefix, other_key, amount
):
    from fieldapp.server.receipts_check import refusal

    device = SimpleNamespace(public_key=public_hex(_KEY), number=own)
    series = receipt_series(EnrolmentKind.HOUSEHOLD_HI, agent, 2026, device=named, prefix=prefix)
    signer = Rogue(None, key=_OTHER if other_key else _KEY)
    signer.number = named
    record, _qr = signer.receipt(series, 3, amount=amount)
    fields = spec_for(record).encode(record)  # as the server holds it once decoded
    expected = None if (named in (None, own) and not other_key) else "forged"
    assert refusal(device, fields) == expected


# --- voids reach the province ------------------------------------------------------------------


def _demo(laptop, days_ago: int = 5, persons: int = 12, seed: int = 1) -> None:
    end = local_day(datetime.now(UTC)) - timedelta(days=days_ago)
    load_demo(laptop.store, DemoOptions(persons=persons, days=1, seed=seed, end_date=end))


def test_a_void_by_team_1_is_void_on_every_laptop_of_the_province(world, laptops):
    first = world.team()
    province = first["province_code"]
    one = laptops(world, "one", first)
    _demo(one)
    _team, leader, collector = team_and_people(one.store)
    receipt = enrol_hi(one.store, collector, _team, datetime.now(UTC) - timedelta(hours=2)).receipt
    _clean(one.sync())
    two = laptops(world, "two", world.team(province=province))
    office = laptops(world, "office", province=province)  # a province device
    for laptop in (two, office):
        _clean(laptop.sync())
        assert _verdict(laptop, receipt.qr_payload) is Verdict.GENUINE
    receipt_service.void(one.store, one.actor(), receipt.id, "Ghi sai số tiền", leader)
    _clean(one.sync())
    for laptop in (two, office):
        _clean(laptop.sync())  # the void does not wait for a receipt this laptop will never have
        assert _verdict(laptop, receipt.qr_payload) is Verdict.VOID
    assert _verdict(one, receipt.qr_payload) is Verdict.VOID


def test_another_team_cannot_void_my_receipt(world, laptops):
    first = world.team()
    a = Rogue.enrolled(world, first)
    record, qr = a.receipt(a.series(), 1)
    assert a.results([create(record)])[0]["status"] == "accepted"
    other = Rogue.enrolled(world, world.team(province=a.province))
    void = m.ReceiptVoid(new_id(), record.id, "phá", new_id(), datetime.now(UTC))
    other.results([create(void)])  # whatever the server answers, it is no void of A's receipt
    third = laptops(world, "c", world.team(province=a.province))
    _clean(third.sync())
    assert _verdict(third, qr) is Verdict.GENUINE
    mine = m.ReceiptVoid(new_id(), record.id, "ghi sai", a.leader, datetime.now(UTC))  # by the team's leader
    assert a.results([create(mine)])[0]["status"] == "accepted"
    _clean(third.sync())
    assert _verdict(third, qr) is Verdict.VOID


# --- revocation ----------------------------------------------------------------------------------


def test_receipts_of_a_revoked_laptop(world, laptops):
    """The office revokes a stolen laptop. Its receipts that reached the server before stay genuine where
    they were pulled; a receipt dated after the revocation is `revoked`; one back-dated by the thief, which
    the server never had, is `revoked_unconfirmed` (check with the office)."""
    team = world.team()
    stolen = laptops(world, "stolen", team)
    _demo(stolen, days_ago=6)
    _team, _leader, collector = team_and_people(stolen.store)
    now = datetime.now(UTC)
    sent = enrol_hi(stolen.store, collector, _team, now - timedelta(days=3)).receipt
    _clean(stolen.sync())
    colleague = laptops(world, "colleague", team)
    other_team = laptops(world, "other", world.team(province=team["province_code"]))
    store = world.store()
    try:
        admin.revoke(store, stolen.device_id)
    finally:
        store.close()
    for laptop in (colleague, other_team):
        _clean(laptop.sync())
    back_dated = enrol_hi(stolen.store, collector, _team, now - timedelta(days=2)).receipt
    after = enrol_hi(stolen.store, collector, _team, now + timedelta(days=2)).receipt
    with stolen.store.reading() as conn:
        assert receipt_store.device_number(conn) is not None
    assert _verdict(colleague, sent.qr_payload) is Verdict.GENUINE  # pulled: the server had it before
    assert _verdict(colleague, back_dated.qr_payload) is Verdict.REVOKED_UNCONFIRMED
    assert _verdict(colleague, after.qr_payload) is Verdict.REVOKED  # (said `revoked` before the fix too)
    # a laptop that never held the receipt cannot tell a genuine one from a back-dated one
    assert _verdict(other_team, sent.qr_payload) is Verdict.REVOKED_UNCONFIRMED
    assert _verdict(other_team, after.qr_payload) is Verdict.REVOKED
