"""Tallies: today or any period against the targets, per member, site or event, commune and target group,
with a % of plan chart and the cumulative line; exports and closing the day start here."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStyle,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.i18n import label, t
from fieldapp.reports.tallies import BREAKDOWNS, CORRECTIONS, Report, expected_share
from ui.models.tally_model import TallyTableModel
from ui.views.charts import CumulativeLine, PlanBars
from ui.views.common import table, title

PERIODS = ("today", "yesterday", "last7", "campaign", "custom")
HEADING = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
PADDING = 16  # a section's room beside its text


def wrapped_width(fm: QFontMetrics, text: str, lines: int) -> int:
    """The narrowest width at which `text`, broken between words, takes at most `lines` lines."""
    words = text.split()
    candidates = sorted(
        {fm.horizontalAdvance(" ".join(words[i:j])) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
    )
    for width in candidates:
        used, line = 1, ""
        for word in words:
            longer = f"{line} {word}" if line else word
            if fm.horizontalAdvance(longer) <= width:
                line = longer
            else:
                used, line = used + 1, word
        if used <= lines:
            return width
    return fm.horizontalAdvance(text)


def fit_tally_columns(view: QTableView) -> None:
    """Every heading and every figure whole (issue 18, item 12: "Người tham gia BHXH tự nguyện mới" made its
    column wider than the screen, and the rest scrolled out of sight): headings take one line where the table
    then fits the screen, else wrap over two lines, or three; the names' column takes what is left."""
    model, header = view.model(), view.horizontalHeader()
    columns = model.columnCount()
    if not columns:
        return
    bold = QFont(view.font())
    bold.setBold(True)  # the totals row
    cells = QFontMetrics(bold)
    contents = [
        max((cells.horizontalAdvance(str(model.index(r, c).data() or "")) for r in range(model.rowCount())), default=0)
        for c in range(columns)
    ]
    heads = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(columns)]
    fm = header.fontMetrics()
    room = view.viewport().width()
    for lines in (1, 2, 3):
        widths = [max(contents[c], wrapped_width(fm, heads[c], lines)) + PADDING for c in range(columns)]
        if sum(widths) <= room:
            break
    header.setDefaultAlignment(HEADING)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for c, width in enumerate(widths):
        header.resizeSection(c, width)
    if sum(widths) <= room:  # the names' column takes the rest; wider than the screen, the table scrolls
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)  # what the section leaves its text
    tall = max(
        fm.boundingRect(QRect(0, 0, w - 2 * margin, 10_000), HEADING, h).height()
        for w, h in zip(widths, heads, strict=True)
    )
    header.setFixedHeight(tall + 10)


