"""Work lists: who to visit in a hamlet (not insured yet), whose HI card or VSI period ends soon."""

from __future__ import annotations

from array import array
from datetime import date, timedelta

from fieldapp.storage.store import Store

_ALIVE = "p.erased_at IS NULL AND p.merged_into IS NULL"
# A round goes commune by commune (in their official code order), hamlet by hamlet in Vietnamese name
# order, household by household; the hamlet's id only keeps two hamlets of one name apart. The hamlets
# (a few thousand) are ranked once. A list of the whole registry holds up to a third of it: reading the
# table in order and sorting once (0.6 s for 500,000 people) beats walking any index (SQLite would pick the
# People list's partial index: 3.8 s); a single hamlet's list uses its index.
_BY_HAMLET = (
    "WITH ranked AS (SELECT id, row_number() OVER (ORDER BY commune_code, vi_text_sort_key(name), id) AS n "
    f"FROM hamlets) SELECT p.pk FROM persons p {{scan}} LEFT JOIN ranked h ON h.id = p.hamlet_id WHERE {_ALIVE} "
    "AND {where} ORDER BY p.commune_code, h.n, p.hamlet_id, {then}"
)


def _by_hamlet(where: str, then: str, hamlet_id: str | None = None) -> str:
    if hamlet_id:
        return _BY_HAMLET.format(scan="", where=f"{where} AND p.hamlet_id = ?", then=then)
    return _BY_HAMLET.format(scan="NOT INDEXED", where=where, then=then)


def not_insured(store: Store, today: date, hamlet_id: str | None = None) -> array:
    """People with no valid HI card and no VSI, by hamlet and household: the door-to-door round."""
    rows = store.query(
        _by_hamlet(
            "(p.hi_valid_to IS NULL OR p.hi_valid_to < ?) AND p.vsi_status <> 'active'",
            "p.household_id, p.household_order, p.sort_key",
            hamlet_id,
        ),
        (today.isoformat(), *([hamlet_id] if hamlet_id else [])),
    )
    return array("q", (r[0] for r in rows))


# The renewals list: HI cards that ended at most HI_ENDED_DAYS ago (a renewal within 3 months keeps the
# card's continuity, rules.md) or end within HI_ENDING_DAYS; the dues list: VSI paid up to within
# VSI_DUE_DAYS, or lapsed. The People screen's list titles say these same numbers.
HI_ENDED_DAYS, HI_ENDING_DAYS, VSI_DUE_DAYS = 90, 30, 30


def hi_ending(store: Store, today: date, within_days: int = HI_ENDING_DAYS) -> array:
    """Household HI cards that end within `within_days` or ended at most HI_ENDED_DAYS ago: renewals."""
    rows = store.query(
        _by_hamlet("p.hi_valid_to BETWEEN ? AND ?", "p.hi_valid_to, p.household_id, p.household_order"),
        ((today - timedelta(days=HI_ENDED_DAYS)).isoformat(), (today + timedelta(days=within_days)).isoformat()),
    )
    return array("q", (r[0] for r in rows))


def vsi_due(store: Store, today: date, within_days: int = VSI_DUE_DAYS) -> array:
    """VSI participants whose paid period ends within `within_days`, or has ended: dues to collect."""
    rows = store.query(
        _by_hamlet("p.vsi_status IN ('active', 'paused') AND p.vsi_paid_to <= ?", "p.vsi_paid_to, p.household_id"),
        ((today + timedelta(days=within_days)).isoformat(),),
    )
    return array("q", (r[0] for r in rows))


def follow_ups(store: Store, today: date) -> array:
    rows = store.query(
        f"SELECT DISTINCT p.pk FROM follow_ups f JOIN persons p ON p.id = f.person_id WHERE f.done_at IS NULL "
        f"AND f.due_on <= ? AND {_ALIVE} ORDER BY f.due_on",
        (today.isoformat(),),
    )
    return array("q", (r[0] for r in rows))
