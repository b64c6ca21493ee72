"""Tallies: today's figures against the team's targets (charts, periods and exports come later)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from fieldapp.domain.enums import Metric
from fieldapp.domain.formats import format_date, format_number
from fieldapp.i18n import label
from fieldapp.storage.work import DaySummary
from ui.models.list_model import Column, ListModel
from ui.views.common import table, title


@dataclass(frozen=True)
class TallyRow:
    metric: Metric
    achieved: int
    target: int | None


class TalliesView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.lang = "vi"
        layout = QVBoxLayout(self)
        self.heading = title(self.tr("Tallies"))
        layout.addWidget(self.heading)
        self.model: ListModel[TallyRow] = ListModel(
            [
                Column(lambda: self.tr("Indicator"), lambda r: label(r.metric, self.lang)),
                Column(lambda: self.tr("Done"), lambda r: format_number(r.achieved, self.lang), True),
                Column(
                    lambda: self.tr("Target"),
                    lambda r: format_number(r.target, self.lang) if r.target else self.tr("no target"),
                    True,
                ),
                Column(
                    lambda: self.tr("% of plan"),
                    lambda r: f"{round(100 * r.achieved / r.target)} %" if r.target else "–",
                    True,
                ),
            ]
        )
        self.table = table(self.model, stretch_column=0)
        layout.addWidget(self.table, 1)
        note = QLabel(self.tr("Periods, charts, closing the day and exports come in a later version."))
        note.setWordWrap(True)
        layout.addWidget(note)

    def show_summary(self, summary: DaySummary, lang: str) -> None:
        self.lang = lang
        heading = self.tr("Tallies")
        self.heading.setText(f"{heading} — {format_date(summary.day)}")
        self.model.set_rows([TallyRow(m, summary.achieved(m), summary.targets.get(m)) for m in Metric])
