"""`fieldapp --self-test`: check every part of an install and name the one that fails.

Each check says what it found as a message code under `selftest.detail` with its parameters, so that the
details read in the member's language like the parts' names and outcomes (issue 18, item 13); only what a
library or the OS itself says (an exception's text, a package name) stays as it was said.

The Qt check runs in a child process, because a missing platform plugin aborts the process that
tries to load it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

from fieldapp.errors import FieldappError

Check = tuple[str, bool, str]  # the part, whether it works, the details in the member's language
Said = tuple[str, dict[str, Any]]  # a message code and its parameters


def said(code: str, /, **params: Any) -> Said:
    return f"selftest.detail.{code}", params


class Failed(FieldappError):
    """A part that does not work, and what was found: a selftest.detail message."""

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(f"selftest.detail.{code}", **params)


def _resources() -> Said:
    from fieldapp.domain import admin_units
    from fieldapp.domain.premiums import default_rules
    from fieldapp.i18n import catalog

    provinces, communes = len(admin_units.provinces()), len(admin_units.communes())
    if (provinces, communes) != (34, 3321):
        raise Failed("admin_units", provinces=provinces, communes=communes)
    if set(catalog("vi")) != set(catalog("en")):
        raise Failed("catalogs")
    default_rules()
    return said("resources", provinces=provinces, communes=communes)


def _migrations() -> Said:
    from fieldapp.storage.migrations import latest_version

    return said("migrations", version=latest_version())


def _sqlcipher() -> Said:
    from fieldapp.storage.driver import self_check

    return said("sqlcipher", version=self_check())


def _key_wrapping() -> Said:
    import secrets

    from fieldapp.storage.keystore import unwrap_key, wrap_key

    key = secrets.token_bytes(32)
    if unwrap_key(wrap_key(key, "self-test passphrase", "x"), "self-test passphrase", "x") != key:
        raise Failed("key_wrapping_different")
    return said("key_wrapping")


def _keyring() -> Said:
    from fieldapp.storage.keystore import keyring_available

    if not keyring_available():
        return said("keyring_none")
    import keyring

    return said("keyring", name=type(keyring.get_keyring()).__name__)


def _modules() -> Said:
    """Import every module the laptop's app and commands use (the server's excepted: its own extra), so that a
    dependency missing from the laptop's install is named here and not at the first sync."""
    import importlib
    import pkgutil

    import fieldapp

    gui = importlib.import_module("ui")  # by name, as the `gui` command loads it: fieldapp never imports ui
    names = [
        m.name
        for package in (fieldapp, gui)
        for m in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
        if not _skipped(m.name)
    ]
    for name in names:
        importlib.import_module(name)
    return said("modules", count=len(names))


# What a laptop's install does not carry: the central server's modules (the `server` extra) and the province
# report over the server's database (`fieldapp server report`); and `python -m fieldapp`, which would run.
SERVER_ONLY = ("fieldapp.server", "fieldapp.reports.server")


def _skipped(name: str) -> bool:
    return name == "fieldapp.__main__" or any(name == s or name.startswith(f"{s}.") for s in SERVER_ONLY)


def _qt_libraries() -> Said:
    from fieldapp import qt_libraries

    if not sys.platform.startswith("linux"):
        return said("qt_libraries_not_linux")
    missing = qt_libraries.missing_in_closure()
    if missing is None:
        return said("qt_libraries_no_ldd")
    if missing:
        raise Failed(
            "qt_libraries_missing", libraries=", ".join(missing), packages=" ".join(qt_libraries.packages(missing))
        )
    plugin = qt_libraries.xcb_plugin()
    return said("qt_libraries", plugin=plugin.name) if plugin else said("qt_libraries_no_plugin")


def _qt() -> Said:
    """The child (ui.app.qt_self_test) prints its findings as JSON, said here in the member's language; what
    Qt says when it aborts is Qt's own."""
    command = (
        [sys.executable, "--self-test-qt"]
        if getattr(sys, "frozen", False)
        else [sys.executable, "-m", "fieldapp", "--self-test-qt"]
    )
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env, check=False)
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:]
        found = _json_line(last[0] if last else "")
        if "glyphs" in found:
            raise Failed("qt_glyphs", font=found.get("font", ""), glyphs=found["glyphs"])
        raise Failed("qt_failed", said=last[0] if last else f"exit {done.returncode}")
    found = _json_line(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "")
    return said("qt", platform=found.get("platform", "?"), font=found.get("font", "?"))


def _json_line(line: str) -> dict[str, str]:
    import json

    try:
        found = json.loads(line)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


