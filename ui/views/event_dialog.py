"""Record an outreach event (a conference, a market stall, a door-to-door round) with its attendance."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.enums import EventKind
from fieldapp.domain.formats import format_date, parse_date
from fieldapp.i18n import label


class EventDialog(QDialog):
    def __init__(self, sites: list[tuple[str, str]], lang: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Outreach event"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind = QComboBox()
        for kind in EventKind:
            self.kind.addItem(label(kind, lang), kind)
        self.title = QLineEdit()
        self.site = QComboBox()
        self.site.addItem(self.tr("(no place)"), None)
        for site_id, name in sites:
            self.site.addItem(name, site_id)
        self.held_on = QLineEdit(format_date(today))
        self.attendance = QSpinBox()
        self.attendance.setRange(0, 100_000)
        self.note = QLineEdit()
        for caption, widget in (
            (self.tr("&Kind:"), self.kind),
            (self.tr("&Title:"), self.title),
            (self.tr("&Place:"), self.site),
            (self.tr("&Date:"), self.held_on),
            (self.tr("&Attendance:"), self.attendance),
            (self.tr("&Note:"), self.note),
        ):
            form.addRow(caption, widget)
        layout.addLayout(form)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("&Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.kind.currentIndexChanged.connect(self._suggest_title)
        self.site.currentIndexChanged.connect(self._suggest_title)
        self._suggest_title()

    def _suggest_title(self) -> None:
        if not self.title.isModified():
            place = self.site.currentText() if self.site.currentData() else ""
            self.title.setText(f"{self.kind.currentText()} {place}".strip())

    def held_on_date(self) -> date:
        return parse_date(self.held_on.text())
