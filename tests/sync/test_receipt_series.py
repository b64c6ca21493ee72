"""One collector, two laptops of the team (morning on A, afternoon on B, or both offline): every receipt
reaches both laptops and the server, no two share a series and number, every QR verifies on both.

Both laptops write the form's series (`BI-DV01-2026`) and number from the receipt books the server gave each
(issue 17, item 4). A laptop enrolled before books numbers in its device's series (`BI-DV01.3-2026`) until
its first sync brings one. Receipts numbered before enrolment (the old form, on two laptops: same series and
number) are never dropped by a pull: the pulled one is kept aside and listed for the team leader, and the
counts still agree with the server."""

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


def test_enrolled_laptops_number_the_forms_series_from_their_own_books(team_of_two):
    _server, a, b = team_of_two
    books = {x.device_id: _books(x) for x in (a, b)}
    assert all(books.values()) and not set(books[a.device_id]) & set(books[b.device_id])
    _team, _leader, collector = team_and_people(a.store)
    (ra,) = _issue(a, collector.id, 2)
    (rb,) = _issue(b, collector.id, 2)  # at once, offline: the same series, numbers of two books
    assert ra.series == rb.series == f"BI-{collector.code}-{DAY.year}"
    assert _in(ra.number, books[a.device_id]) and _in(rb.number, books[b.device_id])
    for laptop in (a, b):  # each knows the other's book: who may sign which number
        assert _in(ra.number, _books(laptop, a.device_id)) and _in(rb.number, _books(laptop, b.device_id))


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
    assert r.series == f"HY-BI-{collector.code}-{DAY.year}"
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


def _books(laptop, device_id: str | None = None) -> list[tuple[int, int]]:
    rows = laptop.store.query(
        "SELECT first, last FROM receipt_blocks WHERE device_id = ? ORDER BY first", (device_id or laptop.device_id,)
    )
    return [tuple(r) for r in rows]


def _in(number: int, books) -> bool:
    return any(first <= number <= last for first, last in books)


def _forget_books(*laptops):
    """Laptops enrolled before receipt books (numbering in their device's series) until their next sync."""
    for laptop in laptops:
        with laptop.store.transaction() as conn:
            conn.execute("DELETE FROM receipt_blocks")


def _forget_device_numbers(*laptops):
    """Laptops as before device numbers: series in the old form, numbered per laptop."""
    _forget_books(*laptops)
    for laptop in laptops:
        with laptop.store.transaction() as conn:
            conn.execute("DELETE FROM meta WHERE key = 'receipt_device_number'")


def test_a_laptop_enrolled_before_books_keeps_its_devices_series_until_a_sync_brings_one(team_of_two):
    server, a, b = team_of_two
    _team, _leader, collector = team_and_people(a.store)
    _forget_books(a)
    (old,) = _issue(a, collector.id, 2)
    assert old.series == f"BI-{collector.code}.{_device(a)}-{DAY.year}"  # still unique, still bound to A
    _all_clean(a, b)
    (new,) = _issue(a, collector.id, 3)
    assert new.series == f"BI-{collector.code}-{DAY.year}" and _in(new.number, _books(a))
    _all_clean(a, b)
    _check_everywhere(server, collector.id, a, b, 2)


def test_a_book_used_up_offline_refuses_and_the_next_sync_brings_the_next(team_of_two):
    from fieldapp.errors import InputRefused

    server, a, b = team_of_two
    _team, _leader, collector = team_and_people(a.store)
    ((first, last),) = _books(a)
    with a.store.transaction() as conn:  # the book used but for its last number (as after 499 receipts)
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('receipt_book_last', ?)", (str(last - 1),))
    (final,) = _issue(a, collector.id, 2)
    assert final.number == last
    with pytest.raises(InputRefused) as refused:
        _issue(a, collector.id, 3)  # offline, nothing left: refused, never a number of another book
    assert refused.value.code == "receipt.book_used_up"
    assert "đồng bộ" in t("receipt.book_used_up", lang="vi", last=last).lower()
    _all_clean(a)
    books = _books(a)
    assert len(books) == 2 and books[0] == (first, last)
    (next_one,) = _issue(a, collector.id, 4)
    assert next_one.number == books[1][0] and not _in(next_one.number, _books(a, b.device_id))
    _all_clean(b, a, b)
    _check_everywhere(server, collector.id, a, b, 2)


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
    # a sync gave each laptop its receipt book: the next receipts are numbered from them, in the form's
    # series, the old clash stays where it is and nothing more joins it
    (next_a,) = _issue(a, collector.id, 5)
    (next_b,) = _issue(b, collector.id, 5)
    assert next_a.series == next_b.series == f"BI-{collector.code}-{DAY.year}" and next_a.number != next_b.number
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
        conn.execute("DELETE FROM meta WHERE key = 'receipt_book_last'")
    (r,) = _issue(a, collector.id, 3)  # next_number counts from the receipts: no refusal, no IntegrityError
    assert r.series == first[0].series and r.number == first[-1].number + 1
