"""What the controllers share."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel

from fieldapp.errors import FieldappError
from fieldapp.i18n import t
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
