"""Small record factories for tests."""

from __future__ import annotations

from fieldapp.domain.clock import utcnow
from fieldapp.domain.enums import Outcome, TargetGroup, Topic, VsiStatus
from fieldapp.domain.ids import new_id
from fieldapp.domain.models import Person

COMMUNE = "12166"  # a real commune code (Hưng Yên); any code from resources/admin_units works


def person(name: str = "Nguyễn Thị Hoà", **fields) -> Person:
    now = utcnow()
    values = dict(
        id=new_id(),
        full_name=name,
        birth_date=None,
        sex=None,
        citizen_id=None,
        si_number=None,
        phone=None,
        commune_code=COMMUNE,
        hamlet_id=None,
        household_id=None,
        household_order=None,
        target_group=TargetGroup.FARMER,
        consent_at=None,
        hi_valid_to=None,
        vsi_status=VsiStatus.NEVER,
        vsi_paid_to=None,
        created_at=now,
        updated_at=now,
    )
    values.update(fields)
    return Person(**values)


def many_persons(n: int) -> list[Person]:
    return [person(f"Trần Văn Bình {i}".replace(str(i), "Ất" * (1 + i % 3))) for i in range(n)]


def add_consultation(store, **overrides) -> str:
    """Record one consultation as the team's first member; returns its id."""
    from fieldapp.services.fieldwork import record_consultation
    from fieldapp.storage import team as team_store
    from fieldapp.storage.writer import Actor, writing

    team = team_store.current_team(store)
    member = team_store.members(store, team.id)[0]
    args = dict(
        team_id=team.id,
        person_id=None,
        target_group=TargetGroup.FARMER,
        topics=[Topic.HI],
        outcome=Outcome.REFUSED,
        refusal_reason="Chưa có tiền",
    )
    args.update(overrides)
    with writing(store, Actor(member.id, store.device_id)) as w:
        return record_consultation(w, **args).id


def add_team(store):
    """A team of one leader in Hưng Yên, on a bare store; returns (team, leader)."""
    from fieldapp.domain.enums import Role
    from fieldapp.services.team import add_member, new_member, new_team
    from fieldapp.storage import team as team_store
    from fieldapp.storage.pin_keys import team_key
    from fieldapp.storage.writer import Actor, writing

    team = new_team("Tổ thử", "33", "Bưu điện tỉnh Hưng Yên", (COMMUNE,))
    with writing(store, Actor(None, store.device_id)) as w:
        w.add(team)
        key = team_key(w.conn, team.id)
        leader = new_member(team.id, "Trần Thị Hoa", Role.TEAM_LEADER, "330101", "1234", pin_key=key)
        add_member(w, leader)  # the team's first leader: made by the system
        team_store.set_current_team(w.conn, team.id)
    return team, leader
