"""What a sync can end with besides success. Every `SyncError` is a message the member reads (CLI exit 1:
nothing on the laptop is lost or changed for the worse; the next sync goes on from where this one stopped)."""

from __future__ import annotations

from fieldapp.errors import InputRefused


class SyncError(InputRefused):
    """sync.offline, sync.enrol_again, sync.revoked, sync.not_enrolled, sync.code_*, sync.refused, ..."""


class SyncCancelled(Exception):
    """The member cancelled; everything done so far is kept and the next sync resumes."""


class HttpRefused(Exception):
    """A 4xx answer other than the token and revocation ones: the server refused this request."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(f"HTTP {status} {code}")
        self.status = status
        self.code = code
