"""An httpx transport that breaks the link between a laptop and a real server, the way mobile links break.

Each request, drawn from a seeded random generator: dropped before it leaves (connect error), delayed,
sent twice (the server sees the same ops again), preceded by a replay of an earlier request (an old push
arriving late: reordering), cut after the server has done the work (the answer never comes back, or comes
back truncated), or passed through.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx


@dataclass
class Faults:
    drop: float = 0.0
    delay: float = 0.0
    duplicate: float = 0.0
    replay: float = 0.0
    cut: float = 0.0  # the server got it and answered; the answer is lost (or arrives cut short)
    max_delay: float = 0.02
    seed: int = 0
    seen: Counter = field(default_factory=Counter)


class FaultyTransport(httpx.BaseTransport):
    def __init__(self, faults: Faults, inner: httpx.BaseTransport | None = None) -> None:
        self.faults = faults
        self.inner = inner or httpx.HTTPTransport()
        self.rng = random.Random(faults.seed)
        self.sent: list[tuple[str, str, bytes, dict]] = []
        self._lock = threading.Lock()

    def _chance(self, p: float) -> bool:
        return p > 0 and self.rng.random() < p

    def _forward(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        return response

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        f = self.faults
        with self._lock:
            body = request.read()
            if self._chance(f.drop):
                f.seen["drop"] += 1
                raise httpx.ConnectError("dropped by the fault injector", request=request)
            if self._chance(f.delay):
                f.seen["delay"] += 1
                time.sleep(self.rng.uniform(0, f.max_delay))
            if self.sent and self._chance(f.replay):
                f.seen["replay"] += 1
                method, url, old_body, headers = self.rng.choice(self.sent)
                self._forward(httpx.Request(method, url, content=old_body, headers=headers))
            self.sent.append((request.method, str(request.url), body, dict(request.headers)))
            if len(self.sent) > 200:
                del self.sent[:100]
            if self._chance(f.duplicate):
                f.seen["duplicate"] += 1
                self._forward(httpx.Request(request.method, request.url, content=body, headers=request.headers))
            response = self._forward(httpx.Request(request.method, request.url, content=body, headers=request.headers))
            if self._chance(f.cut):
                f.seen["cut"] += 1
                if self.rng.random() < 0.5:
                    raise httpx.ReadError("connection cut mid-answer", request=request)
                content = response.content[: self.rng.randrange(0, max(1, len(response.content)))]
                return httpx.Response(response.status_code, content=content, request=request)
            return httpx.Response(
                response.status_code, headers=response.headers, content=response.content, request=request
            )

    def close(self) -> None:
        self.inner.close()
