"""Guards against a Qt binding that miscounts references (PySide6 6.12.0 on Python 3.11 aborted the app)."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QButtonGroup, QCheckBox, QRadioButton, QWidget


def test_void_methods_keep_none_alive(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    box = QCheckBox(widget)
    group = QButtonGroup(widget)
    a, b = QRadioButton(widget), QRadioButton(widget)
    group.addButton(a)
    group.addButton(b)
    group.buttonToggled.connect(lambda *_args: None)
    before = sys.getrefcount(None)
    for i in range(3000):
        box.setChecked(i % 2 == 0)
        (a if i % 2 else b).setChecked(True)
    assert sys.getrefcount(None) >= before - 50
