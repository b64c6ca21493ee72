"""Qt's system libraries are named, with the packages to install, before Qt aborts the process for want of
one (issue 18: without libxcb-cursor0 the app died with SIGABRT and Qt's English message)."""

from __future__ import annotations

import pytest

from fieldapp import cli, qt_libraries
from fieldapp.i18n import t
from tests.conftest import PASSPHRASE

LDD = """\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /x/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f10)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => /lib/x86_64-linux-gnu/libxcb-keysyms.so.1 (0x00007f10)
\tlibxcb-cursor.so.0 => not found
\tlibweird.so.9 => not found
"""


def test_ldd_output_names_each_missing_library_once():
    assert qt_libraries.not_found(LDD) == ["libweird.so.9", "libxcb-cursor.so.0", "libxcb-icccm.so.4"]
    assert qt_libraries.packages(qt_libraries.not_found(LDD)) == ["libweird.so.9", "libxcb-cursor0", "libxcb-icccm4"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DISPLAY": ":0"}, True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),
        ({"QT_QPA_PLATFORM": "xcb"}, True),
        ({"QT_QPA_PLATFORM": "xcb:foo"}, True),
        ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, False),
        ({}, False),
    ],
)
def test_the_check_runs_only_where_qt_will_load_its_x11_plugin(env, expected, monkeypatch):
    monkeypatch.setattr(qt_libraries.sys, "platform", "linux")
    assert qt_libraries.uses_xcb(env) is expected


def test_on_this_machine_nothing_is_missing(monkeypatch):
    """The CI machine has every library (.ci/run installs them); the start's check and the self-test's agree."""
    if qt_libraries.xcb_plugin() is None:
        pytest.skip("PySide6 here has no xcb plugin")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert qt_libraries.missing_in_closure() == []
    assert qt_libraries.missing_now() == []


def test_gui_names_the_packages_in_vietnamese_and_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(qt_libraries, "missing_now", lambda: ["libxcb-cursor.so.0", "libxcb-icccm.so.4"])
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    code = cli.main(["--data-dir", str(tmp_path / "d"), "gui"])
    err = capsys.readouterr().err
    assert code == 2
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4" in err
    assert "thiếu thư viện hệ thống" in err and "Traceback" not in err


def test_without_ldd_the_self_test_says_it_could_not_check(monkeypatch):
    """A machine without ldd (a bundle's PATH may lack it): said plainly, never a traceback, never "found"."""
    from fieldapp import selftest

    if qt_libraries.xcb_plugin() is None:
        pytest.skip("PySide6 here has no xcb plugin")
    monkeypatch.setattr(qt_libraries.shutil, "which", lambda _name: None)
    monkeypatch.setattr(qt_libraries.os.path, "exists", lambda _path: False)
    assert qt_libraries.missing_in_closure() is None
    code, params = selftest._qt_libraries()
    assert "not checked" in t(code, "en", **params) and "chưa kiểm tra" in t(code, "vi", **params)
