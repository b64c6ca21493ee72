"""The server's one owner of the database: `ServerStore`, and every query (SQLAlchemy Core) in the modules
of its data layer: the engine and migrations (store_db), the change feed (store_feed), a push's reads and
writes (store_push, store_push_writes), devices and teams (store_devices), bundles (store_bundle), rule
files (store_rules), installers (store_installers) and the province's report (store_reports). Nothing
outside these modules (and schema.py, migrations/) writes SQL or imports SQLAlchemy
(tests/server/test_layers.py)."""

from __future__ import annotations

from fieldapp.server.store_db import (
    MIGRATIONS,
    SchemaTooNew,
    engine_url,
    make_engine,
    migrate,
    schema_revision,
    utcnow,
)
from fieldapp.server.store_devices import Devices, EnrolRefused
from fieldapp.server.store_feed import CLEAR_EVERY, Page
from fieldapp.server.store_push_writes import PushWrites

__all__ = [
    "CLEAR_EVERY",
    "MIGRATIONS",
    "EnrolRefused",
    "Page",
    "SchemaTooNew",
    "ServerStore",
    "engine_url",
    "make_engine",
    "migrate",
    "schema_revision",
    "utcnow",
]


class ServerStore(PushWrites, Devices):
    """The database of one server: its engines (store_db.Database), the feed (store_feed.Feed), pushes
    (store_push_writes.PushWrites), devices and teams (store_devices.Devices)."""
