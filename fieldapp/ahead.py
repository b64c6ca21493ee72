"""An iterator's next item made on a thread of its own while the caller handles this one.

A bulk load (an import, demo data, a catch-up pull) has stages that wait on different things: the server
and the link, Python reading and checking records, SQLite writing them. SQLite's statements and the socket
let go of the GIL, so on two cores a stage one item ahead overlaps the stage after it. Chained, each stage
runs on its own thread: `ahead(read(page) for page in ahead(fetched()))`.

The items are made in order, one ahead: a failure making one reaches the caller when it asks for that
item, after the items before. A caller that stops early waits for the item under way, and the rest are
never made.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

# While stages run, a thread coming back from SQLite or the socket waits for the GIL at most this long
# (CPython's default is 5 ms): each part's insert, each page's answer, hands back to the stage after it
# sooner. Set while any stage runs, the default again when the last one ends.
SWITCH_INTERVAL = 0.0001
_running = [0, 0.0]  # stages running, the interval they found
_lock = threading.Lock()


@contextmanager
def _quick_handoffs() -> Iterator[None]:
    with _lock:
        if _running[0] == 0:
            _running[1] = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL)
        _running[0] += 1
    try:
        yield
    finally:
        with _lock:
            _running[0] -= 1
            if _running[0] == 0:
                sys.setswitchinterval(_running[1])


def ahead(items: Iterable[T], name: str = "ahead") -> Iterator[T]:
    source = iter(items)

    def draw() -> tuple[bool, T | None]:
        for item in source:
            return True, item
        return False, None

    with _quick_handoffs(), ThreadPoolExecutor(max_workers=1, thread_name_prefix=name) as pool:
        coming = pool.submit(draw)
        try:
            while True:
                more, item = coming.result()
                if not more:
                    return
                coming = pool.submit(draw)
                yield item  # type: ignore[misc]
        finally:
            coming.cancel()
