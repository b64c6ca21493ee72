"""The laptop's sync client (../shared/design/sync-protocol.md; the wire contract is docs/sync-api.md).
Qt-free. The GUI calls only what is below, each call on a worker thread (never the GUI thread: they do
network and database I/O), and shows what they return.

Enrol (Sync screen, or `fieldapp enrol`)::

    enrol(store, server_url: str, code: str, *, name: str | None = None) -> Enrolled
        # Enrolled(device_id, server_url, team_id, team_name, province_code, clock_skew_seconds)
        # raises SyncError: sync.bad_url, sync.code_unknown, sync.code_used, sync.code_expired,
        #                   sync.offline (no answer after the retries), sync.refused

Sync (the background timer, and "Sync now")::

    sync(store, *, progress: Callable[[Progress], None] | None = None,
         cancel: threading.Event | Callable[[], bool] | None = None) -> SyncResult
    # or drive it yourself: gen = SyncEngine(store).run(cancel); each next(gen) is a Progress,
    # StopIteration.value the SyncResult
        # Progress(phase: "push"|"pull"|"devices"|"counts"|"resync", pushed: int, pulled: int)
        # SyncResult: pushed, pulled, conflicts, rejected, pending (the totals after the sync),
        #   new_conflicts, new_rejected, held, parked, candidates, devices, resync, mismatched,
        #   retries, cancelled, finished_at; .as_json() is what `fieldapp sync --json` prints
        # A cancel is checked between batches and pages: the result has cancelled=True and the next
        # sync resumes where this one stopped. Raises SyncError: sync.not_enrolled, sync.busy (one
        # sync at a time per store), sync.offline, sync.enrol_again (401: enrol again),
        # sync.revoked (403: this laptop was revoked; nothing is deleted, sync stays off),
        # sync.refused (a 4xx about no op: wrong address, a proxy), sync.bad_answer.
        # Translate `error.code` with fieldapp.i18n.t(error.code, lang, **error.params).
        # Tests and diagnostics: SyncEngine(store, transport=<httpx.BaseTransport>, retry=RetryPolicy(...),
        #   push_batch=500, pull_page=2000, clock=...); env FIELDAPP_SYNC_ATTEMPTS, FIELDAPP_SYNC_PULL_PAGE.

The status bar and the Sync screen::

    status(store) -> SyncStatus
        # enrolled, server_url, team_id, province_code, last_ok (datetime | None), pending,
        # conflicts, rejected, parked, candidates

Conflicts list (two laptops changed one record; a member picks field by field)::

    conflicts(store) -> list[Conflict]
        # Conflict(id, entity, entity_id, ours: dict, theirs: dict, base_version, their_version,
        #          op_id, at, resolved_at, fields: tuple[str, ...])   # fields: those that differ
    resolve_conflict(store, actor: Actor, conflict_id: int, choices: Mapping[str, "ours" | "theirs"])
        -> str | None   # every field in Conflict.fields needs a choice; returns the new op id, or
                        # None when the choice equals the server's copy (nothing to send)
        # raises InputRefused: sync.conflict_unknown, sync.conflict_resolved, sync.conflict_choices

Merge candidates (people from other laptops who look like somebody here) and refused ops::

    merge_candidates(store) -> list[MergeCandidate]   # (id, person_id, other_id, reason, at);
                                                      # reason "citizen_id" | "name_birth_commune"
    settle_candidate(store, candidate_id: int) -> None   # after merging (services.registry.merge)
                                                         # or deciding they are two people
    rejected_ops(store) -> list[RejectedOp]   # (op_id, entity, entity_id, op, created_at, reason, http)

Pulled records kept aside (a UNIQUE other than the id taken here: two receipts with one series and number)::

    clashes(store) -> list[Clash]   # (entity, entity_id, local_id, columns, record); never dropped
    clash_lines(store, lang=None) -> list[str]   # one message each (sync.receipt_clash, sync.unique_clash)
    clash_line(clash, lang=None) -> str          # the message of one (the Sync screen's refused list)
    refused_pulls(store) -> list[RefusedPull]   # (entity, entity_id, problem, at): pulled, invalid here, kept
    refused_line(r, lang=None) -> str          # the message of one

Rule files (premium rules the server signed, taken at every sync and from answer bundles; issue 14)::

    refused_rule_files(store, lang=None) -> list[str]   # those the last sync or bundle brought and this
                                                        # laptop refused (a bad signature, a bad file)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fieldapp.i18n import t
from fieldapp.storage.clashes import Clash
from fieldapp.storage.clashes import unique_clashes as clashes
from fieldapp.storage.refused import RefusedPull, refused_pulls
from fieldapp.storage.store import Store
from fieldapp.storage.sync_review import (
    Conflict,
    MergeCandidate,
    RejectedOp,
    conflicts,
    merge_candidates,
    rejected_ops,
    settle_candidate,
)
from fieldapp.storage.sync_review import resolve as resolve_conflict
from fieldapp.sync.engine import Progress, SyncEngine, SyncResult
from fieldapp.sync.enrol import Enrolled, enrol
from fieldapp.sync.errors import SyncError

__all__ = [
    "Clash",
    "Conflict",
    "Enrolled",
    "MergeCandidate",
    "Progress",
    "RejectedOp",
    "SyncEngine",
    "SyncError",
    "SyncResult",
    "SyncStatus",
    "clash_line",
    "clash_lines",
    "clashes",
    "conflicts",
    "enrol",
    "merge_candidates",
    "refused_line",
    "refused_pulls",
    "refused_rule_files",
    "rejected_ops",
    "resolve_conflict",
    "settle_candidate",
    "status",
    "sync",
]


def clash_lines(store: Store, lang: str | None = None) -> list[str]:
    """The pulled records kept aside, one message each, for the team leader: those with a UNIQUE clash,
    then those this laptop refuses."""
    return [clash_line(clash, lang) for clash in clashes(store)] + [refused_line(r, lang) for r in refused_pulls(store)]


def refused_line(r: RefusedPull, lang: str | None = None) -> str:
    """One refused pulled record's message (the Sync screen lists them with the refused operations)."""
    return t("sync.refused_pull", lang, entity=r.entity, id=r.entity_id[:8], problem=r.problem)


