"""Tallies: today or any period against the targets, per member, site or event, commune and target group,
with a % of plan chart and the cumulative line; exports and closing the day start here."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.i18n import label, t
from fieldapp.reports.tallies import BREAKDOWNS, Report, expected_share
from ui.models.tally_model import TallyTableModel
from ui.views.charts import CumulativeLine, PlanBars
from ui.views.common import table, title

PERIODS = ("today", "yesterday", "last7", "campaign", "custom")


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
        self.period.currentIndexChanged.connect(self._period_picked)

        self.bars = PlanBars()
        self.line = CumulativeLine()
        charts = QSplitter()
        charts.addWidget(self.bars)
        charts.addWidget(self.line)
        self.tabs = QTabWidget()
        self.models: dict[str, TallyTableModel] = {}
        self.tables = {}
        for key in ("summary", *BREAKDOWNS):
            model = TallyTableModel(self)
            self.models[key] = model
            self.tables[key] = table(model, stretch_column=0)
            self.tabs.addTab(self.tables[key], key)
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
        self.empty.setText(t("tallies.empty", report.lang) if report.empty else "")
        self.empty.setVisible(report.empty)
        for i, tb in enumerate(report.tables):
            self.models[tb.key].set_table(tb, report.lang)
            self.tabs.setTabText(i, tb.title)
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
