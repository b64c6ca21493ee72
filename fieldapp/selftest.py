"""`fieldapp --self-test`: check every part of an install and name the one that fails.

The Qt check runs in a child process, because a missing platform plugin aborts the process that
tries to load it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator

Check = tuple[str, bool, str]


def _resources() -> str:
    from fieldapp.domain import admin_units
    from fieldapp.domain.premiums import default_rules
    from fieldapp.i18n import catalog

    provinces, communes = len(admin_units.provinces()), len(admin_units.communes())
    if (provinces, communes) != (34, 3321):
        raise RuntimeError(f"admin units: {provinces} provinces, {communes} communes")
    if set(catalog("vi")) != set(catalog("en")):
        raise RuntimeError("message catalogs vi/en differ")
    default_rules()
    return f"{provinces} provinces, {communes} communes, rules, messages"


def _migrations() -> str:
    from fieldapp.storage.migrations import latest_version

    return f"schema {latest_version()}"


def _sqlcipher() -> str:
    from fieldapp.storage.driver import self_check

    return self_check()


def _key_wrapping() -> str:
    import secrets

    from fieldapp.storage.keystore import unwrap_key, wrap_key

    key = secrets.token_bytes(32)
    if unwrap_key(wrap_key(key, "self-test passphrase", "x"), "self-test passphrase", "x") != key:
        raise RuntimeError("unwrapped a different key")
    return "Argon2id + AES-256-GCM"


def _keyring() -> str:
    from fieldapp.storage.keystore import keyring_available

    if not keyring_available():
        return "no OS keyring here: the data key is protected by the team leader's passphrase"
    import keyring

    return f"OS keyring: {type(keyring.get_keyring()).__name__}"


def _modules() -> str:
    """Import every module the laptop's app and commands use (the server's excepted: its own extra), so that a
    dependency missing from the laptop's install is named here and not at the first sync."""
    import importlib
    import pkgutil

    import fieldapp
    import ui

    names = [
        m.name
        for package in (fieldapp, ui)
        for m in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
        if not _skipped(m.name)
    ]
    for name in names:
        importlib.import_module(name)
    return f"{len(names)} modules of fieldapp and its window import"


# What a laptop's install does not carry: the central server's modules (the `server` extra) and the province
# report over the server's database (`fieldapp server report`); and `python -m fieldapp`, which would run.
SERVER_ONLY = ("fieldapp.server", "fieldapp.reports.server")


def _skipped(name: str) -> bool:
    return name == "fieldapp.__main__" or any(name == s or name.startswith(f"{s}.") for s in SERVER_ONLY)


def _qt_libraries() -> str:
    from fieldapp import qt_libraries

    if not sys.platform.startswith("linux"):
        return "not Linux: Qt carries its own"
    missing = qt_libraries.missing_in_closure()
    if missing is None:
        return "ldd is not available here: the libraries were not checked (Qt's own check below still runs)"
    if missing:
        raise RuntimeError(f"missing {', '.join(missing)}: sudo apt install {' '.join(qt_libraries.packages(missing))}")
    plugin = qt_libraries.xcb_plugin()
    return f"every library of {plugin.name} found" if plugin else "no xcb plugin in this install"


def _qt() -> str:
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
        raise RuntimeError((done.stderr or done.stdout).strip().splitlines()[-1:] or f"exit {done.returncode}")
    return done.stdout.strip()


VIETNAMESE = "Nguyễn Thị Hoà · Bưu điện tỉnh Hưng Yên · 1.263.600 ₫ · ỨỪỬỮỰ ẮẰẲẴẶ Đđ"


def _fonts() -> str:
    from reportlab.pdfbase import pdfmetrics

    from fieldapp.printing import fonts

    fonts.register()
    for name in (fonts.REGULAR, fonts.BOLD, fonts.ITALIC):
        face = pdfmetrics.getFont(name).face
        missing = [c for c in VIETNAMESE if c != " " and ord(c) not in face.charToGlyph]
        if missing:
            raise RuntimeError(f"{name} lacks {''.join(missing)}")
    return f"{fonts.REGULAR} (regular, bold, italic): every Vietnamese glyph"


def _qr() -> str:
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
        raise RuntimeError(f"made a QR and read back {found!r}")
    return f"{len(rows)} × {len(rows)} QR made and read back"


def _pdf() -> str:
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
        raise RuntimeError("the PDF rendered blank")
    return f"ReportLab wrote a page, PDFium rendered it ({len(buffer.getvalue())} bytes, {dark} dark pixels)"


def _printing() -> str:
    """The OS printing system Qt prints through, and the ESC/POS driver for thermal printers."""
    import escpos.printer  # noqa: F401  (USB, serial, network, file backends)

    if sys.platform == "win32":
        import ctypes

        ctypes.WinDLL("winspool.drv")
        return "Windows spooler (winspool.drv); ESC/POS driver"
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("cups") or "libcups.so.2"
    try:
        cups = ctypes.CDLL(name)
    except OSError as exc:
        raise RuntimeError(f"CUPS ({name}) cannot be loaded: install libcups2 to print ({exc})") from exc
    dests = ctypes.c_void_p()
    count = cups.cupsGetDests(ctypes.byref(dests))
    cups.cupsFreeDests(count, dests)
    return f"CUPS ({name}): {count} printer(s); ESC/POS driver"


def _profile() -> str:
    from fieldapp.profile import installed_profile, installed_profile_path

    path = installed_profile_path()
    if path is None:
        return "no province profile (a source tree): built-in defaults"
    profile = installed_profile()
    assert profile is not None
    return f"province {profile.province}, {profile.organisation}, server {profile.server_url}"


# Each check's name is also its message key (selftest.<name> in resources/messages): what a member reads.
CHECKS: tuple[tuple[str, Callable[[], str]], ...] = (
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


def run_self_test() -> Iterator[Check]:
    for name, check in CHECKS:
        try:
            yield name, True, check()
        except Exception as exc:  # the point is to name the failing part, whatever it raised
            yield name, False, f"{type(exc).__name__}: {exc}"


def print_self_test(lang: str) -> bool:
    """`fieldapp --self-test`: each part, its outcome in the member's language, and the details for IT;
    whether every part works."""
    from fieldapp.i18n import t

    ok = True
    for name, passed, detail in run_self_test():
        ok &= passed
        print(f"[{t('selftest.ok' if passed else 'selftest.fail', lang)}] {t(f'selftest.{name}', lang)}: {detail}")
    return ok
