"""Record a consultation in seconds, typing while talking: every choice has a key.

Topics: Alt+1 … Alt+6. Outcome: Alt+E enrolled, Alt+S will think (then the follow-up date, +3/+7/+14 with
F6/F7/F8), Alt+T refused (then the reason), Alt+C already insured. Other results on the spot: Alt+V VssID
installed, Alt+U non-cash pension. Ctrl+Enter saves; Esc closes. The outcome keys are fixed shortcuts,
as are the topic, VssID, pension and consent keys: translations must not use E, S, T, C, V, U, D or a
digit as mnemonics in this dialog.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.enums import Outcome, OutreachKind, TargetGroup, Topic
from fieldapp.domain.formats import format_date, parse_date
from fieldapp.i18n import label
from ui.views.common import KeepsTypedWork

REFUSAL_REASONS = (
    "Chưa có tiền",
    "Thu nhập không ổn định",
    "Đã lớn tuổi",
    "Gia đình chưa thống nhất",
    "Muốn tìm hiểu thêm",
)


class ConsultationDialog(KeepsTypedWork, QDialog):
    save_requested = Signal()

    def __init__(self, sites: list[tuple[str, str]], lang: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.today = today
        self.setWindowTitle(self.tr("Consultation"))
        self.setMinimumWidth(680)
        layout = QVBoxLayout(self)
        self._build_who(layout)
        self._build_place_and_group(layout, sites)
        self._build_topics(layout)
        self._build_outcome(layout)
        self._build_follow_up(layout)
        self._build_reason(layout)
        self._build_note_and_results(layout)
        self._build_buttons(layout)
        self.outcome_group.buttonToggled.connect(lambda *_a: self._outcome_changed())
        self.walk_in.toggled.connect(self._walk_in_changed)
        self._outcome_changed()

    def _build_who(self, layout: QVBoxLayout) -> None:
        """Who was consulted, or a walk-in who gave no details."""
        self.who = QLabel("")
        self.who.setProperty("role", "title")
        self.who.setWordWrap(True)
        layout.addWidget(self.who)
        self.walk_in = QCheckBox(self.tr("&Walk-in, no details given"))
        layout.addWidget(self.walk_in)

    def _build_place_and_group(self, layout: QVBoxLayout, sites: list[tuple[str, str]]) -> None:
        form = QFormLayout()
        self.site = QComboBox()
        self.site.addItem(self.tr("(no place)"), None)
        for site_id, name in sites:
            self.site.addItem(name, site_id)
        form.addRow(self.tr("&Place:"), self.site)
        self.group = QComboBox()
        for group in TargetGroup:
            self.group.addItem(label(group, self.lang), group)
        form.addRow(self.tr("&Group:"), self.group)
        layout.addLayout(form)

    def _build_topics(self, layout: QVBoxLayout) -> None:
        """The topics talked about, two columns of check boxes with their Alt+digit."""
        topics_title = self.tr("Topics")
        layout.addWidget(QLabel(f"<b>{topics_title}</b>"))
        topics = QGridLayout()
        self.topics: dict[Topic, QCheckBox] = {}
        for i, topic in enumerate(Topic):
            box = QCheckBox(f"{label(topic, self.lang)} (Alt+{i + 1})")
            self.topics[topic] = box
            topics.addWidget(box, i // 2, i % 2)
            QShortcut(QKeySequence(f"Alt+{i + 1}"), self, activated=box.toggle)
        layout.addLayout(topics)

    def _build_outcome(self, layout: QVBoxLayout) -> None:
        """The outcome, radio buttons with the Alt+letters the team learnt (E, S, T, C)."""
        outcome_title = self.tr("Outcome")
        layout.addWidget(QLabel(f"<b>{outcome_title}</b>"))
        self.outcomes: dict[Outcome, QRadioButton] = {}
        outcome_row = QGridLayout()
        self.outcome_group = QButtonGroup(self)
        mnemonics = {Outcome.ENROLLED: "E", Outcome.WILL_THINK: "S", Outcome.REFUSED: "T", Outcome.ALREADY_INSURED: "C"}
        for i, outcome in enumerate(Outcome):
            button = QRadioButton(label(outcome, self.lang) + f" (Alt+{mnemonics[outcome]})")
            self.outcomes[outcome] = button
            self.outcome_group.addButton(button)
            outcome_row.addWidget(button, i // 2, i % 2)
            QShortcut(
                QKeySequence(f"Alt+{mnemonics[outcome]}"),
                self,
                activated=lambda b=button: (b.setChecked(True), self._outcome_changed()),
            )
        layout.addLayout(outcome_row)

    def _build_follow_up(self, layout: QVBoxLayout) -> None:
        """The follow-up date, with +3/+7/+14 days on F6/F7/F8 (shown for "will think")."""
        self.follow_box = QWidget()
        follow = QHBoxLayout(self.follow_box)
        follow.setContentsMargins(0, 0, 0, 0)
        self.follow_up = QLineEdit()
        self.follow_up.setPlaceholderText(self.tr("dd/mm/yyyy"))
        follow_label = QLabel(self.tr("&Follow-up on:"))
        follow_label.setBuddy(self.follow_up)
        follow.addWidget(follow_label)
        follow.addWidget(self.follow_up)
        for days, key in ((3, "F6"), (7, "F7"), (14, "F8")):
            button = QPushButton(f"+{days} ({key})")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, d=days: self.set_follow_up(d))
            QShortcut(QKeySequence(key), self, activated=lambda d=days: self.set_follow_up(d))
            follow.addWidget(button)
        layout.addWidget(self.follow_box)

    def _build_reason(self, layout: QVBoxLayout) -> None:
        """Why they refused (shown for a refusal)."""
        self.reason_box = QWidget()
        reason = QHBoxLayout(self.reason_box)
        reason.setContentsMargins(0, 0, 0, 0)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(["", *REFUSAL_REASONS])
        reason_label = QLabel(self.tr("&Reason:"))
        reason_label.setBuddy(self.reason)
        reason.addWidget(reason_label)
        reason.addWidget(self.reason, 1)
        layout.addWidget(self.reason_box)

    def _build_note_and_results(self, layout: QVBoxLayout) -> None:
        """The note, what else was done (VssID, pension), and the consent to keep the data."""
        self.note = QLineEdit()
        self.note.setMaxLength(2000)
        note_form = QFormLayout()
        note_form.addRow(self.tr("&Note:"), self.note)
        layout.addLayout(note_form)
        results = QHBoxLayout()
        self.vssid = QCheckBox(self.tr("VssID installed") + " (Alt+V)")
        self.pension = QCheckBox(self.tr("Non-cash pension sign-up") + " (Alt+U)")
        QShortcut(QKeySequence("Alt+V"), self, activated=self.vssid.toggle)
        QShortcut(QKeySequence("Alt+U"), self, activated=self.pension.toggle)
        results.addWidget(self.vssid)
        results.addWidget(self.pension)
        layout.addLayout(results)
        self.consent = QCheckBox(self.tr("Agrees that the team keeps their data") + " (Alt+D)")
        QShortcut(QKeySequence("Alt+D"), self, activated=self.consent.toggle)
        layout.addWidget(self.consent)

    def _build_buttons(self, layout: QVBoxLayout) -> None:
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(self.tr("Save (Ctrl+Enter)"))
        save.setAutoDefault(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save_requested)
        self.buttons.rejected.connect(self.cancel)  # asks first when something was typed

    def keyPressEvent(self, event) -> None:
        """Enter moves on (scanners and habit); Ctrl+Enter saves."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.save_requested.emit()
            else:
                self.focusNextChild()
            event.accept()
            return
        super().keyPressEvent(event)

    # --- state ----------------------------------------------------------------------------------------

    def _outcome_changed(self) -> None:
        outcome = self.outcome()
        self.follow_box.setVisible(outcome is Outcome.WILL_THINK)
        self.reason_box.setVisible(outcome is Outcome.REFUSED)
        if outcome is Outcome.WILL_THINK and not self.follow_up.text():
            self.set_follow_up(7)

    def _walk_in_changed(self, walk_in: bool) -> None:
        if walk_in and self.outcome() is Outcome.ENROLLED:
            self.outcome_group.setExclusive(False)
            self.outcomes[Outcome.ENROLLED].setChecked(False)
            self.outcome_group.setExclusive(True)
        self.outcomes[Outcome.ENROLLED].setEnabled(not walk_in)
        self.consent.setEnabled(not walk_in)

    def set_follow_up(self, days: int) -> None:
        self.follow_up.setText(format_date(self.today + timedelta(days=days)))

    def outcome(self) -> Outcome | None:
        return next((o for o, b in self.outcomes.items() if b.isChecked()), None)

    def start(self, who: str, *, walk_in: bool, group: TargetGroup, site_id: str | None, consent: bool) -> None:
        """Ready for the next person: everything cleared but the place."""
        self.who.setText(who)
        self.walk_in.setChecked(walk_in)
        self.walk_in.setVisible(walk_in)
        self.group.setCurrentIndex(max(0, self.group.findData(group)))
        if site_id is not None:
            self.site.setCurrentIndex(max(0, self.site.findData(site_id)))
        for box in self.topics.values():
            box.setChecked(False)
        self.outcome_group.setExclusive(False)
        for button in self.outcomes.values():
            button.setChecked(False)
        self.outcome_group.setExclusive(True)
        self.follow_up.clear()
        self.reason.setCurrentIndex(0)
        self.note.clear()
        self.vssid.setChecked(False)
        self.pension.setChecked(False)
        self.consent.setChecked(consent)
        self.message.clear()
        self._outcome_changed()
        self.topics[Topic.VSI].setFocus()
        self.mark_pristine()

    def draft_state(self) -> dict:
        return self.values()

    def values(self) -> dict:
        """What was chosen, for the controller to check and save; dates stay text until checked there."""
        return {
            "walk_in": self.walk_in.isChecked(),
            "site_id": self.site.currentData(),
            "target_group": TargetGroup(self.group.currentData()),
            "topics": [t for t, b in self.topics.items() if b.isChecked()],
            "outcome": self.outcome(),
            "follow_up": self.follow_up.text(),
            "refusal_reason": self.reason.currentText(),
            "note": self.note.text(),
            "consent": self.consent.isChecked(),
            "results": [
                k
                for k, b in ((OutreachKind.VSSID_INSTALL, self.vssid), (OutreachKind.NON_CASH_PENSION, self.pension))
                if b.isChecked()
            ],
        }

    @staticmethod
    def parse_follow_up(text: str) -> date | None:
        return parse_date(text) if text.strip() else None
