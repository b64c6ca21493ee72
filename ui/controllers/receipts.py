"""Receipts after the money: the day's list, print (ui.controllers.receipt_printing), save as PDF, print a
day's batch in one job, what is handed over, void with the team leader's PIN, verify a scanned QR."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from fieldapp.domain.formats import format_date, format_vnd
from fieldapp.domain.permissions import Action, allowed
from fieldapp.domain.receipt_code import Verdict
from fieldapp.errors import FieldappError
from fieldapp.i18n import t
from fieldapp.outputs import Output
from fieldapp.services import receipts as receipt_service
from fieldapp.services.team import SignIn, sign_in
from fieldapp.settings import PIN_LOCK_MINUTES, PIN_MAX_FAILURES, RECEIPT_LAYOUT
from fieldapp.storage import receipts as receipt_store
from fieldapp.storage import work
from ui.controllers.common import show_refusal, sign_in_refusal
from ui.controllers.receipt_printing import ReceiptPrinter, not_written
from ui.session import Session
from ui.tasks import Tasks
from ui.views.receipt_dialogs import Shown, VerifyDialog, VoidDialog
from ui.views.receipts import ReceiptsView

log = logging.getLogger(__name__)
GREEN, RED, AMBER = "#2e7d32", "#c62828", "#b26a00"
COLOURS = {
    Verdict.GENUINE: GREEN,
    Verdict.FORGED: RED,
    Verdict.REVOKED: RED,
    Verdict.VOID: RED,
    Verdict.DAMAGED: AMBER,
    Verdict.UNKNOWN_DEVICE: AMBER,
    Verdict.NOT_RECEIPT: AMBER,
    Verdict.REVOKED_UNCONFIRMED: AMBER,  # check with the office
    Verdict.UNCONFIRMED: AMBER,
}


def headline(verdict: Verdict) -> str:
    return {
        Verdict.GENUINE: QCoreApplication.translate("ReceiptsController", "GENUINE"),
        Verdict.FORGED: QCoreApplication.translate("ReceiptsController", "FORGED"),
        Verdict.DAMAGED: QCoreApplication.translate("ReceiptsController", "DAMAGED"),
        Verdict.NOT_RECEIPT: QCoreApplication.translate("ReceiptsController", "NOT A RECEIPT"),
        Verdict.UNKNOWN_DEVICE: QCoreApplication.translate("ReceiptsController", "UNKNOWN DEVICE"),
        Verdict.REVOKED: QCoreApplication.translate("ReceiptsController", "REVOKED DEVICE"),
        Verdict.VOID: QCoreApplication.translate("ReceiptsController", "VOID"),
        Verdict.REVOKED_UNCONFIRMED: QCoreApplication.translate("ReceiptsController", "NOT CONFIRMED"),
        Verdict.UNCONFIRMED: QCoreApplication.translate("ReceiptsController", "NOT CONFIRMED"),
    }[verdict]


def product_name(code: str) -> str:
    return {
        "BI": QCoreApplication.translate("ReceiptsController", "Household health insurance"),
        "IS": QCoreApplication.translate("ReceiptsController", "Voluntary social insurance"),
    }.get(code, code)


def shown(result: receipt_service.Verification, lang: str) -> Shown:
    """What the Verify dialog shows for a verification: the verdict in big, its sentence, the claim."""
    details: list[tuple[str, str]] = []
    c = result.claim
    if c is not None:
        period = ""
        if c.start_on and c.end_on:
            period = (
                QCoreApplication.translate("ReceiptsController", "%1 to %2")
                .replace("%1", format_date(c.start_on))
                .replace("%2", format_date(c.end_on))
            )
        details = [
            (QCoreApplication.translate("ReceiptsController", "Number:"), result.label or ""),
            (QCoreApplication.translate("ReceiptsController", "Date:"), format_date(c.day)),
            (QCoreApplication.translate("ReceiptsController", "Amount:"), format_vnd(c.amount, lang)),
            (QCoreApplication.translate("ReceiptsController", "Paid for:"), product_name(c.product)),
            (QCoreApplication.translate("ReceiptsController", "Months:"), str(c.months)),
            (QCoreApplication.translate("ReceiptsController", "Period:"), period),
            (QCoreApplication.translate("ReceiptsController", "Insured persons:"), str(c.people)),
            (QCoreApplication.translate("ReceiptsController", "Payer's ID (masked):"), c.payer_id),
            (QCoreApplication.translate("ReceiptsController", "Confirmation code:"), result.confirmation or ""),
            (
                QCoreApplication.translate("ReceiptsController", "Issued by device:"),
                result.device or QCoreApplication.translate("ReceiptsController", "(not known on this laptop)"),
            ),
        ]
        if result.receipt is not None and result.receipt.void_reason:
            details.append(
                (QCoreApplication.translate("ReceiptsController", "Void because:"), result.receipt.void_reason)
            )
    if result.verdict is Verdict.GENUINE:
        title = QCoreApplication.translate("ReceiptsController", "The receipt")
    else:
        title = QCoreApplication.translate("ReceiptsController", "What the QR code claims (do not trust it)")
    return Shown(
        headline(result.verdict), t(f"verify.{result.verdict.value}", lang), COLOURS[result.verdict], details, title
    )


class ReceiptsController(QObject):
    changed = Signal()  # a receipt was printed (a void: the change set of ui.controllers.refresh)

    def __init__(self, session: Session, tasks: Tasks, view: ReceiptsView, parent: QWidget, today) -> None:
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.view = view
        self.parent_widget = parent
        self.today: Callable[[], date] = today
        self.printer = ReceiptPrinter(session, tasks, view, parent)
        self.printer.changed.connect(self.changed)
        self.void_dialog: VoidDialog | None = None
        self.verify_dialog: VerifyDialog | None = None
        self._day: date | None = None
        view.day_changed.connect(lambda _d: self.refresh())
        view.search_changed.connect(lambda _s: self.refresh())
        view.print_requested.connect(self.printer.print_receipts)
        view.batch_requested.connect(self.printer.print_receipts)
        view.pdf_requested.connect(lambda ids, path: self.printer.print_receipts(ids, Path(path)))
        view.void_requested.connect(self.ask_void)
        view.verify_requested.connect(self.verify)
        view.hand_over_requested.connect(self.hand_over)
        session.locked.connect(self._close_dialogs)

    def _close_dialogs(self) -> None:
        """Locking the app closes what shows a receipt or asks for a PIN; a print already running finishes."""
        for dialog in (self.void_dialog, self.verify_dialog):
            if dialog is not None:
                dialog.reject()

    # --- the screen ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        store, lang = self.session.store, self.session.lang
        if store is None:
            return
        if self._day is None:  # the first time: today, whatever day the view was built on
            self._day = self.today()
            self.view.show_day(self._day)
        day = self.view.chosen_day()
        self._day = day
        wanted = self.view.search.text().strip()

        def load():
            rows = work.receipts(store, day)
            if not wanted:
                return rows, False
            matching = [r for r in rows if _matches(r.label, wanted)]
            if matching:
                return matching, False
            ref = receipt_store.find_label(store, wanted)
            if ref is None:
                return [], False
            return [r for r in work.receipts(store, ref.day) if r.id == ref.id], True

        self.tasks.run(load, lambda got: self.view.show_rows(got[0], lang, got[1]))

    # --- printing -------------------------------------------------------------------------------------

    def print_new(self, receipt_id: str) -> None:
        """Right after an enrolment is saved: print its receipt the way Settings say."""
        self.printer.print_receipts([receipt_id])

    def shutdown(self) -> None:
        self.printer.shutdown()

    # --- what is handed over ----------------------------------------------------------------------------

    def hand_over(self, ids: list[str], path: str, what: str) -> None:
        """QR labels for the cards and books of these receipts, or the list their recipients sign, as a PDF
        opened for printing. Labels go on the thermal roll where receipts do, else on an A4 label sheet."""
        from fieldapp.printing.receipt import THERMAL

        store, session = self.session.store, self.session
        if store is None or not ids:
            return
        layout = session.settings.get(RECEIPT_LAYOUT)
        layout = layout if layout in THERMAL else "sheet"
        team = session.team.name if session.team else ""
        collector = session.member.full_name if session.member else ""
        day = self.view.chosen_day()

        def work() -> tuple[Path, list]:
            out = receipt_service.hand_over_file(
                store,
                Output(Path(path), force=True),
                day=day,
                receipt_ids=ids,
                what=what,
                layout=layout,
                team=team,
                collector=collector,
            )
            return out, receipt_service.without_labels(store, day, ids)

        def opened(done: tuple[Path, list]) -> None:
            out, missing = done
            lines = [t("receipt.file_written", session.lang, path=str(out))]
            # every card or book without a label is named, as the command line does (issue 17, item 7)
            lines += [t("receipt.no_label", session.lang, name=i.name, receipt=i.receipt) for i in missing]
            self.view.show_message("\n".join(lines), error=bool(missing) and what == "labels")
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(out)))

        self.tasks.run(work, opened, self._file_error(path))

    def _file_error(self, path: str):
        def handle(exc: BaseException) -> None:
            if isinstance(exc, OSError):
                self.view.show_message(not_written(exc, exc.filename or path), error=True)
                return
            if isinstance(exc, FieldappError) and exc.code.startswith("output."):  # the file's place
                self.view.show_message(t(exc.code, self.session.lang, **exc.params), error=True)
                return
            self.tasks.report(exc)

        return handle

    # --- voiding ------------------------------------------------------------------------------------

    def ask_void(self, receipt_id: str) -> None:
        row = next((r for r in self.view.model.rows if r.id == receipt_id), None)
        if row is None or row.void:
            return
        lang = self.session.lang
        team_id = self.session.team.id if self.session.team else None
        leaders = [m for m in self.session.members if allowed(m, Action.VOID_RECEIPT, team_id)]  # who to offer
        title = f"{row.label}\n{row.payer} — {format_vnd(row.amount, lang)}"
        dialog = VoidDialog(title, leaders, self.parent_widget)
        self.void_dialog = dialog
        dialog.submitted.connect(lambda leader_id, pin, reason: self._void(dialog, receipt_id, leader_id, pin, reason))
        dialog.finished.connect(lambda _r: setattr(self, "void_dialog", None))
        dialog.open()

    def _void(self, dialog: VoidDialog, receipt_id: str, leader_id: str, pin: str, reason: str) -> None:
        s, lang = self.session, self.session.lang
        store, actor = s.store, s.actor
        if not " ".join(reason.split()):
            dialog.refuse(t("receipt.void_reason_needed", lang))
            return
        if not leader_id:
            dialog.refuse(t("receipt.void_needs_leader", lang))
            return
        max_failures, lock_minutes = s.settings.get(PIN_MAX_FAILURES), s.settings.get(PIN_LOCK_MINUTES)

        def work_():
            result = sign_in(store, leader_id, pin, max_failures=max_failures, lock_minutes=lock_minutes)
            if result.outcome is SignIn.OK:  # the service decides whether this member may void it
                receipt_service.void(store, actor, receipt_id, reason, result.member)
            return result

        def done(result) -> None:
            refusal = sign_in_refusal(result, lang)
            if refusal is not None:
                dialog.refuse(refusal)
                return
            dialog.accept()
            self.view.show_message(
                QCoreApplication.translate(
                    "ReceiptsController", "The receipt is void. It prints and verifies as void from now on."
                )
            )  # the screens showing receipts reload from what the void changed (ui.controllers.refresh)

        dialog.set_busy(True)
        self.tasks.run(work_, done, show_refusal(dialog.message, lang, self.tasks, lambda: dialog.set_busy(False)))

    # --- verifying ----------------------------------------------------------------------------------

    def verify(self) -> None:
        if self.session.store is None or self.session.member is None:
            return
        if self.verify_dialog is None:
            dialog = VerifyDialog(self.parent_widget)
            dialog.submitted.connect(self.check)
            dialog.finished.connect(lambda _r: setattr(self, "verify_dialog", None))
            self.verify_dialog = dialog
        self.verify_dialog.show()
        self.verify_dialog.raise_()
        self.verify_dialog.activateWindow()
        self.verify_dialog.input.setFocus()

    def check(self, text: str) -> None:
        dialog, store, lang = self.verify_dialog, self.session.store, self.session.lang
        if dialog is None or store is None:
            return

        def failed(exc: BaseException) -> None:
            log.error("verifying a payload failed", exc_info=exc)
            dialog.show_result(Shown(headline(Verdict.DAMAGED), t(f"verify.{Verdict.DAMAGED.value}", lang), AMBER, []))

        self.tasks.run(
            lambda: receipt_service.verify(store, text), lambda v: dialog.show_result(shown(v, lang)), failed
        )


def _matches(label: str, wanted: str) -> bool:
    """A search matches the label's text, or its number without the zeros ("3" finds …/0000003)."""
    wanted = wanted.upper()
    if wanted in label.upper():
        return True
    digits = re.sub(r"\D", "", wanted)
    return bool(digits) and wanted.isdigit() and int(label.rsplit("/", 1)[1]) == int(digits)
