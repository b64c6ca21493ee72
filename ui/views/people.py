"""People: the registry as a lazily filled table, narrowed as you type."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from fieldapp.domain.formats import format_number
from ui.models.people_model import PeopleModel
from ui.views.common import table, title

TYPING_PAUSE_MS = 120


class PeopleView(QWidget):
    search_changed = Signal(str)

    def __init__(self, model: PeopleModel) -> None:
        super().__init__()
        self.model = model
        layout = QVBoxLayout(self)
        layout.addWidget(title(self.tr("People")))
        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Name without accents, citizen ID, SI number or phone (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        row.addWidget(self.search, 1)
        self.count = QLabel("")
        row.addWidget(self.count)
        layout.addLayout(row)
        self.table = table(model, stretch_column=None, fit=False)
        self._widths()
        layout.addWidget(self.table, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(lambda: self.search_changed.emit(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.table.setFocus)

    def _widths(self) -> None:
        char = self.table.fontMetrics().averageCharWidth()
        for column, chars in enumerate((26, 11, 14, 12, 12, 16, 20, 12, 12, 16)):
            self.table.horizontalHeader().resizeSection(column, chars * char + 16)

    def show_count(self, n: int, lang: str) -> None:
        self.count.setText(self.tr("%1 people").replace("%1", format_number(n, lang)))
