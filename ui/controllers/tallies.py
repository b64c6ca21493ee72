"""The Tallies screen's controller: which period, the report off the GUI thread, exports, importing the
province's targets, and the close-the-day dialog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from fieldapp.domain.enums import Role
from fieldapp.i18n import t
from fieldapp.reports import export
from fieldapp.reports.tallies import build
from fieldapp.services import closing, targets
from fieldapp.storage import closing as closing_store
from fieldapp.storage import tallies as tally_store
from fieldapp.storage import targets as target_store
from fieldapp.storage.writer import Actor
from ui.tasks import Tasks
from ui.views.closing_dialog import ClosingDialog
from ui.views.tallies import TalliesView


def _tr(text: str) -> str:
    return QCoreApplication.translate("TalliesController", text)


class TalliesController(QObject):
    closed = Signal()

    def __init__(self, session, tasks: Tasks, view: TalliesView, parent_window, today: Callable[[], date]) -> None:
        super().__init__()
        self.session, self.tasks, self.view, self.window, self.today = session, tasks, view, parent_window, today
        self.dialog: ClosingDialog | None = None
        view.period_changed.connect(self.refresh)
        view.export_requested.connect(self.export)
        view.close_day_requested.connect(self.open_closing)
        view.import_targets_requested.connect(self.import_targets)

    def span(self, store) -> tuple[date, date]:
        day = self.today()
        key = self.view.period_key()
        if key == "yesterday":
            return day - timedelta(days=1), day - timedelta(days=1)
        if key == "last7":
            return day - timedelta(days=6), day
        if key == "campaign":
            team = self.session.team
            found = tally_store.campaign_span(store, day, team.province_code if team else None)
            return found or (day, day)
        if key == "custom":
            return self.view.custom_span()
        return day, day

    def refresh(self) -> None:
        s = self.session
        store, team, lang = s.store, s.team, s.lang
        if store is None or s.member is None:
            return
        team_ids = [team.id] if team else []

        def load():
            first, last = self.span(store)
            return build(store, first, last, team_ids, lang)

        self.tasks.run(load, self.view.show_report)

    # --- exports -----------------------------------------------------------------------------------

    def export(self, fmt: str) -> None:
        report = self.view.report
        if report is None:
            return
        name = f"chi-tieu-{report.first.isoformat()}" + ("" if report.first == report.last else f"-{report.last}")
        path, _ = QFileDialog.getSaveFileName(self.window, _tr("Export tallies"), f"{name}.{fmt}", f"*.{fmt}")
        if not path:
            return
        self.tasks.run(
            lambda: export.write(report, path, fmt, self.today()),
            lambda out: QMessageBox.information(
                self.window, "fieldapp", t("tallies.exported", report.lang, path=str(out))
            ),
        )

    # --- targets ---------------------------------------------------------------------------------------

    def import_targets(self) -> None:
        s = self.session
        store, team, member = s.store, s.team, s.member
        if store is None or member is None or team is None:
            return
        path, _ = QFileDialog.getOpenFileName(self.window, _tr("Import targets"), "", "*.xlsx *.csv")
        if not path:
            return
        lang = s.lang

        def work():
            campaign = target_store.campaign_on(store, self.today()) or next(iter(target_store.campaigns(store)), None)
            if campaign is None:
                return None
            return targets.import_targets(store, Actor(member.id, store.device_id), path, campaign, team.province_code)

        def done(result) -> None:
            if result is None:
                QMessageBox.warning(self.window, "fieldapp", t("targets.no_campaign", lang))
            elif result.ok:
                QMessageBox.information(
                    self.window, "fieldapp", t("targets.imported", lang, targets=result.targets, rows=result.rows)
                )
                self.refresh()
            else:
                lines = [t(p.code, lang, row=p.row, **p.params) for p in result.problems[:30]]
                QMessageBox.warning(
                    self.window,
                    "fieldapp",
                    t("targets.refused", lang, count=len(result.problems)) + "\n\n" + "\n".join(lines),
                )

        self.tasks.run(work, done)

    # --- closing the day ----------------------------------------------------------------------------------

    def open_closing(self) -> None:
        s = self.session
        store, team, member = s.store, s.team, s.member
        if store is None or member is None or team is None:
            return
        day = self.today() if self.view.period_key() == "today" else self.span(store)[1]
        self.day = day
        self.tasks.run(lambda: closing_store.collectors(store, team.id, day), self._show_dialog)

    def _show_dialog(self, collectors) -> None:
        dialog = ClosingDialog(self.window, collectors, self.session.lang)
        self.dialog = dialog
        dialog.collector_changed.connect(self._load_cash)
        dialog.close_requested.connect(self._close)
        dialog.slip_requested.connect(self._slip)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        leader = self.session.member.role in (Role.TEAM_LEADER, Role.ADMIN)
        dialog.close_button.setToolTip("" if leader else t("closing.needs_leader", self.session.lang))
        if collectors:
            self._load_cash(dialog.collector_id())
        dialog.open()

    def _load_cash(self, collector_id: str) -> None:
        store, day = self.session.store, self.day
        dialog = self.dialog
        self.tasks.run(lambda: closing.day_cash(store, day, collector_id), lambda c: dialog and dialog.show_cash(c))

    def _close(self, collector_id: str, notes: dict, explanation: str) -> None:
        s = self.session
        store, leader, team, day = s.store, s.member, s.team, self.day

        def work():
            return closing.close_day(
                store,
                Actor(leader.id, store.device_id),
                leader,
                day=day,
                collector_id=collector_id,
                team_id=team.id,
                notes=notes,
                explanation=explanation,
            )

        def done(_closed) -> None:
            self._load_cash(collector_id)
            self.closed.emit()

        self.tasks.run(work, done)

    def _slip(self, collector_id: str, notes: dict, explanation: str) -> None:
        s = self.session
        store, leader, day = s.store, s.member, self.day
        path, _ = QFileDialog.getSaveFileName(self.window, _tr("Hand-over slip"), f"giay-nop-tien-{day}.pdf", "*.pdf")
        if not path:
            return
        self.tasks.run(
            lambda: closing.save_slip(
                store, closing.day_cash(store, day, collector_id), leader, path, notes, explanation
            ),
            lambda out: QMessageBox.information(self.window, "fieldapp", t("tallies.exported", s.lang, path=str(out))),
        )
