"""Who may do what: the one place the core decides it (issue 13, "trust nothing a laptop sends").

Services call `require(member, action, team_id)` with the acting member, read from the store, before they
write; the GUI calls `allowed` with the same arguments only to decide what to show. A widget that hides a
button is a convenience; the refusal is here.

The leader-only actions are allowed to a team leader or an admin **of that team**, and active: a leader
of another team (whose row a laptop may hold: demo data made before enrolling, a province device) is
refused like an ordinary member.
"""

from __future__ import annotations

from enum import StrEnum

from fieldapp.domain.enums import Role
from fieldapp.domain.models import Member
from fieldapp.errors import Forbidden


class Action(StrEnum):
    ERASE_PERSON = "erase_person"
    VOID_RECEIPT = "void_receipt"
    CLOSE_DAY = "close_day"
    TARGETS = "targets"  # add or edit targets and periods, import the province's spreadsheet
    MANAGE_MEMBERS = "manage_members"  # add a member, change a role, set someone else's PIN, deactivate
    SET_PASSPHRASE = "set_passphrase"  # the data's recovery passphrase (Settings): whoever has it opens a backup


LEADERS = frozenset({Role.TEAM_LEADER, Role.ADMIN})

# The message each refusal gives (resources/messages/*.toml); the first three existed before this module.
REFUSALS = {
    Action.ERASE_PERSON: "erase.leader_only",
    Action.VOID_RECEIPT: "receipt.void_needs_leader",
    Action.CLOSE_DAY: "closing.needs_leader",
    Action.TARGETS: "targets.leader_only",
    Action.MANAGE_MEMBERS: "members.leader_only",
    Action.SET_PASSPHRASE: "keystore.leader_only",
}


def allowed(member: Member | None, action: Action, team_id: str | None) -> bool:
    """Whether `member` may do `action` for the team `team_id` (every action here is leader-only)."""
    Action(action)
    return (
        member is not None
        and member.active
        and member.role in LEADERS
        and team_id is not None
        and member.team_id == team_id
    )


def require(member: Member | None, action: Action, team_id: str | None) -> None:
    """Raise Forbidden (exit 1, nothing changed) unless `member` may do `action` for `team_id`."""
    if not allowed(member, action, team_id):
        raise Forbidden(
            REFUSALS[Action(action)],
            action=Action(action),
            member=member.id if member else None,
            team=team_id,
        )
