"""Targets typed in and imported from the province's spreadsheet: all or nothing, a clear answer per row."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from fieldapp.domain.enums import Metric, PeriodKind, ScopeKind
from fieldapp.errors import InputRefused
from fieldapp.i18n import label
from fieldapp.reports.tallies import build
from fieldapp.services.targets import ADDABLE, add_period, import_targets, kind_for, period_dates, set_targets
from fieldapp.storage import targets as target_store
from fieldapp.storage.writer import Actor, writing
from tests.reports.helpers import team_and_people


def _csv(tmp_path, text: str):
    path = tmp_path / "chi-tieu.csv"
    path.write_text(text, encoding="utf-8-sig")
    return path


def test_set_targets_adds_then_changes(demo_store):
    _team, leader, member = team_and_people(demo_store)
    (campaign,) = target_store.campaigns(demo_store)
    actor = Actor(leader.id, demo_store.device_id)
    with writing(demo_store, actor) as w:
        assert set_targets(w, campaign.id, None, ScopeKind.MEMBER, member.id, {Metric.NEW_VSI: 5}) == 1
    with writing(demo_store, actor) as w:
        assert set_targets(w, campaign.id, None, ScopeKind.MEMBER, member.id, {Metric.NEW_VSI: 5}) == 0
        assert set_targets(w, campaign.id, None, ScopeKind.MEMBER, member.id, {Metric.NEW_VSI: 7}) == 1
    (target,) = [t for t in target_store.targets(demo_store, campaign.id, None) if t.scope_ref == member.id]
    assert target.value == 7


def test_import_a_good_sheet(demo_store, tmp_path):
    team, leader, member = team_and_people(demo_store)
    (campaign,) = target_store.campaigns(demo_store)
    wb = Workbook()
    ws = wb.active
    ws.append(["Kỳ", "Cấp", "Đơn vị", "Lượt tư vấn", "Người tham gia BHYT hộ gia đình"])
    ws.append(["", "Thành viên", member.code, 100, 20])
    ws.append([campaign.starts_on.strftime("%d/%m/%Y"), "Tổ", team.name, 50, None])
    ws.append(["01/07/2026 - 07/07/2026", "xã", "12166", "1.200", 5])
    path = tmp_path / "chi-tieu.xlsx"
    wb.save(path)
    result = import_targets(demo_store, Actor(leader.id, demo_store.device_id), path, campaign, team.province_code)
    assert result.ok, result.problems
    assert (result.rows, result.targets, result.periods) == (3, 5, 1)
    report = build(demo_store, campaign.starts_on, campaign.ends_on, [team.id])
    member_table = report.table("member")
    codes = [c.code for c in member_table.columns]
    row = next(r for r in member_table.rows if r[0] == member.full_name)
    assert row[codes.index("consultations:target")] == 100
    week = [p for p in target_store.periods(demo_store, campaign.id) if p.starts_on == date(2026, 7, 1)]
    assert week and week[0].kind.value == "week"


def test_a_bad_sheet_saves_nothing_and_says_why_per_row(demo_store, tmp_path):
    team, leader, member = team_and_people(demo_store)
    (campaign,) = target_store.campaigns(demo_store)
    before = len(target_store.all_targets(demo_store, campaign.id))
    path = _csv(
        tmp_path,
        "Cấp,Đơn vị,Lượt tư vấn\n"
        f"Thành viên,{member.code},100\n"
        f"Thành viên,{member.code},90\n"  # duplicate
        "Tổ,Không có tổ này,5\n"
        "Cấp huyện,x,5\n"
        f"Tổ,{team.name},mười\n"
        f"Tổ,{team.name},-3\n",
    )
    result = import_targets(demo_store, Actor(leader.id, demo_store.device_id), path, campaign, team.province_code)
    assert not result.ok and result.targets == 0
    assert [(p.row, p.code) for p in result.problems] == [
        (3, "targets.row.duplicate"),
        (4, "targets.row.unknown_unit"),
        (5, "targets.row.bad_scope"),
        (6, "targets.row.not_a_number"),
        (7, "targets.row.out_of_range"),
    ]
    assert len(target_store.all_targets(demo_store, campaign.id)) == before
    missing = _csv(tmp_path, "Đơn vị,Lượt tư vấn,Ghi chú thêm\nx,1,y\n")
    result = import_targets(demo_store, Actor(leader.id, demo_store.device_id), missing, campaign, "33")
    assert [p.code for p in result.problems] == ["targets.file.missing_columns", "targets.file.unknown_columns"]


def test_period_kinds():
    assert kind_for(date(2026, 7, 1), date(2026, 7, 1)).value == "day"
    assert kind_for(date(2026, 5, 1), date(2026, 5, 31)).value == "month"
    assert kind_for(date(2026, 1, 1), date(2026, 12, 31)).value == "year"


# --- a new period from the Targets dialog ---------------------------------------------------------------


@given(st.sampled_from(ADDABLE), st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_a_period_covers_its_day_and_is_of_its_kind(kind, day):
    starts, ends = period_dates(kind, day)
    assert starts <= day <= ends
    expected = {PeriodKind.PEAK_DAYS: PeriodKind.WEEK}.get(kind, kind)  # 7 peak days read as a week of dates
    assert kind_for(starts, ends) is expected


def test_add_periods_then_the_clear_refusals(demo_store):
    team, leader, _member = team_and_people(demo_store)
    (campaign,) = target_store.campaigns(demo_store)
    actor = Actor(leader.id, demo_store.device_id)
    day = campaign.starts_on + timedelta(days=1)
    with writing(demo_store, actor) as w:
        peak = add_period(w, campaign, PeriodKind.PEAK_DAYS, day, "  Cao điểm   tháng 7 ")
        month = add_period(w, campaign, PeriodKind.MONTH, day)
    assert (peak.name, peak.starts_on, peak.ends_on) == ("Cao điểm tháng 7", day, day + timedelta(days=6))
    assert month.starts_on.day == 1 and month.name == f"{month.starts_on:%d/%m/%Y} - {month.ends_on:%d/%m/%Y}"
    assert {p.id for p in target_store.periods(demo_store, campaign.id)} >= {peak.id, month.id}
    (op,) = demo_store.query("SELECT op FROM outbox WHERE entity_id = ?", (peak.id,))
    assert op == ("create",)  # synced like any period
    refusals = [
        (PeriodKind.PEAK_DAYS, day, "", "targets.period_exists"),
        (PeriodKind.DAY, campaign.ends_on + timedelta(days=1), "", "targets.period_outside_campaign"),
        (PeriodKind.WEEK, campaign.starts_on - timedelta(days=7), "", "targets.period_outside_campaign"),
        (PeriodKind.CAMPAIGN, day, "", "targets.period_kind"),
        (PeriodKind.DAY, day, "x" * 81, "targets.period_name_long"),
    ]
    for kind, start, name, code in refusals:
        with pytest.raises(InputRefused) as err, writing(demo_store, actor) as w:
            add_period(w, campaign, kind, start, name)
        assert err.value.code == code, (kind, start)
    # a week that starts before the campaign but reaches into it is a period of it; its targets count
    with writing(demo_store, actor) as w:
        week = add_period(w, campaign, PeriodKind.WEEK, campaign.starts_on - timedelta(days=3))
        set_targets(w, campaign.id, week.id, ScopeKind.TEAM, team.id, {Metric.CONSULTATIONS: 0, Metric.NEW_HI: 10})
    report = build(demo_store, week.starts_on, week.ends_on, [team.id])
    done = {m: (d, target) for m, d, target in report.summary}
    assert done[Metric.NEW_HI][1] == 10
    assert done[Metric.CONSULTATIONS][1] == 0  # a target of zero: kept, shown as "no target"
    (row,) = [r for r in report.table("summary").rows if r[0] == label(Metric.CONSULTATIONS, "vi")]
    assert row[2] is None and row[3] is None
