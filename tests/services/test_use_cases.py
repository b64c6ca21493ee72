"""Use cases own their transaction and their permission check (issue 16, item 3): each takes the store and the
acting member, writes, and returns its result with what it changed. The screens call only these."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from fieldapp.domain.enums import EnrolmentKind, Metric, Outcome, PeriodKind, ScopeKind, TargetGroup, Topic
from fieldapp.domain.permissions import Action, allowed
from fieldapp.domain.premiums import default_rules
from fieldapp.errors import Forbidden
from fieldapp.services import enrolment, fieldwork, registry, targets, team
from fieldapp.services.registry import PersonForm
from fieldapp.storage import people
from fieldapp.storage import targets as target_store
from fieldapp.storage.writer import Actor
from tests.reports.helpers import team_and_people
from tests.services.helpers import COMMUNE


@pytest.fixture
def world(demo_store):
    own_team, leader, member = team_and_people(demo_store)
    return demo_store, own_team, leader, member


def as_(store, member) -> Actor:
    return Actor(member.id, store.device_id)


def outbox_and_audit(store) -> tuple[int, int]:
    return (
        store.query_one("SELECT count(*) FROM outbox")[0],
        store.query_one("SELECT count(*) FROM audit_log")[0],
    )


def a_person(store):
    (pid,) = store.query_one(
        "SELECT id FROM persons WHERE household_order = 1 AND erased_at IS NULL AND merged_into IS NULL "
        "ORDER BY pk LIMIT 1"
    )
    return people.get(store, pid)


def test_a_new_person_changes_persons_and_households(world):
    store, _own_team, _leader, member = world
    form = PersonForm(full_name="Đỗ Thị Mới", birth_date="1990", commune_code=COMMUNE, target_group=TargetGroup.FARMER)
    clean = registry.check_person(form)
    done = registry.save_person(store, as_(store, member), clean)
    assert done.changes.ids("persons") == {done.value.id}
    assert done.changes.ids("households") == {done.value.household_id}
    assert not done.changes.touches("receipts", "consultations")
    edited = registry.save_person(store, as_(store, member), replace(clean, phone="0912345678"), editing=done.value)
    assert edited.changes.by_entity == {"persons": {done.value.id}}


def test_a_consultation_changes_consultations_only(world):
    store, own_team, _leader, member = world
    done = fieldwork.consult(
        store,
        as_(store, member),
        team_id=own_team.id,
        person=None,
        walk_in=True,
        target_group=TargetGroup.FARMER,
        topics=[Topic.HI],
        outcome=Outcome.REFUSED,
        refusal_reason="Chưa có tiền",
    )
    assert done.changes.by_entity == {"consultations": {done.value.id}}


def test_an_enrolment_changes_its_receipt_payment_and_people(world):
    store, own_team, _leader, member = world
    person = a_person(store)
    done = enrolment.take_enrolment(
        store,
        as_(store, member),
        default_rules(),
        EnrolmentKind.HOUSEHOLD_HI,
        team_id=own_team.id,
        collector=member,
        payer=person,
        members=[person],
        months=12,
    )
    assert done.changes.ids("receipts") == {done.value.receipt.id}
    assert done.changes.ids("enrolments") == {done.value.enrolment.id}
    assert done.changes.touches("payments", "persons")


def test_an_export_is_audited_and_changes_no_record(world):
    store, _own_team, _leader, member = world
    person = a_person(store)
    done = registry.export_copy(store, as_(store, member), person.id)
    assert done.value["exported_at"]
    assert not done.changes


def test_a_merge_changes_both_records(world):
    store, _own_team, _leader, member = world
    rows = store.query("SELECT id FROM persons WHERE citizen_id IS NULL AND merged_into IS NULL ORDER BY pk LIMIT 2")
    (a,), (b,) = rows
    done = registry.merge_people(store, as_(store, member), a, b)
    assert done.changes.ids("persons") >= {b}
    assert done.changes.ids("person_merges") == {done.value.id}


def test_a_member_calling_the_erasure_directly_is_refused_and_nothing_is_written(world):
    store, _own_team, leader, member = world
    person = a_person(store)
    before = outbox_and_audit(store)
    with pytest.raises(Forbidden) as refused:
        registry.erase_person(store, as_(store, member), person)
    assert refused.value.code == "erase.leader_only"
    assert outbox_and_audit(store) == before
    done = registry.erase_person(store, as_(store, leader), person)
    assert done.changes.ids("persons") == {person.id}


def test_a_member_calling_targets_directly_is_refused_and_nothing_is_written(world):
    store, _own_team, leader, member = world
    (campaign,) = target_store.campaigns(store)
    before = outbox_and_audit(store)
    with pytest.raises(Forbidden):
        targets.save_targets(
            store, as_(store, member), campaign.id, None, ScopeKind.MEMBER, member.id, {Metric.NEW_VSI: 9}
        )
    with pytest.raises(Forbidden):
        targets.open_period(store, as_(store, member), campaign, PeriodKind.MONTH, campaign.starts_on + timedelta(1))
    assert outbox_and_audit(store) == before
    done = targets.save_targets(
        store, as_(store, leader), campaign.id, None, ScopeKind.MEMBER, member.id, {Metric.NEW_VSI: 9}
    )
    assert done.value == 1 and done.changes.touches("targets")


def test_only_a_leader_sets_the_recovery_passphrase(world, monkeypatch):
    """Settings greyed the button for a member; now the service refuses too (issue 16)."""
    store, own_team, leader, member = world
    wrapped: list[str] = []
    monkeypatch.setattr(type(store), "set_passphrase", lambda _self, passphrase: wrapped.append(passphrase))
    with pytest.raises(Forbidden) as refused:
        team.set_recovery_passphrase(store, as_(store, member), "một mật khẩu dài")
    assert refused.value.code == "keystore.leader_only"
    assert wrapped == []
    assert not allowed(member, Action.SET_PASSPHRASE, own_team.id)
    team.set_recovery_passphrase(store, as_(store, leader), "một mật khẩu dài")
    assert wrapped == ["một mật khẩu dài"]
