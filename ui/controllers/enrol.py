"""Enrolling: price from the dated rules while the member chooses, then enrolment, payment and receipt
in one transaction on the database thread."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QWidget

from fieldapp.domain import products
from fieldapp.domain.enums import EnrolmentKind, HiStatePath, PaymentMethod, SupportGroup, TargetGroup
from fieldapp.domain.formats import format_date, format_vnd
from fieldapp.domain.models import Person
from fieldapp.domain.premiums import default_rules
from fieldapp.domain.words import amount_in_words
from fieldapp.errors import FieldappError, InputRefused
from fieldapp.i18n import label, t
from fieldapp.storage import people, work
from ui.controllers.common import say_in_status_bar, show_refusal
from ui.session import Session
from ui.tasks import Tasks

if TYPE_CHECKING:
    from ui.views.enrol_dialog import EnrolDialog

# The enrolment services, the rules and the dialog are imported when a member first enrols, not when the
# app starts (bench: cold_start).

GROUPS = {
    TargetGroup.POOR: SupportGroup.POOR,
    TargetGroup.NEAR_POOR: SupportGroup.NEAR_POOR,
    TargetGroup.ETHNIC_MINORITY: SupportGroup.ETHNIC_MINORITY,
}


@dataclass(frozen=True)
class _Loaded:
    person: Person
    household: list[Person]
    rules_checked: date | None  # the laptop's last sync (or its newest rule file's issue): stale rules
    paid_today: list[work.PaidOnDay]  # what the household already paid today: said before it pays again


class EnrolController(QObject):
    saved = Signal(str)
    receipt_made = Signal(str)  # the new receipt's id: it prints in the same step

    def __init__(self, session: Session, tasks: Tasks, parent: QWidget, today: Callable[[], date]) -> None:
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.parent_widget = parent
        self.today = today
        self.dialog: EnrolDialog | None = None
        self.saved_message = ""  # what the status bar said after the last enrolment
        self._household: dict[str, Person] = {}
        self._checked: date | None = None  # when this laptop's rules were last known current
        self._state: dict[str, HiStatePath] = {}  # household members whose HI card the state pays or supports

    def enrol(self, person_id: str) -> None:
        store = self.session.store
        if store is None:
            return

        from fieldapp.services import rules as rule_service

        day = self.today()

        def load() -> _Loaded:
            person = people.get(store, person_id)
            household = people.household_members(store, person.household_id) if person.household_id else [person]
            living = [p for p in household if not p.erased_at and not p.merged_into] or [person]
            paid = work.paid_on_day(store, [p.id for p in living], day)
            return _Loaded(person, living, rule_service.checked_on(store, default_rules()), paid)

        self.tasks.run(load, self._open)

    def _open(self, loaded: _Loaded) -> None:
        from fieldapp.services import enrolment
        from ui.views.enrol_dialog import EnrolDialog

        lang = self.session.lang
        rules = default_rules()
        on = self.today()
        self._household = {p.id: p for p in loaded.household}
        self._checked = loaded.rules_checked
        self._state = state = {p.id: path for p in loaded.household if (path := enrolment.state_hi_group(rules, p, on))}
        notes = {i: (label(self._household[i].target_group, lang), label(path, lang)) for i, path in state.items()}
        dialog = EnrolDialog(loaded.person, loaded.household, lang, self.parent_widget, state_hi=notes)
        self.dialog = dialog
        dialog.changed.connect(self.requote)
        dialog.confirm_requested.connect(self.confirm)
        try:
            vsi_months, hi_months = rules.vsi_allowed_months(on), rules.hi_allowed_months(on)
        except InputRefused:
            vsi_months, hi_months = (), ()
        dialog.set_choices(
            vsi_months,
            hi_months,
            GROUPS.get(loaded.person.target_group, SupportGroup.OTHER),
            # a poor or near-poor person's own path is VSI, with the state's support for their group (their HI
            # card comes through the commune); a pupil's card comes through the school, as the HI box says
            EnrolmentKind.VSI
            if state.get(loaded.person.id) in (HiStatePath.STATE_PAYS, HiStatePath.STATE_SUPPORTS)
            else EnrolmentKind.HOUSEHOLD_HI,
        )
        if loaded.paid_today:
            dialog.show_paid_today(_paid_today_html(loaded.paid_today, lang))
            dialog.again.toggled.connect(self.requote)  # the "tick it first" word goes once it is ticked
        self.requote()
        dialog.open()

    # --- the quote ------------------------------------------------------------------------------------

    def requote(self) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        try:
            dialog.show_quote(self._quote_html(), True)
            dialog.message.clear()
        except FieldappError as exc:
            dialog.show_quote("", False)
            dialog.message.setStyleSheet("color: #c62828;")
            dialog.message.setText(t(exc.code, self.session.lang, **exc.params))

    def _quote_html(self) -> str:
        from fieldapp.services import rules as rule_service

        dialog, lang = self.dialog, self.session.lang
        rules, on = default_rules(), self.today()
        product = products.get(dialog.kind())
        members, order = self._order(product, on)
        priced = product.quote(rules, order)
        q = priced.quote
        lines = _LINES[product.insures](rules, on, priced, members, lang)
        total, refs = priced.total, q.rules
        warnings = [t(w, lang) for w in priced.warnings]
        cover = product.cover(on, product.held_until(members[0]), q.months)
        rows = "".join(f"<tr><td>{html.escape(a)}</td><td align='right'>{html.escape(b)}</td></tr>" for a, b in lines)
        unconfirmed = QCoreApplication.translate("EnrolController", " (not confirmed in an official text)")
        basis = "".join(
            f"<li>{html.escape(r.basis)}{html.escape(unconfirmed) if r.unconfirmed else ''}</li>" for r in refs
        )
        checked = self._checked
        if rule_service.stale(rules, paid_on=on, today=on, checked=checked):
            stale = QCoreApplication.translate(
                "EnrolController",
                "The premium rules may be out of date: this laptop last checked them on %1 and knows no change "
                "after %2. Sync to get the newest; the quote uses the rules it has.",
            )
            when = format_date(checked) if checked else "—"
            warnings.append(stale.replace("%1", when).replace("%2", format_date(rules.last_change)))
        warn = "".join(f"<p style='color:#ef6c00'>{html.escape(w)}</p>" for w in warnings)
        total_label = html.escape(QCoreApplication.translate("EnrolController", "Total"))
        covered = html.escape(
            QCoreApplication.translate("EnrolController", "Covered from %1 to %2")
            .replace("%1", format_date(cover[0]))
            .replace("%2", format_date(cover[1]))
        )
        priced = html.escape(
            QCoreApplication.translate("EnrolController", "Priced on %1 by the premium rules %2:")
            .replace("%1", format_date(on))
            .replace("%2", rules.version)
        )
        return (
            f"<table width='100%'>{rows}</table><hr>"
            f"<p style='font-size:large'><b>{total_label}: {html.escape(format_vnd(total, lang))}</b>"
            f"<br><i>{html.escape(amount_in_words(total))}</i></p>"
            f"<p><b>{covered}</b></p>{warn}"
            f"<p style='font-size:small'>{priced}<ul>{basis}</ul></p>"
        )

    def _order(self, product: products.Product, on: date) -> tuple[list[Person], products.Order]:
        """Who is insured and the order to price, from the dialog's choices; refused with the reason when
        nobody is (a household HI with no member ticked, or only one the state covers)."""
        dialog = self.dialog
        if product.insures == products.VSI:
            members = [dialog.person]
            order = products.Order(
                on,
                dialog.vsi_months.currentData() or 0,
                income=dialog.income.value(),
                group=SupportGroup(dialog.support_group.currentData()),
                province=self.session.team.province_code if self.session.team else None,
            )
        else:
            members = [self._household[i] for i in dialog.member_ids()]
            if not members and dialog.person.id in self._state:  # say where this person's card comes from
                p = dialog.person
                raise InputRefused(
                    "enrolment.hi_state_group", name=p.full_name, group=p.target_group, path=self._state[p.id]
                )
            if not members:
                raise InputRefused("enrolment.no_member")
            order = products.Order(on, dialog.hi_months.currentData() or 0, members=len(members))
        return members, order

    # --- confirming ----------------------------------------------------------------------------------

    def confirm(self) -> None:
        from fieldapp.services import enrolment

        dialog, lang, store, team, member = (
            self.dialog,
            self.session.lang,
            self.session.store,
            self.session.team,
            self.session.member,
        )
        if dialog is not None and dialog.waits_for_again():
            self._ask_to_tick_again(dialog)
            return
        if dialog is None or not dialog.confirm.isEnabled():
            return
        product = products.get(dialog.kind())
        method = PaymentMethod(dialog.method.currentData())
        reference = dialog.reference.text().strip() or None
        sponsor = dialog.sponsor.currentText().strip() or None
        if product.donated and not sponsor:
            dialog.message.setText(t("enrolment.sponsor_needed", lang))
            return
        if not product.donated:
            sponsor = None
        actor = self.session.actor
        person = dialog.person
        if product.insures == products.VSI:
            members, months = [person], dialog.vsi_months.currentData()
        else:
            members, months = [self._household[i] for i in dialog.member_ids()], dialog.hi_months.currentData()
        income, group = dialog.income.value(), SupportGroup(dialog.support_group.currentData())
        rules = default_rules()

        def work_():
            return enrolment.take_enrolment(
                store,
                actor,
                rules,
                product.kind,
                team_id=team.id,
                collector=member,
                payer=members[0] if members else person,
                members=members,
                months=months,
                income=income,
                group=group,
                province=team.province_code,
                method=method,
                reference=reference,
                sponsor=sponsor,
            ).value

        dialog.set_busy(True)  # a second tap while saving never makes a second receipt
        self.tasks.run(
            work_,
            lambda result: self._saved(dialog, result, lang),
            show_refusal(dialog.message, lang, self.tasks, lambda: dialog.set_busy(False)),
        )

    def _ask_to_tick_again(self, dialog: EnrolDialog) -> None:
        """Paid today already: the money is taken again only once the member ticks "Pay again"."""
        dialog.message.setStyleSheet("color: #c62828;")
        dialog.message.setText(
            QCoreApplication.translate(
                "EnrolController", "This household already paid today: tick “Pay again” first if they want to."
            )
        )
        dialog.again.setFocus()

    def _saved(self, dialog: EnrolDialog, result, lang: str) -> None:
        dialog.accept()
        receipt = result.receipt
        self.receipt_made.emit(receipt.id)
        # said in the status bar, not a box to close: the receipt's printing may need the member next
        self.saved_message = (
            QCoreApplication.translate("EnrolController", "Saved. Receipt %1 no. %2, %3.")
            .replace("%1", receipt.series)
            .replace("%2", f"{receipt.number:07d}")
            .replace("%3", format_vnd(receipt.amount, lang))
        )
        say_in_status_bar(self.parent_widget, self.saved_message, 15_000)
        self.saved.emit("enrolments")


def _paid_today_html(paid: list[work.PaidOnDay], lang: str) -> str:
    """What the household already paid today, receipt by receipt, for the top of the enrolment dialog."""
    heading = QCoreApplication.translate("EnrolController", "This household already paid today:")
    line = QCoreApplication.translate("EnrolController", "%1: receipt %2, %3, paid up to %4 (%5), taken by %6.")
    after = QCoreApplication.translate(
        "EnrolController",
        "The period offered below starts after what was paid. Take money again only if they ask to pay for "
        "another period.",
    )
    items = "".join(
        "<li>"
        + html.escape(
            line.replace("%1", t(products.get(p.kind).message, lang))
            .replace("%2", p.receipt)
            .replace("%3", format_vnd(p.amount, lang))
            .replace("%4", format_date(p.end_on))
            .replace("%5", ", ".join(p.names))
            .replace("%6", p.collector)
        )
        + "</li>"
        for p in paid
    )
    return f"<b>{html.escape(heading)}</b><ul style='margin:0'>{items}</ul>{html.escape(after)}"


def _vsi_lines(rules, on: date, priced: products.Priced, members: list[Person], lang: str) -> list[tuple[str, str]]:
    q = priced.quote
    lines = [
        (
            QCoreApplication.translate("EnrolController", "Contribution a month (%1 %)").replace(
                "%1", f"{rules.in_force('vsi.contribution', on)['rate_pct']:g}"
            ),
            format_vnd(q.monthly_contribution, lang),
        ),
        (
            QCoreApplication.translate("EnrolController", "State support a month"),
            "− " + format_vnd(q.state_support_monthly, lang),
        ),
        (
            QCoreApplication.translate("EnrolController", "Local support a month"),
            "− " + format_vnd(q.local_support_monthly, lang),
        ),
        (QCoreApplication.translate("EnrolController", "Paid a month"), format_vnd(q.monthly_due, lang)),
        (QCoreApplication.translate("EnrolController", "Months"), str(q.months)),
    ]
    if q.discount:
        lines.append(
            (
                QCoreApplication.translate("EnrolController", "Discount for paying ahead"),
                "− " + format_vnd(q.discount, lang),
            )
        )
    return lines


def _hi_lines(rules, on: date, priced: products.Priced, members: list[Person], lang: str) -> list[tuple[str, str]]:
    month = QCoreApplication.translate("EnrolController", "month")
    return [
        (f"{order}. {person.full_name} ({format_vnd(monthly, lang)}/{month})", format_vnd(amount, lang))
        for order, (person, (monthly, amount)) in enumerate(zip(members, priced.lines, strict=True), start=1)
    ]


# The quote's lines, by what the product insures: a VSI contribution's make-up, or each household member's share.
_LINES = {products.VSI: _vsi_lines, products.HI: _hi_lines}
