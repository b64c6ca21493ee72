"""Today: the team's figures against today's targets, follow-ups due, who did what, the latest work."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from fieldapp.domain.enums import Metric
from fieldapp.domain.formats import format_date, format_datetime, format_number, format_vnd
from fieldapp.i18n import label
from fieldapp.storage.work import ConsultationRow, DaySummary, FollowUpRow, MemberDay
from ui.models.list_model import Column, ListModel
from ui.views.common import Tile, table, title
from ui.views.lists import opens_person


@dataclass(frozen=True)
class TodayData:
    summary: DaySummary
    members: list[MemberDay]
    follow_ups: list[FollowUpRow]
    consultations: list[ConsultationRow]


class TodayView(QWidget):
    person_opened = Signal(str)  # a follow-up's or a consultation's person, chosen with Enter or a double-click

    def __init__(self) -> None:
        super().__init__()
        self.lang = "vi"
        layout = QVBoxLayout(self)
        self.heading = title(self.tr("Today"))
        layout.addWidget(self.heading)
        self._build_tiles(layout)
        self._make_tables()
        self._build_tables(layout)

    def _build_tiles(self, layout: QVBoxLayout) -> None:
        """The day's counts, one tile each, on one row."""
        grid = QGridLayout()
        self.tiles = {
            "consultations": Tile(self.tr("Consultations")),
            "vsi": Tile(self.tr("New voluntary SI")),
            "hi": Tile(self.tr("Household HI participants")),
            "receipts": Tile(self.tr("Receipts")),
            "events": Tile(self.tr("Outreach events")),
            "vssid": Tile(self.tr("VssID installs")),
        }
        for i, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, 0, i)
        layout.addLayout(grid)

    def _make_tables(self) -> None:
        """The three tables; a follow-up's or a consultation's row opens its person."""
        self.follow_model: ListModel[FollowUpRow] = ListModel(
            [
                Column(lambda: self.tr("Due"), lambda r: format_date(r.due_on)),
                Column(lambda: self.tr("Person"), lambda r: r.person),
                Column(lambda: self.tr("Phone"), lambda r: r.phone or ""),
                Column(lambda: self.tr("Hamlet"), lambda r: r.hamlet or ""),
            ]
        )
        self.member_model: ListModel[MemberDay] = ListModel(
            [
                Column(lambda: self.tr("Member"), lambda r: r.full_name),
                Column(
                    lambda: self.tr("Consultations"),
                    lambda r: format_number(r.consultations, self.lang),
                    True,
                ),
                Column(lambda: self.tr("Receipts"), lambda r: format_number(r.receipts, self.lang), True),
                Column(lambda: self.tr("Collected"), lambda r: format_vnd(r.amount, self.lang), True),
            ]
        )
        self.recent_model: ListModel[ConsultationRow] = ListModel(
            [
                Column(lambda: self.tr("Time"), lambda r: format_datetime(r.at)[:5]),
                Column(lambda: self.tr("Person"), lambda r: r.person or self.tr("(walk-in)")),
                Column(lambda: self.tr("Outcome"), lambda r: label(r.outcome, self.lang)),
                Column(lambda: self.tr("Topics"), lambda r: ", ".join(label(t, self.lang) for t in r.topics)),
                Column(lambda: self.tr("Member"), lambda r: r.member),
            ]
        )
        self.follow_table = table(self.follow_model, stretch_column=1)
        self.member_table = table(self.member_model, stretch_column=0)
        self.recent_table = table(self.recent_model, stretch_column=3)
        opens_person(self.follow_table, self.follow_model, self.person_opened)
        opens_person(self.recent_table, self.recent_model, self.person_opened)

    def _build_tables(self, layout: QVBoxLayout) -> None:
        """Follow-ups and the team side by side, the latest consultations under them."""
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self._boxed(self.tr("Follow-ups due"), self.follow_table))
        top.addWidget(self._boxed(self.tr("The team today"), self.member_table))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self._boxed(self.tr("Latest consultations"), self.recent_table))
        layout.addWidget(split, 1)

    def _boxed(self, caption: str, widget: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 6, 0, 0)
        head = QHBoxLayout()
        head.addWidget(QLabel(f"<b>{caption}</b>"))
        layout.addLayout(head)
        layout.addWidget(widget)
        return box

    def _target(self, achieved: int, target: int | None) -> tuple[str, int | None]:
        if not target:
            return self.tr("no target"), None
        percent = round(100 * achieved / target)
        return self.tr("of %1 (%2 %)").replace("%1", format_number(target, self.lang)).replace(
            "%2", str(percent)
        ), percent

    def show_data(self, data: TodayData, team_name: str, lang: str) -> None:
        self.lang = lang
        s = data.summary
        heading = self.tr("Today")
        self.heading.setText(f"{heading} {format_date(s.day)} — {team_name}")
        targets = s.targets
        for key, metric, value in (
            ("consultations", Metric.CONSULTATIONS, s.consultations),
            ("vsi", Metric.NEW_VSI, s.new_vsi),
            ("hi", Metric.NEW_HI, s.new_hi),
            ("events", Metric.EVENTS, s.events),
            ("vssid", Metric.VSSID_INSTALLS, s.vssid_installs),
        ):
            text, percent = self._target(value, targets.get(metric))
            self.tiles[key].show_value(format_number(value, lang), text, percent)
        self.tiles["receipts"].show_value(format_number(s.receipts, lang), format_vnd(s.receipts_amount, lang), None)
        self.follow_model.set_rows(data.follow_ups)
        self.member_model.set_rows(data.members)
        self.recent_model.set_rows(data.consultations)
