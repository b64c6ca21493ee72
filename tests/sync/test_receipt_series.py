"""One collector, two laptops of the team (morning on A, afternoon on B, or both offline): every receipt
reaches both laptops and the server, no two share a series and number, every QR verifies on both.

Each enrolled laptop's series carries the device number the server gave it (`BI-DV01.3-2026`). Receipts
numbered before that (the old form, on two laptops: same series and number) are never dropped by a pull:
the pulled one is kept aside and listed for the team leader, and the counts still agree with the server."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fieldapp.domain.enums import EnrolmentKind
from fieldapp.domain.receipt_code import Verdict
from fieldapp.i18n import t
from fieldapp.server import admin
from fieldapp.server import schema as s
from fieldapp.services import receipts as receipt_service
from fieldapp.services.enrolment import receipt_series
from fieldapp.settings import RECEIPT_PREFIX, Settings
from fieldapp.storage import clashes
from fieldapp.storage import receipts as receipt_store
from fieldapp.storage import team as team_store
from fieldapp.storage.receipts import LABEL
from tests.conftest import DEMO_END, cli_env
from tests.reports.helpers import at, enrol_hi, team_and_people
from tests.sync.conftest import add_demo, fieldapp, two_of_one_team

DAY = DEMO_END + timedelta(days=2)


@pytest.fixture
def team_of_two(server, laptops):
    a, b = two_of_one_team(server, laptops)
    add_demo(a, persons=40, days=1, seed=1)
    add_demo(b, persons=40, days=1, seed=2)
    for laptop in (a, b, a):
        laptop.sync()
    return server, a, b


def _issue(laptop, collector_id, hour, n=1):
    collector = team_store.member(laptop.store, collector_id)
    team = team_store.current_team(laptop.store)
    return [enrol_hi(laptop.store, collector, team, at(DAY, hour)).receipt for _ in range(n)]


def _collector_receipts(laptop, collector_id):
    return sorted(
        laptop.store.query(
            "SELECT id, series, number, qr_payload FROM receipts WHERE member_id = ? AND day = ?",
            (collector_id, DAY.isoformat()),
        )
    )


def _server_receipts(server, collector_id):
    held = admin.open_store(server.database_url)
    try:
        with held.engine.connect() as conn:
            rows = conn.execute(sa.select(s.records.c.data).where(s.records.c.entity == "receipts")).all()
        recs = [json.loads(r[0]) for r in rows]
    finally:
        held.close()
    return sorted(
        (r["id"], r["series"], r["number"])
        for r in recs
        if r["member_id"] == collector_id and r["day"] == DAY.isoformat()
    )


def _all_clean(*laptops):
    for laptop in laptops:
        r = laptop.sync()
        assert (r.rejected, r.conflicts, r.pending, r.mismatched) == (0, 0, 0, {}), r


def _check_everywhere(server, collector_id, a, b, expected):
    on_a, on_b = _collector_receipts(a, collector_id), _collector_receipts(b, collector_id)
    assert on_a == on_b
    assert len(on_a) == expected
    assert len({(series, number) for _id, series, number, _qr in on_a}) == expected  # none twice
    assert [(i, s, n) for i, s, n, _qr in on_a] == _server_receipts(server, collector_id)
    for laptop in (a, b):
        for _id, series, number, qr in on_a:
            v = receipt_service.verify(laptop.store, qr)
            assert v.verdict is Verdict.GENUINE, (series, number, v)
            assert v.receipt is not None and (v.receipt.series, v.receipt.number) == (series, number)
            assert LABEL.match(v.receipt.label)


def test_enrolled_laptops_have_distinct_device_numbers_in_their_series(team_of_two):
    _server, a, b = team_of_two
    numbers = {_device(x) for x in (a, b)}
    assert None not in numbers and len(numbers) == 2
    _team, _leader, collector = team_and_people(a.store)
    series = f"BI-{collector.code}.{_device(a)}-{DAY.year}"
    before = a.store.query_one("SELECT coalesce(max(number), 0) FROM receipts WHERE series = ?", (series,))[0]
    (ra,) = _issue(a, collector.id, 2)
    assert ra.series == series and ra.number == before + 1


def test_one_collector_morning_on_a_afternoon_on_b(team_of_two):
    server, a, b = team_of_two
    _team, _leader, collector = team_and_people(a.store)
    _issue(a, collector.id, 1, n=2)
    _all_clean(a)
    _issue(b, collector.id, 7, n=3)  # B numbers its own series from 1: no IntegrityError, no clash
    _all_clean(b, a, b)
    _check_everywhere(server, collector.id, a, b, 5)


def test_one_collector_on_both_laptops_offline_then_sync(team_of_two):
    server, a, b = team_of_two
    _team, _leader, collector = team_and_people(a.store)
    _issue(a, collector.id, 2, n=3)
    _issue(b, collector.id, 2, n=4)  # both offline: neither knows of the other's receipts
    _all_clean(a, b, a)
    _check_everywhere(server, collector.id, a, b, 7)
    for laptop in (a, b):
        assert clashes.unique_clashes(laptop.store) == []


def test_the_province_prefix_goes_in_front_and_the_qr_still_verifies(team_of_two):
    server, a, b = team_of_two
    Settings(a.data_dir.settings).set(RECEIPT_PREFIX, "HY")
    _team, _leader, collector = team_and_people(a.store)
    (r,) = _issue(a, collector.id, 3)
    assert r.series == f"HY-BI-{collector.code}.{_device(a)}-{DAY.year}"
    found = receipt_store.find_label(a.store, f"{r.series}/{r.number:07d}")
    assert found is not None and found.id == r.id
    _issue(b, collector.id, 4)
    _all_clean(a, b, a)
    _check_everywhere(server, collector.id, a, b, 2)
    claim = receipt_service.verify(b.store, r.qr_payload).claim
    assert claim.product == "BI" and claim.series == r.series


def _device(laptop) -> int:
    with laptop.store.reading() as conn:
        return receipt_store.device_number(conn)


def _forget_device_numbers(*laptops):
    """Laptops as before this fix: series in the old form, numbered per laptop."""
    for laptop in laptops:
        with laptop.store.transaction() as conn:
            conn.execute("DELETE FROM meta WHERE key = 'receipt_device_number'")


def test_old_form_receipts_numbered_alike_on_two_laptops_are_all_kept(team_of_two):
    server, a, b = team_of_two
    _team, _leader, collector = team_and_people(a.store)
    _forget_device_numbers(a, b)
    (ra,) = _issue(a, collector.id, 2)
    (rb,) = _issue(b, collector.id, 2)
    assert (ra.series, ra.number) == (rb.series, rb.number) == (f"BI-{collector.code}-{DAY.year}", 1)
    for laptop in (a, b, a, b):
        r = laptop.sync()
        assert (r.rejected, r.conflicts, r.pending, r.mismatched) == (0, 0, 0, {}), r
    assert [x[0] for x in _server_receipts(server, collector.id)] == sorted([ra.id, rb.id])  # the server has both
    for laptop, mine, theirs in ((a, ra, rb), (b, rb, ra)):
        here = _collector_receipts(laptop, collector.id)
        assert [x[0] for x in here] == [mine.id]  # its own stays where it was
        (clash,) = clashes.unique_clashes(laptop.store)  # the other's is kept aside, not dropped
        assert (clash.entity, clash.entity_id, clash.local_id) == ("receipts", theirs.id, mine.id)
        assert clash.columns == ("series", "number") and clash.record["qr_payload"] == theirs.qr_payload
        label = f"{theirs.series}/{theirs.number:07d}"
        assert label in t("sync.receipt_clash", lang="vi", label=label)
        assert "Cả hai đều được giữ" in t("sync.receipt_clash", lang="vi", label=label)
        assert "Both are kept" in t("sync.receipt_clash", lang="en", label=label)
    # a sync told each laptop its device number (the server's devices list): the next receipts are in
    # their own series, the old clash stays where it is and nothing more joins it
    (next_a,) = _issue(a, collector.id, 5)
    (next_b,) = _issue(b, collector.id, 5)
    assert next_a.series == f"BI-{collector.code}.{_device(a)}-{DAY.year}" != next_b.series
    _all_clean(a, b, a)
    for laptop in (a, b):
        assert len(clashes.unique_clashes(laptop.store)) == 1
        assert {next_a.id, next_b.id} <= {x[0] for x in _collector_receipts(laptop, collector.id)}
    # the team leader sees it after every sync, in Vietnamese by default and in English
    b.close()
    label = f"{ra.series}/{ra.number:07d}"
    for lang, words in (("vi", "Cả hai đều được giữ"), ("en", "Both are kept")):
        done = fieldapp("--lang", lang, "sync", env=cli_env(b.data_dir.root))
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        assert label in done.stdout and words in done.stdout, done.stdout


def test_pulled_receipts_raise_the_counter_of_their_series(team_of_two):
    server, a, b = team_of_two
    _team, _leader, collector = team_and_people(a.store)
    _forget_device_numbers(a)
    _issue(a, collector.id, 2, n=3)  # BI-X-2026/1..3, old form, on A
    _all_clean(a, b)
    _forget_device_numbers(b)  # B issues in the old form too
    series = receipt_series(EnrolmentKind.HOUSEHOLD_HI, collector.code, DAY.year)
    (last,) = b.store.query_one("SELECT last_number FROM receipt_series WHERE series = ?", (series,))
    assert last == 3  # the pull moved B's counter on
    (rb,) = _issue(b, collector.id, 6)
    assert (rb.series, rb.number) == (series, 4)
    _all_clean(b, a)
    _check_everywhere(server, collector.id, a, b, 4)


def test_a_counter_behind_the_receipts_never_gives_a_number_twice(team_of_two):
    _server, a, _b = team_of_two
    _team, _leader, collector = team_and_people(a.store)
    first = _issue(a, collector.id, 2, n=2)
    with a.store.transaction() as conn:  # a store restored from an older copy, a hand-edited file
        conn.execute("UPDATE receipt_series SET last_number = 0")
    (r,) = _issue(a, collector.id, 3)  # next_number counts from the receipts: no refusal, no IntegrityError
    assert r.series == first[0].series and r.number == first[-1].number + 1
