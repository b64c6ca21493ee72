"""The lock screen: choose yourself, type your PIN. Also asks for the data passphrase when needed."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp import __version__
from fieldapp.domain.models import Member
from fieldapp.i18n import label
from ui.views.common import title


class LockView(QWidget):
    sign_in_requested = Signal(str, str)  # member id, PIN
    passphrase_entered = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.pages = QStackedWidget()
        self.pages.addWidget(self._opening_page())
        self.pages.addWidget(self._members_page())
        self.pages.addWidget(self._passphrase_page())
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.pages, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        version = QLabel(f"fieldapp {__version__}")
        version.setAlignment(Qt.AlignmentFlag.AlignRight)
        outer.addWidget(version)

    def _opening_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.opening = QLabel(self.tr("Opening the data…"))
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.opening.setWordWrap(True)  # a refusal (a folder from a newer app, a locked file) can be long
        layout.addWidget(self.opening)
        return page

    def _members_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.team_title = title(self.tr("Sign in"))
        layout.addWidget(self.team_title)
        layout.addWidget(QLabel(self.tr("Who are you?")))
        self.member_list = QListWidget()
        self.member_list.setMinimumHeight(220)
        layout.addWidget(self.member_list)
        form = QFormLayout()
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,8}")))
        self.pin.setPlaceholderText(self.tr("4 to 8 digits"))
        form.addRow(self.tr("&PIN:"), self.pin)
        layout.addLayout(form)
        self.sign_in_button = QPushButton(self.tr("&Sign in"))
        self.sign_in_button.setDefault(True)
        layout.addWidget(self.sign_in_button)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setObjectName("lockMessage")
        layout.addWidget(self.message)
        self.sign_in_button.clicked.connect(self._submit)
        self.pin.returnPressed.connect(self._submit)
        self.member_list.itemActivated.connect(lambda _item: self.pin.setFocus())
        # the PIN can be typed at once: Up/Down in it choose the member, digits typed in the list go to it
        self.pin.installEventFilter(self)
        self.member_list.installEventFilter(self)
        return page

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key, text = event.key(), event.text()
            if watched is self.pin and key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
                step = -1 if key in (Qt.Key.Key_Up, Qt.Key.Key_PageUp) else 1
                row = min(max(self.member_list.currentRow() + step, 0), self.member_list.count() - 1)
                self.member_list.setCurrentRow(row)
                return True
            if (
                watched is self.member_list
                and text.isdigit()
                and not event.modifiers() & ~(Qt.KeyboardModifier.KeypadModifier)
            ):
                self.pin.setFocus()
                self.pin.insert(text)
                return True
        return super().eventFilter(watched, event)

    def _passphrase_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.pass_title = title(self.tr("Data passphrase"))
        layout.addWidget(self.pass_title)
        self.pass_hint = QLabel("")
        self.pass_hint.setWordWrap(True)
        layout.addWidget(self.pass_hint)
        form = QFormLayout()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Pass&phrase:"), self.passphrase)
        self.passphrase_again = QLineEdit()
        self.passphrase_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again_label = QLabel(self.tr("&Again:"))
        self.again_label.setBuddy(self.passphrase_again)
        form.addRow(self.again_label, self.passphrase_again)
        layout.addLayout(form)
        self.pass_button = QPushButton(self.tr("&Open"))
        self.pass_button.setDefault(True)
        layout.addWidget(self.pass_button)
        self.pass_message = QLabel("")
        self.pass_message.setWordWrap(True)
        layout.addWidget(self.pass_message)
        self.pass_button.clicked.connect(self._submit_passphrase)
        self.passphrase.returnPressed.connect(self._submit_passphrase)
        self.passphrase_again.returnPressed.connect(self._submit_passphrase)
        return page

    # --- what the controller calls -----------------------------------------------------------------

    def show_opening(self, text: str | None = None) -> None:
        if text:
            self.opening.setText(text)
        self.pages.setCurrentIndex(0)

    def show_members(self, team_name: str, members: list[Member], lang: str, chosen: str | None = None) -> None:
        """The team to choose from, `chosen` (a member id: who locked the app) or the first one chosen, and
        the PIN field ready for typing."""
        self.team_title.setText(team_name or self.tr("Sign in"))
        self.member_list.clear()
        for m in members:
            item = QListWidgetItem(f"{m.full_name} — {label(m.role, lang)}")
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.member_list.addItem(item)
        if members:
            ids = [m.id for m in members]
            self.member_list.setCurrentRow(ids.index(chosen) if chosen in ids else 0)
        self.pin.clear()
        self.message.clear()
        self.pages.setCurrentIndex(1)
        self.pin.setFocus()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.pin.clear()
        self.pin.setFocus()

    def ask_passphrase(self, *, new: bool, message: str = "") -> None:
        self._new_passphrase = new
        self.pass_hint.setText(
            self.tr(
                "This laptop has no system keyring. Set the passphrase that protects the team's data "
                "(at least 8 characters). Keep it safe: without it the data cannot be opened."
            )
            if new
            else self.tr("Type the passphrase that protects this laptop's data.")
        )
        self.passphrase_again.setVisible(new)
        self.again_label.setVisible(new)
        self.pass_message.setText(message)
        self.passphrase.clear()
        self.passphrase_again.clear()
        self.pages.setCurrentIndex(2)
        self.passphrase.setFocus()

    # --- internals -----------------------------------------------------------------------------------

    def _submit(self) -> None:
        item = self.member_list.currentItem()
        if item is None:
            self.message.setText(self.tr("Choose your name in the list."))
            return
        self.sign_in_requested.emit(item.data(Qt.ItemDataRole.UserRole), self.pin.text())

    def _submit_passphrase(self) -> None:
        text = self.passphrase.text()
        if getattr(self, "_new_passphrase", False) and text != self.passphrase_again.text():
            self.pass_message.setText(self.tr("The two passphrases differ."))
            return
        self.passphrase_entered.emit(text)
