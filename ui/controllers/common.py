"""What the controllers share."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QWidget

from fieldapp.domain.formats import format_datetime
from fieldapp.errors import FieldappError
from fieldapp.i18n import t
from fieldapp.services.team import SignIn, SignInResult
from ui.tasks import Tasks

REFUSED_STYLE = "color: #c62828;"


def show_refusal(label: QLabel, lang: str, tasks: Tasks, before: Callable[[], None] | None = None):
    """An error handler for a task run from a dialog: a refusal is said in the dialog, a bug goes to the log."""

    def handle(exc: BaseException) -> None:
        if before is not None:
            before()
        if isinstance(exc, FieldappError):
            label.setStyleSheet(REFUSED_STYLE)
            label.setText(t(exc.code, lang, **exc.params))
        else:
            tasks.report(exc)

    return handle


def sign_in_refusal(result: SignInResult, lang: str) -> str | None:
    """Why a PIN did not sign the member in (None when it did)."""
    if result.outcome is SignIn.OK:
        return None
    if result.outcome is SignIn.WRONG:
        return t("pin.wrong", lang, remaining=result.remaining)
    if result.outcome is SignIn.LOCKED:
        return t("pin.locked", lang, until=format_datetime(result.locked_until))
    if result.outcome is SignIn.NO_KEY:
        return t("pin.no_key", lang)
    return t("pin.no_pin", lang)


def say_in_status_bar(window: QWidget, text: str, milliseconds: int) -> None:
    """A short word in the main window's status bar (a save, a print): where a dialog has closed and a box
    to dismiss would be one more step. Nothing where the controller's parent has no status bar (a test's)."""
    status = getattr(window, "statusBar", None)
    if status is not None:
        status().showMessage(text, milliseconds)
