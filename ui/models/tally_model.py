"""One table of a tally report (fieldapp.reports) as a Qt model: the compact text the PDF shows, numbers
right-aligned, the totals row in bold."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from fieldapp.i18n import t
from fieldapp.reports.export import NO_TARGET, compact
from fieldapp.reports.tallies import Table

Index = QModelIndex | QPersistentModelIndex


class TallyTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.kinds: list[str] = []
        self.has_total = False
        self.no_target = ""

    def set_table(self, table: Table, lang: str) -> None:
        self.beginResetModel()
        self.headers, self.rows, self.kinds = compact(table, lang)
        self.has_total = table.total is not None
        self.no_target = t("tallies.no_target", lang)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and self.rows[index.row()][index.column()].endswith(NO_TARGET):
            return self.no_target  # what the dash stands for
        if role == Qt.ItemDataRole.TextAlignmentRole and self.kinds[index.column()] != "text":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self.has_total and index.row() == len(self.rows) - 1:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
            and orientation == Qt.Orientation.Horizontal
        ):
            return self.headers[section]
        return None