def refused_rule_files(store: Store, lang: str | None = None) -> list[str]:
    """The rule files the last sync or answer bundle brought and this laptop refused, one message each."""
    from fieldapp.storage.rules import refused
    from fieldapp.sync.rules import refusal_text

    return [refusal_text(r, lang or "vi") for r in refused(store)]


def clash_line(clash: Clash, lang: str | None = None) -> str:
    """One kept-aside record's message (the Sync screen lists them with the refused operations)."""
    rec = clash.record
    if clash.entity == "receipts" and isinstance(rec.get("number"), int):
        return t("sync.receipt_clash", lang, label=f"{rec.get('series')}/{rec['number']:07d}")
    return t("sync.unique_clash", lang, entity=clash.entity, local=clash.local_id)


def sync(store: Store, *, progress=None, cancel=None, transport=None) -> SyncResult:
    """One sync: push, pull, devices, counts. See the module docstring."""
    return SyncEngine(store, transport=transport).sync(progress=progress, cancel=cancel)


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server_url: str | None
    team_id: str | None
    province_code: str | None
    last_ok: datetime | None
    pending: int
    conflicts: int
    rejected: int
    parked: int
    candidates: int


def status(store: Store) -> SyncStatus:
    from fieldapp.storage import sync as storage
    from fieldapp.storage import sync_counts

    s = storage.settings(store)
    w = sync_counts.waiting(store)
    return SyncStatus(
        s.enrolled, s.server_url, s.team_id, s.province_code, s.last_ok, w.pending, w.conflicts, w.rejected,
        w.parked, w.candidates,
    )  # fmt: skip
