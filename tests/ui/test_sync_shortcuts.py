"""Against a real server: enrolling the demo laptop warns about its demo team's work (the count, Cancel
keeps nothing, "Enrol anyway" lists it as refused with its reason); F9 syncs from any screen and the
status bar offers it; the background sync's interval is on the Settings screen and applies at once.
FIELDAPP_SHOTS=folder saves the screenshots."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from fieldapp.i18n import t
from fieldapp.settings import SYNC_INTERVAL_MINUTES, Settings
from fieldapp.sync import rejected_ops, status
from fieldapp.sync.enrol import OTHER_SCOPE
from tests.sync.conftest import laptops, server  # noqa: F401 (fixtures)
from tests.ui.test_app import WAIT
from tests.ui.test_receipts import shot
from tests.ui.test_sync import SYNC_WAIT, enrol_from_screen, fast, gui, wait_synced  # noqa: F401 (gui fixture)
from ui.controllers.conflicts import rejected_reason


def outbox(store) -> dict[str, int]:
    return dict(store.query("SELECT state, count(*) FROM outbox GROUP BY state"))


def test_enrolling_the_demo_laptop_warns_with_the_count_and_cancel_keeps_nothing(qtbot, gui, server):  # noqa: F811
    view, store, lang = gui.window.views["sync"], gui.session.store, gui.session.lang
    qtbot.waitUntil(lambda: gui.tasks.pending == 0, timeout=WAIT)
    before = outbox(store)
    code = server.enrol_code("Tổ 1")
    enrol_from_screen(qtbot, gui, server.url, code, anyway=False)
    qtbot.waitUntil(lambda: gui.sync.question is not None, timeout=SYNC_WAIT)
    box = gui.sync.question
    assert "Tổ 1" in box.text() and "bản ghi" in box.text() and "Không có gì bị xoá" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)  # Enter does not enrol
    shot(box, "sync-enrol-warning")
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: view.enrol_form.message.text() == t("sync.enrol_cancelled", lang), timeout=WAIT)
    assert view.enrol_form.button.isEnabled() and not status(store).enrolled
    assert outbox(store) == before  # nothing kept, nothing parked
    # later, the same code on this laptop: enrol anyway; the demo work is listed as refused, with its reason
    enrol_from_screen(qtbot, gui, server.url, code, anyway=False)
    qtbot.waitUntil(lambda: gui.sync.question is not None, timeout=SYNC_WAIT)
    gui.sync.question.button(QMessageBox.StandardButton.Yes).click()
    gui.window.activateWindow()
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.panel, timeout=SYNC_WAIT)
    wait_synced(qtbot, gui)
    refused = rejected_ops(store)
    assert refused and {r.reason for r in refused} == {OTHER_SCOPE}
    assert server.stats()["consultations"] == 0  # the demo team's work never went out
    gui.sync.refresh()
    qtbot.waitUntil(lambda: gui.tasks.pending == 0, timeout=WAIT)
    reason = rejected_reason(refused[0])
    assert reason and "HTTP" not in reason
    shown = view.conflicts.rejected_list if hasattr(view.conflicts, "rejected_list") else None
    if shown is not None:
        assert shown.count() == len(refused)
    shot(view, "sync-enrolled-demo-refused")


def test_f9_syncs_from_any_screen_and_the_status_bar_offers_it(qtbot, gui, server):  # noqa: F811
    window = gui.window
    assert "F9" in window.sync_state.toolTip()
    assert window.sync_action in window.sync_state.actions()
    assert window.sync_state.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    window.show_screen("people")
    qtbot.keyClick(window.views["people"], Qt.Key.Key_F9)  # not enrolled yet: the Sync screen, to enrol
    qtbot.waitUntil(lambda: window.current_screen() == "sync", timeout=WAIT)
    enrol_from_screen(qtbot, gui, server.url, server.enrol_code("Tổ 1"))
    wait_synced(qtbot, gui)
    results = []
    gui.sync.synced.connect(results.append)
    for n, screen in enumerate(("today", "receipts", "settings"), start=1):
        window.show_screen(screen)
        qtbot.keyClick(window.views[screen], Qt.Key.Key_F9)
        qtbot.waitUntil(lambda n=n: len(results) == n and not gui.sync.running and gui.sync.net.pending == 0,
                        timeout=SYNC_WAIT)  # fmt: skip
        assert results[-1] is not None and not results[-1].cancelled
        assert window.current_screen() == screen  # F9 syncs where you are; it does not move you
    window.sync_action.trigger()  # the status bar menu's entry is the same action
    qtbot.waitUntil(lambda: not gui.sync.running and gui.sync.net.pending == 0 and gui.tasks.pending == 0,
                    timeout=SYNC_WAIT)  # fmt: skip
    shot(window, "status-bar-sync")


def test_the_sync_interval_is_on_the_settings_screen_and_applies_at_once(qtbot, gui, server):  # noqa: F811
    sc, settings_view = gui.sync, gui.window.views["settings"]
    assert settings_view.sync_interval.value() == gui.session.settings.get(SYNC_INTERVAL_MINUTES) == 5
    enrol_from_screen(qtbot, gui, server.url, server.enrol_code("Tổ 1"))
    wait_synced(qtbot, gui)
    assert sc.timer.isActive() and sc.timer.interval() == 5 * 60_000
    gui.window.show_screen("settings")
    settings_view.sync_interval.setValue(17)
    assert gui.session.settings.get(SYNC_INTERVAL_MINUTES) == 17
    assert sc.timer.isActive() and sc.timer.interval() == 17 * 60_000  # the waiting sync, timed anew
    saved = json.loads(gui.session.settings.path.read_text(encoding="utf-8"))
    assert saved["sync_interval_minutes"] == 17
    # out of range is not taken by the box, nor from a hand-edited file
    settings_view.sync_interval.setValue(100_000)
    assert settings_view.sync_interval.value() == SYNC_INTERVAL_MINUTES.maximum
    shot(settings_view, "settings-sync-interval")


def test_a_hand_edited_interval_falls_back_to_the_default(tmp_path):
    path = tmp_path / "settings.json"
    for bad in ("abc", 0, -3, 10_000, True, None, [5]):
        path.write_text(json.dumps({"sync_interval_minutes": bad}), encoding="utf-8")
        assert Settings(path).get(SYNC_INTERVAL_MINUTES) == 5, bad
    path.write_text("{not json", encoding="utf-8")
    assert Settings(path).get(SYNC_INTERVAL_MINUTES) == 5
