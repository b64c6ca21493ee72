"""Settings: language, theme, font size, auto-lock; receipt printing; the data folder, backup and the passphrase."""

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
from fieldapp.settings import (
    FONT_SCALE,
    IDLE_LOCK_MINUTES,
    LANGUAGE,
    RECEIPT_DESTINATION,
    RECEIPT_FOLDER,
    RECEIPT_LAYOUT,
    RECEIPT_THERMAL_PRINTER,
    SYNC_INTERVAL_MINUTES,
    THEME,
    Settings,
)
from ui.views.common import title


class SettingsView(QWidget):
    changed = Signal(str, object)  # setting key, value
    backup_requested = Signal(str)
    passphrase_requested = Signal(str)

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addWidget(title(self.tr("Settings")))
        self._build_display(layout)
        self._build_sync(layout)
        self._build_receipt_printing(layout)
        self._build_data(layout)
        layout.addWidget(QLabel(f"fieldapp {__version__}"))
        layout.addStretch(1)
        self.load(settings)
        self._connect_changes()

    def _build_display(self, layout: QVBoxLayout) -> None:
        """Language, theme, font size, auto-lock."""
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
        form.addRow(self.tr("Loc&k when idle after:"), self.idle)
        layout.addWidget(look)

    def _build_sync(self, layout: QVBoxLayout) -> None:
        sync = QGroupBox(self.tr("Sync with the server"))
        form = QFormLayout(sync)
        self.sync_interval = QSpinBox()
        self.sync_interval.setRange(SYNC_INTERVAL_MINUTES.minimum or 1, SYNC_INTERVAL_MINUTES.maximum or 240)
        self.sync_interval.setSuffix(self.tr(" min"))
        self.sync_interval.setToolTip(self.tr("While signed in; after a failure the next try waits longer"))
        form.addRow(self.tr("S&ync in the background every:"), self.sync_interval)
        layout.addWidget(sync)

    def _build_receipt_printing(self, layout: QVBoxLayout) -> None:
        """The receipt's paper, where it goes (printer, dialog, PDF folder, thermal printer), and those places."""
        receipts = QGroupBox(self.tr("Receipt printing"))
        form = QFormLayout(receipts)
        self.receipt_layout = QComboBox()
        self.receipt_layout.addItem(self.tr("A5 sheet"), "a5")
        self.receipt_layout.addItem(self.tr("A4 sheet, two copies (payer and agent)"), "a4")
        self.receipt_layout.addItem(self.tr("80 mm thermal roll"), "80mm")
        self.receipt_layout.addItem(self.tr("58 mm thermal roll"), "58mm")
        form.addRow(self.tr("Receipt &paper:"), self.receipt_layout)
        self.receipt_destination = QComboBox()
        self.receipt_destination.addItem(self.tr("The default printer"), "printer")
        self.receipt_destination.addItem(self.tr("Ask every time (print dialog)"), "ask")
        self.receipt_destination.addItem(self.tr("Save as PDF into a folder"), "pdf")
        self.receipt_destination.addItem(self.tr("A thermal printer (ESC/POS, no driver needed)"), "escpos")
        form.addRow(self.tr("Print rece&ipts to:"), self.receipt_destination)
        folder_row = QHBoxLayout()
        self.receipt_folder = QLineEdit()
        self.receipt_folder.setReadOnly(True)
        self.receipt_folder.setPlaceholderText(self.tr("Documents/fieldapp"))
        self.folder_button = QPushButton(self.tr("&Choose…"))
        folder_row.addWidget(self.receipt_folder, 1)
        folder_row.addWidget(self.folder_button)
        folder_label = QLabel(self.tr("PDF fol&der:"))
        folder_label.setBuddy(self.folder_button)  # a row of two widgets has no buddy of its own
        form.addRow(folder_label, folder_row)
        self.thermal_printer = QComboBox()
        self.thermal_printer.setEditable(True)
        self.thermal_printer.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.thermal_printer.lineEdit().setPlaceholderText(
            self.tr("e.g. serial:/dev/rfcomm0, file:/dev/usb/lp0, usb:0416:5011")
        )
        form.addRow(self.tr("Thermal printer (&ESC/POS):"), self.thermal_printer)
        layout.addWidget(receipts)

    def _build_data(self, layout: QVBoxLayout) -> None:
        """Where the data is, how it is protected, backup and the recovery passphrase."""
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
        self.passphrase_button = QPushButton(self.tr("Set the &recovery passphrase…"))
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.passphrase_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        layout.addWidget(data)

    def _connect_changes(self) -> None:
        """Connected after load(), so showing the saved values says nothing; a choice is said at once."""
        self.language.currentIndexChanged.connect(
            lambda _i: self.changed.emit(LANGUAGE.key, self.language.currentData())
        )
        self.theme.currentIndexChanged.connect(lambda _i: self.changed.emit(THEME.key, self.theme.currentData()))
        self.font_scale.currentIndexChanged.connect(
            lambda _i: self.changed.emit(FONT_SCALE.key, self.font_scale.currentData())
        )
        self.idle.valueChanged.connect(lambda v: self.changed.emit(IDLE_LOCK_MINUTES.key, v))
        self.sync_interval.valueChanged.connect(lambda v: self.changed.emit(SYNC_INTERVAL_MINUTES.key, v))
        self.receipt_layout.currentIndexChanged.connect(
            lambda _i: self.changed.emit(RECEIPT_LAYOUT.key, self.receipt_layout.currentData())
        )
        self.receipt_destination.currentIndexChanged.connect(self._destination_changed)
        self.folder_button.clicked.connect(self._ask_folder)
        self.thermal_printer.lineEdit().editingFinished.connect(self._thermal_changed)
        self.thermal_printer.activated.connect(lambda _i: self._thermal_changed())
        self.backup_button.clicked.connect(self._ask_backup)
        self.passphrase_button.clicked.connect(self._ask_passphrase)

    def load(self, settings: Settings) -> None:
        for combo, value in (
            (self.language, settings.get(LANGUAGE)),
            (self.theme, settings.get(THEME)),
            (self.font_scale, settings.get(FONT_SCALE)),
            (self.receipt_layout, settings.get(RECEIPT_LAYOUT)),
            (self.receipt_destination, settings.get(RECEIPT_DESTINATION)),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
        self.idle.blockSignals(True)
        self.idle.setValue(settings.get(IDLE_LOCK_MINUTES))
        self.idle.blockSignals(False)
        self.sync_interval.blockSignals(True)
        self.sync_interval.setValue(settings.get(SYNC_INTERVAL_MINUTES))
        self.sync_interval.blockSignals(False)
        self.receipt_folder.setText(settings.get(RECEIPT_FOLDER))
        self.thermal_printer.setEditText(settings.get(RECEIPT_THERMAL_PRINTER))
        self._enable_receipt_rows(settings.get(RECEIPT_DESTINATION))

    def show_data_info(self, path: str, protection: str, may_set_passphrase: bool) -> None:
        self.data_dir.setText(path)
        self.protection.setText(protection)
        self.passphrase_button.setEnabled(may_set_passphrase)

    def _destination_changed(self, _index: int) -> None:
        value = self.receipt_destination.currentData()
        self._enable_receipt_rows(value)
        self.changed.emit(RECEIPT_DESTINATION.key, value)

    def _enable_receipt_rows(self, destination: str) -> None:
        self.receipt_folder.setEnabled(destination == "pdf")
        self.thermal_printer.setEnabled(destination == "escpos")

    def show_thermal_printers(self, addresses: list[str]) -> None:
        """The printers this laptop can see, offered in the list; the typed or saved one stays."""
        text = self.thermal_printer.currentText()
        self.thermal_printer.blockSignals(True)
        self.thermal_printer.clear()
        self.thermal_printer.addItems(addresses)
        self.thermal_printer.setEditText(text)
        self.thermal_printer.blockSignals(False)

    def _thermal_changed(self) -> None:
        self.changed.emit(RECEIPT_THERMAL_PRINTER.key, self.thermal_printer.currentText().strip())

    def _ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for receipt PDFs"), self.receipt_folder.text())
        if folder:
            self.receipt_folder.setText(folder)
            self.changed.emit(RECEIPT_FOLDER.key, folder)

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
