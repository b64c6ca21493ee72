"""People: the registry as a lazily filled table, narrowed as you type."""

from __future__ import annotations

from array import array

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.formats import format_number
from fieldapp.storage import worklists
from ui.models.people_model import COLUMNS, PeopleModel
from ui.views.common import table, title
from ui.views.household import HouseholdPanel

TYPING_PAUSE_MS = 120


class PeopleView(QWidget):
    search_changed = Signal(str)
    person_selected = Signal(object)  # person id, or None
    new_requested = Signal()
    import_requested = Signal()
    list_chosen = Signal(str)  # "", "not_insured", "hi_ending", "vsi_due", "follow_ups"
    print_requested = Signal()

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
        actions = QHBoxLayout()
        self.lists = self._lists()
        actions.addWidget(self.lists)
        self.lists.currentIndexChanged.connect(lambda _i: self.list_chosen.emit(self.lists.currentData()))
        self.print_button = QPushButton(self.tr("&Print the list (Ctrl+P)"))
        actions.addWidget(self.print_button)
        self.print_button.clicked.connect(self.print_requested)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.print_requested.emit)
        self.count = QLabel("")
        actions.addWidget(self.count)
        actions.addStretch(1)
        self.new_button = QPushButton(self.tr("&New person (Ctrl+N)"))
        actions.addWidget(self.new_button)
        self.new_button.clicked.connect(self.new_requested)
        self.import_button = QPushButton(self.tr("&Import a list (Ctrl+I)"))
        actions.addWidget(self.import_button)
        self.import_button.clicked.connect(self.import_requested)
        QShortcut(QKeySequence("Ctrl+I"), self, activated=self.import_requested.emit)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.new_requested.emit)
        layout.addLayout(row)
        layout.addLayout(actions)
        self.table = table(model, stretch_column=None, fit=False)
        self._widths()
        self.panel = HouseholdPanel()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.person_selected.emit(model.person_id(current.row()))
        )
        model.modelReset.connect(lambda: self.person_selected.emit(None))
        model.page_loaded.connect(self._row_arrived)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(lambda: self.search_changed.emit(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.to_results)
        self.search.installEventFilter(self)  # Down (or Page Down) goes on to the results

    def _lists(self) -> QComboBox:
        """The work lists, each titled with what it holds (issue 17: ended cards are on the renewals list too,
        lapsed VSI on the dues list), the numbers read from the lists' own constants."""
        lists = QComboBox()
        for key, text in (
            ("", self.tr("Everybody / search")),
            ("not_insured", self.tr("Not insured yet, by hamlet")),
            (
                "hi_ending",
                self.tr("HI cards ended (last %1 days) or ending (next %2)")
                .replace("%1", str(worklists.HI_ENDED_DAYS))
                .replace("%2", str(worklists.HI_ENDING_DAYS)),
            ),
            (
                "vsi_due",
                self.tr("Voluntary SI lapsed or due within %1 days").replace("%1", str(worklists.VSI_DUE_DAYS)),
            ),
            ("follow_ups", self.tr("Follow-ups due")),
        ):
            lists.addItem(text, key)
        return lists

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.to_results()
            return True
        return super().eventFilter(watched, event)

    def to_results(self) -> None:
        """From the search box to the list, on its first row when none was chosen yet."""
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.model.rowCount() > 0:
            self.table.setCurrentIndex(self.model.index(0, 0))

    def clear_search(self) -> None:
        """An empty search box on "Everybody", with nothing listed until the list is read again."""
        self._timer.stop()  # a search typed just before would come back otherwise
        for widget, clear in ((self.search, self.search.clear), (self.lists, lambda: self.lists.setCurrentIndex(0))):
            widget.blockSignals(True)
            clear()
            widget.blockSignals(False)
        self.model.set_pks(array("q"))
        self.count.clear()

    def _row_arrived(self, _page: int) -> None:
        """The chosen row's data came after it was chosen (the list fills lazily): show that person now."""
        current = self.table.currentIndex()
        if current.isValid():
            person_id = self.model.person_id(current.row())
            if person_id and person_id != self.panel.person_id:
                self.person_selected.emit(person_id)

    def _widths(self) -> None:
        char = self.table.fontMetrics().averageCharWidth()
        for column, (_heading, _text, chars) in enumerate(COLUMNS):
            self.table.horizontalHeader().resizeSection(column, chars * char + 16)

    def show_count(self, n: int, lang: str, *, capped: bool = False) -> None:
        # capped: the best matches of a search, not everybody it matched; the count must not pass for one
        text = self.tr("The best %1 matches: type more of the name to narrow them") if capped else self.tr("%1 people")
        self.count.setText(text.replace("%1", format_number(n, lang)))
