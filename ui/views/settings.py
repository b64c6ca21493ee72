"""Settings: language, theme, font size, auto-lock; the data folder, backup and the passphrase."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldapp import __version__
from fieldapp.settings import FONT_SCALE, IDLE_LOCK_MINUTES, LANGUAGE, THEME, Settings
from ui.views.common import title


class SettingsView(QWidget):
    changed = Signal(str, object)  # setting key, value
    backup_requested = Signal(str)
    passphrase_requested = Signal(str)

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addWidget(title(self.tr("Settings")))

        look = QGroupBox(self.tr("Display"))
        form = QFormLayout(look)
        self.language = QComboBox()
        self.language.addItem("Tiếng Việt", "vi")
        self.language.addItem("English", "en")
        form.addRow(self.tr("&Language:"), self.language)
        self.theme = QComboBox()
        self.theme.addItem(self.tr("Normal"), "normal")
        self.theme.addItem(self.tr("High contrast (outdoors)"), "high_contrast")
        form.addRow(self.tr("&Theme:"), self.theme)
        self.font_scale = QComboBox()
        for scale in FONT_SCALE.choices or ():
            self.font_scale.addItem(f"{scale} %", scale)
        form.addRow(self.tr("&Font size:"), self.font_scale)
        self.idle = QSpinBox()
        self.idle.setRange(IDLE_LOCK_MINUTES.minimum or 1, IDLE_LOCK_MINUTES.maximum or 240)
        self.idle.setSuffix(self.tr(" min"))
        form.addRow(self.tr("&Lock when idle after:"), self.idle)
        layout.addWidget(look)

        data = QGroupBox(self.tr("Data on this laptop"))
        form = QFormLayout(data)
        self.data_dir = QLineEdit()
        self.data_dir.setReadOnly(True)
        form.addRow(self.tr("Data folder:"), self.data_dir)
        self.protection = QLabel("")
        self.protection.setWordWrap(True)
        form.addRow(self.tr("Protection:"), self.protection)
        buttons = QHBoxLayout()
        self.backup_button = QPushButton(self.tr("&Back up now…"))
        self.passphrase_button = QPushButton(self.tr("Set the recovery &passphrase…"))
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.passphrase_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        layout.addWidget(data)
        layout.addWidget(QLabel(f"fieldapp {__version__}"))
        layout.addStretch(1)

        self.load(settings)
        self.language.currentIndexChanged.connect(
            lambda _i: self.changed.emit(LANGUAGE.key, self.language.currentData())
        )
        self.theme.currentIndexChanged.connect(lambda _i: self.changed.emit(THEME.key, self.theme.currentData()))
        self.font_scale.currentIndexChanged.connect(
            lambda _i: self.changed.emit(FONT_SCALE.key, self.font_scale.currentData())
        )
        self.idle.valueChanged.connect(lambda v: self.changed.emit(IDLE_LOCK_MINUTES.key, v))
        self.backup_button.clicked.connect(self._ask_backup)
        self.passphrase_button.clicked.connect(self._ask_passphrase)

    def load(self, settings: Settings) -> None:
        for combo, value in (
            (self.language, settings.get(LANGUAGE)),
            (self.theme, settings.get(THEME)),
            (self.font_scale, settings.get(FONT_SCALE)),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
        self.idle.blockSignals(True)
        self.idle.setValue(settings.get(IDLE_LOCK_MINUTES))
        self.idle.blockSignals(False)

    def show_data_info(self, path: str, protection: str, may_set_passphrase: bool) -> None:
        self.data_dir.setText(path)
        self.protection.setText(protection)
        self.passphrase_button.setEnabled(may_set_passphrase)

    def _ask_backup(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Back up to"), "fieldapp-backup.db", self.tr("fieldapp backup (*.db)")
        )
        if path:
            self.backup_requested.emit(path)

    def _ask_passphrase(self) -> None:
        text, ok = QInputDialog.getText(
            self,
            self.tr("Recovery passphrase"),
            self.tr("New passphrase (at least 8 characters):"),
            QLineEdit.EchoMode.Password,
        )
        if ok and text:
            self.passphrase_requested.emit(text)
