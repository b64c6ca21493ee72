"""The demo's campaign and its targets: the team's for each day and for the 7 peak days, the province's
minimums over the campaign, and the day targets of each member and each of the team's communes (a province
gives its units minimums, glossary.md; a leader shares the team's among its members), so that the Tallies
screen shows % of plan per member and per commune as well as for the team.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from fieldapp.domain.enums import Metric, PeriodKind, Role, ScopeKind
from fieldapp.domain.models import Campaign, CampaignPeriod, Member, Target, Team
from fieldapp.storage.writer import Writer

# the team's day targets
TEAM_DAY = {
    Metric.NEW_VSI: 4,
    Metric.NEW_HI: 14,
    Metric.CONSULTATIONS: 60,
    Metric.EVENTS: 1,
    Metric.VSSID_INSTALLS: 10,
    Metric.NON_CASH_PENSION: 2,
    Metric.DONATED_CARDS: 1,
}
# a member's day targets (the leader leads and has none), and a commune's: about the team's, shared out
MEMBER_DAY = {Metric.CONSULTATIONS: 8, Metric.NEW_HI: 2, Metric.NEW_VSI: 1}
COMMUNE_DAY = {Metric.NEW_HI: 3, Metric.NEW_VSI: 1}


def campaign(
    w: Writer, ids: Callable[[], str], now: datetime, team: Team, province: str, start: date, end: date
) -> tuple[Campaign, list[CampaignPeriod]]:
    """The campaign from `start` to a month after `end`, its day and peak periods, the team's targets and the
    province's; returns the campaign and its day periods."""
    last = end + timedelta(days=30)
    made = Campaign(
        ids(),
        f"Chiến dịch cao điểm vận động BHXH tự nguyện, BHYT hộ gia đình {start.year}",
        province,
        start,
        last,
        now,
    )
    w.add(made)
    periods, targets = [], []
    day = start
    while day <= last:
        period = CampaignPeriod(ids(), made.id, day.strftime("%d/%m/%Y"), PeriodKind.DAY, day, day, now)
        periods.append(period)
        targets += [
            Target(ids(), made.id, period.id, ScopeKind.TEAM, team.id, metric, value, now)
            for metric, value in TEAM_DAY.items()
        ]
        day += timedelta(days=1)
    days = list(periods)
    peak_start = max(start, end - timedelta(days=6))
    peak = CampaignPeriod(
        ids(), made.id, "7 ngày cao điểm", PeriodKind.PEAK_DAYS, peak_start, peak_start + timedelta(days=6), now
    )
    periods.append(peak)
    targets += [
        Target(ids(), made.id, peak.id, ScopeKind.TEAM, team.id, metric, value * 7, now)
        for metric, value in TEAM_DAY.items()
    ]
    # the province's daily minimums over 30 days (glossary.md: 355 VSI + 710 HI a day in one province)
    targets += [
        Target(ids(), made.id, None, ScopeKind.PROVINCE, province, metric, per_day * 30, now)
        for metric, per_day in ((Metric.NEW_VSI, 355), (Metric.NEW_HI, 710))
    ]
    w.add_all(periods)
    w.add_all(targets)
    return made, days


def unit_targets(
    ids: Callable[[], str],
    now: datetime,
    made: Campaign,
    days: Sequence[CampaignPeriod],
    members: Sequence[Member],
    communes: Sequence[str],
) -> list[Target]:
    """Each day's targets of the members (not the leader) and of the team's communes."""
    units = [(ScopeKind.MEMBER, m.id, MEMBER_DAY) for m in members if m.role is not Role.TEAM_LEADER]
    units += [(ScopeKind.COMMUNE, code, COMMUNE_DAY) for code in communes]
    return [
        Target(ids(), made.id, period.id, scope, ref, metric, value, now)
        for period in days
        for scope, ref, values in units
        for metric, value in values.items()
    ]
