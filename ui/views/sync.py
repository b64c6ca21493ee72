"""Sync: where this laptop stands with the central server."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from fieldapp.domain.formats import format_number
from ui.views.common import title


class SyncView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addWidget(title(self.tr("Sync")))
        form = QFormLayout()
        self.server = QLabel(self.tr("This laptop is not enrolled with a server yet."))
        self.pending = QLabel("–")
        self.last = QLabel(self.tr("never"))
        self.device = QLabel("–")
        form.addRow(self.tr("Server:"), self.server)
        form.addRow(self.tr("Changes waiting to be sent:"), self.pending)
        form.addRow(self.tr("Last good sync:"), self.last)
        form.addRow(self.tr("This laptop's id:"), self.device)
        layout.addLayout(form)
        note = QLabel(
            self.tr(
                "Everything is saved on this laptop first. Enrolling with the province's server "
                "and syncing come in a later version; nothing waiting is ever lost."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addStretch(1)

    def show_status(self, pending: int, device_id: str, lang: str) -> None:
        self.pending.setText(format_number(pending, lang))
        self.device.setText(device_id)
