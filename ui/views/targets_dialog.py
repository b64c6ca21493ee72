"""Targets typed in: a campaign's period (or the whole campaign), a scope and a unit, and one number per
indicator. An empty box leaves that target as it is; 0 is kept and shown as "no target"."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from fieldapp.domain.enums import Metric, ScopeKind
from fieldapp.domain.models import CampaignPeriod, Target
from fieldapp.i18n import label


class TargetsDialog(QDialog):
    selection_changed = Signal()
    save_requested = Signal(object, object, str, object)  # period id or None, ScopeKind, ref, {Metric: int|None}

    def __init__(
        self, parent, periods: list[CampaignPeriod], units: dict[ScopeKind, list[tuple[str, str]]], lang: str
    ) -> None:
        super().__init__(parent)
        self.lang = lang
        self.units = units
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
        for metric in Metric:
            edit = QLineEdit()
            edit.setPlaceholderText(self.tr("not set"))
            self.values[metric] = edit
            form.addRow(label(metric, lang), edit)
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
        self.message.clear()

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
