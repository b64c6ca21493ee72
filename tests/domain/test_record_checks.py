"""The compiled check of a record (fieldapp.protocol.records._compile) gives what the plain loop over the
fields gives: the same record back, or the same refusal naming the same field and problem."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.protocol.bounds import Invalid
from fieldapp.protocol.records import definition
from fieldapp.storage.records import SPECS
from tests.domain.test_records import _build

ENTITIES = [s.table for s in SPECS.values()]
ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["", "\x00", "a\nb", "\u202e", "\ud800", "x" * 5000, "2026-02-30", "2026-07-01T08:00:00",
                     "2026-07-01T08:00:00+07:00", "0912345678", "[]", "{}", '["hi"]', "[" * 300, "farmer", "nam"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)  # fmt: skip


def _outcome(check: Any, raw: Any) -> Any:
    try:
        return ("ok", check(raw))
    except Invalid as exc:
        return ("invalid", exc.field, exc.problem)


def _same(entity: str, raw: Any) -> None:
    d = definition(entity)
    assert d is not None
    fast, slow = _outcome(d.check, raw), _outcome(d.check_slowly, raw)
    assert fast == slow
    if fast[0] == "ok":
        assert list(fast[1]) == list(d.fields)  # in field order, as the stores and the server expect
    if isinstance(raw, dict) and set(raw) == set(d.fields):  # as a batch writes it: the values in order
        by_values = _outcome(d.check_values, tuple(raw[f] for f in d.fields))
        assert by_values == (("ok", None) if fast[0] == "ok" else fast)


@pytest.mark.parametrize("fill_optional", [True, False], ids=["filled", "none"])
@pytest.mark.parametrize("entity", ENTITIES)
def test_a_record_as_written_is_judged_alike(entity: str, fill_optional: bool) -> None:
    spec = next(s for s in SPECS.values() if s.table == entity)
    _same(entity, spec.encode(_build(spec.cls, fill_optional=fill_optional)))


@settings(max_examples=300, deadline=None)
@given(
    entity=st.sampled_from(ENTITIES),
    fill=st.booleans(),
    changes=st.lists(st.tuples(st.integers(min_value=0, max_value=40), ODD), max_size=4),
    dropped=st.lists(st.integers(min_value=0, max_value=40), max_size=2),
    extra=st.one_of(st.none(), st.text(max_size=5)),
)
def test_any_record_is_judged_alike(entity: str, fill: bool, changes, dropped, extra) -> None:
    spec = next(s for s in SPECS.values() if s.table == entity)
    raw = spec.encode(_build(spec.cls, fill_optional=fill))
    fields = list(raw)
    for index, value in changes:
        raw[fields[index % len(fields)]] = value
    for index in dropped:
        raw.pop(fields[index % len(fields)], None)
    if extra is not None:
        raw[extra] = 1
    _same(entity, raw)


def test_what_is_not_a_record_is_judged_alike() -> None:
    for raw in (None, [], "x", 1, {1: 2}):
        _same("persons", raw)


def test_a_valid_person_is_taken_whole_and_a_bad_field_is_named() -> None:
    raw = {"id": "p1", "full_name": "Nguyễn Thị Hoà", "birth_date": "1965-03-02", "birth_year": 1965, "sex": "female",
           "citizen_id": "033165000123", "phone": "0912345678", "commune_code": "12345", "target_group": "farmer",
           "vsi_status": "never", "created_at": "2026-07-01T01:00:00.000+00:00",
           "updated_at": "2026-07-01T01:00:00.000+00:00"}  # fmt: skip
    d = definition("persons")
    assert d is not None
    taken = d.check(raw)
    assert taken["version"] == 0 and taken["si_number"] is None and taken["full_name"] == "Nguyễn Thị Hoà"
    _same("persons", raw)
    for field, value, problem in (
        ("phone", "912345678", "not in the expected format"),
        ("household_order", 0, "outside 1..99"),
        ("household_order", True, "not an integer (bool)"),
        ("sex", "f", "not one of the values"),
        ("full_name", "a\x00b", "a control character"),
        ("birth_year", 1966, "not the year of birth_date"),
    ):
        with pytest.raises(Invalid) as refused:
            d.check({**raw, field: value})
        assert (refused.value.field, refused.value.problem) == (field, problem)
        _same("persons", {**raw, field: value})
