"""Tallies against targets: the rollup matches the facts, breakdowns add up, no division by zero, work
counts for the team it was done in, an empty day is an empty report."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from fieldapp.domain.enums import Metric, Outcome, ScopeKind, TargetGroup, Topic
from fieldapp.domain.formats import local_day
from fieldapp.i18n import label, t
from fieldapp.reports.export import compact
from fieldapp.reports.tallies import build, percent
from fieldapp.services.fieldwork import record_consultation
from fieldapp.services.targets import set_targets
from fieldapp.services.team import new_team
from fieldapp.storage import tallies as tally_store
from fieldapp.storage import targets as target_store
from fieldapp.storage.writer import Actor, writing
from tests.conftest import DEMO_END
from tests.reports.helpers import at, team_and_people

FIRST = DEMO_END - timedelta(days=3)


def test_percent_never_divides_by_zero():
    assert percent(5, None) is None
    assert percent(5, 0) is None
    assert percent(1, 3) == 33.3


def test_report_matches_the_facts(demo_store):
    team, _leader, _member = team_and_people(demo_store)
    report = build(demo_store, FIRST, DEMO_END, [team.id])
    done = {m: d for m, d, _t in report.summary}
    (consultations,) = demo_store.query_one("SELECT count(*) FROM consultations WHERE day BETWEEN ? AND ?",
                                            (FIRST.isoformat(), DEMO_END.isoformat()))  # fmt: skip
    assert done[Metric.CONSULTATIONS] == consultations > 0
    (hi,) = demo_store.query_one(  # a voided receipt's members are not counted (the demo voids some)
        "SELECT coalesce(sum(json_array_length(e.lines)), 0) FROM enrolments e "
        "JOIN payments p ON p.enrolment_id = e.id JOIN receipts r ON r.payment_id = p.id "
        "WHERE e.kind = 'household_hi' AND e.enrolled_on BETWEEN ? AND ? "
        "AND NOT EXISTS (SELECT 1 FROM receipt_voids v WHERE v.receipt_id = r.id)",
        (FIRST.isoformat(), DEMO_END.isoformat()),
    )
    assert done[Metric.NEW_HI] == hi
    (collected,) = demo_store.query_one(
        "SELECT coalesce(sum(amount), 0) FROM receipts r WHERE day BETWEEN ? AND ? "
        "AND NOT EXISTS (SELECT 1 FROM receipt_voids v WHERE v.receipt_id = r.id)",
        (FIRST.isoformat(), DEMO_END.isoformat()),
    )
    assert report.collected == collected
    # every breakdown adds up to the summary
    for key in ("member", "site", "commune", "group"):
        table = report.table(key)
        col = [c.code for c in table.columns].index(Metric.CONSULTATIONS.value)
        assert table.total[col] == consultations
        assert table.total[-1] == collected
    # the cumulative series ends at the period's total
    assert sum(p.done[Metric.CONSULTATIONS] for p in report.days) == consultations
    # the demo's day targets add up over the period
    target = {m: t for m, _d, t in report.summary}
    assert target[Metric.CONSULTATIONS] == 4 * 60


def test_rebuild_gives_the_same_rollup(demo_store):
    before = demo_store.query("SELECT * FROM tallies ORDER BY 1, 2, 3, 4, 5")
    tally_store.rebuild(demo_store)
    assert demo_store.query("SELECT * FROM tallies ORDER BY 1, 2, 3, 4, 5") == before


def test_zero_target_reads_no_target(demo_store):
    team, leader, member = team_and_people(demo_store)
    (campaign,) = target_store.campaigns(demo_store)
    with writing(demo_store, Actor(leader.id, demo_store.device_id)) as w:
        set_targets(w, campaign.id, None, ScopeKind.MEMBER, member.id, {Metric.CONSULTATIONS: 0, Metric.NEW_HI: 2})
    report = build(demo_store, campaign.starts_on, campaign.ends_on, [team.id])
    table = report.table("member")
    codes = [c.code for c in table.columns]
    row = next(r for r in table.rows if r[0] == member.full_name)
    assert row[codes.index("new_hi:target")] == 2
    assert row[codes.index("new_hi:percent")] == percent(row[codes.index("new_hi")], 2)
    if "consultations:target" in codes:
        assert row[codes.index("consultations:target")] is None
        assert row[codes.index("consultations:percent")] is None


def test_member_moved_between_teams_counts_where_the_work_was_done(demo_store):
    team, leader, member = team_and_people(demo_store)
    day = DEMO_END
    before = build(demo_store, day, day, [team.id])
    mine_before = next(r for r in before.table("member").rows if r[0] == member.full_name)[1] if any(
        r[0] == member.full_name for r in before.table("member").rows) else 0  # fmt: skip
    other = new_team("Tổ số 2", team.province_code, team.organisation, team.commune_codes)
    with writing(demo_store, Actor(leader.id, demo_store.device_id), clock=lambda: at(day)) as w:
        w.add(other)
        w.update(replace(member, team_id=other.id), ["team_id"])
    with writing(demo_store, Actor(member.id, demo_store.device_id), clock=lambda: at(day)) as w:
        for _ in range(3):
            record_consultation(w, team_id=other.id, person_id=None, target_group=TargetGroup.TRADER,
                                topics=[Topic.HI], outcome=Outcome.REFUSED, refusal_reason="x")  # fmt: skip
    assert local_day(at(day)) == day
    after_old = build(demo_store, day, day, [team.id])
    row = next((r for r in after_old.table("member").rows if r[0] == member.full_name), None)
    assert (row[1] if row else 0) == mine_before  # the old team keeps what was done there
    new = build(demo_store, day, day, [other.id])
    (row,) = new.table("member").rows
    assert row[0] == member.full_name and row[1] == 3
    both = build(demo_store, day, day, [team.id, other.id])
    assert both.table("summary").rows[0][1] == before.table("summary").rows[0][1] + 3


def test_an_empty_day_is_an_empty_report(demo_store):
    team, _l, _m = team_and_people(demo_store)
    day = date(2026, 1, 2)
    report = build(demo_store, day, day, [team.id])
    assert report.empty
    assert all(not t.rows for t in report.tables if t.key != "summary")
    assert report.table("summary").rows[0][1] == 0 and report.table("summary").rows[0][3] is None


def test_member_and_commune_tables_give_plan_where_there_is_one_and_no_target_where_not(demo_store):
    """The demo gives members (not the leader) and communes day targets; the team's targeted metrics are in
    both tables too, "no target" on the rows that have none (issue 18, item 12)."""
    team, leader, _member = team_and_people(demo_store)
    first = DEMO_END - timedelta(days=3)
    days = 4
    report = build(demo_store, first, DEMO_END, [team.id])
    members = report.table("member")
    codes = [c.code for c in members.columns]
    by_name = {r[0]: r for r in members.rows}
    others = [r for name, r in by_name.items() if name != leader.full_name]
    assert others
    for row in others:
        assert row[codes.index("consultations:target")] == 8 * days
        assert row[codes.index("consultations:percent")] == percent(row[codes.index("consultations")], 8 * days)
        assert row[codes.index("new_vsi:target")] == days and row[codes.index("new_hi:target")] == 2 * days
        # the team has a target for donated cards, no member has: the column is there, "no target" in it
        assert row[codes.index("donated_cards:target")] is None and row[codes.index("donated_cards:percent")] is None
    if leader.full_name in by_name:
        assert by_name[leader.full_name][codes.index("consultations:percent")] is None
    assert "donated_books:target" not in codes  # nobody has a target for it
    headers, rows, _kinds = compact(members, "vi")
    column = headers.index(label(Metric.DONATED_CARDS, "vi"))
    assert all(r[column].endswith(" / —") for r in rows)
    consulted = headers.index(label(Metric.CONSULTATIONS, "vi"))
    assert all(r[consulted].endswith("%)") for r in rows if r[0] in by_name and r[0] != leader.full_name)

    communes = report.table("commune")
    codes = [c.code for c in communes.columns]
    named = [r for r in communes.rows if r[0] != t("tallies.none.commune", "vi")]
    assert named and all(r[codes.index("new_hi:target")] == 3 * days for r in named)
    assert all(r[codes.index("consultations:percent")] is None for r in named)


def test_without_any_target_the_breakdowns_have_no_plan_columns(demo_store):
    team, _leader, _member = team_and_people(demo_store)
    (campaign,) = target_store.campaigns(demo_store)
    before = campaign.starts_on - timedelta(days=10)
    report = build(demo_store, before, before, [team.id])
    for key in ("member", "commune"):
        assert not [c for c in report.table(key).columns if c.kind == "percent"]
