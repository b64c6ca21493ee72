"""Shared bits of the tallies tests: the demo team, a member, enrolling at a given moment."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fieldapp.domain.enums import PaymentMethod, Role
from fieldapp.domain.premiums import default_rules
from fieldapp.services import enrolment
from fieldapp.storage import people
from fieldapp.storage import team as team_store
from fieldapp.storage.writer import Actor, writing


def team_and_people(store):
    team = team_store.current_team(store)
    members = team_store.members(store, team.id)
    leader = next(m for m in members if m.role is Role.TEAM_LEADER)
    member = next(m for m in members if m.role is Role.MEMBER)
    return team, leader, member


def at(day: date, hour: int = 3) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)  # 10:00 in Vietnam


def enrol_hi(store, member, team, when: datetime, method=PaymentMethod.CASH, reference=None):
    (pid,) = store.query_one("SELECT id FROM persons WHERE household_order = 1 ORDER BY pk LIMIT 1")
    person = people.get(store, pid)
    with writing(store, Actor(member.id, store.device_id), clock=lambda: when) as w:
        return enrolment.enrol_household_hi(
            w,
            default_rules(),
            team_id=team.id,
            collector=member,
            payer=person,
            members=[person],
            months=12,
            method=method,
            reference=reference,
        )
