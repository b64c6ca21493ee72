"""The running app's state: the open store, the team, the signed-in member, the settings.

Views get what they need from here; nothing below ui/ knows this object exists.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from fieldapp.domain.models import Member, Team
from fieldapp.paths import DataDir
from fieldapp.settings import LANGUAGE, Settings
from fieldapp.storage.store import Store
from fieldapp.storage.writer import Actor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Opened:
    store: Store
    team: Team | None
    members: list[Member]


class Session(QObject):
    store_opened = Signal()
    signed_in = Signal(object)  # Member
    locked = Signal()
    data_changed = Signal(set)  # names of the record kinds that changed

    def __init__(self, data_dir: DataDir, settings: Settings, *, dev_plaintext: bool = False) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.settings = settings
        self.dev_plaintext = dev_plaintext
        self.store: Store | None = None
        self.team: Team | None = None
        self.members: list[Member] = []
        self.member: Member | None = None

    @property
    def lang(self) -> str:
        return self.settings.get(LANGUAGE)

    def opened(self, result: Opened) -> None:
        self.store, self.team, self.members = result.store, result.team, result.members
        self.store_opened.emit()

    def sign_in(self, member: Member) -> None:
        self.member = member
        log.info("member %s signed in", member.id)
        self.signed_in.emit(member)

    def lock(self) -> None:
        if self.member is not None:
            log.info("member %s locked the app", self.member.id)
        self.member = None
        self.locked.emit()

    @property
    def actor(self) -> Actor:
        return Actor(self.member.id if self.member else None, self.store.device_id if self.store else "")

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None
