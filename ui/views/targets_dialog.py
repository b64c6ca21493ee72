"""Targets typed in: a campaign's period (or the whole campaign), a scope and a unit, and one number per
indicator. An empty box leaves that target as it is; 0 is kept and shown as "no target". A new period (a
day, the 7 peak days, a week, a month, the year) is added from its kind and first day."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from fieldapp.domain.enums import Metric, PeriodKind, ScopeKind
from fieldapp.domain.models import CampaignPeriod, Target
from fieldapp.i18n import label


class TargetsDialog(QDialog):
    selection_changed = Signal()
    save_requested = Signal(object, object, str, object)  # period id or None, ScopeKind, ref, {Metric: int|None}
    period_requested = Signal(object, object, str)  # PeriodKind, first day (date), name ("": the dates)

    def __init__(
        self,
        parent,
        periods: list[CampaignPeriod],
        units: dict[ScopeKind, list[tuple[str, str]]],
        lang: str,
        kinds: tuple[PeriodKind, ...] = (),
        day: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.lang = lang
        self.units = units
        self._notice = ""
        self.setWindowTitle(self.tr("Targets"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.period = QComboBox()
        self.period.addItem(self.tr("The whole campaign"), None)
        for p in periods:
            self.period.addItem(f"{label(p.kind, lang)}: {p.name}", p.id)
        self.scope = QComboBox()
        for scope in ScopeKind:
            self.scope.addItem(label(scope, lang), scope)
        self.unit = QComboBox()
        form.addRow(self.tr("Period:"), self.period)
        form.addRow(self.tr("Level:"), self.scope)
        form.addRow(self.tr("Unit:"), self.unit)
        self.values: dict[Metric, QLineEdit] = {}
        self.hints: dict[Metric, QLabel] = {}
        for metric in Metric:
            edit = QLineEdit()
            edit.setPlaceholderText(self.tr("not set"))
            hint = QLabel()
            hint.setStyleSheet("color: #666;")
            edit.textChanged.connect(lambda text, hint=hint: hint.setText(self._hint(text)))
            self.values[metric] = edit
            self.hints[metric] = hint
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(hint)
            form.addRow(label(metric, lang), row)
        layout.addWidget(self._new_period_box(kinds, day))
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setStyleSheet("color: #c62828;")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.scope.currentIndexChanged.connect(self._fill_units)
        self.period.currentIndexChanged.connect(lambda _i: self.selection_changed.emit())
        self.unit.currentIndexChanged.connect(lambda _i: self.selection_changed.emit())
        self.scope.setCurrentIndex(list(ScopeKind).index(ScopeKind.TEAM))
        self._fill_units()

    def _new_period_box(self, kinds: tuple[PeriodKind, ...], day: date | None) -> QGroupBox:
        box = QGroupBox(self.tr("New period"))
        row = QHBoxLayout(box)
        self.new_kind = QComboBox()
        for kind in kinds:
            self.new_kind.addItem(label(kind, self.lang), kind.value)
        self.new_start = QDateEdit()
        self.new_start.setCalendarPopup(True)
        self.new_start.setDisplayFormat("dd/MM/yyyy")
        if day is not None:
            self.new_start.setDate(QDate(day.year, day.month, day.day))
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText(self.tr("name (optional)"))
        self.new_name.setMinimumWidth(170)
        self.add_period_button = QPushButton(self.tr("Add period"))
        self.add_period_button.clicked.connect(self._add_period)
        row.addWidget(self.new_kind)
        row.addWidget(QLabel(self.tr("from")))
        row.addWidget(self.new_start)
        row.addWidget(self.new_name, 1)
        row.addWidget(self.add_period_button)
        box.setVisible(bool(kinds))
        return box

    def _add_period(self) -> None:
        kind = self.new_kind.currentData()
        if kind is None:
            return
        self.message.clear()
        self.period_requested.emit(PeriodKind(kind), self.new_start.date().toPython(), self.new_name.text().strip())

    def period_added(self, period: CampaignPeriod) -> None:
        """Show the new period in the list and make it the current one (its targets are then typed in)."""
        self.period.addItem(f"{label(period.kind, self.lang)}: {period.name}", period.id)
        self.new_name.clear()
        # shown once the (empty) targets of the new period are in: loading them clears the message
        self._notice = self.tr("Period “%1” added: type its targets.").replace("%1", period.name)
        self.message.setText(self._notice)
        self.period.setCurrentIndex(self.period.count() - 1)

    def _hint(self, text: str) -> str:
        number = text.strip().replace(".", "").replace(",", "")
        return self.tr("no target") if number.isdigit() and int(number) == 0 else ""

    def _fill_units(self, _i: int = 0) -> None:
        self.unit.blockSignals(True)
        self.unit.clear()
        for ref, name in self.units.get(ScopeKind(self.scope.currentData()), []):
            self.unit.addItem(name, ref)
        self.unit.blockSignals(False)
        self.selection_changed.emit()

    def selection(self) -> tuple[str | None, ScopeKind, str]:
        return self.period.currentData(), ScopeKind(self.scope.currentData()), self.unit.currentData() or ""

    def show_targets(self, targets: list[Target]) -> None:
        _period, scope, ref = self.selection()
        found = {t.metric: t.value for t in targets if t.scope is scope and t.scope_ref == ref}
        for metric, edit in self.values.items():
            edit.setText(str(found[metric]) if metric in found else "")
        self.message.setText(self._notice)
        self._notice = ""

    def _save(self) -> None:
        values: dict[Metric, int | None] = {}
        for metric, edit in self.values.items():
            text = edit.text().strip().replace(".", "").replace(",", "")
            if not text:
                values[metric] = None
            elif text.isdigit():
                values[metric] = int(text)
            else:
                self.message.setText(self.tr("“%1” is not a whole number.").replace("%1", edit.text()))
                edit.setFocus()
                return
        period, scope, ref = self.selection()
        if not ref:
            return
        self.save_requested.emit(period, scope, ref, values)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
