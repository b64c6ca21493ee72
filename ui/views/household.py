"""The selected person and their household at a glance: identifiers, HI card and VSI status of each."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from fieldapp.domain.clock import today as vietnam_today
from fieldapp.domain.enums import VsiStatus
from fieldapp.domain.formats import format_birth, format_date
from fieldapp.i18n import label
from fieldapp.storage.people import HouseholdView, PersonRow
from ui.models.list_model import Column, ListModel
from ui.models.status import hi_status
from ui.views.common import table, title
from ui.views.lists import opens_person


class HouseholdPanel(QWidget):
    consult_requested = Signal(str)  # person id
    enrol_requested = Signal(str)
    edit_requested = Signal(str)
    add_member_requested = Signal(str)  # the household's person id
    personal_data_requested = Signal(str)
    merge_requested = Signal(str)
    person_opened = Signal(str)  # a member of the household, chosen with Enter or a double-click

    def __init__(self) -> None:
        super().__init__()
        self.lang = "vi"
        self.today = vietnam_today()
        self.person_id: str | None = None
        self.current: HouseholdView | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        self.heading = title(self.tr("Nobody chosen"))
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self._build_details(layout)
        self._build_members(layout)
        self._build_buttons(layout)
        self._connect_buttons()

    def _build_details(self, layout: QVBoxLayout) -> None:
        """The chosen person's details, selectable to copy."""
        form = QFormLayout()
        self.fields = {
            key: QLabel("") for key in ("born", "citizen_id", "si_number", "phone", "place", "group", "hi", "vsi")
        }
        for key, caption in (
            ("born", self.tr("Born:")),
            ("citizen_id", self.tr("Citizen ID:")),
            ("si_number", self.tr("SI number:")),
            ("phone", self.tr("Phone:")),
            ("place", self.tr("Lives in:")),
            ("group", self.tr("Group:")),
            ("hi", self.tr("HI card valid until:")),
            ("vsi", self.tr("Voluntary SI:")),
        ):
            self.fields[key].setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key].setWordWrap(True)
            form.addRow(caption, self.fields[key])
        self.fields["hi"].setTextFormat(Qt.TextFormat.RichText)  # the card's state in its colour, the clinic not
        layout.addLayout(form)

    def _build_members(self, layout: QVBoxLayout) -> None:
        """The household's members; Enter or a double-click opens one."""
        household = self.tr("Household")
        layout.addWidget(QLabel(f"<b>{household}</b>"))
        self.members: ListModel[PersonRow] = ListModel(
            [
                Column(lambda: self.tr("Name"), lambda r: r.full_name),
                Column(lambda: self.tr("Born"), lambda r: format_birth(r.birth_date, r.birth_year)),
                Column(lambda: self.tr("HI until"), lambda r: hi_status(r.hi_valid_to, self.today)[0]),
                Column(lambda: self.tr("VSI"), lambda r: label(r.vsi_status, self.lang)),
            ]
        )
        self.members.colour = lambda r, col: hi_status(r.hi_valid_to, self.today)[1] if col == 2 else None
        self.members_table = table(self.members, stretch_column=0)
        opens_person(self.members_table, self.members, self.person_opened, lambda row: row.id)
        layout.addWidget(self.members_table, 1)

    def _build_buttons(self, layout: QVBoxLayout) -> None:
        """What can be done for the chosen person, on two rows; off until someone is chosen."""
        buttons = QHBoxLayout()
        self.consult_button = QPushButton(self.tr("Record a &consultation (F2)"))
        self.enrol_button = QPushButton(self.tr("&Enrol (F3)"))
        self.edit_button = QPushButton(self.tr("Edi&t (F4)"))
        self.add_member_button = QPushButton(self.tr("&Add to this household"))
        self.data_button = QPushButton(self.tr("Personal &data…"))
        self.merge_button = QPushButton(self.tr("&Merge with… (Ctrl+M)"))
        for b in self._buttons():
            b.setEnabled(False)
        buttons.addWidget(self.consult_button)
        buttons.addWidget(self.enrol_button)
        buttons.addWidget(self.merge_button)  # three a row: the panel stays narrow enough for the list
        more = QHBoxLayout()
        more.addWidget(self.edit_button)
        more.addWidget(self.add_member_button)
        more.addWidget(self.data_button)
        self.data_button.clicked.connect(lambda: self.person_id and self.personal_data_requested.emit(self.person_id))
        self.merge_button.clicked.connect(lambda: self.person_id and self.merge_requested.emit(self.person_id))
        layout.addLayout(buttons)
        layout.addLayout(more)

    def _connect_buttons(self) -> None:
        """Each action's key (F2, F3, F4, Ctrl+M) and button; nothing is said while nobody is chosen."""
        for key, signal in (
            ("F2", self.consult_requested),
            ("F3", self.enrol_requested),
            ("F4", self.edit_requested),
            ("Ctrl+M", self.merge_requested),
        ):
            QShortcut(QKeySequence(key), self, activated=lambda s=signal: self.person_id and s.emit(self.person_id))
        self.edit_button.clicked.connect(lambda: self.person_id and self.edit_requested.emit(self.person_id))
        self.add_member_button.clicked.connect(
            lambda: self.person_id and self.add_member_requested.emit(self.person_id)
        )
        self.consult_button.clicked.connect(lambda: self.person_id and self.consult_requested.emit(self.person_id))
        self.enrol_button.clicked.connect(lambda: self.person_id and self.enrol_requested.emit(self.person_id))

    def show_household(self, view: HouseholdView | None, lang: str, today: date) -> None:
        self.lang, self.today = lang, today
        self.current = view
        if view is None:
            self.person_id = None
            self.heading.setText(self.tr("Nobody chosen"))
            for f in self.fields.values():
                f.clear()
            self.members.set_rows([])
            for b in self._buttons():
                b.setEnabled(False)
            return
        p = view.person
        self.person_id = p.id
        self.heading.setText(p.full_name)
        text, colour = hi_status(p.hi_valid_to, today)
        if colour:
            text = f'<span style="color: {colour}; font-weight: bold;">{escape(text)}</span>'
        if p.hi_clinic:  # on the same line as the card's date, so the panel keeps its height
            text += " · " + escape(self.tr("clinic %1").replace("%1", p.hi_clinic))
        paid = ""
        if p.vsi_paid_to and p.vsi_status is not VsiStatus.NEVER:
            paid = " (" + self.tr("paid until %1").replace("%1", format_date(p.vsi_paid_to)) + ")"
        values = {
            "born": format_birth(p.birth_date, p.birth_year),
            "citizen_id": p.citizen_id or "",
            "si_number": p.si_number or "",
            "phone": p.phone or "",
            "place": ", ".join(x for x in (view.hamlet, view.commune) if x),
            "group": label(p.target_group, lang),
            "hi": text,
            "vsi": label(p.vsi_status, lang) + paid,
        }
        for key, value in values.items():
            self.fields[key].setText(value)
        self.members.set_rows(view.members)
        for b in self._buttons():
            b.setEnabled(True)

    def _buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.consult_button,
            self.enrol_button,
            self.edit_button,
            self.add_member_button,
            self.merge_button,
            self.data_button,
        )
