"""The Conflicts list: records two laptops changed, each shown field by field (ours / theirs) for the member
to pick; people who look like the same person; the operations the server refused.

Nothing here decides anything: ui.controllers.conflicts fills the lists and acts on the signals.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

OURS, THEIRS = "ours", "theirs"


@dataclass(frozen=True)
class FieldRow:
    field: str
    label: str
    ours: str
    theirs: str


class ChoiceGrid(QWidget):
    """One row per field that differs: the field, this laptop's value, the server's value, as radio buttons.
    Up/Down move between rows, Left/Right between the two versions, Space picks the one with the focus."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.grid = QGridLayout(self)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self.rows: list[tuple[str, QRadioButton, QRadioButton, QButtonGroup]] = []

    def show_rows(self, rows: list[FieldRow]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for _f, _o, _t, group in self.rows:
            group.deleteLater()
        self.rows = []
        head = (self.tr("Field"), self.tr("On this laptop"), self.tr("On the server"))
        for col, text in enumerate(head):
            label = QLabel(f"<b>{text}</b>")
            self.grid.addWidget(label, 0, col)
        for i, row in enumerate(rows, start=1):
            ours, theirs = QRadioButton(row.ours), QRadioButton(row.theirs)
            group = QButtonGroup(self)
            group.setExclusive(True)
            group.addButton(ours)
            group.addButton(theirs)
            for button in (ours, theirs):
                button.installEventFilter(self)
                button.toggled.connect(lambda _on: self.changed.emit())
            self.grid.addWidget(QLabel(row.label), i, 0)
            self.grid.addWidget(ours, i, 1)
            self.grid.addWidget(theirs, i, 2)
            self.rows.append((row.field, ours, theirs, group))
        self.grid.setRowStretch(len(rows) + 1, 1)
        if self.rows:
            self.rows[0][1].setFocus()

    def choices(self) -> dict[str, str]:
        out = {}
        for field, ours, theirs, _g in self.rows:
            if ours.isChecked():
                out[field] = OURS
            elif theirs.isChecked():
                out[field] = THEIRS
        return out

    def complete(self) -> bool:
        return bool(self.rows) and len(self.choices()) == len(self.rows)

    def choose(self, field: str, side: str) -> None:
        for f, ours, theirs, _g in self.rows:
            if f == field:
                (ours if side == OURS else theirs).setChecked(True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        key = event.key()
        for i, (_f, ours, theirs, _g) in enumerate(self.rows):
            if watched in (ours, theirs):
                col = 0 if watched is ours else 1
                if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
                    (theirs if col == 0 else ours).setFocus()
                    return True
                if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                    j = i - 1 if key == Qt.Key.Key_Up else i + 1
                    if 0 <= j < len(self.rows):
                        self.rows[j][1 + col].setFocus()
                    return True
                if key == Qt.Key.Key_Space:
                    watched.setChecked(True)
                    return True
        return False


class ConflictsView(QTabWidget):
    conflict_chosen = Signal(int)  # Conflict.id
    resolve_requested = Signal(int, dict)  # Conflict.id, {field: "ours" | "theirs"}
    look_requested = Signal(int)  # MergeCandidate.id
    not_same_requested = Signal(int)  # MergeCandidate.id

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("conflicts")
        self._build_conflicts_tab()
        self._conflict_id: int | None = None
        self._build_candidates_tab()
        self._build_refused_tab()
        self.set_counts(0, 0, 0)

    def _build_conflicts_tab(self) -> None:
        """Conflicts: the list on the left, the chosen one field by field on the right."""
        page = QSplitter()
        self.conflict_list = QListWidget()
        self.conflict_list.setWordWrap(True)
        self.conflict_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.conflict_list.setSpacing(2)
        page.addWidget(self.conflict_list)
        right = QWidget()
        col = QVBoxLayout(right)
        self.conflict_title = QLabel(self.tr("Choose a conflict on the left to see both versions."))
        self.conflict_title.setWordWrap(True)
        # a wrapped label in a splitter gets one line's height unless told: room for three
        self.conflict_title.setMinimumHeight(self.conflict_title.fontMetrics().lineSpacing() * 3 + 4)
        self.conflict_title.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        col.addWidget(self.conflict_title)
        self.grid = ChoiceGrid()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid)
        col.addWidget(scroll, 1)
        row = QHBoxLayout()
        self.keep_button = QPushButton(self.tr("Keep my choice"))
        self.keep_button.setEnabled(False)
        row.addWidget(self.keep_button)
        self.conflict_message = QLabel()
        self.conflict_message.setWordWrap(True)
        row.addWidget(self.conflict_message, 1)
        col.addLayout(row)
        page.addWidget(right)
        page.setStretchFactor(1, 2)
        page.setSizes([320, 680])
        self.addTab(page, "")
        self.conflict_list.currentItemChanged.connect(self._conflict_chosen)
        self.grid.changed.connect(lambda: self.keep_button.setEnabled(self.grid.complete()))
        self.keep_button.clicked.connect(self._resolve)

    def _build_candidates_tab(self) -> None:
        """Merge candidates: look at a pair, or keep them as two people."""
        page = QWidget()
        col = QVBoxLayout(page)
        self.candidate_list = QListWidget()
        col.addWidget(self.candidate_list, 1)
        row = QHBoxLayout()
        self.look_button = QPushButton(self.tr("Look at them"))
        self.not_same_button = QPushButton(self.tr("Not the same person"))
        row.addWidget(self.look_button)
        row.addWidget(self.not_same_button)
        row.addStretch(1)
        col.addLayout(row)
        self.addTab(page, "")
        self.look_button.clicked.connect(lambda: self._candidate(self.look_requested))
        self.not_same_button.clicked.connect(lambda: self._candidate(self.not_same_requested))
        self.candidate_list.currentItemChanged.connect(lambda *_: self._candidate_buttons())
        self._candidate_buttons()

    def _build_refused_tab(self) -> None:
        """Refused operations: read-only."""
        self.rejected_table = QTableWidget(0, 4)
        self.rejected_table.setHorizontalHeaderLabels(
            [self.tr("Record"), self.tr("Change"), self.tr("Made at"), self.tr("Reason")]
        )
        self.rejected_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rejected_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.rejected_table.verticalHeader().hide()
        self.addTab(self.rejected_table, "")

    def set_counts(self, conflicts: int, candidates: int, rejected: int) -> None:
        self.setTabText(0, self.tr("Conflicts (%1)").replace("%1", str(conflicts)))
        self.setTabText(1, self.tr("Possible duplicates (%1)").replace("%1", str(candidates)))
        self.setTabText(2, self.tr("Refused (%1)").replace("%1", str(rejected)))

    # --- conflicts ------------------------------------------------------------------------------------

    def show_conflicts(self, items: list[tuple[int, str]]) -> None:
        """(Conflict.id, the line shown) for each open conflict."""
        keep = self._conflict_id
        self.conflict_list.blockSignals(True)
        self.conflict_list.clear()
        for cid, text in items:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, cid)
            self.conflict_list.addItem(item)
        self.conflict_list.blockSignals(False)
        ids = [cid for cid, _ in items]
        if keep in ids:
            self.conflict_list.setCurrentRow(ids.index(keep))
        else:
            self._conflict_id = None
            self.grid.show_rows([])
            self.keep_button.setEnabled(False)
            self.conflict_title.setText(
                self.tr("Choose a conflict on the left to see both versions.")
                if items
                else self.tr("No conflicts: nothing needs a choice.")
            )

    def _conflict_chosen(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is not None:
            self.conflict_chosen.emit(item.data(Qt.ItemDataRole.UserRole))

    def show_conflict(self, conflict_id: int, heading: str, rows: list[FieldRow]) -> None:
        self._conflict_id = conflict_id
        self.conflict_title.setText(heading)
        self.conflict_message.setText("")
        self.grid.show_rows(rows)
        self.keep_button.setEnabled(False)

    def _resolve(self) -> None:
        if self._conflict_id is not None and self.grid.complete():
            self.keep_button.setEnabled(False)
            self.resolve_requested.emit(self._conflict_id, self.grid.choices())

    # --- merge candidates -------------------------------------------------------------------------------

    def show_candidates(self, items: list[tuple[int, str]]) -> None:
        self.candidate_list.clear()
        for cid, text in items:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, cid)
            self.candidate_list.addItem(item)
        if items:
            self.candidate_list.setCurrentRow(0)
        self._candidate_buttons()

    def _candidate_buttons(self) -> None:
        chosen = self.candidate_list.currentItem() is not None
        self.look_button.setEnabled(chosen)
        self.not_same_button.setEnabled(chosen)

    def _candidate(self, signal) -> None:
        item = self.candidate_list.currentItem()
        if item is not None:
            signal.emit(item.data(Qt.ItemDataRole.UserRole))

    # --- refused operations ------------------------------------------------------------------------------

    def show_rejected(self, rows: list[tuple[str, str, str, str]]) -> None:
        self.rejected_table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, text in enumerate(values):
                self.rejected_table.setItem(r, c, QTableWidgetItem(text))
        self.rejected_table.resizeColumnsToContents()
        self.rejected_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
