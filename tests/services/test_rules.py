"""Rule files on the laptop (fieldapp/sync/rules.py, fieldapp/services/rules.py): taken only when the server's
sign key signed them
and the checker takes them; kept in the encrypted store; merged by issue date, so a newer rule is never
dropped; an old laptop takes the rules of 2027 from a file. No server here: the laptop holds a sign key
made by the test, as if from its enrolment."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldapp.domain import premiums, rulefile, ruleformat
from fieldapp.domain.enums import SupportGroup
from fieldapp.domain.premiums import default_rules
from fieldapp.protocol.bundle import key_id, raw_public
from fieldapp.services import rules as rule_service
from fieldapp.storage import bundle as bundle_store
from fieldapp.storage import rules as rule_store
from fieldapp.storage.store import put_meta
from fieldapp.sync import rules as rule_files
from tests.domain.test_rulefile import NATIONAL, PROVINCE, SHIPPED

NOW = datetime(2026, 12, 20, 3, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _the_shipped_rules_again():
    yield
    premiums.activate([])  # other tests in this process price with the shipped rules


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def laptop(store, key):
    """A laptop of province 33 that holds the server's sign key."""
    box = Ed25519PrivateKey.generate()
    keys = {
        "box": raw_public(box).hex(),
        "box_key_id": key_id(raw_public(box)),
        "sign": raw_public(key).hex(),
        "sign_key_id": key_id(raw_public(key)),
    }
    with store.transaction() as conn:
        bundle_store.save_server_keys(conn, keys)
        put_meta(conn, "sync_province", "33")
    return store


def signed(text: str, key: Ed25519PrivateKey, **changes) -> dict:
    body = text.encode()
    item = {
        "sha256": "",
        "kind": "national",
        "version": "x",
        "body": text,
        "signature": key.sign(ruleformat.signed_message(body)).hex(),
        "key_id": key_id(raw_public(key)),
    }
    item.update(changes)
    return item


def test_a_signed_file_is_kept_and_priced_with_from_its_day(laptop, key) -> None:
    taken = rule_files.take(laptop, [signed(NATIONAL, key), signed(PROVINCE, key)], via="sync", now=NOW)
    assert (taken.added, taken.refused) == (2, [])
    book = default_rules()
    assert book.version == "2027.2 + 33:2027.1"
    assert book.quote_hi(members=1, months=12, on=date(2027, 6, 30)).members[0].monthly == 113_850
    assert book.quote_hi(members=1, months=12, on=date(2027, 7, 1)).members[0].monthly == 126_000
    poor = {"income": 2_200_000, "months": 1, "group": SupportGroup.POOR, "province": "33"}
    assert book.quote_vsi(on=date(2026, 12, 31), **{**poor, "income": 1_500_000}).local_support_monthly == 0
    assert book.quote_vsi(on=date(2027, 1, 1), **poor).local_support_monthly == 50_000
    # the same files again: nothing twice; a store opened again prices the same
    assert rule_files.take(laptop, [signed(NATIONAL, key)], via="bundle").added == 0
    premiums.activate([])
    assert rule_store.activate(laptop).version == "2027.2 + 33:2027.1"
    assert [h.via for h in rule_store.held(laptop)] == ["sync", "sync"]


def test_a_tampered_file_is_refused_and_changes_nothing(laptop, key) -> None:
    item = signed(NATIONAL, key)
    item["body"] = item["body"].replace("2_800_000", "2_900_000")  # one figure changed on the way
    taken = rule_files.take(laptop, [item], via="sync")
    assert taken.added == 0 and [r["code"] for r in taken.refused] == ["rules.signature"]
    assert rule_store.held(laptop) == [] and default_rules().version == "2027.1"
    assert rule_store.refused(laptop) == taken.refused  # for the Sync screen
    assert "chữ ký không khớp" in rule_files.refusal_text(taken.refused[0], "vi")


