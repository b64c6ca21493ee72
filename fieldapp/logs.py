"""The rotating log file in the data dir: where tracebacks go, instead of to a person.

Log records name ids and codes, never a person's name, citizen ID or phone number.
"""

from __future__ import annotations

import logging
import logging.handlers
import platform
import tempfile
from collections.abc import Sequence
from pathlib import Path

from fieldapp import __version__

_FORMAT = "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"
_handler: logging.Handler | None = None
_path: Path | None = None


def setup_logging(logs_dir: Path, level: int = logging.INFO) -> Path:
    """Send the `fieldapp` and `ui` loggers to logs_dir/fieldapp.log (1 MB x 5), or to the temp dir.

    A data dir on a read-only disk must not stop the app from explaining that it is read-only, so
    when the log cannot be created there it goes to the system's temp folder instead.
    """
    global _handler, _path  # noqa: PLW0603 - one log per process
    for candidate in (logs_dir, Path(tempfile.gettempdir()) / "fieldapp-logs"):
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                candidate / "fieldapp.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
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


def loggable(argv: Sequence[str]) -> list[str]:
    """The command line as the log keeps it: an enrolment code is a secret, in any spelling argparse takes
    (`--code C`, `--code=C`, `--cod C`)."""
    out, secret = [], False
    for arg in argv:
        name = arg.partition("=")[0]
        is_code = len(name) >= 4 and "--code".startswith(name)
        out.append("***" if secret else f"{name}=***" if is_code and "=" in arg else arg)
        secret = is_code and "=" not in arg
    return out
