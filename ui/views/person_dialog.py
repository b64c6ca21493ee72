"""One keyboard-only form for a person: type, or scan the citizen ID or HI card QR into the first field."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.enums import Sex, TargetGroup
from fieldapp.domain.scans import ScannedPerson
from fieldapp.i18n import label
from fieldapp.services.registry import PersonForm, scanned_form
from ui.views.common import KeepsTypedWork

FIELDS = (
    "full_name",
    "birth_date",
    "sex",
    "citizen_id",
    "si_number",
    "phone",
    "commune_code",
    "hamlet",
    "target_group",
    "hi_clinic",
)


class PersonDialog(KeepsTypedWork, QDialog):
    scanned = Signal(str)
    commune_changed = Signal(str)

    def __init__(self, communes: list[tuple[str, str]], lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Person"))
        self.setMinimumWidth(560)
        self.lang = lang
        layout = QVBoxLayout(self)
        self._build_scan(layout)
        form = QFormLayout()
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._make_fields(communes)
        self._build_form(layout, form)
        self._build_buttons(layout)
        self.buttons.rejected.connect(self.cancel)  # asks first when something was typed
        self.scan.returnPressed.connect(lambda: self.scanned.emit(self.scan.text()))
        self.commune.currentIndexChanged.connect(lambda _i: self.commune_changed.emit(self.commune.currentData()))
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.buttons.accepted.emit)
        self.full_name.setFocus()

    def _build_scan(self, layout: QVBoxLayout) -> None:
        """The scanner's field on top: a citizen ID or HI card QR fills the form."""
        self.scan = QLineEdit()
        self.scan.setPlaceholderText(self.tr("Scan a citizen ID or HI card QR here (or paste it)"))
        layout.addWidget(self.scan)
        self.scan_message = QLabel("")
        self.scan_message.setWordWrap(True)
        layout.addWidget(self.scan_message)

    def _make_fields(self, communes: list[tuple[str, str]]) -> None:
        """The inputs, before they are laid out in rows by _build_form."""
        self.full_name = QLineEdit()
        self.birth_date = QLineEdit()
        self.birth_date.setPlaceholderText(self.tr("dd/mm/yyyy, or the year alone"))
        self.sex = QComboBox()
        self.sex.addItem("", None)
        for sex in Sex:
            self.sex.addItem(label(sex, self.lang), sex)
        self.citizen_id = QLineEdit()
        self.citizen_id.setMaxLength(14)
        self.si_number = QLineEdit()
        self.si_number.setPlaceholderText(self.tr("10 digits, or the HI card code"))
        self.phone = QLineEdit()
        self.commune = QComboBox()
        for code, name in communes:
            self.commune.addItem(name, code)
        self.hamlet = QLineEdit()
        self.hamlet_names = QStringListModel(self)
        completer = QCompleter(self.hamlet_names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.hamlet.setCompleter(completer)
        self.group = QComboBox()
        for group in TargetGroup:
            self.group.addItem(label(group, self.lang), group)
        self.hi_clinic = QLineEdit()
        self.hi_clinic.setMaxLength(30)
        self.hi_clinic.setPlaceholderText(self.tr("as on the HI card, e.g. 33 - 105"))
        self.consent = QCheckBox(self.tr("Agrees that the team keeps their data"))

    def _build_form(self, layout: QVBoxLayout, form: QFormLayout) -> None:
        """One row per input, its error under it (hidden until there is one); a caption's Alt+key reaches it."""
        for key, caption, widget in (
            ("full_name", self.tr("&Full name:"), self.full_name),
            ("birth_date", self.tr("&Born:"), self.birth_date),
            ("sex", self.tr("Se&x:"), self.sex),
            ("citizen_id", self.tr("&Citizen ID:"), self.citizen_id),
            ("si_number", self.tr("SI n&umber / HI card:"), self.si_number),
            ("phone", self.tr("&Phone:"), self.phone),
            ("commune_code", self.tr("Co&mmune:"), self.commune),
            ("hamlet", self.tr("&Hamlet:"), self.hamlet),
            ("target_group", self.tr("&Group:"), self.group),
            ("hi_clinic", self.tr("Registered c&linic:"), self.hi_clinic),
        ):
            self.inputs[key] = widget
            error = QLabel("")
            error.setWordWrap(True)
            error.setStyleSheet("color: #c62828;")
            error.setVisible(False)
            self.errors[key] = error
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.addWidget(widget)
            box_layout.addWidget(error)
            form.addRow(caption, box)
            buddy = form.labelForField(box)
            if isinstance(buddy, QLabel):
                buddy.setBuddy(widget)
        form.addRow("", self.consent)
        layout.addLayout(form)

    def _build_buttons(self, layout: QVBoxLayout) -> None:
        self.message = QLabel("")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(self.tr("&Save (Ctrl+Enter)"))
        save.setAutoDefault(False)
        save.setDefault(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        layout.addWidget(self.buttons)

    def keyPressEvent(self, event) -> None:
        """Enter moves to the next field (a USB scanner ends every scan with Enter); Ctrl+Enter saves."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.buttons.accepted.emit()
            elif self.focusWidget() is not self.scan:
                self.focusNextChild()
            event.accept()
            return
        super().keyPressEvent(event)

    # --- filling and reading --------------------------------------------------------------------------

    def set_form(self, form: PersonForm) -> None:
        self.full_name.setText(form.full_name)
        self.birth_date.setText(form.birth_date)
        self.sex.setCurrentIndex(max(0, self.sex.findData(form.sex)))
        self.citizen_id.setText(form.citizen_id)
        self.si_number.setText(form.si_number)
        self.phone.setText(form.phone)
        if form.commune_code:
            self.commune.setCurrentIndex(max(0, self.commune.findData(form.commune_code)))
        self.hamlet.setText(form.hamlet)
        self.group.setCurrentIndex(max(0, self.group.findData(form.target_group)))
        self.hi_clinic.setText(form.hi_clinic)
        self.consent.setChecked(form.consent)

    def draft_state(self) -> PersonForm:
        return self.form()

    def form(self) -> PersonForm:
        return PersonForm(
            full_name=self.full_name.text(),
            birth_date=self.birth_date.text(),
            sex=Sex(self.sex.currentData()) if self.sex.currentData() else None,
            citizen_id=self.citizen_id.text(),
            si_number=self.si_number.text(),
            phone=self.phone.text(),
            commune_code=self.commune.currentData() or "",
            hamlet=self.hamlet.text(),
            target_group=TargetGroup(self.group.currentData()),
            consent=self.consent.isChecked(),
            hi_clinic=self.hi_clinic.text(),
        )

    def fill_from_scan(self, scan: ScannedPerson) -> None:
        """Show what the scan read, for the member to check before saving."""
        self.set_form(scanned_form(scan, self.form()))
        self.scan.clear()
        self.scan_message.setText(self.tr("Read from the card. Check every field with the person, then save."))
        self.full_name.setFocus()

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each field's problem under it; focus goes to the first wrong field."""
        first = None
        for key in FIELDS:
            text = problems.get(key, "")
            self.errors[key].setText(text)
            self.errors[key].setVisible(bool(text))
            if text and first is None:
                first = self.inputs[key]
        if first is not None:
            first.setFocus()

    def set_hamlets(self, names: list[str]) -> None:
        self.hamlet_names.setStringList(names)
