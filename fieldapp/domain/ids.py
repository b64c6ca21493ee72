"""UUIDv7 record ids made on the device (RFC 9562, section 5.7).

Time-ordered, so new rows land at the end of B-tree indexes. Written here rather than taken from a
library because demo data must be reproducible: `IdFactory` accepts a clock and a seeded random
source, which uuid6 / uuid-utils do not.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable

_VERSION = 0x7 << 76
_VARIANT = 0x2 << 62


def format_uuid7(unix_ms: int, rand_a: int, rand_b: int) -> str:
    """The canonical text form of a UUIDv7 from its 48-bit time, 12-bit rand_a and 62-bit rand_b."""
    value = (
        (unix_ms & 0xFFFF_FFFF_FFFF) << 80
        | _VERSION
        | (rand_a & 0xFFF) << 64
        | _VARIANT
        | (rand_b & 0x3FFF_FFFF_FFFF_FFFF)
    )
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def uuid7_time_ms(uid: str) -> int:
    return int(uid.replace("-", "")[:12], 16)


class IdFactory:
    """Makes UUIDv7 ids that increase strictly within one factory, even within one millisecond."""

    def __init__(
        self,
        clock_ms: Callable[[], int] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._clock_ms = clock_ms or (lambda: time.time_ns() // 1_000_000)
        self._rng = rng
        self._last_ms = -1
        self._counter = 0
        self._lock = threading.Lock()
        self._random = b""  # the OS source read ahead (a bulk load makes hundreds of thousands of ids)
        self._at = 0

    def _bits(self) -> int:
        """73 random bits: 11 to start this millisecond's counter, 62 for rand_b."""
        if self._rng is not None:
            return self._rng.getrandbits(73)
        if self._at >= len(self._random):
            self._random, self._at = os.urandom(10 * 256), 0
        at = self._at
        self._at = at + 10
        return int.from_bytes(self._random[at : at + 10], "big") >> 7

    def __call__(self) -> str:
        with self._lock:
            now = self._clock_ms()
            bits = self._bits()
            if now > self._last_ms:
                self._last_ms = now
                self._counter = bits >> 62  # leave headroom in rand_a for this millisecond
            else:  # same millisecond or a clock that stepped back: keep counting from the last one
                self._counter += 1
                if self._counter > 0xFFF:
                    self._last_ms += 1
                    self._counter = 0
            return format_uuid7(self._last_ms, self._counter, bits & 0x3FFF_FFFF_FFFF_FFFF)


new_id = IdFactory()
