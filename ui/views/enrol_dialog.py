"""Enrol: voluntary SI, household HI or a donated card or book; the premium shown before the money is taken.

The quote on the right is recomputed as choices change (the premium engine is pure and fast); the
member checks the total and the cover dates with the person, takes the money and confirms.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain import products
from fieldapp.domain.enums import EnrolmentKind, PaymentMethod, SupportGroup
from fieldapp.domain.formats import format_date
from fieldapp.domain.models import Person
from fieldapp.i18n import label, t
from ui.views.common import KeepsTypedWork, fit_to_screen

SPONSORS = ("Liên đoàn Lao động tỉnh", "Hội Chữ thập đỏ", "Ủy ban Mặt trận Tổ quốc xã", "Nhà hảo tâm")


class EnrolDialog(KeepsTypedWork, QDialog):
    changed = Signal()
    confirm_requested = Signal()

    def __init__(
        self,
        person: Person,
        household: list[Person],
        lang: str,
        parent: QWidget | None = None,
        *,
        state_hi: dict[str, tuple[str, str]] | None = None,  # person id -> (their group, where their card comes from)
    ) -> None:
        super().__init__(parent)
        self.person = person
        self.lang = lang
        self.setWindowTitle(self.tr("Enrol"))
        self.setMinimumWidth(860)
        self._quote_ok = True  # the quote holds (an income in bounds, a member chosen …)
        self._busy = False  # saving: a second tap never makes a second receipt
        root = QVBoxLayout(self)
        self._build_paid_today(root)
        outer = QHBoxLayout()
        root.addLayout(outer, 1)
        left = QVBoxLayout()
        outer.addLayout(left, 3)
        heading = QLabel(person.full_name)
        heading.setProperty("role", "title")
        left.addWidget(heading)
        self._build_kinds(left)
        self._build_vsi(left)
        self._build_household_hi(left, household, state_hi or {})
        self._build_sponsor(left)
        self._build_payment(left)
        left.addStretch(1)
        right = QVBoxLayout()
        outer.addLayout(right, 2)
        self._build_quote(right)
        self._build_buttons(right)
        self._connect_changes()

    # --- the layout, a group at a time, top to bottom (the order is the tab order) ----------------------

    def _build_paid_today(self, root: QVBoxLayout) -> None:
        """What this household already paid today, across the whole dialog, before anything else (issue 18)."""
        self.paid_box = QWidget()
        paid = QVBoxLayout(self.paid_box)
        paid.setContentsMargins(0, 0, 0, 0)
        self.paid_note = QLabel("")
        self.paid_note.setProperty("role", "warning")
        self.paid_note.setTextFormat(Qt.TextFormat.RichText)
        self.paid_note.setWordWrap(True)
        paid.addWidget(self.paid_note)
        self.again = QCheckBox(self.tr("Pay &again: they want to pay for another period"))
        paid.addWidget(self.again)
        self.paid_box.setVisible(False)
        root.addWidget(self.paid_box)

    def _build_kinds(self, left: QVBoxLayout) -> None:
        """The products, one radio button each with its Alt+digit."""
        kinds = QGroupBox(self.tr("What"))
        kinds_layout = QVBoxLayout(kinds)
        self.kind_group = QButtonGroup(self)
        self.kinds: dict[str, QRadioButton] = {}  # by product kind, in the registry's order
        for i, product in enumerate(products.all_products()):
            button = QRadioButton(f"{t(product.message, self.lang)} (Alt+{i + 1})")
            self.kinds[product.kind] = button
            self.kind_group.addButton(button)
            kinds_layout.addWidget(button)
            QShortcut(QKeySequence(f"Alt+{i + 1}"), self, activated=button.click)
        left.addWidget(kinds)

    def _build_vsi(self, left: QVBoxLayout) -> None:
        self.vsi_box = QGroupBox(self.tr("Voluntary SI"))
        vsi = QFormLayout(self.vsi_box)
        self.income = QSpinBox()
        self.income.setRange(0, 100_000_000)
        self.income.setSingleStep(100_000)
        self.income.setGroupSeparatorShown(True)
        self.income.setSuffix(" đ")
        self.income.setValue(1_500_000)
        self.vsi_months = QComboBox()
        self.support_group = QComboBox()
        for group in SupportGroup:
            self.support_group.addItem(label(group, self.lang), group)
        vsi.addRow(self.tr("Monthly &income:"), self.income)
        vsi.addRow(self.tr("Pay for (&months):"), self.vsi_months)
        vsi.addRow(self.tr("Support &group:"), self.support_group)
        left.addWidget(self.vsi_box)

    def _build_household_hi(
        self, left: QVBoxLayout, household: list[Person], state_hi: dict[str, tuple[str, str]]
    ) -> None:
        """The household's members to tick and order, and the note on those the state covers (shown on the
        right, under the quote, by _build_quote)."""
        person = self.person
        self.hi_box = QGroupBox(self.tr("Household HI: who, in this order"))
        hi = QVBoxLayout(self.hi_box)
        self.members = QListWidget()
        until = self.tr("HI until")
        outside = self.tr("not in household HI")
        for p in household:
            item = QListWidgetItem(p.full_name + (f" — {until} {format_date(p.hi_valid_to)}" if p.hi_valid_to else ""))
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            if p.id in state_hi:  # the state pays or supports their card: never priced as a household member
                item.setText(f"{p.full_name} — {outside}")
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable & ~Qt.ItemFlag.ItemIsEnabled)
            else:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if p.id == person.id else Qt.CheckState.Unchecked)
            self.members.addItem(item)
        self.members.setCurrentRow(next((i for i, p in enumerate(household) if p.id == person.id), 0))
        self.members.setMinimumHeight(4 * self.members.fontMetrics().lineSpacing() + 12)  # four members, any font size
        hi.addWidget(self.members)
        by_group: dict[tuple[str, str], list[str]] = {}  # one line per group: a household of pupils stays short
        for p in household:
            if p.id in state_hi:
                by_group.setdefault(state_hi[p.id], []).append(p.full_name)
        self.state_note = QLabel(
            "<br>".join(
                f"<b>{html.escape(group)}</b> ({html.escape(', '.join(names))}): {html.escape(path)}"
                for (group, path), names in by_group.items()
            )
        )
        self.state_note.setStyleSheet("color: #ef6c00;")
        self.state_note.setWordWrap(True)
        self.state_note.setVisible(bool(state_hi))
        hint = QLabel(self.tr("Space ticks a member; Alt+Up / Alt+Down change the order (the 1st pays most)."))
        hint.setWordWrap(True)
        hi.addWidget(hint)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Pay for (months):")))
        self.hi_months = QComboBox()
        row.addWidget(self.hi_months)
        row.addStretch(1)
        hi.addLayout(row)
        left.addWidget(self.hi_box)
        QShortcut(QKeySequence("Alt+Up"), self.members, activated=lambda: self._move(-1))
        QShortcut(QKeySequence("Alt+Down"), self.members, activated=lambda: self._move(1))

    def _build_sponsor(self, left: QVBoxLayout) -> None:
        self.sponsor_box = QWidget()
        sponsor = QFormLayout(self.sponsor_box)
        sponsor.setContentsMargins(0, 0, 0, 0)
        self.sponsor = QComboBox()
        self.sponsor.setEditable(True)
        self.sponsor.addItems(["", *SPONSORS])
        sponsor.addRow(self.tr("Donated &by:"), self.sponsor)
        left.addWidget(self.sponsor_box)

    def _build_payment(self, left: QVBoxLayout) -> None:
        pay = QGroupBox(self.tr("Payment"))
        pay_layout = QFormLayout(pay)
        self.method = QComboBox()
        for method in PaymentMethod:
            self.method.addItem(label(method, self.lang), method)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText(self.tr("transfer reference"))
        pay_layout.addRow(self.tr("&Paid in:"), self.method)  # "Monthly &income" has I
        pay_layout.addRow(self.tr("&Reference:"), self.reference)
        left.addWidget(pay)

    def _build_quote(self, right: QVBoxLayout) -> None:
        quote_title = self.tr("Premium")
        right.addWidget(QLabel(f"<b>{quote_title}</b>"))
        self.quote = QLabel("")
        self.quote.setTextFormat(Qt.TextFormat.RichText)
        self.quote.setWordWrap(True)
        self.quote.setAlignment(Qt.AlignmentFlag.AlignTop)
        right.addWidget(self.quote, 1)
        right.addWidget(self.state_note)  # who of the household the state covers, and how (household HI only)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        right.addWidget(self.message)

    def _build_buttons(self, right: QVBoxLayout) -> None:
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.confirm = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.confirm.setText(self.tr("Money received: save and make the receipt (Ctrl+Enter)"))
        self.confirm.setAutoDefault(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        right.addWidget(self.buttons)
        self.buttons.accepted.connect(self.confirm_requested)
        self.buttons.rejected.connect(self.cancel)  # asks first when something was typed
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.confirm_requested.emit)
        QShortcut(QKeySequence("Ctrl+Enter"), self, activated=self.confirm_requested.emit)

    def _connect_changes(self) -> None:
        for signal in (
            self.income.valueChanged,
            self.vsi_months.currentIndexChanged,
            self.support_group.currentIndexChanged,
            self.hi_months.currentIndexChanged,
            self.members.itemChanged,
            self.sponsor.currentTextChanged,
            self.method.currentIndexChanged,
        ):
            signal.connect(lambda *_a: self.changed.emit())
        self.kind_group.buttonToggled.connect(lambda *_a: self._kind_changed())
        self.again.toggled.connect(lambda _on: self._update_confirm())

    def showEvent(self, event: QShowEvent) -> None:
        if not event.spontaneous():
            fit_to_screen(self)
            self.first_field().setFocus()
        super().showEvent(event)

    def draft_state(self) -> tuple:
        return (
            self.kind(),
            self.income.value(),
            self.vsi_months.currentData(),
            self.support_group.currentData(),
            self.hi_months.currentData(),
            self.member_ids(),
            self.sponsor.currentText(),
            self.method.currentData(),
            self.reference.text(),
        )

    def first_field(self) -> QWidget:
        """Where typing starts: the chosen kind's own first field, never the kinds' radio buttons (there
        Down moves to the next kind and chooses it, so Down then Space changed the product)."""
        kind = self.kind()
        if kind in (EnrolmentKind.HOUSEHOLD_HI, EnrolmentKind.DONATED_HI):
            return self.members
        if kind is EnrolmentKind.DONATED_VSI:
            return self.sponsor
        return self.income

    # --- state ----------------------------------------------------------------------------------------

    def _move(self, step: int) -> None:
        row = self.members.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.members.count():
            return
        item = self.members.takeItem(row)
        self.members.insertItem(target, item)
        self.members.setCurrentRow(target)
        self.changed.emit()

    def _kind_changed(self) -> None:
        product = products.get(self.kind())
        hi = product.insures == products.HI
        self.vsi_box.setVisible(product.insures == products.VSI)
        self.hi_box.setVisible(hi)
        self.state_note.setVisible(hi and not product.donated and bool(self.state_note.text()))
        self.sponsor_box.setVisible(product.donated)
        self.changed.emit()

    def set_choices(
        self, vsi_months: tuple[int, ...], hi_months: tuple[int, ...], group: SupportGroup, kind: str
    ) -> None:
        for combo, months, default in ((self.vsi_months, vsi_months, 12), (self.hi_months, hi_months, 12)):
            combo.blockSignals(True)
            combo.clear()
            for m in months:
                combo.addItem(str(m), m)
            combo.setCurrentIndex(max(0, combo.findData(default)))
            combo.blockSignals(False)
        self.support_group.setCurrentIndex(max(0, self.support_group.findData(group)))
        self.kinds[kind].setChecked(True)
        self._kind_changed()

    def kind(self) -> str:
        """The chosen product's kind; household HI until set_choices checks one."""
        return next((k for k, b in self.kinds.items() if b.isChecked()), EnrolmentKind.HOUSEHOLD_HI)

    def member_ids(self) -> list[str]:
        return [
            self.members.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.members.count())
            if self.members.item(i).flags() & Qt.ItemFlag.ItemIsUserCheckable
            and self.members.item(i).checkState() == Qt.CheckState.Checked
        ]

    def show_quote(self, html: str, ok: bool) -> None:
        self.quote.setText(html)
        self._quote_ok = ok
        self._update_confirm()

    def show_paid_today(self, note: str) -> None:
        """This household already paid today (`note`, rich text): said first, and the money is taken again
        only once the member ticks that they want to pay for another period."""
        self.paid_note.setText(note)
        self.again.setChecked(False)
        self.paid_box.setVisible(True)
        self._update_confirm()

    def waits_for_again(self) -> bool:
        """Paid today already, and the member has not yet said that they pay again."""
        return not self.paid_box.isHidden() and not self.again.isChecked()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_confirm()

    def _update_confirm(self) -> None:
        self.confirm.setEnabled(self._quote_ok and not self._busy and not self.waits_for_again())
