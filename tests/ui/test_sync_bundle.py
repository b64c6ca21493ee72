"""The Sync screen's USB buttons against a real server process: export the pending work to a bundle file,
the server imports it and writes the answer, import the answer (twice: "already imported"; a changed
file: refused, said plainly). The file dialogs are patched to return the paths. FIELDAPP_SHOTS=folder
also saves the screenshot."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from fieldapp.domain.models import Person
from fieldapp.i18n import t
from fieldapp.storage.records import spec_for
from fieldapp.storage.writer import writing
from fieldapp.sync import status
from tests.sync.conftest import laptops, server  # noqa: F401 (fixtures)
from tests.ui.test_app import WAIT
from tests.ui.test_receipts import shot
from tests.ui.test_sync import SYNC_WAIT, enrol_from_screen, gui, wait_synced  # noqa: F401 (gui fixture)

PERSON = spec_for(Person)


def test_export_and_import_a_bundle_from_the_sync_screen(qtbot, gui, server, tmp_path, monkeypatch):  # noqa: F811
    import ui.controllers.bundle as screen
    from fieldapp.server import admin
    from fieldapp.server.bundle import answer_bundle, import_bundle

    view = gui.window.views["sync"]
    enrol_from_screen(qtbot, gui, server.url, server.enrol_code("Tổ 1"))
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.panel, timeout=SYNC_WAIT)
    wait_synced(qtbot, gui)
    store, lang = gui.session.store, gui.session.lang
    # the network is gone for days: a member corrects a phone number
    row = store.query_one(f"{PERSON.select_sql} WHERE erased_at IS NULL AND merged_into IS NULL ORDER BY id LIMIT 1")
    someone = PERSON.decode(row)
    with writing(store, gui.session.actor) as w:
        w.update(replace(someone, phone="0912000333"), ["phone"])
    assert status(store).pending == 1

    up, down = tmp_path / "to-1.fab", tmp_path / "to-1.answer.fab"
    monkeypatch.setattr(screen.QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(up), "")))
    qtbot.mouseClick(view.panel.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gui.tasks.pending == 0 and view.panel.export_button.isEnabled(), timeout=WAIT)
    assert up.is_file() and view.panel.message.text() == ""
    assert view.panel.progress.text() == t("bundle.exported", lang, path=str(up), ops="1", seq=1)

    # at the district office: IT imports it and writes the answer
    srv = admin.open_store(server.database_url)
    try:
        assert import_bundle(srv, up.read_bytes()).accepted == 1
        down.write_bytes(answer_bundle(srv, store.device_id)[0])
    finally:
        srv.close()

    monkeypatch.setattr(screen.QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(down), "")))
    qtbot.mouseClick(view.panel.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gui.tasks.pending == 0 and view.panel.import_button.isEnabled(), timeout=WAIT)
    assert view.panel.progress.text().startswith("Đã nhập gói trả lời số 1"), view.panel.message.text()
    qtbot.waitUntil(lambda: gui.tasks.pending == 0 and view.panel.pending.text().startswith("0"), timeout=WAIT)
    assert status(store).pending == 0
    shot(view, "sync-bundle")
    gui.bundle_shot = view.grab()

    qtbot.mouseClick(view.panel.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gui.tasks.pending == 0 and view.panel.import_button.isEnabled(), timeout=WAIT)
    assert view.panel.progress.text() == t("bundle.already_imported", lang, seq=1)

    data = bytearray(down.read_bytes())
    data[len(data) // 2] ^= 0x10
    down.write_bytes(bytes(data))
    qtbot.mouseClick(view.panel.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gui.tasks.pending == 0 and view.panel.import_button.isEnabled(), timeout=WAIT)
    assert view.panel.message.text() == t("bundle.damaged", lang)
    assert view.panel.progress.text() == ""
