"""One sync, start to end: push pending ops oldest first, pull pages until `more` is false, refresh the
devices list, compare record counts (a mismatch catches up, then pulls the whole scope again: guarded,
reported, never silent).

`SyncEngine.run()` is a generator of `Progress` whose return value is the `SyncResult`; `sync()` drives
it. Between batches and pages it checks `cancel`; everything done by then is durable (outbox states, the
cursor in the same transaction as the rows), so the next sync resumes where this one stopped.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fieldapp.ahead import ahead
from fieldapp.domain.clock import utcnow
from fieldapp.storage import indexes, pin_keys, pulled, sync_counts, sync_devices, sync_pull, sync_push
from fieldapp.storage import sync as storage
from fieldapp.storage import tallies as tally_store
from fieldapp.storage.store import Store
from fieldapp.sync import rules as rule_files
from fieldapp.sync import updates
from fieldapp.sync.books import ask_for_books
from fieldapp.sync.errors import HttpRefused, SyncCancelled, SyncError
from fieldapp.sync.transport import RetryPolicy, Transport

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

PUSH_BATCH = 500  # the server takes 1-500 ops a request
PULL_PAGE = 2000  # the server serves at most 2000 changes a page
PULL_GROUP = 10  # pages fetched ahead and applied in one transaction when the server has more (a catch-up)
# smaller pages for diagnosing a slow link, and for the tests that kill `fieldapp sync` mid-pull
ENV_PULL_PAGE = "FIELDAPP_SYNC_PULL_PAGE"
_RUNNING: dict[str, threading.Lock] = {}
_RUNNING_GUARD = threading.Lock()

Cancel = Callable[[], bool] | threading.Event | None


@dataclass(frozen=True)
class Progress:
    phase: str  # "push", "pull", "devices", "counts", "resync"
    pushed: int  # ops the server has taken so far in this sync
    pulled: int  # records applied so far
    pending: int | None = None  # ops still to push, when known


@dataclass
class SyncResult:
    pushed: int = 0  # ops the server took (accepted, or answered as a duplicate of an accepted one)
    pulled: int = 0  # pulled records applied
    new_conflicts: int = 0
    new_rejected: int = 0
    conflicts: int = 0  # open conflicts after the sync (the Conflicts list)
    rejected: int = 0  # ops parked as rejected, in all (shown to the team leader)
    pending: int = 0  # ops still waiting to be pushed
    held: int = 0  # pulled records not applied because the laptop changed them (kept as "theirs")
    parked: int = 0  # pulled records waiting for a parent the server has not sent yet
    refused_pulled: int = 0  # pulled records this laptop refuses, kept aside (storage.refused), in all
    candidates: int = 0  # new merge candidates
    devices: int = 0
    resync: bool = False  # the counts disagreed and the scope was pulled again from 0
    mismatched: dict[str, tuple[int, int]] = field(default_factory=dict)  # entity: (laptop, server) after all
    retries: int = 0
    cancelled: bool = False
    finished_at: datetime | None = None
    update: Any = None  # updates.Available: a newer installer the server holds
    rules_added: int = 0  # rule files the server signed, taken in (GET /v1/rules)
    rules_refused: list[dict[str, Any]] = field(default_factory=list)  # and refused: a bad signature, a bad file

    def as_json(self) -> dict[str, Any]:
        return {
            "pushed": self.pushed,
            "pulled": self.pulled,
            "conflicts": self.conflicts,
            "rejected": self.rejected,
            "pending": self.pending,
            "new_conflicts": self.new_conflicts,
            "new_rejected": self.new_rejected,
            "held": self.held,
            "parked": self.parked,
            "refused_pulled": self.refused_pulled,
            "merge_candidates": self.candidates,
            "devices": self.devices,
            "resync": self.resync,
            "mismatched": {k: {"laptop": a, "server": b} for k, (a, b) in self.mismatched.items()},
            "retries": self.retries,
            "cancelled": self.cancelled,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "update": self.update.as_json() if self.update else None,
            "rules_added": self.rules_added,
            "rules_refused": len(self.rules_refused),
        }


def _cancel_fn(cancel: Cancel) -> Callable[[], bool]:
    if cancel is None:
        return lambda: False
    if isinstance(cancel, threading.Event):
        return cancel.is_set
    return cancel


class SyncEngine:
    def __init__(
        self,
        store: Store,
        *,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | None = None,
        push_batch: int = PUSH_BATCH,
        pull_page: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self._httpx_transport = transport
        self._retry = retry
        self._timeout = timeout
        self.push_batch = push_batch
        self.pull_page = pull_page or int(os.environ.get(ENV_PULL_PAGE) or PULL_PAGE)
        self._sleep = sleep
        self._clock = clock

    def sync(self, *, progress: Callable[[Progress], None] | None = None, cancel: Cancel = None) -> SyncResult:
        run = self.run(cancel)
        while True:
            try:
                step = next(run)
            except StopIteration as stop:
                return stop.value
            if progress is not None:
                progress(step)

    def run(self, cancel: Cancel = None) -> Generator[Progress, None, SyncResult]:
        settings = storage.settings(self.store)
        if not settings.enrolled:
            raise SyncError("sync.not_enrolled")
        lock = _lock_for(self.store)
        if not lock.acquire(blocking=False):
            raise SyncError("sync.busy")
        cancelled = _cancel_fn(cancel)
        result = SyncResult()
        kwargs: dict[str, Any] = {"transport": self._httpx_transport, "retry": self._retry, "sleep": self._sleep}
        if self._timeout is not None:
            kwargs["timeout"] = self._timeout
        http = Transport(settings.server_url or "", settings.token, cancelled=cancelled, **kwargs)
        shared, connection = self.store, contextlib.ExitStack()
        try:
            # a connection of its own: the GUI's database thread never waits for this sync (issue 16, item 5)
            self.store = connection.enter_context(shared.own_connection())
            try:
                yield from self._exchange(http, result, cancelled)
            except SyncCancelled:
                result.cancelled = True
                log.info("sync cancelled after %d pushed, %d pulled", result.pushed, result.pulled)
            except HttpRefused as exc:  # a 4xx that is about no op (a wrong address, a proxy): stop, say so
                log.warning("the server refused a request: %s", exc)
                raise SyncError("sync.refused", code=f"{exc.status} {exc.code}".strip()) from exc
            result.retries = http.retries
            w = sync_counts.waiting(self.store)
            result.conflicts, result.rejected, result.pending, result.parked, result.refused_pulled = (
                w.conflicts,
                w.rejected,
                w.pending,
                w.parked,
                w.refused,
            )
        finally:
            self.store = shared
            connection.close()
            http.close()
            lock.release()
        log.info("sync: %s", result.as_json())
        return result

    def _exchange(self, http: Transport, result: SyncResult, cancelled: Callable[[], bool]) -> Generator[Progress]:
        """One sync's conversation with the server, in order: keys, push, pull, devices, rules, counts."""
        # the team's PIN key first: the members' verifiers go out sealed under it (issue 13)
        with contextlib.suppress(HttpRefused):  # an older server has none
            pin_keys.remember_pin_keys(self.store, http.get("/v1/pin-keys"))
        yield from self._push(http, result, cancelled)
        yield from self._pull(http, result, cancelled)
        with self.store.transaction() as conn:  # rows an older laptop pushed bare are kept sealed
            pin_keys.seal_members(conn)
        yield Progress("devices", result.pushed, result.pulled)
        ask_for_books(self.store, http)  # before the list, which then names this laptop's new book too
        result.devices = sync_devices.replace_devices(
            self.store, http.get("/v1/devices").get("devices", []), self.store.device_id
        )
        with contextlib.suppress(HttpRefused):  # the keys of sync by USB stick; older servers have none
            from fieldapp.sync.bundle import remember_server_keys  # its cryptography, when needed

            remember_server_keys(self.store, http.get("/v1/bundle-keys"))
        with contextlib.suppress(HttpRefused):  # premium rule files, signed (issue 14); older servers: 404
            rules = rule_files.take(self.store, http.get("/v1/rules").get("files"), via="sync")
            result.rules_added, result.rules_refused = rules.added, rules.refused
        yield from self._compare_counts(http, result, cancelled)
        result.finished_at = self._clock()
        storage.set_last_ok(self.store, result.finished_at)
        result.update = updates.note_newest(self.store, http)  # a newer installer on the server

    # --- push ------------------------------------------------------------------------------------

    def _push(self, http: Transport, result: SyncResult, cancelled: Callable[[], bool]) -> Generator[Progress]:
        """Batches oldest first. The next batch is made (without the records still in flight) while one is
        at the server, and sent as soon as that one's answer is in, before that answer is settled here: the
        server's order is kept and the laptop's own work overlaps the server's."""
        rounds = 0
        limit = sync_counts.waiting(self.store).pending + 10_000  # ops made while syncing go too, within reason
        batch = sync_push.next_batch(self.store, self.push_batch)
        if not batch:
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-push") as pool:
            flight = pool.submit(self._post, http, batch)
            while rounds < limit:
                rounds += 1
                nxt = sync_push.next_batch(self.store, self.push_batch, exclude=batch)
                try:
                    answer: dict[str, Any] | None = flight.result()
                except HttpRefused as exc:
                    _parkable(exc)
                    answer = None
                flight = pool.submit(self._post, http, nxt) if nxt and answer is not None else None
                if answer is None:
                    self._send(http, batch, result)  # find the op the server refuses, with nothing in flight
                else:
                    self._settle(batch, answer, result)
                yield Progress("push", result.pushed, result.pulled)
                if cancelled():
                    if flight is not None:  # the server may have applied it: settle its answer first
                        with contextlib.suppress(HttpRefused, SyncError, SyncCancelled):
                            self._settle(nxt, flight.result(), result)
                    raise SyncCancelled()
                if not nxt:
                    nxt = sync_push.next_batch(self.store, self.push_batch)  # made meanwhile, or held back
                    if not nxt:
                        return
                if flight is None:
                    flight = pool.submit(self._post, http, nxt)
                batch = nxt

    @staticmethod
    def _post(http: Transport, ops: Sequence[sync_push.OutOp]) -> dict[str, Any]:
        return http.post("/v1/push", {"ops": [op.wire() for op in ops]})

    def _send(self, http: Transport, ops: Sequence[sync_push.OutOp], result: SyncResult) -> None:
        try:
            answer = self._post(http, ops)
        except HttpRefused as exc:
            _parkable(exc)
            if len(ops) > 1:  # find the op the server refuses: halves, down to one
                half = len(ops) // 2
                self._send(http, ops[:half], result)
                self._send(http, ops[half:], result)
                return
            log.warning("op %s (%s %s) refused: %s", ops[0].op_id, ops[0].op, ops[0].entity, exc)
            sync_push.park(self.store, ops[0], exc.code or f"http_{exc.status}", exc.status)
            result.new_rejected += 1
            return
        self._settle(ops, answer, result)

    def _settle(self, ops: Sequence[sync_push.OutOp], answer: dict[str, Any], result: SyncResult) -> None:
        results = answer.get("results")
        if not isinstance(results, list) or len(results) != len(ops):
            raise SyncError("sync.bad_answer", what="push")
        try:
            tally = sync_push.settle(self.store, ops, results)
        except ValueError as exc:
            log.error("push answer does not match: %s", exc)
            raise SyncError("sync.bad_answer", what="push") from exc
        result.pushed += tally.accepted
        result.new_conflicts += tally.conflicts
        result.new_rejected += tally.rejected

    # --- pull ------------------------------------------------------------------------------------

    def _pull(self, http: Transport, result: SyncResult, cancelled: Callable[[], bool]) -> Generator[Progress]:
        """Pages until `more` is false; the next pages are fetched and read while these are applied (the
        server's, the link's and the checks' time overlap the store's), and only applied pages move the
        stored cursor.

        A catch-up (a new laptop pulling its province: two million records) applies up to `PULL_GROUP`
        pages in one transaction with a larger page cache: each transaction rewrites every index page its
        rows touch (the registry's indexes on names and identifiers are written in random order), so ten
        pages together write those pages once instead of ten times. A sync with little to pull still applies
        its one page at once."""
        cursor = storage.settings(self.store).cursor
        # a first pull into an empty registry writes it without its secondary indexes (storage.indexes)
        deferred = cursor == 0 and indexes.defer_in(self.store)

        stop = threading.Event()  # the pull ended (an error, a cancel): the pages ahead are not wanted

        # Three stages a group apart, each on its own thread: the next pages are fetched (waiting on the
        # server and the link) while the pages before are read (checked, rows made) while the ones before
        # those are written here (SQLite lets go of the GIL).
        fetched = _fetched(http, cursor, self.pull_page, cancelled, stop)
        groups = ahead((
            (_read(pages), nxt, more) for pages, nxt, more in ahead(fetched, "sync-fetch")
        ), "sync-read")  # fmt: skip
        edited: dict[str, set[str]] = {}  # persons and sites edited elsewhere: their facts' rollup moves
        try:
            with self.store.large_cache():
                for group, nxt, more in groups:
                    if cancelled():
                        raise SyncCancelled()
                    tally = sync_pull.apply_read(self.store, group, nxt, own_device=self.store.device_id)
                    for entity, ids in group.edited.items():
                        edited.setdefault(entity, set()).update(ids)
                    result.pulled += tally.applied + tally.unparked
                    result.held += tally.held
                    result.candidates += tally.candidates
                    yield Progress("pull", result.pushed, result.pulled)
                    if not more:
                        break
        finally:
            stop.set()
            groups.close()  # type: ignore[attr-defined]
            if deferred:  # however the pull ended
                with self.store.large_cache():
                    indexes.build_in(self.store)
            tally_store.refresh_after_pull(self.store, edited)

    # --- counts ----------------------------------------------------------------------------------

    def _mismatch(self, http: Transport) -> dict[str, tuple[int, int]]:
        theirs = {k: int(v) for k, v in http.get("/v1/counts").get("counts", {}).items()}
        ours = sync_counts.local_counts(self.store, theirs)
        return {k: (ours[k], theirs[k]) for k in ours if ours[k] != theirs[k]}

    def _compare_counts(
        self, http: Transport, result: SyncResult, cancelled: Callable[[], bool]
    ) -> Generator[Progress]:
        yield Progress("counts", result.pushed, result.pulled)
        mismatched = self._mismatch(http)
        for _ in range(CATCH_UPS):  # others may have pushed since our pull: catch up first, while that brings more
            if not mismatched:
                break
            before = result.pulled
            yield from self._pull(http, result, cancelled)
            mismatched = self._mismatch(http)
            if result.pulled == before:
                break
        if mismatched:
            log.warning("counts differ after a pull (laptop, server): %s; pulling the scope again", mismatched)
            result.resync = True
            storage.mark_resync(self.store, True)
            yield Progress("resync", result.pushed, result.pulled)
            yield from self._pull(http, result, cancelled)
            storage.mark_resync(self.store, False)
            mismatched = self._mismatch(http)
            if mismatched:
                log.error("counts still differ after a full resync (laptop, server): %s", mismatched)
        elif storage.settings(self.store).resync:  # a resync a killed client left half done has finished
            storage.mark_resync(self.store, False)
        result.mismatched = mismatched


