"""What a push reads is found through the primary keys on PostgreSQL whatever the table's statistics say
(issue 15: one 50-laptop load window in four to six collapsed to a few hundred ops/s with a 30 s p95).

The load run starts on a fresh database. When autovacuum analyses `records` while the laptops enrol (about a
hundred rows: teams, devices, members), the statistics say there are no persons, and stay so until its next
visit a minute later while the table grows by thousands of persons a second. Planned on those statistics, a
push's read of its records, `entity = 'persons' AND id IN (SELECT json_array_elements_text(...))`, expected
one person and became a nested loop over every person of the table against each of the batch's ids: 7 s at
100,000 persons, more than 30 s per push as the run went on (the bench's PostgreSQL log: every statement
over 2 s was that read). The statistics are made stale here by hand, so the plan that collapsed is offered
to the planner every time."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from psycopg import sql

from fieldapp.domain.ids import new_id
from fieldapp.protocol.ops import Op
from fieldapp.server import admin
from fieldapp.server import store_push as reads

PERSONS = 30_000
KEYS = 500


def _stale_statistics(store) -> None:
    """The bench's setup rows, analysed as autovacuum does during enrolment; then many persons, unanalysed."""
    with store.engine.connect() as conn:
        for table in ("records", "ops"):  # no visit of autovacuum in the middle of the test
            conn.exec_driver_sql(f"ALTER TABLE {table} SET (autovacuum_enabled = off)")
        conn.exec_driver_sql(
            "INSERT INTO records (entity, id, scope_team, scope_province, version, data, pos, updated_at) "
            "SELECT (ARRAY['teams', 'devices', 'members'])[1 + g %% 3], 'setup-' || g, '', '33', 1, '{}', g, 'now' "
            "FROM generate_series(1, 110) g"
        )
        conn.exec_driver_sql(
            "INSERT INTO ops (op_id, device_id, content_sha256, result, at) "
            "SELECT 'setup-op-' || g, 'd1', '', '{}', 'now' FROM generate_series(1, 10) g"
        )
        conn.commit()
        conn.exec_driver_sql("ANALYZE records")
        conn.exec_driver_sql("ANALYZE ops")
        conn.exec_driver_sql(
            "INSERT INTO records (entity, id, scope_team, scope_province, version, data, pos, updated_at) "
            f"SELECT 'persons', 'p-' || g, '', '33', 1, '{{}}', 1000 + g, 'now' FROM generate_series(1, {PERSONS}) g"
        )
        conn.exec_driver_sql(
            "INSERT INTO ops (op_id, device_id, content_sha256, result, at) "
            f"SELECT 'op-' || g, 'd1', 'sha', '{{}}', 'now' FROM generate_series(1, {PERSONS}) g"
        )
        conn.commit()


def _plan_rows(node: dict, table: str) -> tuple[int, int]:
    """(rows the scans of `table` gave, rows any node threw away) over the plan, times their loops."""
    loops = node.get("Actual Loops", 1)
    given = node["Actual Rows"] * loops if node.get("Relation Name") == table else 0
    dropped = sum(node.get(k, 0) for k in ("Rows Removed by Filter", "Rows Removed by Join Filter")) * loops
    for child in node.get("Plans", []):
        g, d = _plan_rows(child, table)
        given, dropped = given + g, dropped + d
    return given, dropped


def _plan(cursor) -> dict:
    plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def _generic_plan(cursor, statement: str, params: dict) -> dict:
    """The plan of `statement` as a prepared statement's generic plan, run with `params`."""
    names = re.findall(r"%\((\w+)\)s", statement)
    numbered = re.sub(r"%\((\w+)\)s", lambda m: f"${names.index(m[1]) + 1}", statement)
    cursor.execute("PREPARE read_by_key AS " + numbered)
    cursor.execute("SET plan_cache_mode = force_generic_plan")
    values = sql.SQL(", ").join(sql.Literal(params[n]) for n in names)
    cursor.execute(sql.SQL("EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE read_by_key({})").format(values))
    plan = _plan(cursor)
    cursor.execute("RESET plan_cache_mode")
    cursor.execute("DEALLOCATE read_by_key")
    return plan


def test_a_push_reads_its_rows_by_key_when_the_statistics_say_the_table_has_none_of_them(pg_cluster):
    store = admin.open_store(pg_cluster.new_database())
    executed: list[tuple[str, object]] = []

    def before(conn, cursor, statement, params, context, executemany):
        executed.append((statement, params))

    try:
        _stale_statistics(store)
        old = [f"p-{i}" for i in range(1, PERSONS, PERSONS // (KEYS // 2))][: KEYS // 2]
        ids = old + [new_id() for _ in range(KEYS - len(old))]
        ops = [Op(i.replace("p-", "op-"), "persons", i, "create", None, {}) for i in ids]
        sa.event.listen(store.engine, "before_cursor_execute", before)
        with store.engine.connect() as conn:
            prior, records = reads.load(conn, "postgresql", ops, {("persons", i) for i in ids})
        sa.event.remove(store.engine, "before_cursor_execute", before)
        assert sorted(rid for _entity, rid in records) == sorted(old)
        assert sorted(prior) == sorted(i.replace("p-", "op-") for i in old)

        assert len(executed) == 2  # the op ids, then the persons: one statement each
        read = {}
        with store.engine.connect() as conn:
            cursor = conn.connection.driver_connection.cursor()
            for (statement, params), table in zip(executed, ("ops", "records"), strict=True):
                # planned for the values (psycopg's first five runs of a statement), then generic (prepared)
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params)
                read[f"{table} for its values"] = _plan_rows(_plan(cursor), table)
                read[f"{table} generic"] = _plan_rows(_generic_plan(cursor, statement, params), table)
        # by key: at most one row of the table per id asked, none read and thrown away
        assert all(given <= KEYS and dropped == 0 for given, dropped in read.values()), read
    finally:
        store.close()
