"""The Sync screen's Conflicts page: what its lists say, and keeping a version, merging a pair or keeping both.

Split from ui.controllers.sync, which runs the sync itself and hands this controller what it loaded. The
texts keep the translation context "SyncController": the .ts entries are keyed by it, and moving them to a
context of their own would show them in English until someone translated them again.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldapp.errors import FieldappError
from fieldapp.i18n import t
from fieldapp.storage import people
from fieldapp.sync import Conflict, resolve_conflict, settle_candidate
from fieldapp.sync.enrol import OTHER_SCOPE
from ui.controllers.merge import MergeController
from ui.session import Session
from ui.tasks import Tasks
from ui.views.conflicts import ConflictsView, FieldRow


def field_label(field: str) -> str:
    labels = {
        "full_name": QCoreApplication.translate("SyncController", "Full name"),
        "birth_date": QCoreApplication.translate("SyncController", "Date of birth"),
        "birth_year": QCoreApplication.translate("SyncController", "Year of birth"),
        "sex": QCoreApplication.translate("SyncController", "Sex"),
        "citizen_id": QCoreApplication.translate("SyncController", "Citizen ID"),
        "si_number": QCoreApplication.translate("SyncController", "Social insurance number"),
        "hi_card": QCoreApplication.translate("SyncController", "Health insurance card"),
        "hi_clinic": QCoreApplication.translate("SyncController", "Registered clinic"),
        "phone": QCoreApplication.translate("SyncController", "Phone"),
        "address": QCoreApplication.translate("SyncController", "Address"),
        "hamlet_id": QCoreApplication.translate("SyncController", "Hamlet"),
        "commune_code": QCoreApplication.translate("SyncController", "Commune"),
        "household_id": QCoreApplication.translate("SyncController", "Household"),
        "occupation": QCoreApplication.translate("SyncController", "Occupation"),
        "notes": QCoreApplication.translate("SyncController", "Notes"),
    }
    return labels.get(field, field)


def entity_label(entity: str) -> str:
    return {
        "persons": QCoreApplication.translate("SyncController", "Person"),
        "households": QCoreApplication.translate("SyncController", "Household"),
    }.get(entity, entity)


def shown_value(value: object) -> str:
    if value is None or value == "":
        return "—"
    return str(value)


def conflict_name(c: Conflict) -> str:
    for side in (c.ours, c.theirs):
        for key in ("full_name", "address"):
            if side.get(key):
                return str(side[key])
    return c.entity_id


def rejected_reason(r) -> str:
    """Why the server refused a change, in words, with its detail and HTTP status where there is one."""
    reasons = {
        "forbidden": QCoreApplication.translate("SyncController", "not this team's data"),
        "op_id_reused": QCoreApplication.translate("SyncController", "the same change id with other content"),
        "exists": QCoreApplication.translate("SyncController", "the record already exists with other content"),
        "unknown_record": QCoreApplication.translate("SyncController", "the record is not on the server"),
        "immutable": QCoreApplication.translate("SyncController", "this kind of record cannot be changed"),
        "invalid": QCoreApplication.translate("SyncController", "the record is not valid"),
        "unknown_reference": QCoreApplication.translate(
            "SyncController", "it names a record the server does not have for this team"
        ),
        "role": QCoreApplication.translate("SyncController", "only a team leader may do this"),
        "forged": QCoreApplication.translate(
            "SyncController", "a receipt not signed by this laptop's key, or in another laptop's series"
        ),
        "day_closed": QCoreApplication.translate(
            "SyncController", "this collector's day was closed on another laptop first: that closing is kept"
        ),
        "unknown_entity": QCoreApplication.translate("SyncController", "the server does not know this kind of record"),
        OTHER_SCOPE: QCoreApplication.translate(
            "SyncController", "made before enrolment for another team or province: kept on this laptop, not sent"
        ),
    }
    text = reasons.get(r.reason or "", r.reason or QCoreApplication.translate("SyncController", "refused"))
    if r.detail:
        text = f"{text}: {r.detail}"
    return f"{text} (HTTP {r.http})" if r.http else text


class ConflictsController(QObject):
    changed = Signal()  # a version kept, a pair merged or kept apart: records changed here, as after a sync
    stale = Signal()  # a choice refused: the lists are out of date, nothing changed

    def __init__(self, session: Session, tasks: Tasks, view: ConflictsView, window: QWidget) -> None:
        super().__init__(window)
        self.session = session
        self.tasks = tasks
        self.view = view
        self.window = window
        self.merging = MergeController(session, tasks, window)
        self._merging_candidate: int | None = None
        self.merging.merged.connect(self._merged)
        view.conflict_chosen.connect(self.choose_conflict)
        view.resolve_requested.connect(self.resolve)
        view.look_requested.connect(self.look)
        view.not_same_requested.connect(self.not_same)
        self._conflicts: dict[int, Conflict] = {}
        self._candidates: dict[int, tuple] = {}

    @property
    def lang(self) -> str:
        return self.session.lang

    def show(
        self,
        conflicts: list[Conflict],
        candidates: list[tuple[int, str, str, str, str, str]],
        rejected: list,
        clashes: list[tuple[str, str]],
    ) -> None:
        """The three lists as the last refresh loaded them: conflicts, look-alike pairs, refused changes."""
        cv = self.view
        cv.set_counts(len(conflicts), len(candidates), len(rejected) + len(clashes))
        self._conflicts = {c.id: c for c in conflicts}
        differ = QCoreApplication.translate("SyncController", "%1 fields differ")
        lines = [
            (c.id, f"{entity_label(c.entity)}: {conflict_name(c)}\n" + differ.replace("%1", str(len(c.fields))))
            for c in conflicts
        ]
        cv.show_conflicts(lines)
        reason = {
            "citizen_id": QCoreApplication.translate("SyncController", "same citizen ID"),
            "name_birth_commune": QCoreApplication.translate("SyncController", "same name, birth and commune"),
        }
        cv.show_candidates([(cid, f"{na} ↔ {nb} ({reason.get(r, r)})") for cid, _a, _b, na, nb, r in candidates])
        self._candidates = {c[0]: c for c in candidates}
        cv.show_rejected(
            [(f"{entity_label(r.entity)} {r.entity_id[:8]}", r.op, r.created_at[:16].replace("T", " "),
              rejected_reason(r)) for r in rejected]
            + [(what, QCoreApplication.translate("SyncController", "pulled"), "", message)
               for what, message in clashes]
        )  # fmt: skip

    def choose_conflict(self, conflict_id: int) -> None:
        c = self._conflicts.get(conflict_id)
        if c is None:
            return
        rows = [FieldRow(f, field_label(f), shown_value(c.ours.get(f)), shown_value(c.theirs.get(f)))
                for f in c.fields]  # fmt: skip
        heading = QCoreApplication.translate("SyncController", "%1 “%2” was changed on this laptop and on another one.")
        heading = heading.replace("%1", entity_label(c.entity)).replace("%2", conflict_name(c))
        hint = QCoreApplication.translate(
            "SyncController",
            "Pick the version to keep for each field; nothing changes until you press “Keep my choice”.",
        )
        self.view.show_conflict(conflict_id, f"{heading} {hint}", rows)

    def resolve(self, conflict_id: int, choices: dict) -> None:
        store, actor, cv = self.session.store, self.session.actor, self.view
        if store is None:
            return

        def done(_op) -> None:
            cv.conflict_message.setText(
                QCoreApplication.translate("SyncController", "Kept. The choice is sent at the next sync.")
            )
            self.changed.emit()

        def refused(exc: BaseException) -> None:
            if isinstance(exc, FieldappError):
                cv.conflict_message.setText(t(exc.code, self.lang, **exc.params))
                self.stale.emit()
            else:
                self.tasks.report(exc)

        self.tasks.run(lambda: resolve_conflict(store, actor, conflict_id, choices), done, refused)

    def look(self, candidate_id: int) -> None:
        store = self.session.store
        cand = self._candidates.get(candidate_id)
        if store is None or cand is None:
            return
        a, b = cand[1], cand[2]

        def opened(view) -> None:
            if view is None:
                return
            self._merging_candidate = candidate_id
            self.merging.open(view)
            self.merging.choose(b)

        self.tasks.run(lambda: people.household_view(store, a), opened)

    def _merged(self, _kept: str) -> None:
        if self._merging_candidate is not None:
            cid, self._merging_candidate = self._merging_candidate, None
            self.not_same(cid, ask=False)

    def not_same(self, candidate_id: int, ask: bool = True) -> None:
        store = self.session.store
        if store is None:
            return
        if ask:
            answer = QMessageBox.question(
                self.window,
                "fieldapp",
                QCoreApplication.translate(
                    "SyncController", "Keep both as two different people and take them off the list?"
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return

        self.tasks.run(lambda: settle_candidate(store, candidate_id), lambda _none: self.changed.emit())
