"""A page of the feed is planned for its own values on PostgreSQL (issue 15: province scale): the generic
plan psycopg's prepared statement gets after five pages read the feed in position order and filtered on the
scope, so a team's pull of a province of 1.9 million records scanned every record past its cursor (1.3 s a
page) where the scope's index answers in a millisecond."""

from __future__ import annotations

import sqlalchemy as sa

from fieldapp.server import admin
from fieldapp.server.push import Device


def test_every_page_is_planned_for_its_values_and_the_setting_ends_with_it(pg_cluster):
    store = admin.open_store(pg_cluster.new_database())
    seen: list[str] = []

    def after(conn, cursor, statement, params, context, executemany):
        if "FROM records" in statement and "ORDER BY" in statement:
            seen.append(cursor.connection.execute("SHOW plan_cache_mode").fetchone()[0])

    sa.event.listen(store.engine, "after_cursor_execute", after)
    try:
        for role in ("team", "province"):
            device = Device("d1", "t1", "33", role)
            for since in range(8):  # past psycopg's prepare threshold (5)
                assert store.pull(device, since, 10).rows == []
        assert seen == ["force_custom_plan"] * 16
        with store.engine.connect() as conn:  # SET LOCAL: nothing else runs with it
            assert conn.exec_driver_sql("SHOW plan_cache_mode").scalar() == "auto"
    finally:
        sa.event.remove(store.engine, "after_cursor_execute", after)
        store.close()
