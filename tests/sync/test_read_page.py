"""The read part of applying a pull (storage.pulled.read_page): pure, so the fetching thread does it. Read in
pieces and added up, it is what reading the whole page gives; each record is checked against the one
definition, and a valid one's row is the row the store would make."""

from __future__ import annotations

import itertools
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.protocol.bounds import Invalid
from fieldapp.protocol.records import check
from fieldapp.storage import pulled
from fieldapp.storage.records import BY_TABLE
from tests.services.helpers import many_persons

PEOPLE = [BY_TABLE["persons"].encode(p) for p in many_persons(6)]
IDS = [p["id"] for p in PEOPLE]
BAD = {  # values the definition refuses
    "birth_year": 1800,
    "citizen_id": "12ab",
    "full_name": "x" * 81,
    "sex": "neither",
    "household_order": True,
    "phone": 12345,
}


@st.composite
def changes(draw):
    out = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(["valid", "invalid", "not an object", "unknown entity", "no id", "extra"]))
        k = draw(st.integers(0, len(PEOPLE) - 1))
        record = dict(PEOPLE[k])
        if kind == "invalid":
            field = draw(st.sampled_from(sorted(BAD)))
            record[field] = BAD[field]
        elif kind == "extra":
            record["field_from_a_newer_app"] = 1
        if draw(st.booleans()):  # a field left out: null when optional, a refusal when required
            record.pop(draw(st.sampled_from(sorted(record))))
        change = {
            "pos": draw(st.integers(1, 40)),
            "entity": "unknown" if kind == "unknown entity" else "persons",
            "id": None if kind == "no id" else IDS[k],
            "version": draw(st.sampled_from([None, 1, 2, 7, "3"])),
            "record": "a string" if kind == "not an object" else record,
        }
        out.append(change)
    return out


def _seen(page: pulled.ReadPage):
    return (
        {k: (c.pos, c.version, c.record, c.row) for k, c in page.latest.items()},
        page.problems,
        page.ignored,
        page.edited,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes(), st.lists(st.integers(0, 25), max_size=4))
def test_read_in_pieces_is_read_whole(page, cuts):
    whole = pulled.read_page(page)
    added = pulled.ReadPage()
    bounds = [0, *sorted(c for c in cuts if c <= len(page)), len(page)]
    for a, b in itertools.pairwise(bounds):
        added.add(pulled.read_page(page[a:b]))
    assert _seen(added) == _seen(whole)


@settings(max_examples=150, deadline=None)
@given(changes())
def test_each_record_is_checked_against_its_definition(page):
    read = pulled.read_page(page)
    for key, c in read.latest.items():
        try:
            checked = check(c.entity, c.record)
        except Invalid as exc:
            assert read.problems[key] == str(exc)
            continue
        assert key not in read.problems
        assert c.record == checked
        assert c.row == pulled._row(BY_TABLE[c.entity], replace(c, row=None))
    assert read.ignored == sum(1 for ch in page if ch["entity"] != "persons" or not ch["id"])
