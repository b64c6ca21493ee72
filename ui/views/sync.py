"""Sync: enrol this laptop with the province's server, or see where it stands and sync now.

The view lays out widgets and emits signals; ui.controllers.sync decides what is shown and when.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.views.common import title
from ui.views.conflicts import ConflictsView


class EnrolForm(QWidget):
    enrol_requested = Signal(str, str)  # server address, one-time code

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "This laptop is not enrolled with a server yet. The team leader types the server's address "
                "and the one-time code from the province's IT staff, or scans the code's QR with the scanner."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://fieldapp.example.vn")
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("the code, or scan its QR"))
        form.addRow(self.tr("Server address:"), self.url)
        form.addRow(self.tr("One-time code:"), self.code)
        layout.addLayout(form)
        self.button = QPushButton(self.tr("Enrol this laptop"))
        self.button.setDefault(True)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addStretch(1)
        layout.addLayout(row)
        self.message = QLabel()
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.button.clicked.connect(self._enrol)
        self.code.returnPressed.connect(self._enrol)  # a USB scanner types the code and Enter
        self.url.returnPressed.connect(self.code.setFocus)

    def _enrol(self) -> None:
        if self.button.isEnabled():
            self.enrol_requested.emit(self.url.text().strip(), self.code.text().strip())

    def set_busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy)
        if busy:
            self.message.setText(self.tr("Enrolling…"))


class SyncPanel(QWidget):
    sync_requested = Signal()
    cancel_requested = Signal()
    bundle_export_requested = Signal()  # sync by USB stick (ui.controllers.bundle)
    bundle_import_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.server = QLabel()
        self.team = QLabel()
        self.last = QLabel()
        self.pending = QLabel()
        self.conflicts = QLabel()
        self.rejected = QLabel()
        self.candidates = QLabel()
        self.device = QLabel()
        form.addRow(self.tr("Server:"), self.server)
        form.addRow(self.tr("Team:"), self.team)
        form.addRow(self.tr("Last good sync:"), self.last)
        form.addRow(self.tr("Changes waiting to be sent:"), self.pending)
        form.addRow(self.tr("Conflicts to settle:"), self.conflicts)
        form.addRow(self.tr("Refused operations:"), self.rejected)
        form.addRow(self.tr("Possible duplicate people:"), self.candidates)
        form.addRow(self.tr("This laptop's id:"), self.device)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.sync_button = QPushButton(self.tr("Sync now (F9)"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        row.addWidget(self.sync_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        layout.addLayout(row)
        usb = QHBoxLayout()  # where there is no network: the team leader carries a bundle file
        self.export_button = QPushButton(self.tr("Export sync bundle to USB…"))
        self.import_button = QPushButton(self.tr("Import answer bundle from USB…"))
        usb.addWidget(self.export_button)
        usb.addWidget(self.import_button)
        usb.addStretch(1)
        layout.addLayout(usb)
        self.progress = QLabel()
        self.progress.setWordWrap(True)
        layout.addWidget(self.progress)
        self.message = QLabel()
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.sync_button.clicked.connect(self.sync_requested)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.export_button.clicked.connect(self.bundle_export_requested)
        self.import_button.clicked.connect(self.bundle_import_requested)

    def set_running(self, running: bool) -> None:
        self.sync_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)


class SyncView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addWidget(title(self.tr("Sync")))
        self.enrol_form = EnrolForm()
        self.panel = SyncPanel()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.enrol_form)
        self.pages.addWidget(self.panel)
        layout.addWidget(self.pages)
        self.conflicts = ConflictsView()
        layout.addWidget(self.conflicts, 1)
        self.show_enrol()
        QShortcut(QKeySequence("F9"), self, activated=self._f9)

    def _f9(self) -> None:
        if self.pages.currentWidget() is self.panel and self.panel.sync_button.isEnabled():
            self.panel.sync_requested.emit()

    def show_enrol(self, message: str = "") -> None:
        self.pages.setCurrentWidget(self.enrol_form)
        self.pages.setMaximumHeight(16777215)
        self.enrol_form.message.setText(message)
        self.conflicts.hide()

    def show_enrolled(self) -> None:
        self.pages.setCurrentWidget(self.panel)
        self.conflicts.show()
