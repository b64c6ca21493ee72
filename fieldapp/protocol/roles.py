"""Which ops only a team leader may make (docs/sync-api.md, "Roles"): the rule the server applies to every
push and the laptop to the work it would send."""

from __future__ import annotations

# Records that only a team leader (the op's `actor`) may create or edit.
LEADER_ONLY = frozenset({"campaigns", "campaign_periods", "targets", "members"})
# Facts that name the leader who made them: entity -> the field naming the leader.
LEADER_FIELD = {"receipt_voids": "member_id", "day_closings": "closed_by"}


def needs_leader_actor(entity: str, op: str) -> bool:
    """Whether the op's `actor` must be a leader of the device's team (a member's own PIN apart)."""
    return entity in LEADER_ONLY or (entity == "persons" and op == "erase")
