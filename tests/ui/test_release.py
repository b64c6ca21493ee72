"""The release in the window: Help → About (F1) names the version, the data's schema and folder, the
team and the fonts' licence; a data folder from a newer app is refused on the lock screen, not with a
traceback; a newer installer on a real server shows "Có phiên bản mới" in the status bar and on the Sync
screen, and Download saves it, SHA-256 checked, into the data folder's downloads/."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fieldapp import __version__
from fieldapp.storage import migrations
from fieldapp.storage.store import META_APP_VERSION, OpenOptions, Store, put_meta
from tests.conftest import PASSPHRASE
from tests.sync.conftest import laptops, server  # noqa: F401 (fixtures)
from tests.sync.test_updates import add_installer, installer_file, stored
from tests.ui.test_app import WAIT
from tests.ui.test_receipts import shot
from tests.ui.test_sync import SYNC_WAIT, enrol_from_screen, gui, sync_now, wait_synced  # noqa: F401
from ui.app import create


def test_the_about_box_says_version_schema_folder_team_and_fonts(qtbot, signed_in, demo_dir):
    window = signed_in.window
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: signed_in.release.dialog is not None and signed_in.release.dialog.isVisible(), timeout=WAIT)
    dialog = signed_in.release.dialog
    fields = {k: v.text() for k, v in dialog.fields.items()}
    assert fields["version"] == __version__
    assert fields["schema"] == str(migrations.latest_version())
    assert fields["data_dir"] == str(demo_dir.root)
    assert fields["team"] == signed_in.session.team.name
    assert "Hưng Yên" in fields["province"]
    assert "Open Font License" in fields["fonts"]
    assert fields["rules"].startswith("2027.1 (quốc gia, 07/12/2026)")  # the premium rules version (issue 14)
    assert dialog.windowTitle() == "Giới thiệu fieldapp"
    shot(dialog, "about")
    dialog.reject()


def test_a_data_folder_from_a_newer_app_is_refused_on_the_lock_screen(qtbot, demo_dir):
    with Store.open(demo_dir, OpenOptions(passphrase=PASSPHRASE)) as store, store.transaction() as conn:
        put_meta(conn, META_APP_VERSION, "99.0.0")
    controller = create(QApplication.instance(), demo_dir)
    qtbot.addWidget(controller.window)
    controller.window.show()
    controller.open_store(PASSPHRASE)
    lock = controller.window.lock_view
    qtbot.waitUntil(lambda: "fieldapp 99.0.0" in lock.opening.text(), timeout=WAIT)
    assert "dữ liệu được giữ nguyên" in lock.opening.text() and "Traceback" not in lock.opening.text()
    assert controller.session.store is None
    shot(controller.window, "newer-data-refused")
    controller.shutdown()


def test_a_newer_version_on_the_server_is_shown_and_downloaded(qtbot, gui, server, tmp_path):  # noqa: F811
    enrol_from_screen(qtbot, gui, server.url, server.enrol_code("Tổ 1"))
    wait_synced(qtbot, gui)
    notice, status = gui.release.notice, gui.release.status
    assert not notice.isVisible() and not status.isVisible()
    wanted = installer_file(tmp_path, "fieldapp-9.0.0-linux.tar.gz", 200_000)
    stored(add_installer(server, wanted, "9.0.0"))
    sync_now(qtbot, gui)
    qtbot.waitUntil(status.isVisible, timeout=WAIT)
    assert status.text() == "Có phiên bản mới 9.0.0"
    assert notice.isVisible() and "9.0.0" in notice.text.text()
    qtbot.mouseClick(notice.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Đã lưu" in notice.message.text(), timeout=SYNC_WAIT)
    saved = gui.session.data_dir.root / "downloads" / wanted.name
    assert saved.read_bytes() == wanted.read_bytes()
    assert not os.access(saved, os.X_OK) or os.geteuid() == 0
    shot(gui.window, "update-available")