class _Refit(QObject):
    """Fits a tally table again when its width changes (the window resized, the tab first laid out)."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        self.width = -1
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.view.viewport().width() != self.width:
            self.width = self.view.viewport().width()
            fit_tally_columns(self.view)
        return False


class TalliesView(QWidget):
    period_changed = Signal()
    export_requested = Signal(str)  # "xlsx", "csv", "pdf"
    close_day_requested = Signal()
    import_targets_requested = Signal()
    targets_requested = Signal()
    declaration_requested = Signal(str, str)  # "d05" or "d03", "xlsx" or "xml"

    def __init__(self) -> None:
        super().__init__()
        self.lang = "vi"
        self.report: Report | None = None
        layout = QVBoxLayout(self)
        self.heading = title(self.tr("Tallies"))
        layout.addWidget(self.heading)
        self._build_period(layout)
        self._build_actions(layout)
        self.period.currentIndexChanged.connect(self._period_picked)
        self._build_charts_and_tables(layout)

    def _build_period(self, layout: QVBoxLayout) -> None:
        """The period to tally: a choice of ranges, or two dates."""
        bar = QHBoxLayout()
        self.period = QComboBox()
        for key, text in zip(
            PERIODS,
            (self.tr("Today"), self.tr("Yesterday"), self.tr("Last 7 days"), self.tr("The whole campaign"),
             self.tr("From … to …")),
            strict=True,
        ):  # fmt: skip
            self.period.addItem(text, key)
        self.first = QDateEdit(calendarPopup=True)
        self.last = QDateEdit(calendarPopup=True)
        for edit in (self.first, self.last):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setEnabled(False)
            edit.dateChanged.connect(lambda _d: self._custom_changed())
        bar.addWidget(QLabel(self.tr("Period:")))
        bar.addWidget(self.period)
        bar.addWidget(self.first)
        bar.addWidget(QLabel("–"))
        bar.addWidget(self.last)
        bar.addStretch(1)
        layout.addLayout(bar)

    def _build_actions(self, layout: QVBoxLayout) -> None:
        """Exports, declaration lists, targets and closing the day."""
        bar = QHBoxLayout()  # the actions on a row of their own: one row was 1,133 px, wider than a laptop's screen
        self.buttons = {}
        for key, text in (
            ("xlsx", self.tr("Export XLSX")),
            ("csv", self.tr("Export CSV")),
            ("pdf", self.tr("Export PDF")),
        ):
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, k=key: self.export_requested.emit(k))
            bar.addWidget(button)
            self.buttons[key] = button
        self.declarations = QPushButton(self.tr("Declaration lists"))
        menu = QMenu(self.declarations)
        for kind, fmt, text in (
            ("d05", "xlsx", self.tr("D05-TS (voluntary SI), XLSX")),
            ("d05", "xml", self.tr("D05-TS (voluntary SI), XML")),
            ("d03", "xlsx", self.tr("D03-TS (household HI), XLSX")),
        ):
            menu.addAction(text, lambda k=kind, f=fmt: self.declaration_requested.emit(k, f))
        self.declarations.setMenu(menu)
        bar.addWidget(self.declarations)
        self.set_targets_button = QPushButton(self.tr("Targets…"))
        self.set_targets_button.clicked.connect(self.targets_requested)
        bar.addWidget(self.set_targets_button)
        self.targets_button = QPushButton(self.tr("Import targets…"))
        self.targets_button.clicked.connect(self.import_targets_requested)
        bar.addWidget(self.targets_button)
        self.close_button = QPushButton(self.tr("Close the day…"))
        self.close_button.clicked.connect(self.close_day_requested)
        bar.addWidget(self.close_button)
        bar.addStretch(1)
        layout.addLayout(bar)

    def _build_charts_and_tables(self, layout: QVBoxLayout) -> None:
        """The charts above; below, the summary and one table per breakdown, in tabs."""
        self.bars = PlanBars()
        self.line = CumulativeLine()
        charts = QSplitter()
        charts.addWidget(self.bars)
        charts.addWidget(self.line)
        self.tabs = QTabWidget()
        self.models: dict[str, TallyTableModel] = {}
        self.tables = {}
        for key in ("summary", *BREAKDOWNS, CORRECTIONS):  # the corrections' tab only shows when there are some
            model = TallyTableModel(self)
            self.models[key] = model
            self.tables[key] = view = table(model, stretch_column=0, fit=False)
            model.modelReset.connect(lambda v=view: fit_tally_columns(v))
            _Refit(view)
            self.tabs.addTab(self.tables[key], key)
        self.tabs.setTabVisible(self.tabs.count() - 1, False)  # CORRECTIONS: until a report has some
        self.legend = QLabel("")  # how "12 / 40 (30,0 %)" and "12 / —" read, beside the tabs
        self.tabs.setCornerWidget(self.legend, Qt.Corner.TopRightCorner)
        self.empty = QLabel("")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(charts)
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 2)
        layout.addWidget(self.empty)
        layout.addWidget(split, 1)

    # --- the period --------------------------------------------------------------------------

    def _period_picked(self, _i: int) -> None:
        custom = self.period.currentData() == "custom"
        self.first.setEnabled(custom)
        self.last.setEnabled(custom)
        self.period_changed.emit()

    def _custom_changed(self) -> None:
        if self.period.currentData() == "custom":
            self.period_changed.emit()

    def period_key(self) -> str:
        return self.period.currentData()

    def custom_span(self) -> tuple[date, date]:
        return self.first.date().toPython(), self.last.date().toPython()

    def set_span(self, first: date, last: date) -> None:
        for edit, value in ((self.first, first), (self.last, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(value.year, value.month, value.day))
            edit.blockSignals(False)

    # --- the report --------------------------------------------------------------------------

    def show_report(self, report: Report, today: date) -> None:
        self.report = report
        self.lang = report.lang
        heading = self.tr("Tallies")
        self.heading.setText(f"{heading} — {report.scope_name} — {report.period_text()}")
        self.set_span(report.first, report.last)
        self.legend.setText(t("tallies.legend", report.lang))
        self.empty.setText(t("tallies.empty", report.lang) if report.empty else "")
        self.empty.setVisible(report.empty)
        shown = {tb.key: tb for tb in report.tables}
        for i, key in enumerate(self.models):
            tb = shown.get(key)
            if tb is not None:
                self.models[key].set_table(tb, report.lang)
                self.tabs.setTabText(i, tb.title)
            self.tabs.setTabVisible(i, tb is not None)
        share = expected_share(report.first, report.last, today)
        running = report.first <= today < report.last  # a period still under way: where the plan stands today
        self.bars.set_rows(
            [(label(m, report.lang), d, tg) for m, d, tg in report.summary],
            t("tallies.no_target", report.lang),
            100 * share if running else None,
            t("tallies.expected_by_today", report.lang, percent=f"{100 * share:.0f}"),
        )
        metric, _done, target = report.summary[1]  # new VSI participants: the figure leaders are asked for first
        self.line.set_series(
            f"{t('tallies.cumulative_title', report.lang)}: {label(metric, report.lang)}",
            [p.done[metric] for p in report.days],
            target,
            [p.day for p in report.days],
            today,
            t("tallies.today", report.lang),
        )
