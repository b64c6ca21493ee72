"""Work lists: who to visit in a hamlet (not insured yet), whose HI card or VSI period ends soon."""

from __future__ import annotations

from array import array
from datetime import date, timedelta

from fieldapp.storage.store import Store

_ALIVE = "erased_at IS NULL AND merged_into IS NULL"


def not_insured(store: Store, today: date, hamlet_id: str | None = None) -> array:
    """People with no valid HI card and no VSI, by hamlet and household: the door-to-door round."""
    where, params = ("AND hamlet_id = ?", [hamlet_id]) if hamlet_id else ("", [])
    rows = store.query(
        f"SELECT pk FROM persons WHERE {_ALIVE} AND (hi_valid_to IS NULL OR hi_valid_to < ?) "
        f"AND vsi_status <> 'active' {where} ORDER BY hamlet_id, household_id, household_order, name_key",
        (today.isoformat(), *params),
    )
    return array("q", (r[0] for r in rows))


def hi_ending(store: Store, today: date, within_days: int) -> array:
    """Household HI cards that end within `within_days` (or ended less than 3 months ago): renewals."""
    rows = store.query(
        f"SELECT pk FROM persons WHERE {_ALIVE} AND hi_valid_to BETWEEN ? AND ? "
        "ORDER BY hamlet_id, hi_valid_to, household_id, household_order",
        ((today - timedelta(days=90)).isoformat(), (today + timedelta(days=within_days)).isoformat()),
    )
    return array("q", (r[0] for r in rows))


def vsi_due(store: Store, today: date, within_days: int) -> array:
    """VSI participants whose paid period ends within `within_days`, or has ended: dues to collect."""
    rows = store.query(
        f"SELECT pk FROM persons WHERE {_ALIVE} AND vsi_status IN ('active', 'paused') AND vsi_paid_to <= ? "
        "ORDER BY hamlet_id, vsi_paid_to, household_id",
        ((today + timedelta(days=within_days)).isoformat(),),
    )
    return array("q", (r[0] for r in rows))


def follow_ups(store: Store, today: date) -> array:
    rows = store.query(
        f"SELECT DISTINCT p.pk FROM follow_ups f JOIN persons p ON p.id = f.person_id WHERE f.done_at IS NULL "
        f"AND f.due_on <= ? AND p.{_ALIVE.replace(' AND ', ' AND p.')} ORDER BY f.due_on",
        (today.isoformat(),),
    )
    return array("q", (r[0] for r in rows))
