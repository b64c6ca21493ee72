"""Targets typed in and imported from the province's spreadsheet: all or nothing, a clear answer per row."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook

from fieldapp.domain.enums import Metric, ScopeKind
from fieldapp.reports.tallies import build
from fieldapp.services.targets import import_targets, kind_for, set_targets
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
