"""Records to table rows and back (fieldapp.storage.records): pure, so tested with the domain."""

from __future__ import annotations

import dataclasses
import itertools
import types
import typing
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.domain import models as m
from fieldapp.domain.clock import utcnow
from fieldapp.domain.enums import EnrolmentKind, Sex, TargetGroup, VsiStatus
from fieldapp.domain.ids import new_id
from fieldapp.domain.text import fold, sort_key
from fieldapp.protocol.encoding import decode_datetime, encode_datetime
from fieldapp.storage.records import BY_TABLE, SPECS, TableSpec, spec_for

_counter = itertools.count(1)


def _sample(tp: Any, name: str, *, fill_optional: bool) -> Any:
    """A value of the annotated type `tp`; Optional fields are filled or left None."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if not fill_optional:
            return None
        return _sample(args[0], name, fill_optional=fill_optional)
    if tp is datetime:
        return utcnow()
    if tp is date:
        return date(2026, 7, 1) + timedelta(days=next(_counter))
    if tp is bool:
        return True
    if tp is int:
        return next(_counter) * 1000
    if tp is str:
        return new_id() if name == "id" or name.endswith("_id") else f"Nguyễn Thị Hoà {name} {next(_counter)}"
    if isinstance(tp, type) and issubclass(tp, Enum):
        members = list(tp)
        return members[next(_counter) % len(members)]
    if typing.get_origin(tp) is tuple:
        item = typing.get_args(tp)[0]
        return tuple(_sample(item, name, fill_optional=fill_optional) for _ in range(3))
    if typing.get_origin(tp) is dict or tp is dict:
        return {"count": 3, "fields": ["full_name"]}
    if dataclasses.is_dataclass(tp):
        return _build(tp, fill_optional=fill_optional)
    raise AssertionError(f"no sample for {tp!r}")


def _build(cls: type, *, fill_optional: bool) -> Any:
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: _sample(hints[f.name], f.name, fill_optional=fill_optional) for f in dataclasses.fields(cls)})


def _round_trip(spec: TableSpec, record: Any) -> Any:
    return spec.decode(spec.row(record)[: len(spec.fields)])


SPEC_LIST = list(SPECS.values())
SPEC_IDS = [s.table for s in SPEC_LIST]


def test_specs_cover_the_synced_records() -> None:
    assert set(SPECS) == {
        m.Hamlet,
        m.Team,
        m.Member,
        m.Device,
        m.Campaign,
        m.CampaignPeriod,
        m.Target,
        m.Site,
        m.Household,
        m.Person,
        m.OutreachEvent,
        m.Consultation,
        m.FollowUp,
        m.Enrolment,
        m.Payment,
        m.Receipt,
        m.ReceiptVoid,
        m.OutreachResult,
        m.PersonMerge,
        m.ProspectList,
        m.Prospect,
        m.DayClosing,
    }
    assert {s.table: s for s in SPECS.values()} == BY_TABLE


@pytest.mark.parametrize("fill_optional", [True, False], ids=["filled", "none"])
@pytest.mark.parametrize("spec", SPEC_LIST, ids=SPEC_IDS)
def test_round_trip(spec: TableSpec, fill_optional: bool) -> None:
    record = _build(spec.cls, fill_optional=fill_optional)
    row = spec.row(record)
    assert len(row) == len(spec.columns)
    assert _round_trip(spec, record) == record
    assert spec_for(record) is spec
    assert spec_for(spec.cls) is spec


@pytest.mark.parametrize("spec", SPEC_LIST, ids=SPEC_IDS)
def test_row_holds_only_sqlite_values(spec: TableSpec) -> None:
    row = spec.row(_build(spec.cls, fill_optional=True))
    assert all(v is None or type(v) in (str, int) for v in row)


@pytest.mark.parametrize("spec", SPEC_LIST, ids=SPEC_IDS)
def test_sql_names_the_columns(spec: TableSpec) -> None:
    assert spec.insert_sql.startswith(f"INSERT INTO {spec.table} ({', '.join(spec.columns)}) VALUES (?")
    assert spec.insert_sql.count("?") == len(spec.columns)
    assert spec.select_sql == f"SELECT {', '.join(spec.fields)} FROM {spec.table}"
    assert ("version" in spec.fields) == spec.mutable


def test_derived_name_keys() -> None:
    person = dataclasses.replace(_build(m.Person, fill_optional=True), full_name="Đặng Thị Hoà")
    spec = SPECS[m.Person]
    row = dict(zip(spec.columns, spec.row(person), strict=True))
    assert row["name_key"] == "dang thi hoa" == fold(person.full_name)
    assert row["sort_key"] == sort_key("Đặng Thị Hoà")
    hamlet = dataclasses.replace(_build(m.Hamlet, fill_optional=True), name="Thôn Đông")
    assert SPECS[m.Hamlet].row(hamlet)[-1] == "thon dong"


def test_encoded_values() -> None:
    enrolment = dataclasses.replace(_build(m.Enrolment, fill_optional=True), kind=EnrolmentKind.DONATED_HI)
    encoded = SPECS[m.Enrolment].encode(enrolment)
    assert encoded["kind"] == "donated_hi"  # a product's kind (domain.products) is stored as its code
    payment = _build(m.Payment, fill_optional=True)
    assert SPECS[m.Payment].encode(payment)["method"] == payment.method.value
    assert encoded["start_on"] == enrolment.start_on.isoformat()
    assert encoded["created_at"].endswith("+00:00")
    assert encoded["lines"].startswith('[{"person_id":')
    member = _build(m.Member, fill_optional=True)
    assert SPECS[m.Member].encode(member)["active"] == 1


def test_datetimes_are_stored_in_utc_milliseconds() -> None:
    moment = datetime(2026, 7, 1, 7, 30, 15, 123000, tzinfo=timezone(timedelta(hours=7)))
    text = encode_datetime(moment)
    assert text == "2026-07-01T00:30:15.123+00:00"
    assert decode_datetime(text) == moment
    assert decode_datetime(text).tzinfo is not None


def test_utcnow_has_millisecond_precision() -> None:
    now = utcnow()
    assert now.tzinfo is UTC
    assert now.microsecond % 1000 == 0
    assert decode_datetime(encode_datetime(now)) == now


# --- hypothesis: Person --------------------------------------------------------------------------

ms_datetimes = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)).map(
    lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)
)
optional_text = st.none() | st.text()


@st.composite
def persons(draw: st.DrawFn) -> m.Person:
    return m.Person(
        id=draw(st.text(min_size=1)),
        full_name=draw(st.text()),
        birth_date=draw(st.none() | st.dates()),
        sex=draw(st.none() | st.sampled_from(Sex)),
        citizen_id=draw(optional_text),
        si_number=draw(optional_text),
        phone=draw(optional_text),
        commune_code=draw(st.text()),
        hamlet_id=draw(optional_text),
        household_id=draw(optional_text),
        household_order=draw(st.none() | st.integers(-(2**63), 2**63 - 1)),
        target_group=draw(st.sampled_from(TargetGroup)),
        consent_at=draw(st.none() | ms_datetimes),
        hi_valid_to=draw(st.none() | st.dates()),
        vsi_status=draw(st.sampled_from(VsiStatus)),
        vsi_paid_to=draw(st.none() | st.dates()),
        created_at=draw(ms_datetimes),
        updated_at=draw(ms_datetimes),
        version=draw(st.integers(0, 2**63 - 1)),
    )


@settings(max_examples=200)
@given(persons())
def test_person_round_trip(person: m.Person) -> None:
    spec = SPECS[m.Person]
    row = spec.row(person)
    assert _round_trip(spec, person) == person
    assert row[-2:] == (fold(person.full_name), sort_key(person.full_name))
    assert all(v is None or type(v) in (str, int) for v in row)
