"""Recording consultations and enrolling: validation, follow-ups, one transaction for money."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldapp.domain.clock import utcnow
from fieldapp.domain.enums import Outcome, PaymentMethod, TargetGroup, Topic
from fieldapp.domain.formats import local_day
from fieldapp.domain.premiums import default_rules
from fieldapp.errors import InputRefused
from fieldapp.services import enrolment
from fieldapp.services.fieldwork import record_consultation
from fieldapp.storage import people
from fieldapp.storage import team as team_store
from fieldapp.storage.work import counts
from fieldapp.storage.writer import Actor, writing


@pytest.fixture
def ctx(demo_store):
    team = team_store.current_team(demo_store)
    member = team_store.members(demo_store, team.id)[1]
    person_id = demo_store.query_one(
        "SELECT id FROM persons WHERE household_order = 1 AND target_group = 'farmer' LIMIT 1"
    )[0]
    return demo_store, team, member, people.get(demo_store, person_id)


def consult(ctx, **kw):
    store, team, member, person = ctx
    args = dict(
        team_id=team.id,
        person_id=person.id,
        target_group=TargetGroup.FARMER,
        topics=[Topic.VSI, Topic.HI],
        outcome=Outcome.ENROLLED,
    )
    args.update(kw)
    with writing(store, Actor(member.id, store.device_id)) as w:
        return record_consultation(w, **args)


def test_will_think_creates_the_follow_up(ctx):
    store = ctx[0]
    day = local_day(utcnow()) + timedelta(days=3)
    c = consult(ctx, outcome=Outcome.WILL_THINK, follow_up_on=day, note="  Hẹn sau vụ lúa  ")
    assert c.note == "Hẹn sau vụ lúa"
    due = store.query_one("SELECT due_on, person_id FROM follow_ups WHERE consultation_id = ?", (c.id,))
    assert due == (day.isoformat(), ctx[3].id)


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"topics": []}, "consultation.no_topic"),
        ({"outcome": Outcome.WILL_THINK}, "consultation.follow_up_needed"),
        (
            {"outcome": Outcome.WILL_THINK, "follow_up_on": local_day(utcnow()) - timedelta(days=1)},
            "consultation.follow_up_past",
        ),
        ({"note": "x" * 2001}, "consultation.note_too_long"),
    ],
)
def test_bad_consultations_save_nothing(ctx, kw, code):
    before = counts(ctx[0])
    with pytest.raises(InputRefused) as err:
        consult(ctx, **kw)
    assert err.value.code == code
    assert counts(ctx[0]) == before


def test_refusal_keeps_its_reason_and_walk_ins_need_no_person(ctx):
    c = consult(ctx, person_id=None, outcome=Outcome.REFUSED, refusal_reason=" Chưa có tiền ")
    assert c.person_id is None and c.refusal_reason == "Chưa có tiền"
    c = consult(ctx, outcome=Outcome.ENROLLED, refusal_reason="ignored")
    assert c.refusal_reason is None


def test_no_signed_in_member_is_refused(ctx):
    store, team, _member, person = ctx
    with pytest.raises(InputRefused), writing(store, Actor(None, store.device_id)) as w:
        record_consultation(
            w,
            team_id=team.id,
            person_id=person.id,
            target_group=TargetGroup.OTHER,
            topics=[Topic.HI],
            outcome=Outcome.REFUSED,
        )


def test_household_hi_enrolment_pays_and_receipts_together(ctx):
    store, team, member, person = ctx
    household = people.household_members(store, person.household_id)
    before = counts(store)
    with writing(store, Actor(member.id, store.device_id)) as w:
        done = enrolment.enrol_household_hi(
            w, default_rules(), team_id=team.id, collector=member, payer=person, members=household[:2], months=12
        )
    after = counts(store)
    assert {k: after[k] - before[k] for k in ("enrolments", "payments", "receipts")} == {
        "enrolments": 1,
        "payments": 1,
        "receipts": 1,
    }
    assert (
        done.receipt.amount
        == done.payment.amount
        == done.enrolment.amount
        == sum(line.amount for line in done.enrolment.lines)
    )
    assert done.receipt.series.startswith("BI-")
    assert people.get(store, household[0].id).hi_valid_to == done.enrolment.end_on


def test_member_twice_and_bad_period_save_nothing(ctx):
    store, team, member, person = ctx
    before = counts(store)
    for kwargs, code in (
        ({"members": [person, person], "months": 12}, "enrolment.member_twice"),
        ({"members": [person], "months": 5}, "premium.hi_months"),
    ):
        with pytest.raises(InputRefused) as err, writing(store, Actor(member.id, store.device_id)) as w:
            enrolment.enrol_household_hi(w, default_rules(), team_id=team.id, collector=member, payer=person, **kwargs)
        assert err.value.code == code
    with pytest.raises(InputRefused) as err, writing(store, Actor(member.id, store.device_id)) as w:
        enrolment.enrol_vsi(
            w, default_rules(), team_id=team.id, collector=member, person=person, income=1_000, months=12
        )
    assert err.value.code == "premium.vsi_income"
    with pytest.raises(InputRefused) as err, writing(store, Actor(member.id, store.device_id)) as w:
        enrolment.enrol_vsi(
            w,
            default_rules(),
            team_id=team.id,
            collector=member,
            person=person,
            income=2_000_000,
            months=12,
            method=PaymentMethod.TRANSFER,
        )
    assert err.value.code == "payment.reference_needed"
    assert counts(store) == before


def test_the_form_saves_the_consultation_its_results_and_a_changed_consent_in_one_transaction(ctx):
    from fieldapp.domain.enums import OutreachKind
    from fieldapp.services.fieldwork import save_consultation

    store, team, member, person = ctx
    assert person.consent_at is None
    before = store.query_one("SELECT count(*) FROM outbox")[0]
    with writing(store, Actor(member.id, store.device_id)) as w:
        c = save_consultation(
            w, team_id=team.id, person=person, walk_in=False, target_group=TargetGroup.FARMER, topics=[Topic.HI],
            outcome=Outcome.REFUSED, consent=True, results=[OutreachKind.VSSID_INSTALL],
        )  # fmt: skip
    assert c.person_id == person.id and c.consent
    assert people.get(store, person.id).consent_at is not None
    ops = store.query("SELECT entity, op FROM outbox ORDER BY seq")[before:]
    assert ops == [("consultations", "create"), ("outreach_results", "create"), ("persons", "update")]
    # the same consent again writes nothing more about the person; a walk-in names nobody
    with writing(store, Actor(member.id, store.device_id)) as w:
        again = save_consultation(
            w, team_id=team.id, person=people.get(store, person.id), walk_in=True, target_group=TargetGroup.FARMER,
            topics=[Topic.HI], outcome=Outcome.REFUSED, consent=True,
        )  # fmt: skip
    assert again.person_id is None
    assert store.query("SELECT entity FROM outbox ORDER BY seq")[before + 3 :] == [("consultations",)]
