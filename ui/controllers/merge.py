"""Merging two records of the same person, from the household panel: find, compare, confirm, merge.

Duplicates are never merged silently: the member picks the other record, sees both side by side with
what the kept one will look like, chooses which is kept, and only Merge writes anything.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QWidget

from fieldapp.domain.formats import format_birth, format_date
from fieldapp.domain.models import Person
from fieldapp.errors import FieldappError
from fieldapp.i18n import label, t
from fieldapp.services import registry
from fieldapp.storage import people
from fieldapp.storage.people import HouseholdView
from fieldapp.storage.search import search
from ui.session import Session
from ui.tasks import Tasks
from ui.views.merge_dialog import ComparedField, MergeDialog

RESULTS = 30


def _vsi(p: Person, lang: str) -> str:
    text = label(p.vsi_status, lang)
    if p.vsi_paid_to:
        text += (
            " ("
            + QCoreApplication.translate("MergeController", "paid until %1").replace("%1", format_date(p.vsi_paid_to))
            + ")"
        )
    return text


def _place(hamlet: str | None, commune: str) -> str:
    return ", ".join(x for x in (hamlet, commune) if x)


def compare(a: HouseholdView, b: HouseholdView, keep_a: bool, lang: str) -> list[ComparedField]:
    """Both records field by field, and the kept one as it will be after the merge (its gaps filled)."""
    kept, other = (a, b) if keep_a else (b, a)
    fills = registry.merge_fills(kept.person, other.person)
    after = replace(kept.person, **fills)
    after_hamlet = other.hamlet if "hamlet_id" in fills else kept.hamlet
    lines = (
        (QCoreApplication.translate("MergeController", "Full name"), (), lambda v, p: p.full_name),
        (
            QCoreApplication.translate("MergeController", "Born"),
            ("birth_date", "birth_year"),
            lambda v, p: format_birth(p.birth_date, p.birth_year),
        ),
        (
            QCoreApplication.translate("MergeController", "Sex"),
            ("sex",),
            lambda v, p: label(p.sex, lang) if p.sex else "",
        ),
        (QCoreApplication.translate("MergeController", "Citizen ID"), ("citizen_id",), lambda v, p: p.citizen_id or ""),
        (QCoreApplication.translate("MergeController", "SI number"), ("si_number",), lambda v, p: p.si_number or ""),
        (QCoreApplication.translate("MergeController", "Phone"), ("phone",), lambda v, p: p.phone or ""),
        (
            QCoreApplication.translate("MergeController", "Lives in"),
            ("hamlet_id",),
            lambda v, p: _place(v.hamlet, v.commune),
        ),
        (
            QCoreApplication.translate("MergeController", "HI card valid until"),
            ("hi_valid_to",),
            lambda v, p: format_date(p.hi_valid_to) if p.hi_valid_to else "",
        ),
        (
            QCoreApplication.translate("MergeController", "Registered clinic"),
            ("hi_clinic",),
            lambda v, p: p.hi_clinic or "",
        ),
        (
            QCoreApplication.translate("MergeController", "Voluntary SI"),
            ("vsi_status", "vsi_paid_to"),
            lambda v, p: _vsi(p, lang),
        ),
        (
            QCoreApplication.translate("MergeController", "Household"),
            (),
            lambda v, p: QCoreApplication.translate("MergeController", "%1 people").replace("%1", str(len(v.members))),
        ),
    )
    after_view = replace(kept, person=after, hamlet=after_hamlet)
    return [
        ComparedField(
            caption,
            text(a, a.person),
            text(b, b.person),
            text(after_view, after),
            filled=any(f in fills for f in fields),
        )
        for caption, fields, text in lines
    ]


class MergeController(QObject):
    merged = Signal(str)  # the id of the person kept

    def __init__(self, session: Session, tasks: Tasks, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.parent_widget = parent
        self.dialog: MergeDialog | None = None
        self.a: HouseholdView | None = None
        self.b: HouseholdView | None = None
        self.keep_a = True
        self._generation = 0

    def open(self, view: HouseholdView) -> MergeDialog:
        """Start from the record open in the panel; its name is searched first, where twins show up."""
        self.a, self.b, self.keep_a = view, None, True
        dialog = MergeDialog(self.parent_widget)
        dialog.search_changed.connect(self.search)
        dialog.other_chosen.connect(self.choose)
        dialog.keep_changed.connect(self.set_keep_a)
        dialog.merge_requested.connect(self.merge)
        self.dialog = dialog
        dialog.start(view.person.full_name, view.person.full_name)
        dialog.open()
        return dialog

    def search(self, text: str) -> None:
        store, own = self.session.store, self.a
        if store is None or own is None or self.dialog is None:
            return
        self._generation += 1
        generation, dialog = self._generation, self.dialog

        def found(rows) -> None:
            if generation == self._generation:  # else a later keystroke's search is on its way
                dialog.show_results(rows)

        if not text.strip():
            found([])
            return
        self.tasks.run(lambda: [r for r in search(store, text, RESULTS + 1) if r.id != own.person.id][:RESULTS], found)

    def choose(self, person_id: str) -> None:
        store = self.session.store
        if store is None:
            return

        def chosen(view: HouseholdView | None) -> None:
            if view is not None and self.a is not None:
                self.b = view
                self.keep_a = self._keep_a_first(self.a.person, view.person)
                self._show()

        self.tasks.run(lambda: people.household_view(store, person_id), chosen)

    @staticmethod
    def _keep_a_first(a: Person, b: Person) -> bool:
        """Offer to keep the record that knows more (a citizen ID first); on a tie, the one open now."""

        def known(p: Person) -> tuple[bool, int]:
            return (p.citizen_id is not None, sum(getattr(p, f) is not None for f in registry.MERGE_FILLS))

        return known(a) >= known(b)

    def set_keep_a(self, keep_a: bool) -> None:
        self.keep_a = keep_a
        self._show()

    def _show(self) -> None:
        if self.dialog is None or self.a is None or self.b is None:
            return
        kept, other = (self.a, self.b) if self.keep_a else (self.b, self.a)
        refusal = registry.merge_refusal(kept.person, other.person)
        self.dialog.show_comparison(
            compare(self.a, self.b, self.keep_a, self.session.lang),
            self.keep_a,
            t(refusal, self.session.lang) if refusal else "",
        )

    def merge(self) -> None:
        store, actor, lang, dialog = self.session.store, self.session.actor, self.session.lang, self.dialog
        if store is None or dialog is None or self.a is None or self.b is None:
            return
        kept_id, other_id = (
            (self.a.person.id, self.b.person.id) if self.keep_a else (self.b.person.id, self.a.person.id)
        )

        def work() -> str:
            registry.merge_people(store, actor, kept_id, other_id)  # the records as they are now
            return kept_id

        def done(person_id: str) -> None:
            dialog.accept()
            self.merged.emit(person_id)

        def refused(exc: BaseException) -> None:
            if isinstance(exc, FieldappError):
                dialog.message.setText(t(exc.code, lang, **exc.params))
                dialog.merge_button.setEnabled(False)
            else:
                self.tasks.report(exc)

        dialog.merge_button.setEnabled(False)  # one press, one merge
        self.tasks.run(work, done, refused)
