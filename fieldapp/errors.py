"""Errors the user sees as a message in their language, with the CLI exit code they map to.

The core raises these with a message code and parameters; the CLI and the GUI translate the code
(`fieldapp.i18n.t`). Anything else that escapes is a bug: it goes to the log, never to a person.
"""

from __future__ import annotations

from typing import Any


class FieldappError(Exception):
    """Base class: `code` names a message in resources/messages/*.toml."""

    exit_code = 1

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:  # for logs: the code and its parameters, never translated
        extra = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.code}({extra})" if extra else self.code


class InputRefused(FieldappError):
    """The input was refused; nothing was changed (exit 1)."""

    exit_code = 1


class Forbidden(InputRefused):
    """The acting member's role does not allow this (fieldapp.domain.permissions); nothing was changed (exit 1)."""


class UsageError(FieldappError):
    """The command was called wrongly, or is not available in this version (exit 2)."""

    exit_code = 2


class StoreUnavailable(FieldappError):
    """The data dir or database cannot be used: locked, corrupt, newer than the app, no key (exit 3)."""

    exit_code = 3


class WrongPassphrase(StoreUnavailable):
    """The passphrase does not unlock the key; the GUI asks again."""


class NeedPassphrase(StoreUnavailable):
    """No keyring entry and no passphrase given: the GUI asks for one, the CLI exits 3."""
