"""Qt's own file dialog speaks Vietnamese too: "Look in", "Files of type" and its column headings were
English in the Vietnamese app (issue 18, item 13)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QPushButton, QTreeView

from ui.app import install_translators


def test_the_file_dialog_in_vietnamese(qtbot):
    app = QApplication.instance()
    install_translators(app, "vi")
    try:
        dialog = QFileDialog(None, "Lưu")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        qtbot.addWidget(dialog)
        model = dialog.findChildren(QTreeView)[0].model()
        words = [label.text() for label in dialog.findChildren(QLabel)]
        words += [button.text() for button in dialog.findChildren(QPushButton)]
        words += [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
        english = {"&Look in:", "Files of &type:", "Name", "Size", "Type", "Date Modified", "&Save", "Cancel"}
        assert not english & set(words), words
    finally:
        install_translators(app, "vi")
