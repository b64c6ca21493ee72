"""What a push reads before it decides: the records its ops change or name, its op ids' earlier answers,
and the planner's look-ups (fieldapp.server.push.Planner). Part of the server's data layer (store.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import sqlalchemy as sa

from fieldapp.protocol.ops import Op
from fieldapp.server import schema as s
from fieldapp.server.ops import PriorOp, Rec
from fieldapp.server.push import NOTES, Planner, leads

REC_COLS = (
    s.records.c.entity,
    s.records.c.id,
    s.records.c.scope_team,
    s.records.c.scope_province,
    s.records.c.version,
    s.records.c.data,
    s.records.c.pos,
    s.records.c.last_device,
    s.records.c.chain_base,
)


def by_key(
    dialect: str, cols: Sequence[sa.ColumnElement], key: sa.ColumnElement, values: list, *where: sa.ColumnElement[bool]
) -> sa.Select:
    """SELECT cols WHERE *where AND key IN values, where `key` and `where` name one row at most (a primary key).

    On PostgreSQL the values go as one JSON text parameter (psycopg parses the text of every statement it has
    not seen and adapts lists element by element, 100 ms for a push's 1,000 ids), and each is looked up on
    its own (LATERAL ... LIMIT 1): the only plan left is a probe of the key's index per value, whatever the
    statistics say. As `key IN (SELECT json_array_elements_text(...))` the planner chose by its statistics,
    and those of a fresh database analysed before any person was pushed made it loop over every person of
    the table for each id of the batch, more than 30 s a push (issue 15, the 50-laptop load run)."""
    if dialect != "postgresql":
        return sa.select(*cols).where(*where, key.in_(values))
    # PostgreSQL text cannot hold U+0000, so no key holds it: such a value matches nothing, and left in, it
    # would fail the whole statement (a 500 for a push that names one)
    values = [v for v in values if not (isinstance(v, str) and "\x00" in v)]
    param = sa.cast(sa.bindparam(None, json.dumps(values), sa.Text), sa.JSON)
    wanted = sa.func.json_array_elements_text(param).table_valued("value").alias("wanted")
    found = sa.select(*cols).where(*where, key == wanted.c.value).limit(sa.literal_column("1")).lateral("found")
    return sa.select(*found.c).select_from(wanted.join(found, sa.true()))


def load(
    conn: sa.Connection, dialect: str, ops: Sequence[Op], keys: set[tuple[str, str]]
) -> tuple[dict[str, PriorOp], dict[tuple[str, str], Rec]]:
    o = s.ops.c
    prior: dict[str, PriorOp] = {}
    op_ids = list({op.op_id for op in ops})
    for chunk in chunks(op_ids, 500):
        for op_id, device_id, sha, result in conn.execute(
            by_key(dialect, (o.op_id, o.device_id, o.content_sha256, o.result), o.op_id, chunk)
        ):
            prior[op_id] = PriorOp(device_id, sha, result)
    records: dict[tuple[str, str], Rec] = {}
    by_entity: dict[str, set[str]] = {}
    for entity, rid in keys:
        by_entity.setdefault(entity, set()).add(rid)
    r = s.records.c
    for kind, ids in by_entity.items():  # entity = x AND id IN (...): the primary key's own order
        for chunk in chunks(sorted(ids), 500):
            rows = conn.execute(by_key(dialect, REC_COLS, r.id, chunk, r.entity == kind))
            for row in rows:
                entity, rid, team, province, version, data, pos, last_device, chain_base = row
                records[(entity, rid)] = Rec(
                    entity, rid, team, province, version, json.loads(data), pos, last_device, chain_base
                )
    return prior, records


def notes_about(conn: sa.Connection):
    """`Planner`'s look-up of the consultations and follow-ups about a person. The record's JSON is
    searched (an erasure is rare; no index on person_id), each hit checked once parsed."""

    def lookup(person_id: str) -> list[Rec]:
        r = s.records.c
        escaped = person_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        needle = f'%"person_id":"{escaped}"%'  # ids are plain text (app.Id): JSON writes them as they are
        found = []
        stmt = sa.select(*REC_COLS).where(r.entity.in_(sorted(NOTES)), r.data.like(needle, escape="\\"))
        for entity, rid, team, province, version, data, pos, last_device, chain_base in conn.execute(stmt):
            record = json.loads(data)
            if record.get("person_id") == person_id:
                found.append(Rec(entity, rid, team, province, version, record, pos, last_device, chain_base))
        return found

    return lookup


def has_leader(conn: sa.Connection):
    """`Planner`'s look-up of whether a team has an active leader: its members' records, parsed (a team has
    a few, and only a members op asks)."""

    def lookup(team_id: str) -> bool:
        r = s.records.c
        rows = conn.execute(sa.select(r.data).where(r.entity == "members", r.scope_team == team_id))
        return any(leads(json.loads(data), team_id) for (data,) in rows)

    return lookup


def team_province(conn: sa.Connection):
    cache: dict[str, str | None] = {}

    def lookup(team_id: str) -> str | None:
        if team_id not in cache:
            t = s.teams.c
            cache[team_id] = conn.execute(sa.select(t.province_code).where(t.id == team_id)).scalar()
        return cache[team_id]

    return lookup


def receipts(conn: sa.Connection, planner: Planner):
    """A receipt as this push sees it: made earlier in the batch, or in the database (void notices)."""

    def lookup(receipt_id: str) -> Rec | None:
        if found := planner.records.get(("receipts", receipt_id)):
            return found
        r = s.records.c
        row = conn.execute(sa.select(*REC_COLS).where(r.entity == "receipts", r.id == receipt_id)).first()
        return Rec(*row[:5], json.loads(row[5]), *row[6:]) if row else None

    return lookup


def chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
