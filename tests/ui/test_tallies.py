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