def test_a_file_signed_by_another_key_is_refused(laptop, key) -> None:
    stranger = Ed25519PrivateKey.generate()
    foreign = signed(NATIONAL, stranger)  # its own key id: not the server's
    posing = signed(NATIONAL, stranger, key_id=key_id(raw_public(key)))  # the server's key id, another key
    taken = rule_files.take(laptop, [foreign, posing], via="bundle")
    assert [r["code"] for r in taken.refused] == ["rules.foreign_key", "rules.signature"]
    assert rule_store.held(laptop) == []


@pytest.mark.parametrize(
    "item",
    [None, "text", 5, {"body": 1}, {"body": "x", "signature": "zz", "key_id": "k"}, [1, 2]],
)
def test_damaged_answers_are_refused_cleanly(laptop, key, item) -> None:
    taken = rule_files.take(laptop, [item], via="sync")
    assert taken.added == 0 and len(taken.refused) == 1
    assert rule_files.refusal_text(taken.refused[0], "en")


def test_a_signed_but_bad_file_is_refused_with_its_line(laptop, key) -> None:
    bad = PROVINCE.replace("monthly = 50_000", "monthly = -1")
    other = PROVINCE.replace('province = "33"', 'province = "01"')  # another province's file
    taken = rule_files.take(laptop, [signed(bad, key), signed(other, key)], via="sync")
    assert [r["code"] for r in taken.refused] == ["rules.money", "rules.other_province"]
    assert rule_files.refusal_text(taken.refused[0], "en").endswith(
        f"line {bad.splitlines().index('monthly = -1') + 1}: “vsi.local_support.monthly” must be an amount in "
        "đồng from 0 to 10,000,000."
    )


def test_without_the_servers_key_nothing_is_taken(store, key) -> None:
    taken = rule_files.take(store, [signed(NATIONAL, key)], via="sync")
    assert [r["code"] for r in taken.refused] == ["rules.no_server_key"]


def test_a_newer_rule_is_never_dropped_for_an_older_file(laptop, key) -> None:
    newer = NATIONAL.replace('version = "2027.2"', 'version = "2027.3"').replace("2026-12-15", "2026-12-18")
    newer = newer.replace("2_800_000", "2_700_000")
    rule_files.take(laptop, [signed(newer, key)], via="sync")
    rule_files.take(laptop, [signed(NATIONAL, key)], via="bundle")  # the older file comes later
    book = default_rules()
    assert book.in_force("base_salary", date(2027, 7, 1))["amount"] == 2_700_000
    assert book.version == "2027.3"
    # and the shipped national file of a newer app is not dropped for an older server file either
    older = NATIONAL.replace("2026-12-15", "2026-06-01").replace("base_salary.2027-07", "vsi.poverty_line.2027-01")
    older = older.replace("[[base_salary]]", "[[vsi.poverty_line]]").replace("from = 2027-07-01", "from = 2027-01-01")
    rule_files.take(laptop, [signed(older.replace("2_800_000", "1_900_000"), key)], via="sync")
    assert default_rules().vsi_income_bounds(date(2027, 1, 1))[0] == 2_200_000


def test_an_old_laptop_prices_2027_from_a_file(laptop, key, monkeypatch) -> None:
    """A laptop installed with the rules of 2026 (no 2027 line) takes the national file of 2027."""
    old = SHIPPED.replace('version = "2027.1"', 'version = "2026.2"').replace(
        "issued = 2026-12-07", "issued = 2026-07-01"
    )
    cut = old.index('[[vsi.poverty_line]]\nid = "vsi.poverty_line.2027-01"')
    old = old[:cut] + old[old.index("# The income ceiling") :]
    old_file = rulefile.read(old.encode(), source=rulefile.SHIPPED)
    premiums._base_rules.cache_clear()
    try:
        with monkeypatch.context() as patch:
            patch.setattr(premiums, "shipped", lambda: old_file)
            patch.setattr(rulefile, "shipped", lambda: old_file)
            assert premiums.activate([]).vsi_income_bounds(date(2027, 1, 1))[0] == 1_500_000  # what it would quote
            new = SHIPPED.replace('version = "2027.1"', 'version = "2027.1-vn"')
            taken = rule_files.take(laptop, [signed(new, key)], via="sync")
            assert (taken.added, taken.refused) == (1, [])
            book = default_rules()
            assert book.vsi_income_bounds(date(2027, 1, 1)) == (2_200_000, 50_600_000)
            assert book.quote_vsi(income=2_200_000, months=1, on=date(2027, 1, 1)).state_support_monthly == 96_800
            assert book.version == "2027.1-vn"
    finally:
        premiums._base_rules.cache_clear()  # the shipped rules again, once the old file is gone
        premiums.activate([])