# 4xx answers to a push that are about what the ops hold: the op causing it is found and parked. Any other
# (404 from a wrong address or a proxy, 405, 403 other than a revocation) stops the sync instead: parking
# every op for it would hide them from the server for good.
PARKABLE = frozenset({400, 409, 413, 422})
# Pulls after a count mismatch before a full resync: other laptops pushing all along move the server's counts
# on between our last page and the count (a busy team on PostgreSQL with two workers needs one or two).
CATCH_UPS = 5


def _parkable(exc: HttpRefused) -> None:
    if exc.status not in PARKABLE:
        raise exc


def _lock_for(store: Store) -> threading.Lock:
    with _RUNNING_GUARD:
        return _RUNNING.setdefault(str(store.path), threading.Lock())


def _fetched(
    http: Transport, cursor: int, limit: int, cancelled: Callable[[], bool], stop: threading.Event
) -> Iterator[tuple[list[list[Any]], int, bool]]:
    """Groups of up to PULL_GROUP pages from the cursor on, as the server sent them (each page's changes,
    the last `next`, whether there is more), until `more` is false or `stop` is set."""
    since, more = cursor, True
    while more and not stop.is_set():
        pages: list[list[Any]] = []
        for _ in range(PULL_GROUP):
            page = http.get("/v1/pull", {"since": since, "limit": limit})
            part, nxt, more = page.get("changes"), page.get("next"), page.get("more")
            if not isinstance(part, list) or not isinstance(nxt, int) or nxt < since:
                raise SyncError("sync.bad_answer", what="pull")
            if more and nxt == since and not part:
                raise SyncError("sync.bad_answer", what="pull")
            pages.append(part)
            since, more = nxt, bool(more)
            if not more or cancelled() or stop.is_set():
                break
        yield pages, since, more


def _read(pages: list[list[Any]]) -> pulled.ReadPage:
    """A group's pages read (checked, rows made) as one, off the thread that writes them."""
    group = pulled.ReadPage()
    for part in pages:
        group.add(pulled.read_page(part))
    return group
