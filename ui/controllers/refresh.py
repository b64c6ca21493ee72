"""Screens refresh from what a write changed (issue 16, item 4): Anki's OpChanges, Electrum's dirty flag.

Every committed `storage.writer.writing()` tells the store's listeners what it wrote; `ChangeFeed` carries
that to the GUI thread and, a burst of writes later, emits it once as one `Changes` (ten writes, one
refresh). Each screen says here which record types it shows, and is reloaded only when one of them changed.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from fieldapp.domain.changes import NOTHING, Changes
from fieldapp.storage.store import Store

COALESCE_MS = 50  # writes closer together than this make one refresh

# The record types each screen shows (the entities' names, fieldapp.protocol.entities).
SHOWS: dict[str, frozenset[str]] = {
    "today": frozenset(
        {
            "consultations",
            "enrolments",
            "payments",
            "receipts",
            "receipt_voids",
            "follow_ups",
            "events",
            "outreach_results",
            "day_closings",
            "persons",
            "members",
        }
    ),
    "people": frozenset({"persons", "households", "hamlets", "person_merges"}),
    "consultations": frozenset({"consultations", "events", "sites", "persons"}),
    "enrolments": frozenset({"enrolments", "receipts", "receipt_voids", "persons"}),
    "receipts": frozenset({"receipts", "receipt_voids"}),
    "tallies": frozenset(
        {
            "consultations",
            "enrolments",
            "receipts",
            "receipt_voids",
            "events",
            "outreach_results",
            "targets",
            "campaign_periods",
            "campaigns",
            "day_closings",
            "persons",
        }
    ),
}
# Screens that show the outbox (what waits to sync): every record written waits in it.
SHOWS_EVERY_WRITE = frozenset({"sync"})


def shows(screen: str, changes: Changes) -> bool:
    """Whether `screen` shows anything `changes` touched."""
    if not changes:
        return False
    return screen in SHOWS_EVERY_WRITE or changes.touches(*SHOWS.get(screen, ()))


class ChangeFeed(QObject):
    """The app's one signal of completed writes: `changed(Changes)`, on the GUI thread, once per burst."""

    changed = Signal(object)
    _heard = Signal(object)  # from the thread that wrote; queued to this object's (the GUI) thread

    def __init__(self, parent: QObject | None = None, delay_ms: int = COALESCE_MS) -> None:
        super().__init__(parent)
        self._pending: Changes = NOTHING
        self._store: Store | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._flush)
        self._heard.connect(self._add)

    def listen(self, store: Store) -> None:
        """Hear the writes of `store` (and no longer those of a store heard before)."""
        if self._store is not None and self.heard in self._store.on_written:
            self._store.on_written.remove(self.heard)
        self._store = store
        store.on_written.append(self.heard)

    def stop(self) -> None:
        """The app closes: no more writes heard, and a burst still waiting is dropped."""
        self._timer.stop()
        self._pending = NOTHING
        if self._store is not None and self.heard in self._store.on_written:
            self._store.on_written.remove(self.heard)
        self._store = None

    def heard(self, changes: Changes) -> None:
        """A store listener: called on the database thread, right after the commit."""
        self._heard.emit(changes)

    def _add(self, changes: Changes) -> None:
        self._pending |= changes
        if not self._timer.isActive():  # the first of a burst starts the wait; the others join it
            self._timer.start()

    def _flush(self) -> None:
        changes, self._pending = self._pending, NOTHING
        if changes:
            self.changed.emit(changes)
