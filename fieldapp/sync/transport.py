"""HTTP to the central server (docs/sync-api.md) with httpx: timeouts, and retries with exponential
backoff and full jitter on network errors, timeouts, cut answers and 5xx. A 4xx is never retried: it is
the server's answer, turned into a `SyncError` the user can act on, or an `HttpRefused` the engine deals
with (it parks the op that caused it).

`transport` takes any httpx transport, so tests put a fault-injecting one between the client and a real
server (tests/sync/faults.py).
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fieldapp import __version__
from fieldapp.sync.errors import HttpRefused, SyncCancelled, SyncError

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

# httpx is imported when a sync or an update check first talks to the server, not when the app starts: with
# what it brings (ssl, email, the console libraries of its command line) it is a fifth of the start's files.


def default_timeout() -> httpx.Timeout:
    import httpx

    return httpx.Timeout(60.0, connect=10.0)


ENV_ATTEMPTS = "FIELDAPP_SYNC_ATTEMPTS"  # a 500-op push on a slow mobile link takes seconds


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6  # in all, so five retries: about a minute of waiting at most with the defaults
    base: float = 0.5  # seconds before the first retry (at most: full jitter draws between 0 and this)
    cap: float = 20.0

    @classmethod
    def default(cls) -> RetryPolicy:
        """The policy, with FIELDAPP_SYNC_ATTEMPTS (a script that wants to give up sooner, tests) applied."""
        attempts = os.environ.get(ENV_ATTEMPTS, "")
        return cls(attempts=max(1, int(attempts))) if attempts.isdigit() else cls()

    def delay(self, attempt: int, rng: random.Random) -> float:
        return rng.uniform(0, min(self.cap, self.base * 2**attempt))


class Transport:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        cancelled: Callable[[], bool] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.retry = retry or RetryPolicy.default()
        self._sleep = sleep
        self._cancelled = cancelled or (lambda: False)
        self._rng = rng or random.Random()
        self.retries = 0  # how many requests were sent again, for the report
        import httpx

        self._transport_error = httpx.TransportError
        self._client = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            timeout=timeout or default_timeout(),
            headers={"User-Agent": f"fieldapp/{__version__}"},
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: dict[str, Any], *, auth: bool = True) -> dict[str, Any]:
        return self.request("POST", path, body=body, auth=auth)

    def request(
        self, method: str, path: str, *, body: Any = None, params: dict[str, Any] | None = None, auth: bool = True
    ) -> dict[str, Any]:
        """One call, sent again (the same bytes) until it gets an answer; the answer's JSON object."""
        headers = {"Content-Type": "application/json"}
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        content = None if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        last: str = ""
        for attempt in range(self.retry.attempts):
            if attempt:
                self.retries += 1
                pause = self.retry.delay(attempt - 1, self._rng)
                log.info("%s %s: %s; retry %d in %.2f s", method, path, last, attempt, pause)
                self._sleep(pause)
            if self._cancelled():
                raise SyncCancelled()
            try:
                response = self._client.request(method, path, content=content, params=params, headers=headers)
            except self._transport_error as exc:  # connect, timeout, cut mid-answer, protocol
                last = f"{type(exc).__name__}: {exc}"
                continue
            status = response.status_code
            if status >= 500 or status in (408, 429):
                last = f"HTTP {status}"
                continue
            try:
                data = response.json()
            except ValueError:
                last = f"HTTP {status} with a body that is not JSON (cut?)"
                continue
            if status < 300:
                if not isinstance(data, dict):
                    last = "answer is not a JSON object"
                    continue
                return data
            raise _refusal(status, data)
        log.warning("%s %s gave up after %d attempts: %s", method, path, self.retry.attempts, last)
        raise SyncError("sync.offline", server=self.base_url)


def _refusal(status: int, data: Any) -> Exception:
    detail = data.get("detail") if isinstance(data, dict) else None
    code = detail.get("code") if isinstance(detail, dict) else None
    if status == 401 and code in (None, "token_unknown"):
        return SyncError("sync.enrol_again")
    if status == 403 and code == "device_revoked":
        return SyncError("sync.revoked")
    return HttpRefused(status, code or "")
