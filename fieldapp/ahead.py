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

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def ahead(items: Iterable[T], name: str = "ahead") -> Iterator[T]:
    source = iter(items)

    def draw() -> tuple[bool, T | None]:
        for item in source:
            return True, item
        return False, None

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix=name) as pool:
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
