"""The server's settings and where its data lives when no database URL is given."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from fieldapp.paths import default_data_dir

API_VERSION = "v1"
MAX_BODY = 8 * 1024 * 1024  # bytes of one request body (docs/sync-api.md)
MAX_OPS = 500  # ops in one push
MAX_PULL = 2000  # changes in one pull page
CODE_VALID = timedelta(days=7)  # an enrolment code
LAST_SEEN_EVERY = timedelta(seconds=60)  # `last_seen` is written at most this often per device

# What `server run` hands to the workers it starts (uvicorn imports the app by name in each).
ENV_DATABASE_URL = "FIELDAPP_SERVER_DATABASE_URL"


@dataclass(frozen=True)
class Settings:
    max_body: int = MAX_BODY
    max_ops: int = MAX_OPS
    max_pull: int = MAX_PULL
    code_valid: timedelta = CODE_VALID
    last_seen_every: timedelta = LAST_SEEN_EVERY
    migrate: bool = True  # bring the schema up to date when the app starts
    # The secret the teams' PIN keys derive from (fieldapp/server/pins.py); None: read (or made) at start.
    pin_secret: bytes | None = field(default=None, repr=False)


def server_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """`<data dir>/server`: the laptop data dir's rules (--data-dir, FIELDAPP_DATA_DIR, the OS default)."""
    root = Path(data_dir).expanduser() if data_dir else default_data_dir()
    return root / "server"


def default_database_url(data_dir: str | os.PathLike[str] | None = None) -> str:
    return f"sqlite:///{server_dir(data_dir) / 'server.db'}"
