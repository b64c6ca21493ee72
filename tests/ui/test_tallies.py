"""The Tallies screen: its table models without widgets, the screen on the demo, screenshots of it and of
the close-the-day dialog, and closing a day through the dialog."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt

from fieldapp.reports.export import compact
from fieldapp.reports.tallies import build
from tests.conftest import DEMO_END
from tests.reports.helpers import team_and_people
from ui.models.tally_model import TallyTableModel

WAIT = 5000
SHOTS = Path(os.environ.get("FIELDAPP_TEST_SHOTS", "/tmp/fieldapp-shots"))


def test_the_table_model_shows_the_report(demo_store):
    team, _l, _m = team_and_people(demo_store)
    report = build(demo_store, DEMO_END - timedelta(days=3), DEMO_END, [team.id])
    model = TallyTableModel()
    for table in report.tables:
        model.set_table(table, "vi")
        headers, rows, _kinds = compact(table, "vi")
        assert model.rowCount() == len(rows) and model.columnCount() == len(headers)
        assert model.headerData(0, Qt.Orientation.Horizontal) == headers[0]
        last = model.index(model.rowCount() - 1, model.columnCount() - 1)
        assert model.data(last) == rows[-1][-1]
        if table.total:
            assert model.data(last, Qt.ItemDataRole.FontRole).bold()


def test_the_screen_follows_the_period_and_grabs(qtbot, signed_in):
    controller = signed_in
    window = controller.window
    controller.tallies.today = lambda: DEMO_END
    window.show_screen("tallies")
    view = window.views["tallies"]
    qtbot.waitUntil(lambda: view.report is not None and controller.tasks.pending == 0, timeout=WAIT)
    view.period.setCurrentIndex(view.period.findData("campaign"))
    qtbot.waitUntil(lambda: view.report.first < DEMO_END and controller.tasks.pending == 0, timeout=WAIT)
    assert view.models["member"].rowCount() > 1
    assert view.bars.rows and view.line.values
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "tallies.png"))
    view.period.setCurrentIndex(view.period.findData("today"))
    qtbot.waitUntil(lambda: view.report.first == DEMO_END and controller.tasks.pending == 0, timeout=WAIT)
    view.close_button.click()
    qtbot.waitUntil(lambda: controller.tallies.dialog is not None and controller.tasks.pending == 0, timeout=WAIT)
    dialog = controller.tallies.dialog
    qtbot.waitUntil(lambda: dialog.cash is not None, timeout=WAIT)
    expected = dialog.cash.cash_expected
    dialog.counts[1_000].setValue(expected // 1_000)
    if expected % 1_000:
        dialog.explanation.setText("Thiếu tiền lẻ")
    dialog.grab().save(str(SHOTS / "closing.png"))
    dialog.close_button.click()
    qtbot.waitUntil(lambda: controller.tasks.pending == 0 and dialog.cash.closed is not None, timeout=WAIT)
    assert not dialog.close_button.isEnabled()
    dialog.reject()


def test_targets_typed_in_the_dialog(qtbot, signed_in):
    from fieldapp.domain.enums import Metric, ScopeKind
    from fieldapp.storage import targets as target_store

    controller = signed_in
    errors = []
    controller.tasks._on_error = errors.append  # a failure fails the test instead of opening a message box
    controller.tallies.today = lambda: DEMO_END
    controller.window.show_screen("tallies")
    view = controller.window.views["tallies"]
    qtbot.waitUntil(lambda: view.report is not None and controller.tasks.pending == 0, timeout=WAIT)
    view.set_targets_button.click()
    qtbot.waitUntil(
        lambda: controller.tallies.targets_dialog is not None and controller.tasks.pending == 0, timeout=WAIT
    )
    dialog = controller.tallies.targets_dialog
    dialog.scope.setCurrentIndex(dialog.scope.findData(ScopeKind.MEMBER))
    qtbot.waitUntil(lambda: controller.tasks.pending == 0, timeout=WAIT)
    member_id = dialog.unit.currentData()
    dialog.values[Metric.NEW_VSI].setText("abc")
    dialog._save()
    assert "abc" in dialog.message.text()
    dialog.values[Metric.NEW_VSI].setText("12")
    dialog._save()
    qtbot.waitUntil(lambda: errors or ("1" in dialog.message.text() and controller.tasks.pending == 0), timeout=WAIT)
    assert errors == [], errors
    store = controller.session.store
    campaign = controller.tallies.campaign
    found = [t for t in target_store.targets(store, campaign.id, None) if t.scope_ref == member_id]
    assert [(t.metric, t.value) for t in found] == [(Metric.NEW_VSI, 12)]
    assert errors == []
    dialog.grab().save(str(SHOTS / "targets.png"))
    dialog.reject()


def test_a_new_period_added_in_the_targets_dialog(qtbot, signed_in):
    """The leader adds the 7 peak days from the dialog, types their targets (0 reads "no target"); a
    period outside the campaign and the same period twice get a clear message."""
    from PySide6.QtCore import QDate

    from fieldapp.domain.enums import Metric, PeriodKind, ScopeKind
    from fieldapp.storage import targets as target_store

    controller = signed_in
    errors = []
    controller.tasks._on_error = errors.append
    controller.tallies.today = lambda: DEMO_END
    controller.window.show_screen("tallies")
    view = controller.window.views["tallies"]
    qtbot.waitUntil(lambda: view.report is not None and controller.tasks.pending == 0, timeout=WAIT)
    view.set_targets_button.click()
    qtbot.waitUntil(
        lambda: controller.tallies.targets_dialog is not None and controller.tasks.pending == 0, timeout=WAIT
    )
    dialog = controller.tallies.targets_dialog
    campaign = controller.tallies.campaign
    periods_before = dialog.period.count()
    assert dialog.new_start.date().toPython() == DEMO_END  # today, inside the campaign

    def add(kind: PeriodKind, day) -> None:
        dialog.new_kind.setCurrentIndex(dialog.new_kind.findData(kind.value))
        dialog.new_start.setDate(QDate(day.year, day.month, day.day))
        dialog.add_period_button.click()
        qtbot.waitUntil(lambda: errors or (controller.tasks.pending == 0 and dialog.message.text() != ""), timeout=WAIT)
        assert errors == [], errors

    far = campaign.ends_on + timedelta(days=40)
    add(PeriodKind.DAY, far)
    assert "chiến dịch" in dialog.message.text() and dialog.period.count() == periods_before
    dialog.new_name.setText("Cao điểm giữa đợt")
    add(PeriodKind.PEAK_DAYS, DEMO_END - timedelta(days=6))
    assert "Cao điểm giữa đợt" in dialog.message.text()
    assert dialog.period.count() == periods_before + 1 and dialog.period.currentIndex() == periods_before
    period_id = dialog.period.currentData()
    dialog.scope.setCurrentIndex(dialog.scope.findData(ScopeKind.TEAM))
    qtbot.waitUntil(lambda: controller.tasks.pending == 0, timeout=WAIT)
    assert all(edit.text() == "" for edit in dialog.values.values())  # a new period has no targets yet
    dialog.values[Metric.CONSULTATIONS].setText("1.200")
    dialog.values[Metric.EVENTS].setText("0")
    assert dialog.hints[Metric.EVENTS].text() == "không có chỉ tiêu" and dialog.hints[Metric.CONSULTATIONS].text() == ""
    dialog._save()
    qtbot.waitUntil(lambda: errors or ("2" in dialog.message.text() and controller.tasks.pending == 0), timeout=WAIT)
    assert errors == [], errors
    store = controller.session.store
    found = {t.metric: t.value for t in target_store.targets(store, campaign.id, period_id)}
    assert found == {Metric.CONSULTATIONS: 1200, Metric.EVENTS: 0}
    (period,) = [p for p in target_store.periods(store, campaign.id) if p.id == period_id]
    assert (period.kind, period.starts_on, period.ends_on) == (PeriodKind.PEAK_DAYS, DEMO_END - timedelta(days=6),
                                                               DEMO_END)  # fmt: skip
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "targets-new-period.png"))
    add(PeriodKind.PEAK_DAYS, DEMO_END - timedelta(days=6))
    assert "đã có kỳ này" in dialog.message.text() and dialog.period.count() == periods_before + 1
    dialog.reject()


def test_a_running_campaign_shows_the_plan_due_by_today_and_no_line_through_days_to_come(qtbot, signed_in):
    """94 % of a campaign's target after 20 of its 50 days read as nearly done; the actual line ran flat
    through the days to come (issue 18, item 12)."""
    from fieldapp.reports.tallies import expected_share

    controller = signed_in
    window = controller.window
    controller.tallies.today = lambda: DEMO_END
    window.show_screen("tallies")
    view = window.views["tallies"]
    qtbot.waitUntil(lambda: view.report is not None and controller.tasks.pending == 0, timeout=WAIT)
    view.period.setCurrentIndex(view.period.findData("campaign"))
    qtbot.waitUntil(lambda: view.report.first < DEMO_END and controller.tasks.pending == 0, timeout=WAIT)
    first, last = view.report.first, view.report.last
    middle = first + (last - first) // 2
    controller.tallies.today = lambda: middle
    controller.tallies.refresh()
    qtbot.waitUntil(lambda: controller.tasks.pending == 0, timeout=WAIT)
    assert view.bars.expected_pct == 100 * expected_share(first, last, middle)
    assert 0 < view.bars.expected_pct < 100 and "kế hoạch đến hôm nay" in view.bars.expected_label
    assert view.line.drawn() == (middle - first).days + 1 < len(view.line.values)
    SHOTS.mkdir(parents=True, exist_ok=True)
    view.grab().save(str(SHOTS / "tallies-campaign-midway.png"))
    controller.tallies.today = lambda: last + timedelta(days=3)  # the campaign is over: the whole plan is due
    controller.tallies.refresh()
    qtbot.waitUntil(lambda: controller.tasks.pending == 0, timeout=WAIT)
    assert view.bars.expected_pct is None and view.line.drawn() == len(view.line.values)


def test_member_and_commune_tabs_read_plan_or_no_target_and_nothing_is_cut_at_1366x768(qtbot, signed_in):
    """A leader at 1366×768 sees % of plan per member and per commune where there is a target and "—" (no
    target, said in its tooltip and the legend) where there is none; no heading, figure or chart title is cut
    (issue 18, item 12)."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QFont, QFontMetrics
    from PySide6.QtWidgets import QStyle

    from ui.views.common import TITLE_BAR
    from ui.views.tallies import HEADING

    controller = signed_in
    window = controller.window
    window.resize(1366, 768 - TITLE_BAR)
    controller.tallies.today = lambda: DEMO_END
    window.show_screen("tallies")
    view = window.views["tallies"]
    qtbot.waitUntil(lambda: view.report is not None and controller.tasks.pending == 0, timeout=WAIT)
    view.period.setCurrentIndex(view.period.findData("campaign"))
    qtbot.waitUntil(lambda: view.report.first < DEMO_END and controller.tasks.pending == 0, timeout=WAIT)
    assert view.legend.text() == "thực hiện / kế hoạch (% kế hoạch); “—”: chưa giao chỉ tiêu"
    leader = controller.session.member.full_name
    for key in ("member", "commune"):
        table, model = view.tables[key], view.models[key]
        view.tabs.setCurrentWidget(table)
        qtbot.wait(50)
        cells = [row[1:] for row in model.rows[:-1]]  # the totals row aside
        assert any(cell.endswith("%)") for row in cells for cell in row), key
        dash = next((r, c) for r, row in enumerate(model.rows) for c, cell in enumerate(row) if cell.endswith("/ —"))
        assert model.data(model.index(*dash), Qt.ItemDataRole.ToolTipRole) == "chưa giao chỉ tiêu"
        if key == "member":  # the leader has no target of their own
            (row,) = [row for row in model.rows if row[0] == leader]
            assert all(cell.endswith("/ —") for cell in row[1:4])
        # every heading and every figure whole, and no column out of sight
        header = table.horizontalHeader()
        margin = table.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
        fm = header.fontMetrics()
        bold = QFont(table.font())
        bold.setBold(True)
        figures = QFontMetrics(bold)
        assert header.length() <= table.viewport().width(), key
        for c in range(model.columnCount()):
            width = header.sectionSize(c)
            text = model.headerData(c, Qt.Orientation.Horizontal)
            needed = fm.boundingRect(QRect(0, 0, width - 2 * margin, 10_000), HEADING, text)
            assert needed.width() <= width - 2 * margin and needed.height() <= header.height(), (key, text)
            for row in model.rows:
                assert figures.horizontalAdvance(row[c]) <= width - 6, (key, row[c])
    # the charts' words whole: the cumulative line's title, every bar's indicator
    line = view.line
    caption = line.caption_rect()
    needed = line.fontMetrics().boundingRect(caption, line._CAPTION, line.caption)
    assert caption.contains(needed) and needed.height() >= line.fontMetrics().height()
    bars = view.bars
    room = bars.label_width(bars.width() - 12) - 6
    assert all(bars.fontMetrics().horizontalAdvance(text) <= room for text, _d, _t in bars.rows)
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "tallies-members-1366.png"))


