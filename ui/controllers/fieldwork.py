"""Recording the work: consultations (of a person or a walk-in), events with their attendance, and the
other results (VssID installs, non-cash pension sign-ups) saved with the consultation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QWidget

from fieldapp.domain.enums import EventKind, Outcome, TargetGroup
from fieldapp.domain.models import Person
from fieldapp.i18n import t
from fieldapp.services import fieldwork
from fieldapp.storage import people, work
from ui.controllers.common import say_in_status_bar, show_refusal
from ui.session import Session
from ui.tasks import Tasks

if TYPE_CHECKING:
    from ui.views.consultation_dialog import ConsultationDialog
    from ui.views.event_dialog import EventDialog


@dataclass(frozen=True)
class _Context:
    person: Person | None
    sites: list[tuple[str, str]]


class FieldworkController(QObject):
    saved = Signal(str)  # what changed: "consultations" or "events"
    enrol_requested = Signal(str)  # person id, after an "enrolled" consultation

    def __init__(self, session: Session, tasks: Tasks, parent: QWidget, today: Callable[[], date]) -> None:
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.parent_widget = parent
        self.today = today
        self.site_id: str | None = None  # where the member works today; the next form starts there
        self.dialog: ConsultationDialog | None = None
        self.event_dialog: EventDialog | None = None
        self.saved_message = ""  # what the status bar said after the last save

    def _load(self, person_id: str | None) -> _Context:
        store, team = self.session.store, self.session.team
        person = people.get(store, person_id) if person_id else None
        sites = [(s.id, s.name) for s in work.sites(store, team.id)] if team else []
        return _Context(person, sites)

    # --- consultations -------------------------------------------------------------------------------

    def consult(self, person_id: str | None = None) -> None:
        """The form for a person of the registry, or for a walk-in when `person_id` is None."""
        if self.session.store is None:
            return
        self.tasks.run(lambda: self._load(person_id), self._open)

    def _open(self, ctx: _Context) -> None:
        from ui.views.consultation_dialog import ConsultationDialog

        lang = self.session.lang
        dialog = ConsultationDialog(ctx.sites, lang, self.today(), self.parent_widget)
        self.dialog = dialog
        dialog.save_requested.connect(lambda: self._save(ctx.person))
        self._start(ctx.person)
        dialog.open()

    def _start(self, person: Person | None) -> None:
        walk_in = QCoreApplication.translate("FieldworkController", "Walk-in")
        self.dialog.start(
            person.full_name if person else walk_in,
            walk_in=person is None,
            group=person.target_group if person else TargetGroup.OTHER,
            site_id=self.site_id,
            consent=bool(person and person.consent_at),
        )

    def _save(self, person: Person | None) -> None:
        dialog, lang, store, team = self.dialog, self.session.lang, self.session.store, self.session.team
        v = dialog.values()
        if v["outcome"] is None:
            dialog.message.setText(t("consultation.no_outcome", lang))
            return
        try:
            follow_up = dialog.parse_follow_up(v["follow_up"])
        except ValueError:
            dialog.message.setText(t("form.date_format", lang))
            dialog.follow_up.setFocus()
            return
        actor = self.session.actor
        person_id = None if (person is None or v["walk_in"]) else person.id

        def work_() -> Outcome:
            done = fieldwork.consult(
                store,
                actor,
                team_id=team.id,
                person=person,
                walk_in=v["walk_in"],
                target_group=v["target_group"],
                topics=v["topics"],
                outcome=v["outcome"],
                site_id=v["site_id"],
                follow_up_on=follow_up,
                refusal_reason=v["refusal_reason"],
                note=v["note"],
                consent=v["consent"],
                results=v["results"],
            )
            return done.value.outcome

        def done(outcome: Outcome) -> None:
            self.site_id = v["site_id"]
            self.saved.emit("consultations")
            if person_id is None:
                self._start(None)  # the next walk-in, at once
                dialog.message.setText(QCoreApplication.translate("FieldworkController", "Saved. Next person."))
                dialog.message.setStyleSheet("color: #2e7d32;")
                return
            dialog.accept()
            said = QCoreApplication.translate("FieldworkController", "Consultation with %1 saved.")
            self.saved_message = said.replace("%1", person.full_name if person else "")
            say_in_status_bar(self.parent_widget, self.saved_message, 8_000)  # the dialog is gone
            if outcome is Outcome.ENROLLED:
                self.enrol_requested.emit(person_id)

        self.tasks.run(work_, done, show_refusal(dialog.message, lang, self.tasks))

    # --- events --------------------------------------------------------------------------------------

    def new_event(self) -> None:
        if self.session.store is None:
            return
        self.tasks.run(lambda: self._load(None), self._open_event)

    def _open_event(self, ctx: _Context) -> None:
        from ui.views.event_dialog import EventDialog

        dialog = EventDialog(ctx.sites, self.session.lang, self.today(), self.parent_widget)
        if self.site_id:
            dialog.site.setCurrentIndex(max(0, dialog.site.findData(self.site_id)))
        self.event_dialog = dialog
        dialog.buttons.accepted.connect(self._save_event)
        dialog.open()

    def _save_event(self) -> None:
        dialog, lang, store, team = self.event_dialog, self.session.lang, self.session.store, self.session.team
        try:
            held_on = dialog.held_on_date()
        except ValueError:
            dialog.message.setText(t("form.date_format", lang))
            return
        if held_on > self.today():
            dialog.message.setText(t("event.in_future", lang))
            return
        actor = self.session.actor
        values = dict(
            kind=EventKind(dialog.kind.currentData()),
            title=dialog.title.text(),
            site_id=dialog.site.currentData(),
            attendance=dialog.attendance.value(),
            note=dialog.note.text(),
            held_on=held_on,
        )

        def work_() -> None:
            fieldwork.hold_event(store, actor, team_id=team.id, **values)

        self.tasks.run(
            work_,
            lambda _r: (dialog.accept(), self.saved.emit("events")),
            show_refusal(dialog.message, lang, self.tasks),
        )
