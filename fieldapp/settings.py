"""Settings of a laptop, declared once with type, default and label (Electrum's ConfigVar idea).

They live in the data dir's settings.json (plain JSON, no secrets, no pickles) so the lock screen can
use the language, theme and font size before the encrypted store is open.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from fieldapp.outputs import write_private

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    type: type
    default: T
    label: str  # message code in resources/messages
    choices: tuple[T, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None

    def coerce(self, value: Any) -> T:
        """The stored value if it is valid, else the default (a hand-edited file never breaks start-up)."""
        if self.type is bool and isinstance(value, bool):
            ok = True
        elif self.type is int and isinstance(value, int) and not isinstance(value, bool):
            ok = (self.minimum is None or value >= self.minimum) and (self.maximum is None or value <= self.maximum)
        else:
            ok = isinstance(value, self.type) and self.type not in (bool, int)
        if ok and self.choices is not None and value not in self.choices:
            ok = False
        return value if ok else self.default


LANGUAGE = Setting("language", str, "vi", "settings.language", choices=("vi", "en"))
THEME = Setting("theme", str, "normal", "settings.theme", choices=("normal", "high_contrast"))
FONT_SCALE = Setting("font_scale", int, 100, "settings.font_scale", choices=(100, 115, 130, 150, 175))
IDLE_LOCK_MINUTES = Setting("idle_lock_minutes", int, 5, "settings.idle_lock", minimum=1, maximum=240)
# minutes between background syncs while signed in (ui.controllers.sync; failures back off from it)
SYNC_INTERVAL_MINUTES = Setting("sync_interval_minutes", int, 5, "settings.sync_interval", minimum=1, maximum=240)
PIN_MAX_FAILURES = Setting("pin_max_failures", int, 5, "settings.pin_max_failures", minimum=3, maximum=10)
PIN_LOCK_MINUTES = Setting("pin_lock_minutes", int, 5, "settings.pin_lock_minutes", minimum=1, maximum=120)
# the receipt's paper (fieldapp.printing.receipt.LAYOUTS), where it goes, and the folder for saved PDFs
RECEIPT_LAYOUT = Setting("receipt_layout", str, "a5", "settings.receipt_layout", choices=("a5", "a4", "80mm", "58mm"))
RECEIPT_DESTINATION = Setting(
    "receipt_destination", str, "printer", "settings.receipt_destination", choices=("printer", "ask", "pdf", "escpos")
)
RECEIPT_FOLDER = Setting("receipt_folder", str, "", "settings.receipt_folder")  # "" is Documents/fieldapp
# an ESC/POS thermal printer's address (fieldapp.printing.escpos): usb:VID:PID, serial:…, file:…, tcp:…
RECEIPT_THERMAL_PRINTER = Setting("receipt_thermal_printer", str, "", "settings.receipt_thermal_printer")
# Seeded from the province profile on a fresh data dir (fieldapp.domain.profile.seed_settings); not on the screen.
PRINTER_NAME = Setting("printer_name", str, "", "settings.printer_name")  # "" is the system's default printer
SERVER_URL = Setting("server_url", str, "", "settings.server_url")  # the province's server, for enrolment
RECEIPT_PREFIX = Setting("receipt_prefix", str, "", "settings.receipt_prefix")
ORGANISATION_NAME = Setting("organisation_name", str, "", "settings.organisation_name")
ORGANISATION_LOGO = Setting("organisation_logo", str, "", "settings.organisation_logo")  # a file in the data dir
PROFILE_PROVINCE = Setting("profile_province", str, "", "settings.profile_province")
# the main window's place, size and maximised state as Qt saves them (base64); not on the screen
WINDOW_GEOMETRY = Setting("window_geometry", str, "", "settings.window_geometry")
ALL: tuple[Setting[Any], ...] = (
    LANGUAGE,
    THEME,
    FONT_SCALE,
    IDLE_LOCK_MINUTES,
    SYNC_INTERVAL_MINUTES,
    PIN_MAX_FAILURES,
    PIN_LOCK_MINUTES,
    RECEIPT_LAYOUT,
    RECEIPT_DESTINATION,
    RECEIPT_FOLDER,
    RECEIPT_THERMAL_PRINTER,
)


class Settings:
    """Typed access to settings.json; unknown keys are kept so newer versions' settings survive."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._values: dict[str, Any] = {}
        self._overrides: dict[str, Any] = {}  # this run's command-line choices, never saved
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self._values = loaded
        except FileNotFoundError:
            pass
        except (OSError, ValueError):
            log.warning("settings file %s unreadable; using defaults", path, exc_info=True)

    def get(self, setting: Setting[T]) -> T:
        if setting.key in self._overrides:
            return self._overrides[setting.key]
        return setting.coerce(self._values.get(setting.key, setting.default))

    def set(self, setting: Setting[T], value: T) -> None:
        if setting.coerce(value) != value:
            raise ValueError(f"{setting.key}: {value!r} is not allowed")
        self._values[setting.key] = value
        self._overrides.pop(setting.key, None)  # chosen on the Settings screen: it holds from now on
        self.save()

    def update(self, values: list[tuple[Setting[Any], Any]]) -> None:
        """Set several values and save once; a value the setting does not allow is left out."""
        for setting, value in values:
            if setting.coerce(value) == value:
                self._values[setting.key] = value
        self.save()

    def override(self, setting: Setting[T], value: T) -> None:
        """Use a value for this run only (a command-line choice), without saving it, even when another
        setting (the window's geometry on closing) is saved."""
        if setting.coerce(value) == value:
            self._overrides[setting.key] = value

    def save(self) -> None:
        text = json.dumps(self._values, ensure_ascii=False, indent=2)
        write_private(self.path, text.encode("utf-8"))