def test_the_corrections_tab_shows_only_when_a_report_has_corrections(qtbot, demo_store, monkeypatch):
    """A void of a closed day counted on a later day (issue 17, item 3): its line has a tab of its own,
    which a report without one hides."""
    from fieldapp.reports.tallies import CORRECTIONS
    from tests.reports.helpers import at, enrol_hi
    from tests.reports.test_voids import DAY, NEXT, _close, _void
    from ui.views.tallies import TalliesView

    team, leader, member = team_and_people(demo_store)
    a = enrol_hi(demo_store, member, team, at(DAY, 2))
    _close(demo_store, monkeypatch, team, leader, member, DAY, at(DAY, 10))
    _void(demo_store, monkeypatch, leader, a.receipt.id, at(NEXT, 2))
    view = TalliesView()
    qtbot.addWidget(view)
    index = list(view.models).index(CORRECTIONS)
    assert not view.tabs.isTabVisible(index)
    view.show_report(build(demo_store, NEXT, NEXT, [team.id]), NEXT)
    assert view.tabs.isTabVisible(index) and view.tabs.tabText(index) == "Điều chỉnh ngày đã chốt sổ"
    (row,) = view.models[CORRECTIONS].rows
    assert row[1].startswith("Điều chỉnh: huỷ biên lai ") and member.full_name in row[1]
    view.show_report(build(demo_store, DAY, DAY, [team.id]), NEXT)
    assert not view.tabs.isTabVisible(index)
