"""Targets and campaign periods: what the Targets dialog and the province's spreadsheet set."""

from __future__ import annotations

from datetime import date

from fieldapp.domain.models import Campaign, CampaignPeriod, Target
from fieldapp.domain.text import fold
from fieldapp.storage.records import spec_for
from fieldapp.storage.store import Store

_CAMPAIGN = spec_for(Campaign)
_PERIOD = spec_for(CampaignPeriod)
_TARGET = spec_for(Target)


def campaigns(store: Store) -> list[Campaign]:
    return [_CAMPAIGN.decode(r) for r in store.query(f"{_CAMPAIGN.select_sql} ORDER BY starts_on DESC")]


def campaign_on(store: Store, day: date) -> Campaign | None:
    row = store.query_one(
        f"{_CAMPAIGN.select_sql} WHERE starts_on <= ?1 AND ends_on >= ?1 ORDER BY starts_on DESC LIMIT 1",
        (day.isoformat(),),
    )
    return _CAMPAIGN.decode(row) if row else None


def periods(store: Store, campaign_id: str) -> list[CampaignPeriod]:
    rows = store.query(f"{_PERIOD.select_sql} WHERE campaign_id = ? ORDER BY starts_on, ends_on", (campaign_id,))
    return [_PERIOD.decode(r) for r in rows]


def targets(store: Store, campaign_id: str, period_id: str | None) -> list[Target]:
    rows = store.query(
        f"{_TARGET.select_sql} WHERE campaign_id = ? AND period_id IS ? ORDER BY scope, scope_ref, metric, created_at",
        (campaign_id, period_id),
    )
    return [_TARGET.decode(r) for r in rows]


def all_targets(store: Store, campaign_id: str) -> list[Target]:
    rows = store.query(f"{_TARGET.select_sql} WHERE campaign_id = ? ORDER BY created_at", (campaign_id,))
    return [_TARGET.decode(r) for r in rows]


def units(store: Store, province: str) -> dict[str, dict[str, str]]:
    """How a spreadsheet may name each unit, folded -> id, per scope: codes, names, member codes."""
    out: dict[str, dict[str, str]] = {"province": {province: province}, "commune": {}, "team": {}, "member": {}}
    for code, name in store.query("SELECT code, name FROM communes WHERE province_code = ?", (province,)):
        out["commune"][code] = code
        out["commune"][fold(name)] = code
    for team_id, name in store.query("SELECT id, name FROM teams"):
        out["team"][team_id] = team_id
        out["team"][fold(name)] = team_id
    for member_id, name, code in store.query("SELECT id, full_name, code FROM members"):
        out["member"][member_id] = member_id
        out["member"][fold(code)] = member_id
        out["member"].setdefault(fold(name), member_id)
    for name, code in store.query("SELECT name, code FROM provinces WHERE code = ?", (province,)):
        out["province"][fold(name)] = code
    return out


def unit_names(store: Store) -> dict[str, str]:
    """Display names of every unit a target may name (communes, teams, members, provinces), by id/code."""
    out: dict[str, str] = {}
    for sql in (
        "SELECT code, name FROM provinces",
        "SELECT id, name FROM teams",
        "SELECT id, full_name FROM members",
    ):
        out.update(store.query(sql))
    return out


def commune_names(store: Store, codes: list[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(store.query(f"SELECT code, name FROM communes WHERE code IN ({', '.join('?' * len(codes))})", codes))


def existing(conn, campaign_id: str) -> dict[tuple[str | None, str, str, str], Target]:
    """The campaign's targets by (period id, scope, ref, metric), inside the caller's transaction; the
    latest wins where sync brought two."""
    rows = conn.execute(f"{_TARGET.select_sql} WHERE campaign_id = ? ORDER BY created_at", (campaign_id,)).fetchall()
    out = {}
    for row in rows:
        target = _TARGET.decode(row)
        out[(target.period_id, target.scope.value, target.scope_ref, target.metric.value)] = target
    return out


def periods_in(conn, campaign_id: str) -> list[CampaignPeriod]:
    rows = conn.execute(f"{_PERIOD.select_sql} WHERE campaign_id = ? ORDER BY starts_on", (campaign_id,)).fetchall()
    return [_PERIOD.decode(r) for r in rows]


def teams(store: Store) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in store.query("SELECT id, name FROM teams ORDER BY name")]
