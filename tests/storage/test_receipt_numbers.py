"""Receipt series and numbers with bad input: every series form reads back from its label, a counter that is
behind (or junk) never gives a number twice, a junk device number from the server is not taken."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.domain import products
from fieldapp.domain.enums import EnrolmentKind
from fieldapp.services.enrolment import receipt_series, series_prefix
from fieldapp.settings import RECEIPT_PREFIX, Settings
from fieldapp.storage import receipts as receipt_store
from fieldapp.storage import sync_devices
from fieldapp.storage.receipts import LABEL

CODE = st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=12)
PREFIX = st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=8)


@given(
    kind=st.sampled_from(list(EnrolmentKind)),
    agent=CODE,
    year=st.integers(2000, 2099),
    device=st.none() | st.integers(1, 999_999),
    prefix=st.just("") | PREFIX,
    number=st.integers(1, 9_999_999),
)
def test_every_series_form_reads_back_from_its_label(kind, agent, year, device, prefix, number):
    series = receipt_series(kind, agent, year, device=device, prefix=prefix)
    m = LABEL.match(f"{series}/{number:07d}")
    assert m is not None and (m["series"], int(m["number"])) == (series, number)
    assert series.split("-")[-3] == products.get(kind).series  # what the QR's claim names as the product
    if device is None and not prefix:
        assert series == f"{products.get(kind).series}-{agent}-{year}"  # the form unenrolled laptops keep


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(counter=st.integers(-(2**40), 2**40) | st.sampled_from([0, 1, -1]))
def test_a_counter_behind_or_junk_never_gives_a_taken_number(demo_store, counter):
    series, top = demo_store.query_one(
        "SELECT series, max(number) FROM receipts GROUP BY series ORDER BY count(*) DESC LIMIT 1"
    )
    with demo_store.transaction() as conn:
        conn.execute("UPDATE receipt_series SET last_number = ? WHERE series = ?", (counter, series))
        n = receipt_store.next_number(conn, series)
        taken = conn.execute("SELECT 1 FROM receipts WHERE series = ? AND number = ?", (series, n)).fetchone()
        assert n > top and taken is None
        assert n == max(counter + 1, top + 1)
        conn.execute("UPDATE receipt_series SET last_number = ? WHERE series = ?", (top, series))


def test_a_new_series_starts_at_one_and_counts_on(store):
    with store.transaction() as conn:
        assert [receipt_store.next_number(conn, "BI-X1.2-2026") for _ in range(3)] == [1, 2, 3]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=st.one_of(st.text(max_size=5), st.booleans(), st.integers(-5, 0), st.floats(), st.none()))
def test_a_junk_device_number_in_the_devices_list_is_not_taken(store, number):
    own = store.device_id
    sync_devices.replace_devices(store, [{"id": own, "name": "A", "number": number}], own)
    with store.reading() as conn:
        assert receipt_store.device_number(conn) is None
    sync_devices.replace_devices(store, [{"id": own, "name": "A", "number": 12}], own)
    with store.reading() as conn:
        assert receipt_store.device_number(conn) == 12
    with store.transaction() as conn:
        conn.execute("DELETE FROM meta WHERE key = 'receipt_device_number'")


def test_the_prefix_comes_from_the_settings_beside_the_store_and_a_bad_one_is_left_out(store, data_dir):
    with store.reading() as conn:
        assert series_prefix(conn) == ""
    settings_file = Settings(data_dir.settings)
    settings_file.set(RECEIPT_PREFIX, "HY")
    with store.reading() as conn:
        assert series_prefix(conn) == "HY"
    data_dir.settings.write_text('{"receipt_prefix": "hy-; DROP"}', encoding="utf-8")  # hand-edited
    with store.reading() as conn:
        assert series_prefix(conn) == ""


def test_pulled_records_clashing_here_or_in_their_page_are_split_off(demo_store):
    from dataclasses import dataclass

    from fieldapp.domain.ids import new_id
    from fieldapp.storage.clashes import split_clashes
    from fieldapp.storage.records import BY_TABLE

    @dataclass
    class Pulled:
        entity: str
        id: str
        record: dict

    spec = BY_TABLE["receipts"]
    mine = dict(zip(spec.fields, demo_store.query_one(spec.select_sql + " LIMIT 1"), strict=False))
    again = Pulled("receipts", mine["id"], dict(mine))  # the same receipt: not a clash (its id is here)
    same_number = Pulled("receipts", new_id(), dict(mine, id="x", payment_id=new_id()))
    same_payment = Pulled("receipts", new_id(), dict(mine, series="BI-NEW.9-2026"))
    first = Pulled("receipts", new_id(), dict(mine, series="BI-NEW.9-2026", number=5, payment_id=new_id()))
    second = Pulled("receipts", new_id(), dict(first.record, payment_id=new_id()))  # alike in the page
    other = Pulled("persons", new_id(), {"id": "p"})
    with demo_store.reading() as conn:
        ok, clashing = split_clashes(conn, [again, same_number, same_payment, first, second, other])
    assert ok == [again, first, other]
    assert clashing == [same_number, same_payment, second]
