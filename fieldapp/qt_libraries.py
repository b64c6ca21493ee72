"""The system libraries Qt's X11 platform plugin needs on Linux, named before Qt is loaded.

PySide6's wheels carry Qt but not the X libraries its `xcb` plugin links to; where one is missing (a
fresh Debian or Ubuntu often lacks libxcb-cursor0, libxcb-icccm4 or libxcb-keysyms1), Qt aborts the process
(SIGABRT) with its own English message. Before Qt loads, `fieldapp gui` opens each library of the table
below (`missing_now`: Qt loads every one of them at its start anyway, so this costs the start nothing), and
`fieldapp --self-test` asks the dynamic linker about the plugin's whole closure (`ldd`, a fifth of a second);
both say which packages to install. Qt-free: nothing here imports PySide6's modules.
"""

from __future__ import annotations

import ctypes
import importlib.util
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

log = logging.getLogger(__name__)

# The Debian/Ubuntu package of each library the xcb plugin (and Qt's GUI module) loads; README "Set up".
PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}


def uses_xcb(environ: os._Environ[str] | dict[str, str] | None = None) -> bool:
    """Whether Qt will load its X11 plugin here: Linux, an X display, no other platform asked for."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return False
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0] == "xcb"
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def xcb_plugin() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    plugin = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.is_file() else None


def missing_now() -> list[str]:
    """The libraries of the table that cannot be loaded here (their sonames), sorted; [] off Linux, or when Qt
    will not use X11."""
    if not uses_xcb() or xcb_plugin() is None:
        return []
    missing = []
    for soname in PACKAGES:
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append(soname)
    return sorted(missing)


def missing_in_closure() -> list[str] | None:
    """Every library the xcb plugin needs, directly or not, that the dynamic linker cannot find (`ldd`);
    [] where there is no plugin; None where ldd cannot be run (the caller says it could not check)."""
    plugin = xcb_plugin()
    if plugin is None or not sys.platform.startswith("linux"):
        return []
    ldd = shutil.which("ldd") or next((p for p in ("/usr/bin/ldd", "/bin/ldd") if os.path.exists(p)), None)
    if ldd is None:
        return None
    try:
        done = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("ldd could not be run on %s: %s", plugin, exc)
        return None
    return not_found(done.stdout)


def not_found(ldd_output: str) -> list[str]:
    """The sonames `ldd` printed as `libfoo.so.1 => not found`."""
    return sorted({line.split()[0] for line in ldd_output.splitlines() if "=> not found" in line})


def packages(sonames: list[str]) -> list[str]:
    """The packages to install for these libraries (the soname itself where the table has none)."""
    return sorted({PACKAGES.get(name, name) for name in sonames})
