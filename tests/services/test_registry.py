"""Adding, checking, de-duplicating, merging and erasing people."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.domain.enums import Role, Sex, TargetGroup, VsiStatus
from fieldapp.errors import InputRefused
from fieldapp.services import registry
from fieldapp.services.registry import FormRefused, PersonForm, PossibleDuplicates, SamePerson
from fieldapp.storage import people
from fieldapp.storage import team as team_store
from fieldapp.storage.search import search
from fieldapp.storage.writer import Actor, writing
from tests.services.helpers import COMMUNE, add_consultation, add_team

TODAY = date(2026, 7, 15)
HOA = PersonForm(
    full_name="  Nguyễn   Thị Hoà ",
    birth_date="12/05/1988",
    sex=Sex.FEMALE,
    citizen_id="033 188 001 234",
    si_number="HN4013312345678",
    phone="+84 912 345 678",
    commune_code=COMMUNE,
    hamlet="Thôn  Đông",
    target_group=TargetGroup.TRADER,
    consent=True,
)


@pytest.fixture
def store(store):
    _team, leader = add_team(store)
    store.leader = leader.id
    return store


def actor(store) -> Actor:
    return Actor(getattr(store, "leader", None), store.device_id)


def add(store, form=HOA, **kw):
    clean = registry.check_person(form, today=TODAY)
    with writing(store, actor(store)) as w:
        return registry.add_person(w, clean, **kw)


def test_a_form_is_cleaned_and_saved_with_its_household_and_hamlet(store):
    p = add(store)
    assert p.full_name == "Nguyễn Thị Hoà"
    assert (p.citizen_id, p.si_number, p.phone) == ("033188001234", "3312345678", "0912345678")
    assert p.birth_date == date(1988, 5, 12) and p.consent_at is not None
    assert p.household_id and p.household_order == 1
    assert store.query_one("SELECT name FROM hamlets WHERE id = ?", (p.hamlet_id,))[0] == "Thôn Đông"
    # the next member of the household joins it, in order, and the hamlet is not made twice
    child = add(
        store,
        PersonForm(full_name="Trần Minh Anh", commune_code=COMMUNE, hamlet="thôn đông"),
        household_id=p.household_id,
    )
    assert child.household_order == 2 and child.hamlet_id == p.hamlet_id
    assert [m.full_name for m in people.household_view(store, p.id).members] == ["Nguyễn Thị Hoà", "Trần Minh Anh"]
    assert search(store, "hoa nguyen")[0].id == p.id


def test_every_wrong_field_is_named_at_once():
    form = PersonForm(
        full_name="Nguyen 2", birth_date="31/02/1990", citizen_id="12345", si_number="abc", phone="12", commune_code=""
    )
    with pytest.raises(FormRefused) as err:
        registry.check_person(form, today=TODAY)
    fields = {p.field: p.code for p in err.value.problems}
    assert fields == {
        "full_name": "reason.name.digits",
        "birth_date": "form.birth_format",
        "citizen_id": "reason.citizen_id.length",
        "si_number": "reason.hi_card.length",
        "phone": "reason.phone.length",
        "commune_code": "form.commune",
    }


def test_citizen_id_that_disagrees_with_the_birth_date_is_refused():
    form = PersonForm(
        full_name="Lê Văn Nam", birth_date="01/01/1990", sex=Sex.MALE, citizen_id="033088001234", commune_code=COMMUNE
    )
    with pytest.raises(FormRefused) as err:
        registry.check_person(form, today=TODAY)
    (problem,) = err.value.problems
    assert problem.code == "reason.citizen_id.birth_year" and problem.params == {"id_year": 1988, "typed_year": 1990}


def test_same_citizen_id_is_the_same_person(store):
    first = add(store)
    again = PersonForm(full_name="Nguyễn Thị Hoa", citizen_id="033188001234", commune_code=COMMUNE)
    with pytest.raises(SamePerson) as err:
        add(store, again)
    assert err.value.existing.id == first.id


def test_same_name_birth_date_and_commune_is_a_candidate(store):
    add(store)
    twin = PersonForm(full_name="NGUYỄN THỊ HOÀ", birth_date="12/05/1988", commune_code=COMMUNE)
    before = store.query_one("SELECT count(*) FROM persons")[0]
    with pytest.raises(PossibleDuplicates) as err:
        add(store, twin)
    assert len(err.value.candidates) == 1
    assert store.query_one("SELECT count(*) FROM persons")[0] == before  # nothing saved half
    add(store, twin, allow_candidates=True)  # the member looked and says: another person


def test_merge_keeps_one_and_fills_its_gaps(store):
    kept = add(store, PersonForm(full_name="Phạm Văn Đồng", commune_code=COMMUNE, birth_date="02/09/1970"))
    other = add(
        store,
        PersonForm(full_name="Phạm Văn Đồng", commune_code=COMMUNE, birth_date="02/09/1970", phone="0987654321"),
        allow_candidates=True,
    )
    with writing(store, actor(store)) as w:
        registry.merge(w, kept, other)
    assert people.get(store, kept.id).phone == "0987654321"
    assert people.get(store, other.id).merged_into == kept.id
    assert [p.id for p in search(store, "pham van dong")] == [kept.id]
    with pytest.raises(InputRefused) as err, writing(store, actor(store)) as w:
        registry.merge(w, people.get(store, kept.id), people.get(store, other.id))
    assert err.value.code == "merge.already_merged"


def test_a_year_alone_is_kept_as_the_year(store):
    p = add(store, PersonForm(full_name="Lò Văn Pả", birth_date=" 1965 ", commune_code=COMMUNE))
    assert (p.birth_date, p.birth_year) == (None, 1965)
    stored = people.get(store, p.id)
    assert (stored.birth_date, stored.birth_year) == (None, 1965)
    whole = add(store, PersonForm(full_name="Lò Thị Ơn", birth_date="02/09/1970", commune_code=COMMUNE))
    assert whole.birth_year == 1970  # the year of a whole date is kept too
    for text, code in (
        ("2031", "reason.birth_date.future"),
        ("1890", "reason.birth_date.too_old"),
        ("65", "form.birth_format"),
    ):
        with pytest.raises(FormRefused) as err:
            registry.check_person(PersonForm(full_name="Lò Văn Pả", birth_date=text, commune_code=COMMUNE), today=TODAY)
        assert err.value.problems[0].code == code


def test_a_year_alone_is_checked_against_the_citizen_id():
    form = PersonForm(full_name="Lò Văn Pả", birth_date="1966", citizen_id="033065001234", commune_code=COMMUNE)
    with pytest.raises(FormRefused) as err:
        registry.check_person(form, today=TODAY)
    assert err.value.problems[0].params == {"id_year": 1965, "typed_year": 1966}
    assert registry.check_person(replace(form, birth_date="1965"), today=TODAY).birth_year == 1965


def test_same_name_year_and_commune_is_a_candidate_when_only_the_year_is_known(store):
    add(store, PersonForm(full_name="Lò Văn Pả", birth_date="1965", commune_code=COMMUNE))
    for typed in ("1965", "14/02/1965"):  # the year again, or a whole date of that year
        with pytest.raises(PossibleDuplicates):
            add(store, PersonForm(full_name="LO VAN PA", birth_date=typed, commune_code=COMMUNE))
    add(store, PersonForm(full_name="Lò Văn Pả", birth_date="1966", commune_code=COMMUNE))  # another year
    whole = add(store, PersonForm(full_name="Đèo Văn Long", birth_date="03/03/1950", commune_code=COMMUNE))
    with pytest.raises(PossibleDuplicates) as err:
        add(store, PersonForm(full_name="Đèo Văn Long", birth_date="1950", commune_code=COMMUNE))
    assert [c.id for c in err.value.candidates] == [whole.id]
    add(store, PersonForm(full_name="Đèo Văn Long", birth_date="04/03/1950", commune_code=COMMUNE))  # two days


def test_a_merge_fills_the_whole_date_over_a_year(store):
    kept = add(store, PersonForm(full_name="Lò Văn Pả", birth_date="1965", commune_code=COMMUNE))
    other = add(
        store, PersonForm(full_name="Lò Văn Pả", birth_date="14/02/1965", commune_code=COMMUNE), allow_candidates=True
    )
    with writing(store, actor(store)) as w:
        registry.merge(w, kept, other)
    assert people.get(store, kept.id).birth_date == date(1965, 2, 14)


def test_a_merge_shows_first_what_it_fills(store):
    kept = add(store, PersonForm(full_name="Phạm Văn Đồng", commune_code=COMMUNE, citizen_id="033070001111"))
    other = add(store, PersonForm(full_name="Phạm Văn Đồng", commune_code=COMMUNE, phone="0987654321"))
    other = replace(other, vsi_status=VsiStatus.ACTIVE, vsi_paid_to=date(2026, 12, 31))
    assert registry.merge_fills(kept, other) == {
        "phone": "0987654321",
        "vsi_paid_to": date(2026, 12, 31),
        "vsi_status": VsiStatus.ACTIVE,
    }
    assert registry.merge_fills(other, kept) == {"citizen_id": "033070001111"}
    assert registry.merge_refusal(kept, kept) == "merge.same_record"
    assert registry.merge_refusal(kept, other) is None


def test_two_citizen_ids_are_two_people(store):
    a = add(store)
    b = add(
        store,
        PersonForm(
            full_name="Nguyễn Thị Hoà", citizen_id="034188009999", commune_code=COMMUNE, birth_date="12/05/1988"
        ),
        allow_candidates=True,
    )
    with pytest.raises(InputRefused) as err, writing(store, actor(store)) as w:
        registry.merge(w, a, b)
    assert err.value.code == "merge.different_citizen_ids"


def test_copy_and_erase_on_request(demo_store):
    person_id = demo_store.query_one(
        "SELECT person_id FROM consultations WHERE person_id IS NOT NULL AND note <> '' LIMIT 1"
    )[0]
    add_consultation(demo_store, person_id=person_id, note="Nhà ở cạnh đình, hay đi chợ sáng")
    with writing(demo_store, actor(demo_store)) as w:
        copy = registry.person_copy(w, person_id)
    assert copy["person"][0]["full_name"] and copy["consultations"]
    json.dumps(copy, ensure_ascii=False)  # a file the person can take
    person = people.get(demo_store, person_id)
    team = team_store.current_team(demo_store)  # erasure is a team leader's (issue 13)
    leader = next(m for m in team_store.members(demo_store, team.id) if m.role is Role.TEAM_LEADER)
    by_leader = Actor(leader.id, demo_store.device_id)
    with writing(demo_store, by_leader) as w:
        registry.erase(w, person)
    erased = people.get(demo_store, person_id)
    assert erased.erased_at and erased.full_name == "" and erased.citizen_id is None and erased.phone is None
    notes = demo_store.query("SELECT note, refusal_reason FROM consultations WHERE person_id = ?", (person_id,))
    assert notes and all(n == ("", None) for n in notes)
    op = demo_store.query_one("SELECT op FROM outbox WHERE entity_id = ? ORDER BY seq DESC", (person_id,))[0]
    assert op == "erase"
    assert (
        demo_store.query_one(
            "SELECT count(*) FROM audit_log WHERE entity_id = ? AND action IN ('erase', 'export')", (person_id,)
        )[0]
        == 2
    )
    assert person_id not in {p.id for p in search(demo_store, person.full_name)}
    with pytest.raises(InputRefused) as err, writing(demo_store, by_leader) as w:
        registry.erase(w, erased)
    assert err.value.code == "erase.already"


def test_facts_other_than_their_notes_stay_unchangeable(demo_store):
    from fieldapp.storage import driver

    with pytest.raises(driver.IntegrityError), demo_store.transaction() as conn:
        conn.execute("UPDATE consultations SET note = 'sửa lại'")


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.builds(
        PersonForm,
        full_name=st.text(max_size=40),
        birth_date=st.text(max_size=12),
        sex=st.sampled_from([None, Sex.MALE, Sex.FEMALE]),
        citizen_id=st.text(max_size=14),
        si_number=st.text(max_size=16),
        phone=st.text(max_size=14),
        commune_code=st.sampled_from(["", COMMUNE, "99999"]),
        hamlet=st.text(max_size=90),
    )
)
def test_any_form_is_either_clean_or_refused_with_reasons(form):
    try:
        clean = registry.check_person(form, communes={COMMUNE}, today=TODAY)
    except FormRefused as exc:
        assert exc.problems and all(p.code for p in exc.problems)
        from fieldapp.i18n import catalog

        assert all(p.code in catalog("vi") for p in exc.problems)
    else:
        assert clean.full_name and clean.commune_code == COMMUNE


# --- the registered clinic (nơi KCB ban đầu, issue 17 item 2) -----------------------------------------


def test_the_registered_clinic_is_kept_as_the_card_prints_it_and_edited(store):
    p = add(store, replace(HOA, hi_clinic="33-105"))
    assert p.hi_clinic == "33 - 105"
    assert people.get(store, p.id).hi_clinic == "33 - 105"
    with writing(store, actor(store)) as w:
        edited = registry.update_person(w, p, registry.check_person(replace(HOA, hi_clinic="01 - C54"), today=TODAY))
    assert people.get(store, p.id).hi_clinic == "01 - C54" == edited.hi_clinic
    (payload,) = store.query_one("SELECT payload FROM outbox WHERE entity_id = ? ORDER BY seq DESC", (p.id,))
    sent = json.loads(payload)  # sync carries it, named as changed
    assert sent["record"]["hi_clinic"] == "01 - C54" and "hi_clinic" in sent["changed"]


def test_a_clinic_that_is_no_code_is_named_with_the_other_problems():
    with pytest.raises(FormRefused) as err:
        registry.check_person(replace(HOA, hi_clinic="Trạm y tế xã", phone="12"), today=TODAY)
    assert {(p.field, p.code) for p in err.value.problems} >= {
        ("hi_clinic", "reason.clinic.format"),
        ("phone", "reason.phone.length"),
    }


def test_the_clinic_is_in_the_persons_copy_and_gone_after_erasure(store):
    p = add(store, replace(HOA, hi_clinic="33 - 105"))
    with writing(store, actor(store)) as w:
        assert registry.person_copy(w, p.id)["person"][0]["hi_clinic"] == "33 - 105"
        registry.erase(w, people.get(store, p.id))
    assert people.get(store, p.id).hi_clinic is None


def test_a_merge_fills_the_clinic_the_kept_record_lacks(store):
    kept = add(store, replace(HOA, citizen_id="", hi_clinic=""), allow_candidates=True)
    merged = add(store, replace(HOA, citizen_id="", si_number="", hi_clinic="33 - 105"), allow_candidates=True)
    assert registry.merge_fills(kept, merged)["hi_clinic"] == "33 - 105"


def test_a_scanned_card_fills_the_form_over_what_was_typed():
    """The People search box and the dialog's scan field both fill the form from a card the same way."""
    from fieldapp.domain.scans import read_hi_card

    card = read_hi_card(f"0133012345|{'Đinh Văn Tú'.encode().hex()}|1979|1|-|33 - 123|01/01/2026|-|01/01/2026|$")
    typed = PersonForm(commune_code=COMMUNE, hamlet="Thôn Đông", phone="0912345678", hi_clinic="01 - 001")
    form = registry.scanned_form(card.person, typed)
    assert (form.full_name, form.birth_date, form.si_number, form.hi_clinic) == (
        "Đinh Văn Tú",
        "1979",
        "0133012345",
        "33 - 123",
    )
    assert (form.commune_code, form.hamlet, form.phone) == (COMMUNE, "Thôn Đông", "0912345678")
    assert registry.check_person(form, today=TODAY).hi_clinic == "33 - 123"