def test_stale_rules_are_said_only_after_30_days_and_past_the_last_change() -> None:
    book = default_rules()
    assert book.last_change == date(2027, 1, 1)
    kw = {"today": date(2027, 2, 10)}
    assert rule_service.stale(book, paid_on=date(2027, 2, 10), checked=date(2027, 1, 5), **kw)
    assert not rule_service.stale(book, paid_on=date(2027, 2, 10), checked=date(2027, 1, 20), **kw)
    assert not rule_service.stale(book, paid_on=date(2026, 12, 31), checked=date(2026, 10, 1), **kw)
    assert rule_service.stale(book, paid_on=date(2027, 1, 2), checked=None, **kw)


def test_rules_list_says_the_source_and_whether_confirmed(laptop, key) -> None:
    rule_files.take(laptop, [signed(PROVINCE, key)], via="sync")
    listed = {r["id"]: r for r in rule_service.in_force_json(default_rules(), date(2027, 1, 2))}
    assert listed["vsi.poverty_line.2027-01"]["source"] == "shipped"
    assert listed["vsi.poverty_line.2027-01"]["confirmed"] is True
    assert listed["vsi.return_rate.2027"]["confirmed"] is False
    local = listed["hung_yen.vsi_local.2027-01"]
    assert (local["source"], local["file_version"], local["values"]["monthly"]) == ("server", "33:2027.1", 50_000)


def test_a_province_file_may_replace_what_a_national_file_of_the_same_sync_leaves_unconfirmed(laptop, key) -> None:
    national = NATIONAL.replace(
        'basis = "Nghị định 999/2027/NĐ-CP (ví dụ)"', 'basis = "Nghị định 999/2027/NĐ-CP (ví dụ)"\nunconfirmed = true'
    )
    local = PROVINCE + (
        '\n[[base_salary]]\nid = "base_salary.2027-07"\nfrom = 2027-07-01\namount = 2_750_000\n'
        'basis = "Quyết định của UBND tỉnh (ví dụ)"\n'
    )
    taken = rule_files.take(laptop, [signed(local, key), signed(national, key)], via="sync")
    assert (taken.added, taken.refused) == (2, [])
    assert default_rules().in_force("base_salary", date(2027, 7, 1))["amount"] == 2_750_000


def test_local_support_with_an_end_stops_on_its_day(laptop, key) -> None:
    ended = PROVINCE.replace("from = 2027-01-01", "from = 2027-01-01\nto = 2027-03-31")
    assert rule_files.take(laptop, [signed(ended, key)], via="sync").added == 1
    book = default_rules()
    poor = {"income": 2_200_000, "months": 1, "group": SupportGroup.POOR, "province": "33"}
    assert book.quote_vsi(on=date(2027, 3, 31), **poor).local_support_monthly == 50_000
    assert book.quote_vsi(on=date(2027, 4, 1), **poor).local_support_monthly == 0
    listed = {r["id"] for r in rule_service.in_force_json(book, date(2027, 4, 1))}
    assert "hung_yen.vsi_local.2027-01" not in listed
    assert "hung_yen.vsi_local.2027-01" in {r["id"] for r in rule_service.in_force_json(book, date(2027, 2, 1))}
