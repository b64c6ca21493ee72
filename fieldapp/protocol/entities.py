"""The record types sync carries: the entity name (the laptop's table), its dataclass, and whether it is
mutable (carries `version`, edits go out with `base_version`). The order is parents first."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any

from fieldapp.domain import models as m


@dataclass(frozen=True)
class Entity:
    name: str
    cls: type
    mutable: bool


ENTITIES: tuple[Entity, ...] = (
    Entity("hamlets", m.Hamlet, True),
    Entity("teams", m.Team, True),
    Entity("members", m.Member, True),
    Entity("devices", m.Device, False),
    Entity("campaigns", m.Campaign, True),
    Entity("campaign_periods", m.CampaignPeriod, True),
    Entity("targets", m.Target, True),
    Entity("sites", m.Site, True),
    Entity("households", m.Household, True),
    Entity("persons", m.Person, True),
    Entity("events", m.OutreachEvent, False),
    Entity("consultations", m.Consultation, False),
    Entity("follow_ups", m.FollowUp, True),
    Entity("enrolments", m.Enrolment, False),
    Entity("payments", m.Payment, False),
    Entity("receipts", m.Receipt, False),
    Entity("receipt_voids", m.ReceiptVoid, False),
    Entity("outreach_results", m.OutreachResult, False),
    Entity("person_merges", m.PersonMerge, False),
    Entity("prospect_lists", m.ProspectList, False),
    Entity("prospects", m.Prospect, False),
    Entity("day_closings", m.DayClosing, False),
)
BY_NAME: dict[str, Entity] = {e.name: e for e in ENTITIES}

# Records of the local registry: filed under the province of their commune (docs/sync-api.md, Scope).
REGISTRY = frozenset({"hamlets", "households", "persons", "sites"})

# The record kinds `fieldapp stats` and `fieldapp server stats` count, keyed as both print them (docs/cli.md:
# the same JSON keys on both), each with the laptop's table. Audit entries never leave a laptop: the server
# says 0.
COUNTED_TABLES = {
    "persons": "persons",
    "households": "households",
    "consultations": "consultations",
    "enrolments": "enrolments",
    "payments": "payments",
    "receipts": "receipts",
    "receipt_voids": "receipt_voids",
    "events": "events",
    "follow_ups": "follow_ups",
    "outreach_results": "outreach_results",
    "hamlets": "hamlets",
    "sites": "sites",
    "teams": "teams",
    "members": "members",
    "campaigns": "campaigns",
    "targets": "targets",
    "audit_entries": "audit_log",
}


def strip_optional(tp: Any) -> tuple[Any, bool]:
    """`X | None` → (X, True); any other annotation → (it, False)."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return tp, False