VIETNAMESE = "Nguyễn Thị Hoà · Bưu điện tỉnh Hưng Yên · 1.263.600 ₫ · ỨỪỬỮỰ ẮẰẲẴẶ Đđ"


def _fonts() -> Said:
    from reportlab.pdfbase import pdfmetrics

    from fieldapp.printing import fonts

    fonts.register()
    for name in (fonts.REGULAR, fonts.BOLD, fonts.ITALIC):
        face = pdfmetrics.getFont(name).face
        missing = [c for c in VIETNAMESE if c != " " and ord(c) not in face.charToGlyph]
        if missing:
            raise Failed("fonts_missing", font=name, glyphs="".join(missing))
    return said("fonts", font=fonts.REGULAR)


def _qr() -> Said:
    import zxingcpp

    from fieldapp.printing import qr

    text = "BL1:SELFTEST-0123456789"
    rows = qr.matrix(text)
    scale, quiet = 4, 4
    size = (len(rows) + 2 * quiet) * scale
    from PIL import Image

    image = Image.new("L", (size, size), 255)
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                image.paste(
                    0, ((x + quiet) * scale, (y + quiet) * scale, (x + quiet + 1) * scale, (y + quiet + 1) * scale)
                )
    found = [r.text for r in zxingcpp.read_barcodes(image)]
    if found != [text]:
        raise Failed("qr_misread", found=repr(found))
    return said("qr", size=len(rows))


def _pdf() -> Said:
    import io

    from reportlab.pdfgen.canvas import Canvas

    from fieldapp.printing import fonts, raster

    fonts.register()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(300, 100))
    c.setFont(fonts.REGULAR, 14)
    c.drawString(10, 50, VIETNAMESE[:30])
    c.showPage()
    c.save()
    page = next(raster.pages(buffer.getvalue(), dpi=72))
    dark = sum(1 for v in page.getdata() if v < 128)
    if dark < 50:
        raise Failed("pdf_blank")
    return said("pdf", size=len(buffer.getvalue()), dark=dark)


def _printing() -> Said:
    """The OS printing system Qt prints through, and the ESC/POS driver for thermal printers."""
    import escpos.printer  # noqa: F401  (USB, serial, network, file backends)

    if sys.platform == "win32":
        import ctypes

        ctypes.WinDLL("winspool.drv")
        return said("printing_windows")
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("cups") or "libcups.so.2"
    try:
        cups = ctypes.CDLL(name)
    except OSError as exc:
        raise Failed("printing_no_cups", library=name, error=str(exc)) from exc
    dests = ctypes.c_void_p()
    count = cups.cupsGetDests(ctypes.byref(dests))
    cups.cupsFreeDests(count, dests)
    return said("printing", library=name, count=count)


def _profile() -> Said:
    from fieldapp.domain.profile import installed_profile, installed_profile_path

    path = installed_profile_path()
    if path is None:
        return said("profile_none")
    profile = installed_profile()
    assert profile is not None
    return said("profile", province=profile.province, organisation=profile.organisation, server=profile.server_url)


# Each check's name is also its message key (selftest.<name> in resources/messages): what a member reads.
CHECKS: tuple[tuple[str, Callable[[], Said]], ...] = (
    ("resources", _resources),
    ("migrations", _migrations),
    ("sqlcipher", _sqlcipher),
    ("key_wrapping", _key_wrapping),
    ("keyring", _keyring),
    ("fonts", _fonts),
    ("qr", _qr),
    ("pdf", _pdf),
    ("printing", _printing),
    ("profile", _profile),
    ("modules", _modules),
    ("qt_libraries", _qt_libraries),
    ("qt", _qt),
)


def run_self_test(lang: str) -> Iterator[Check]:
    from fieldapp.i18n import t

    for name, check in CHECKS:
        try:
            code, params = check()
            yield name, True, t(code, lang, **params)
        except FieldappError as exc:
            yield name, False, t(exc.code, lang, **exc.params)
        except Exception as exc:  # the point is to name the failing part, whatever it raised
            yield name, False, t("selftest.detail.error", lang, error=f"{type(exc).__name__}: {exc}")


def print_self_test(lang: str) -> bool:
    """`fieldapp --self-test`: each part, its outcome and what was found, in the member's language; whether
    every part works."""
    from fieldapp.i18n import t

    ok = True
    for name, passed, detail in run_self_test(lang):
        ok &= passed
        print(f"[{t('selftest.ok' if passed else 'selftest.fail', lang)}] {t(f'selftest.{name}', lang)}: {detail}")
    return ok
