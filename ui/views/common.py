"""Small building blocks shared by the screens."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

TITLE_BAR = 32  # the window manager's frame above a window


def fit_to_screen(window: QWidget) -> None:
    """Give a dialog the size its layout asks for, as far as the screen's free area allows: Qt's own first
    size is at most 2/3 of the screen, which on a 1366×768 laptop at 130 % squeezed the enrolment's member
    list to two rows. Call it as the dialog is first shown."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    free = screen.availableGeometry()
    room = QSize(free.width(), free.height() - TITLE_BAR)
    wanted = window.sizeHint().expandedTo(window.minimumSizeHint()).boundedTo(room)
    window.resize(wanted.expandedTo(window.size()).boundedTo(room))
    frame = window.frameGeometry()
    if not free.contains(frame):  # keep the title bar and the buttons on the screen
        x = min(max(frame.x(), free.x()), free.right() - frame.width() + 1)
        y = min(max(frame.y(), free.y()), free.bottom() - window.height() - TITLE_BAR + 1)
        window.move(max(x, free.x()), max(y, free.y()))


def ask_discard(parent: QWidget) -> bool:
    """Whether to throw typed work away: Escape and Enter keep it; only the named button discards."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("fieldapp")
    box.setText(QCoreApplication.translate("KeepsTypedWork", "Close without saving? What you typed will be lost."))
    discard = box.addButton(
        QCoreApplication.translate("KeepsTypedWork", "Close without saving"), QMessageBox.ButtonRole.DestructiveRole
    )
    keep = box.addButton(
        QCoreApplication.translate("KeepsTypedWork", "Go back to it"), QMessageBox.ButtonRole.RejectRole
    )
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is discard


class KeepsTypedWork:
    """For a QDialog (before it in the bases) whose typed work Escape, Cancel or the window's close button
    must not throw away without asking. `draft_state()` gives what was typed, comparable; it is noted as
    the dialog is first shown, or by `mark_pristine()` when the form starts again. The dialog's Cancel
    button calls `cancel()`; `reject()` from the program still closes at once, as does `discard()`."""

    _pristine: object = None
    _discarding = False

    def draft_state(self) -> object:
        raise NotImplementedError

    def mark_pristine(self) -> None:
        self._pristine = self.draft_state()

    def has_typed_work(self) -> bool:
        return self._pristine is not None and self.draft_state() != self._pristine

    def may_close(self) -> bool:
        return self._discarding or not self.has_typed_work() or ask_discard(self)  # type: ignore[arg-type]

    def cancel(self) -> None:
        if self.may_close():
            self.reject()  # type: ignore[attr-defined]

    def discard(self) -> None:
        """Close without asking: the program decided (another member signed in; the record was opened)."""
        self._discarding = True
        self.reject()  # type: ignore[attr-defined]

    def showEvent(self, event) -> None:
        if self._pristine is None and not event.spontaneous():
            self.mark_pristine()
        super().showEvent(event)  # type: ignore[misc]

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and not event.modifiers() and not self.may_close():
            event.accept()
            return
        super().keyPressEvent(event)  # type: ignore[misc]

    def closeEvent(self, event) -> None:
        if not self.may_close():
            event.ignore()
            return
        super().closeEvent(event)  # type: ignore[misc]


def scrolling(screen: QWidget) -> QScrollArea:
    """A work screen that scrolls when the window is smaller than the screen's layout needs (a 1366×768
    laptop at 130 % font, longer English labels) instead of pushing the window past the screen's edge."""
    area = QScrollArea()
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(screen)
    return area


def title(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "title")
    return label


def fit_columns(view: QTableView, stretch_column: int | None) -> None:
    """Size a short table's columns to their text once its rows arrived (never on the big tables)."""
    header = view.horizontalHeader()
    view.resizeColumnsToContents()
    for col in range(header.count()):
        header.resizeSection(col, min(header.sectionSize(col) + 12, 360))
    if stretch_column is not None:
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)


def table(model, *, stretch_column: int | None = 0, fit: bool = True) -> QTableView:
    """A keyboard-friendly, row-selecting table with fixed row heights.

    `fit` sizes the columns to their text whenever the model is reset: for the short lists only; the
    People table over hundreds of thousands of rows passes fit=False.
    """
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setDefaultSectionSize(140)
    header.setHighlightSections(False)
    if stretch_column is not None:
        header.setStretchLastSection(False)
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    if fit:
        model.modelReset.connect(lambda: fit_columns(view, stretch_column))
    return view


class Tile(QFrame):
    """A figure of the day with its target: "23 / 60 (38 %)" and a bar."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        self.value = QLabel("–")
        self.value.setProperty("role", "tile-value")
        self.target = QLabel("")
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)
        for w in (self.caption, self.value, self.target, self.bar):
            layout.addWidget(w)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def show_value(self, value: str, target_text: str = "", percent: int | None = None) -> None:
        self.value.setText(value)
        self.target.setText(target_text)
        self.bar.setVisible(percent is not None)
        if percent is not None:
            self.bar.setValue(min(100, percent))


def empty_state(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label


def wrap(*widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    for w in widgets:
        layout.addWidget(w)
    return box
