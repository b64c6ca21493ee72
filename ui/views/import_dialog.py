"""Import a prospect list: choose the file, check which column holds what on a preview, try, import."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.i18n import t
from fieldapp.services.importer import COLUMNS, ImportPlan
from ui.models.list_model import Column, ListModel
from ui.views.common import table


class ImportDialog(QDialog):
    try_requested = Signal()
    import_requested = Signal()

    def __init__(self, plan: ImportPlan, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(self.tr("Import a list: %1").replace("%1", plan.path.name))
        self.resize(980, 640)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("%1 rows found. Check which column holds what:").replace("%1", str(len(plan.rows))))
        )
        grid = QGridLayout()
        self.columns: dict[str, QComboBox] = {}
        for i, name in enumerate(COLUMNS):
            combo = QComboBox()
            combo.addItem(self.tr("(none)"), None)
            for index, header in enumerate(plan.header):
                combo.addItem(header or f"#{index + 1}", index)
            combo.setCurrentIndex(max(0, combo.findData(plan.mapping.get(name))))
            self.columns[name] = combo
            form = QFormLayout()
            form.addRow(t(f"import.column.{name}", lang) + ":", combo)
            grid.addLayout(form, i // 2, i % 2)
        layout.addLayout(grid)
        width = max((len(r) for r in plan.preview), default=len(plan.header))
        model: ListModel[list[str]] = ListModel(
            [
                Column(
                    lambda i=i: plan.header[i] if i < len(plan.header) else "",
                    lambda r, i=i: r[i] if i < len(r) else "",
                )
                for i in range(width)
            ]
        )
        model.set_rows(plan.preview)
        layout.addWidget(table(model, stretch_column=None), 1)
        self.result = QLabel("")
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        self.try_button = QPushButton(self.tr("&Try (saves nothing)"))
        self.import_button = QPushButton(self.tr("&Import"))
        self.buttons.addButton(self.try_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.try_button.clicked.connect(self.try_requested)
        self.import_button.clicked.connect(self.import_requested)

    def mapping(self) -> dict[str, int]:
        return {name: combo.currentData() for name, combo in self.columns.items() if combo.currentData() is not None}

    def busy(self, on: bool) -> None:
        self.try_button.setEnabled(not on)
        self.import_button.setEnabled(not on)
