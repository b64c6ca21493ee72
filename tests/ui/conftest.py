"""The window on a copy of the demo store, signed in as the team leader."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication


@pytest.fixture
def signed_in(qtbot, demo_dir):
    from tests.ui.test_app import enter
    from ui.app import create

    controller = create(QApplication.instance(), demo_dir)
    qtbot.addWidget(controller.window)
    controller.window.resize(1280, 800)
    controller.window.show()
    enter(qtbot, controller)
    yield controller
    controller.shutdown()
