"""Search as you type: without diacritics, any word order, prefixes, identifiers, hamlets; best first."""

from __future__ import annotations

import re
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.domain.clock import utcnow
from fieldapp.domain.models import Hamlet, Household
from fieldapp.domain.text import fold
from fieldapp.storage import driver
from fieldapp.storage.search import score, search, search_pks, warm
from fieldapp.storage.writer import Actor, writing
from tests.services.helpers import COMMUNE, person

NAMES = [
    "Nguyễn Thị Hoa",
    "Nguyễn Thị Hoà",
    "Hoàng Văn Nam",
    "Hoàng Ngọc Anh",
    "Trần Hoa Lý",
    "Lê Thị Hồng",
    "Đặng Văn Đông",
    "Phạm Quang Huy",
    "Nguyễn Văn Hoàng",
    "H'Hen Niê",
    "Nguyễn Nguyên",
    "Bùi Đức Hiếu",
]


@pytest.fixture
def registry(store):
    now = utcnow()
    dong = Hamlet("h-dong", COMMUNE, "Thôn Đông", now)
    dong_xa = Hamlet("h-dongxa", COMMUNE, "Thôn Đồng Xá", now)
    household = Household("hh-1", COMMUNE, dong.id, "Thôn Đông", now, now)
    people = [person(n) for n in NAMES]
    people[0] = person(
        NAMES[0],
        citizen_id="033188001234",
        si_number="3312345678",
        phone="0912345678",
        hamlet_id=dong.id,
        household_id=household.id,
        household_order=1,
    )
    people[3] = person(NAMES[3], hamlet_id=dong_xa.id)
    people[6] = person(NAMES[6], hamlet_id=dong.id, household_id=household.id, household_order=2)
    with writing(store, Actor(None, store.device_id)) as w:
        w.add_all([dong, dong_xa])
        w.add(household)
        w.add_all(people)
    return store


def names(store, text, limit=50):
    return [p.full_name for p in search(store, text, limit)]


@pytest.mark.parametrize(
    "typed", ["nguyen thi hoa", "NGUYEN THI HOA", "Nguyễn Thị Hoa", "hoa nguyen", "hoa ng", "thi hoa", "ng th ho"]
)
def test_finds_a_name_however_it_is_typed(registry, typed):
    found = names(registry, typed)
    assert "Nguyễn Thị Hoa" in found[:2] and "Nguyễn Thị Hoà" in found[:2]


def test_the_given_name_comes_before_a_longer_family_name(registry):
    found = names(registry, "hoa")
    assert found.index("Nguyễn Thị Hoa") < found.index("Hoàng Văn Nam")
    assert found.index("Trần Hoa Lý") < found.index("Hoàng Văn Nam")  # a whole word beats a prefix


def test_typing_the_name_from_its_start_lists_it_in_order(registry):
    assert names(registry, "nguyen")[:4] == ["Nguyễn Nguyên", "Nguyễn Thị Hoa", "Nguyễn Thị Hoà", "Nguyễn Văn Hoàng"]
    assert names(registry, "nguyen v") == ["Nguyễn Văn Hoàng"]


def test_identifiers(registry):
    for typed in ("033188001234", "3312345678", "0912345678", "+84 912 345 678", "0912 345 678"):
        assert names(registry, typed) == ["Nguyễn Thị Hoa"], typed
    assert names(registry, "09123") == ["Nguyễn Thị Hoa"]  # the start of a phone number, as it is typed
    assert names(registry, "0000000000") == []


def test_hamlets(registry):
    found = names(registry, "thon dong")
    assert found[:2] == ["Nguyễn Thị Hoa", "Đặng Văn Đông"]  # Thôn Đông, household order
    assert "Hoàng Ngọc Anh" in found  # Thôn Đồng Xá after it
    assert names(registry, "dong xa")[0] == "Hoàng Ngọc Anh"
    assert names(registry, "thon") == []  # a kind of place alone narrows nothing


def test_odd_input_is_harmless(registry):
    for typed in ("", "   ", '"', "*", "AND", "OR NOT", "h'hen", "-", "💳", "a" * 500, "NEAR(", "^"):
        search(registry, typed)
    assert names(registry, "h'hen nie") == ["H'Hen Niê"]


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])  # read-only use
@given(st.text(max_size=30))
def test_every_result_matches_every_word_typed(registry, text):
    from fieldapp.storage.search import Query, without_place_kind

    query = Query.parse(text)
    words = [t for t in query.tokens if not t.isdigit()]
    for p in search(registry, text):
        name_words = re.findall(r"[a-z0-9]+", fold(p.full_name))  # words as the index splits them
        place = re.findall(r"[a-z0-9]+", fold(p.hamlet or ""))
        by_name = all(any(w.startswith(t) for w in name_words) for t in words)
        by_place = all(any(w.startswith(t) for w in place) for t in without_place_kind(words))
        by_id = bool(query.digits)
        assert by_name or by_place or by_id, (text, p.full_name)


def test_score_prefers_whole_words_and_the_given_name():
    assert score("nguyen thi hoa", ("hoa",)) > score("hoang van nam", ("hoa",))
    assert score("nguyen thi hoa", ("hoa",)) > score("tran hoa ly", ("hoa",))
    assert score("nguyen thi hoa", ("nguyen", "hoa")) > score("hoa thi nguyen", ("nguyen", "hoa"))


def test_search_limit_is_kept(registry):
    assert len(search_pks(registry, "n", limit=2)) == 2


def test_warming_reads_on_its_own_connection_while_the_store_writes(registry):
    """The warm-up after opening (search.warm, started by the app while the member signs in) runs on a
    connection of its own: it neither waits for nor blocks a write on the store's connection, and can write
    nothing itself."""
    with registry.transaction() as conn:  # a write under way on the database thread's connection
        conn.execute("UPDATE persons SET phone = NULL WHERE phone = '0912345678'")
        done = threading.Event()
        threading.Thread(target=lambda: (warm(registry), done.set()), daemon=True).start()
        assert done.wait(10), "the warm-up waited for the writer"
    with registry.side_reader() as side, pytest.raises(driver.Error, match="readonly"):
        side.execute("DELETE FROM persons")
    assert names(registry, "hoa")[:2] == ["Nguyễn Thị Hoa", "Nguyễn Thị Hoà"]
