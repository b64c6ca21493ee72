"""The rotating log file in the data dir: where tracebacks go, instead of to a person.

Log records name ids and codes, never a person's name, citizen ID or phone number.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import platform
import tempfile
from pathlib import Path

from fieldapp import __version__
from fieldapp.outputs import FILE_MODE, private_folder, tighten

_FORMAT = "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"
_handler: logging.Handler | None = None
_path: Path | None = None


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """The log and its rotated copies readable by their owner only (0600, whatever the umask)."""

    def _open(self):  # type: ignore[override]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        tighten(Path(self.baseFilename))
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)


def _fallback_dir() -> Path:
    """The temp folder's log folder, one per user (a shared name could be another account's)."""
    suffix = f"-{os.getuid()}" if hasattr(os, "getuid") else ""
    return Path(tempfile.gettempdir()) / f"fieldapp-logs{suffix}"


def _own(folder: Path) -> bool:
    return not hasattr(os, "getuid") or folder.stat().st_uid == os.getuid()


def setup_logging(logs_dir: Path, level: int = logging.INFO) -> Path:
    """Send the `fieldapp` and `ui` loggers to logs_dir/fieldapp.log (1 MB x 5), or to the temp dir.

    A data dir on a read-only disk must not stop the app from explaining that it is read-only, so
    when the log cannot be created there it goes to the system's temp folder instead.
    """
    global _handler, _path  # noqa: PLW0603 - one log per process
    for candidate in (logs_dir, _fallback_dir()):
        try:
            private_folder(candidate)
            if not _own(candidate):
                continue
            handler = _PrivateRotatingFileHandler(
                candidate / "fieldapp.log",
                maxBytes=1_000_000,
                backupCount=5,
                encoding="utf-8",
                errors="backslashreplace",  # a path that is not text must not stop the log
            )
            break
        except OSError:
            continue
    else:  # pragma: no cover - both the data dir and the temp dir refuse files
        handler = logging.NullHandler()  # type: ignore[assignment]
        candidate = logs_dir
    handler.setFormatter(logging.Formatter(_FORMAT))
    for name in ("fieldapp", "ui"):
        logger = logging.getLogger(name)
        if _handler is not None:
            logger.removeHandler(_handler)
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False
    if _handler is not None:
        _handler.close()
    _handler = handler
    _path = candidate / "fieldapp.log"
    # The first line of every run names the release, so a log sent in by IT says which version wrote it.
    logging.getLogger("fieldapp").info(
        "fieldapp %s, log opened (Python %s, %s)", __version__, platform.python_version(), platform.platform()
    )
    return _path


def log_path() -> Path | None:
    return _path
