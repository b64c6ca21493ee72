"""Help → About: the release, the data's schema, where the data lives, the team, the fonts' licence; and
the notice of a newer release on the server (the Sync screen and the status bar) with its Download button.

Views only: ui.controllers.release fills them and decides when.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class AboutInfo:
    version: str
    schema: str
    data_dir: str
    province: str  # "" when not enrolled
    team: str  # ""
    fonts: str  # the bundled fonts' licence line
    update: str = ""  # a newer release on the server, "" when none
    rules: str = ""  # the premium rules version and where it comes from
    rules_stale: str = ""  # said when the rules may be out of date


class AboutDialog(QDialog):
    def __init__(self, info: AboutInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about")
        self.setWindowTitle(self.tr("About fieldapp"))
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>fieldapp {info.version}</b>")
        heading.setObjectName("title")
        layout.addWidget(heading)
        intro = QLabel(self.tr("Outreach teams' app for voluntary social insurance and household health insurance."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        none = self.tr("not enrolled")
        self.fields: dict[str, QLabel] = {}
        for key, label, value in (
            ("version", self.tr("Version:"), info.version),
            ("schema", self.tr("Data schema:"), info.schema),
            ("data_dir", self.tr("Data folder:"), info.data_dir),
            ("province", self.tr("Province:"), info.province or none),
            ("team", self.tr("Team:"), info.team or none),
            ("rules", self.tr("Premium rules:"), info.rules),
            ("fonts", self.tr("Fonts:"), info.fonts),
        ):
            shown = QLabel(value)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = shown
            form.addRow(label, shown)
            if key == "rules" and info.rules_stale:  # right under the rules it is about
                stale = QLabel(info.rules_stale)
                stale.setWordWrap(True)
                stale.setStyleSheet("color: #ef6c00;")
                self.fields["rules_stale"] = stale
                form.addRow("", stale)
        if info.update:
            shown = QLabel(info.update)
            shown.setObjectName("warning")
            self.fields["update"] = shown
            form.addRow(self.tr("On the server:"), shown)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())


class UpdateNotice(QWidget):
    """ "Có phiên bản mới V" with Download; hidden while there is none."""

    download_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("update_notice")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        row = QHBoxLayout()
        self.text = QLabel()
        self.text.setObjectName("warning")
        self.text.setWordWrap(True)
        self.button = QPushButton(self.tr("Download for IT"))
        row.addWidget(self.text, 1)
        row.addWidget(self.button)
        layout.addLayout(row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        self.button.clicked.connect(self._download)
        self.hide()

    def _download(self) -> None:
        if self.button.isEnabled():
            self.download_requested.emit()

    def show_version(self, version: str | None) -> None:
        if not version:
            self.hide()
            return
        text = self.tr("New version %1 on the server: download it for IT to install.")
        self.text.setText(text.replace("%1", version))
        self.show()

    def set_busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy)
        if busy:
            self.message.setText(self.tr("Downloading…"))
