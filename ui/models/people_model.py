"""The People table over hundreds of thousands of persons: ids up front, rows fetched a page at a time.

The model holds only the row numbers (an array of ints, a few MB for 500,000); a cell whose row is
not cached yet shows blank and asks the database thread for its page, and the page's arrival repaints
those rows. Nothing here blocks the GUI thread, and nothing here writes SQL (fieldapp.storage.people).
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from fieldapp.domain.clock import today as vietnam_today
from fieldapp.domain.formats import format_birth, format_date
from fieldapp.i18n import label
from fieldapp.storage.people import PersonRow
from ui.models.status import hi_status

Index = QModelIndex | QPersistentModelIndex
# Rows fetched at a time: two and a half screens of the table on a 1366×768 laptop (about 19 rows show), so
# that paging down asks for the next page before it is needed. A search's first page is part of its time
# (bench/search.py): after a start with a cold OS cache each row is a read from the disk, and 100 rows
# doubled the first search.
PAGE = 50
MAX_CACHED_PAGES = 400

Fetch = Callable[[list[int], Callable[[dict[int, PersonRow]], None]], None]


HI_COLUMN = 7
# Name, birth, hamlet and commune first: what tells 18 people called Nguyễn Thị An apart fits on a 1366 px
# screen without scrolling sideways; the identifiers follow.
# Each column: its heading, its text for a row, and its width in average characters (ui/views/people.py).
COLUMNS: list[tuple[Callable[[], str], Callable[[PersonRow, str], str], int]] = [
    (lambda: QCoreApplication.translate("PeopleModel", "Name"), lambda r, lang: r.full_name, 26),
    (
        lambda: QCoreApplication.translate("PeopleModel", "Born"),
        lambda r, lang: format_birth(r.birth_date, r.birth_year),
        11,
    ),
    (lambda: QCoreApplication.translate("PeopleModel", "Hamlet"), lambda r, lang: r.hamlet or "", 16),
    (lambda: QCoreApplication.translate("PeopleModel", "Commune"), lambda r, lang: r.commune, 20),
    (lambda: QCoreApplication.translate("PeopleModel", "Citizen ID"), lambda r, lang: r.citizen_id or "", 14),
    (lambda: QCoreApplication.translate("PeopleModel", "SI number"), lambda r, lang: r.si_number or "", 12),
    (lambda: QCoreApplication.translate("PeopleModel", "Phone"), lambda r, lang: r.phone or "", 12),
    (
        lambda: QCoreApplication.translate("PeopleModel", "HI card valid until"),
        lambda r, lang: format_date(r.hi_valid_to) if r.hi_valid_to else "",
        12,
    ),
    (lambda: QCoreApplication.translate("PeopleModel", "VSI"), lambda r, lang: label(r.vsi_status, lang), 12),
    (lambda: QCoreApplication.translate("PeopleModel", "Group"), lambda r, lang: label(r.target_group, lang), 16),
]


class PeopleModel(QAbstractTableModel):
    page_loaded = Signal(int)

    def __init__(self, fetch: Fetch, lang: str = "vi", parent: Any = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self.lang = lang
        self._pks = array("q")
        self._pages: OrderedDict[int, dict[int, PersonRow]] = OrderedDict()
        self._requested: set[int] = set()
        self._generation = 0
        self.today = vietnam_today()

    def set_pks(self, pks: array) -> None:
        self.beginResetModel()
        self._pks = pks
        self._pages.clear()
        self._requested.clear()
        self._generation += 1
        self.endResetModel()

    def reload_rows(self) -> None:
        """The same people, their records written: the cached pages are read again, the rows shown as they were
        until the new ones arrive (no reset: no flicker, the selection kept)."""
        self._generation += 1  # a page still on its way is the old one
        self._requested.clear()
        for page in list(self._pages):
            self._request(page)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._pks)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def row_at(self, row: int) -> PersonRow | None:
        page = row // PAGE
        cached = self._pages.get(page)
        if cached is None:
            self._request(page)
            return None
        self._pages.move_to_end(page)
        return cached.get(self._pks[row])

    def _request(self, page: int) -> None:
        if page in self._requested:
            return
        self._requested.add(page)
        generation = self._generation
        pks = list(self._pks[page * PAGE : (page + 1) * PAGE])

        def arrived(rows: dict[int, PersonRow]) -> None:
            if generation != self._generation:
                return  # a new search replaced the list meanwhile
            self._requested.discard(page)
            self._pages[page] = rows
            while len(self._pages) > MAX_CACHED_PAGES:
                self._pages.popitem(last=False)
            first = page * PAGE
            last = min(first + PAGE, len(self._pks)) - 1
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
            self.page_loaded.emit(page)

        self._fetch(pks, arrived)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            row = self.row_at(index.row())
            if row is None:
                return "…" if index.column() == 0 else ""
            return COLUMNS[index.column()][1](row, self.lang)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == HI_COLUMN:
            row = self.row_at(index.row())
            colour = hi_status(row.hi_valid_to, self.today)[1] if row else None
            return QColor(colour) if colour else None
        return None

    def pks(self) -> array:
        return self._pks

    def person_id(self, row: int) -> str | None:
        found = self.row_at(row)
        return found.id if found else None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][0]()
        return str(section + 1)
