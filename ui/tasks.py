"""Database work off the GUI thread (Anki's taskman, Picard's run_task).

One worker thread owns every call to the store, so the GUI never blocks on disk and the connection
is never used from two threads. Results come back to the GUI thread through a queued signal; a
`synchronous` runner does the work inline for tests of logic that need no thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

OnDone = Callable[[Any], None]
OnError = Callable[[BaseException], None]


class Tasks(QObject):
    _finished = Signal(object)

    def __init__(self, on_error: OnError, *, synchronous: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_error = on_error
        self._synchronous = synchronous
        self._executor = None if synchronous else ThreadPoolExecutor(max_workers=1, thread_name_prefix="db")
        self._finished.connect(self._deliver)
        self.pending = 0

    def run(self, work: Callable[[], Any], on_done: OnDone | None = None, on_error: OnError | None = None) -> None:
        """Run `work` on the database thread; call `on_done(result)` or `on_error(exc)` on the GUI thread."""
        self.pending += 1
        if self._executor is None:
            future: Future = Future()
            try:
                future.set_result(work())
            except BaseException as exc:
                future.set_exception(exc)
            self._deliver((future, on_done, on_error))
            return
        future = self._executor.submit(work)
        future.add_done_callback(lambda f: self._finished.emit((f, on_done, on_error)))

    def _deliver(self, payload: tuple[Future, OnDone | None, OnError | None]) -> None:
        future, on_done, on_error = payload
        self.pending -= 1
        exc = future.exception()
        if exc is not None:
            (on_error or self._on_error)(exc)
        elif on_done is not None:
            on_done(future.result())

    def report(self, exc: BaseException) -> None:
        """Show an error the way every failed task is shown (a short message; the details in the log)."""
        self._on_error(exc)

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=False)

    def owned(self) -> OwnedTasks:
        """This runner for one controller that may be shut down while its work is still on the thread."""
        return OwnedTasks(self)


class OwnedTasks:
    """A controller's view of a shared `Tasks`: once `close()`d (the controller shut down, its window
    rebuilt for another language) the results of work it started are dropped, not delivered to widgets
    that are gone. The work itself still runs: a save is not undone."""

    def __init__(self, tasks: Tasks) -> None:
        self._tasks = tasks
        self.closed = False

    @property
    def pending(self) -> int:
        return self._tasks.pending

    def run(self, work: Callable[[], Any], on_done: OnDone | None = None, on_error: OnError | None = None) -> None:
        def done(result: Any) -> None:
            if not self.closed and on_done is not None:
                on_done(result)

        def failed(exc: BaseException) -> None:
            if self.closed:
                log.info("a closed controller's task failed", exc_info=exc)
            else:
                (on_error or self._tasks.report)(exc)

        self._tasks.run(work, done, failed)

    def report(self, exc: BaseException) -> None:
        self._tasks.report(exc)

    def owned(self) -> OwnedTasks:
        return self

    def close(self) -> None:
        self.closed = True


def beside(work: Callable[[], Any], name: str) -> None:
    """Run `work` on a thread of its own beside the database thread, for reads that use a connection of their
    own (Store.side_reader) and whose result nobody waits for; a failure goes to the log only."""

    def run() -> None:
        try:
            work()
        except Exception:
            log.warning("background work %s failed", name, exc_info=True)

    threading.Thread(target=run, name=name, daemon=True).start()
