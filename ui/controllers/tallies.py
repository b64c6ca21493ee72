"""The Tallies screen's controller: which period, the report off the GUI thread, exports, importing the
province's targets, and the close-the-day dialog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from fieldapp.domain.admin_units import province_title, provinces
from fieldapp.domain.enums import ScopeKind
from fieldapp.domain.permissions import Action, allowed
from fieldapp.errors import FieldappError
from fieldapp.i18n import t
from fieldapp.outputs import Output
from fieldapp.storage import closing as closing_store
from fieldapp.storage import tallies as tally_store
from fieldapp.storage import targets as target_store
from fieldapp.storage import team as team_store
from fieldapp.storage.writer import Actor
from ui.tasks import Tasks
from ui.views.tallies import TalliesView

if TYPE_CHECKING:
    from ui.views.closing_dialog import ClosingDialog
    from ui.views.targets_dialog import TargetsDialog


def province_name(code: str) -> str:
    found = provinces().get(code)
    return province_title(found.name, found.kind) if found else code


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
        view.targets_requested.connect(self.open_targets)
        view.declaration_requested.connect(self.export_declaration)
        self.targets_dialog: TargetsDialog | None = None

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
        from fieldapp.reports.tallies import build

        s = self.session
        store, team, lang = s.store, s.team, s.lang
        if store is None or s.member is None:
            return
        team_ids = [team.id] if team else []

        def load():
            first, last = self.span(store)
            return build(store, first, last, team_ids, lang)

        today = self.today()
        self.tasks.run(load, lambda report: self.view.show_report(report, today))

    # --- exports -----------------------------------------------------------------------------------

    def export(self, fmt: str) -> None:
        from fieldapp.reports import export

        report = self.view.report
        if report is None:
            return
        name = f"chi-tieu-{report.first.isoformat()}" + ("" if report.first == report.last else f"-{report.last}")
        path, _ = QFileDialog.getSaveFileName(
            self.window, QCoreApplication.translate("TalliesController", "Export tallies"), f"{name}.{fmt}", f"*.{fmt}"
        )
        if not path:
            return
        self.tasks.run(
            lambda: export.write(report, Output(Path(path), force=True), fmt, self.today()),  # the dialog asked
            lambda out: QMessageBox.information(
                self.window, "fieldapp", t("tallies.exported", report.lang, path=str(out))
            ),
        )

    # --- targets ---------------------------------------------------------------------------------------

    def import_targets(self) -> None:
        from fieldapp.services import targets

        s = self.session
        store, team, member = s.store, s.team, s.member
        if store is None or member is None or team is None:
            return
        if not allowed(member, Action.TARGETS, team.id):  # the service refuses too; spare the file dialog
            QMessageBox.warning(self.window, "fieldapp", t("targets.leader_only", s.lang))
            return
        path, _ = QFileDialog.getOpenFileName(
            self.window, QCoreApplication.translate("TalliesController", "Import targets"), "", "*.xlsx *.csv"
        )
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
                )  # the tallies reload from what was written (ui.controllers.refresh)
            else:
                lines = [t(p.code, lang, row=p.row, **p.params) for p in result.problems[:30]]
                QMessageBox.warning(
                    self.window,
                    "fieldapp",
                    t("targets.refused", lang, count=len(result.problems)) + "\n\n" + "\n".join(lines),
                )

        self.tasks.run(work, done)

    def export_declaration(self, kind: str, fmt: str) -> None:
        from fieldapp.reports import declarations

        s = self.session
        store, team = s.store, s.team
        report = self.view.report
        if store is None or report is None:
            return
        first, last = report.first, report.last
        name = f"{kind}-ts-{first.isoformat()}" + ("" if first == last else f"-{last}")
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            QCoreApplication.translate("TalliesController", "Declaration list"),
            f"{name}.{fmt}",
            f"*.{fmt}",
        )
        if not path:
            return

        def work():
            decl = declarations.build(store, kind, first, last, [team.id] if team else [])
            out = Output(Path(path), force=True, data_dir=store.data_dir.root)  # the save dialog asked
            if fmt == "xml":
                return declarations.write_xml(decl, out)
            return declarations.write_xlsx(decl, out, team.organisation if team else "")

        self.tasks.run(
            work,
            lambda out: QMessageBox.information(self.window, "fieldapp", t("tallies.exported", s.lang, path=str(out))),
        )

    def open_targets(self) -> None:
        s = self.session
        store, team = s.store, s.team
        if store is None or team is None or s.member is None:
            return
        day = self.today()

        def load():
            campaign = target_store.campaign_on(store, day) or next(iter(target_store.campaigns(store)), None)
            if campaign is None:
                return None
            units = {
                ScopeKind.PROVINCE: [(team.province_code, province_name(team.province_code))],
                ScopeKind.COMMUNE: sorted(
                    target_store.commune_names(store, list(team.commune_codes)).items(), key=lambda kv: kv[1]
                ),
                ScopeKind.TEAM: target_store.teams(store),
                ScopeKind.MEMBER: [(m.id, m.full_name) for m in team_store.members(store, team.id)],
            }
            return campaign, target_store.periods(store, campaign.id), units

        self.tasks.run(load, self._show_targets)

    def _show_targets(self, loaded) -> None:
        from fieldapp.services import targets
        from ui.views.targets_dialog import TargetsDialog

        lang = self.session.lang
        if loaded is None:
            QMessageBox.warning(self.window, "fieldapp", t("targets.no_campaign", lang))
            return
        campaign, periods, units = loaded
        self.campaign = campaign
        day = min(max(self.today(), campaign.starts_on), campaign.ends_on)
        dialog = TargetsDialog(self.window, periods, units, lang, targets.ADDABLE, day)
        self.targets_dialog = dialog
        dialog.selection_changed.connect(self._load_targets)
        dialog.save_requested.connect(self._save_targets)
        dialog.period_requested.connect(self._add_period)
        dialog.finished.connect(lambda _r: setattr(self, "targets_dialog", None))
        self._load_targets()
        dialog.open()

    def _load_targets(self) -> None:
        dialog, store, campaign = self.targets_dialog, self.session.store, self.campaign
        if dialog is None:
            return
        period_id, _scope, _ref = dialog.selection()
        self.tasks.run(lambda: target_store.targets(store, campaign.id, period_id), dialog.show_targets)

    def _save_targets(self, period_id, scope, ref: str, values: dict) -> None:
        from fieldapp.services import targets

        s = self.session
        store, member, campaign, dialog = s.store, s.member, self.campaign, self.targets_dialog

        def work() -> int:
            return targets.save_targets(
                store, Actor(member.id, store.device_id), campaign.id, period_id, scope, ref, values
            ).value

        def done(n: int) -> None:
            if dialog is not None:
                dialog.show_message(
                    QCoreApplication.translate("TalliesController", "%1 targets saved.").replace("%1", str(n))
                )  # the tallies reload from what was written (ui.controllers.refresh)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, FieldappError) and dialog is not None:
                dialog.show_message(t(exc.code, s.lang, **exc.params))
            else:
                self.tasks.report(exc)

        self.tasks.run(work, done, failed)

    def _add_period(self, kind, day, name: str) -> None:
        from fieldapp.services import targets

        s = self.session
        store, member, campaign, dialog = s.store, s.member, self.campaign, self.targets_dialog

        def work():
            return targets.open_period(store, Actor(member.id, store.device_id), campaign, kind, day, name).value

        def failed(exc: BaseException) -> None:
            if isinstance(exc, FieldappError) and dialog is not None:
                dialog.show_message(t(exc.code, s.lang, **exc.params))
            else:
                self.tasks.report(exc)

        self.tasks.run(work, lambda period: dialog.period_added(period) if dialog is not None else None, failed)

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
        from ui.views.closing_dialog import ClosingDialog

        dialog = ClosingDialog(self.window, collectors, self.session.lang)
        self.dialog = dialog
        dialog.collector_changed.connect(self._load_cash)
        dialog.close_requested.connect(self._close)
        dialog.slip_requested.connect(self._slip)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        team = self.session.team
        leader = allowed(self.session.member, Action.CLOSE_DAY, team.id if team else None)
        dialog.close_button.setToolTip("" if leader else t("closing.needs_leader", self.session.lang))
        if collectors:
            self._load_cash(dialog.collector_id())
        dialog.open()

    def _load_cash(self, collector_id: str) -> None:
        from fieldapp.services import closing

        store, day = self.session.store, self.day
        dialog = self.dialog
        self.tasks.run(lambda: closing.day_cash(store, day, collector_id), lambda c: dialog and dialog.show_cash(c))

    def _close(self, collector_id: str, notes: dict, explanation: str) -> None:
        from fieldapp.services import closing

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
        from fieldapp.services import closing

        s = self.session
        store, leader, day = s.store, s.member, self.day
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            QCoreApplication.translate("TalliesController", "Hand-over slip"),
            f"giay-nop-tien-{day}.pdf",
            "*.pdf",
        )
        if not path:
            return
        self.tasks.run(
            lambda: closing.save_slip(
                store,
                closing.day_cash(store, day, collector_id),
                leader,
                Output(Path(path), force=True),
                notes,
                explanation,
            ),
            lambda out: QMessageBox.information(self.window, "fieldapp", t("tallies.exported", s.lang, path=str(out))),
        )
