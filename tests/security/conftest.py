"""The real-server harness of tests/sync (a `fieldapp server run` process, laptops with real encrypted
data dirs) for the security tests that need a server; `backend` picks SQLite or PostgreSQL."""

from tests.server.conftest import pg_cluster  # noqa: F401 (a fixture)
from tests.sync.conftest import laptops, server  # noqa: F401 (fixtures)
