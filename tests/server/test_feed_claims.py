"""The feed on PostgreSQL, where pushes take their positions in claims and commit in any order: a pull stops
below the first position of a transaction still running, so it never serves a later position first and
skips the earlier one for ever (sync-protocol.md, the PostgreSQL pitfall). The transactions are held open
here by hand, so the order that loses a record without the rule is made every time, not hoped for."""

from __future__ import annotations

import time

import sqlalchemy as sa

from fieldapp.domain.ids import new_id
from fieldapp.server import schema as s
from fieldapp.server.push import Device, Rec
from fieldapp.server.store import CLEAR_EVERY, ServerStore, migrate, utcnow
from fieldapp.storage.records import spec_for
from tests.server.conftest import create, person

PROVINCE = "33"


def _store(pg_cluster) -> tuple[ServerStore, Device]:
    store = ServerStore(pg_cluster.new_database())
    migrate(store.engine)
    return store, Device(new_id(), None, PROVINCE, "province")


def _rec(p) -> Rec:
    data = {**spec_for(p).encode(p), "version": 1}
    return Rec("persons", p.id, "", PROVINCE, 1, data, None, None, 0)


def _ids(store: ServerStore, device: Device, since: int) -> tuple[list[str], int]:
    page = store.pull(device, since, 2000)
    assert not page.more
    return [row[2] for row in page.rows], page.next


def _visible_ignoring_claims(store: ServerStore, since: int) -> list[str]:
    r = s.records.c
    with store.engine.connect() as conn:
        return [row[0] for row in conn.execute(sa.select(r.id).where(r.pos > since).order_by(r.pos))]


def test_a_pull_waits_below_a_running_push_and_then_gets_it(pg_cluster):
    store, device = _store(pg_cluster)
    try:
        early, late = person(PROVINCE, "Đến trước"), [person(PROVINCE, f"Đến sau {i}") for i in range(3)]
        # a push that took its position and has not committed yet
        slow = store.engine.connect().execution_options(write=True)
        txn = slow.begin()
        pos = store._positions(slow, 1)
        store._put_record(slow, _rec(early), pos, utcnow())
        # a later push commits first, at later positions
        answers = store.push(device, [_op(p) for p in late])
        assert {a.status for a in answers} == {"accepted"}
        # what the database shows: the later records without the earlier one; a cursor moved past them
        # would never come back for `early`
        assert _visible_ignoring_claims(store, 0) == [p.id for p in late]
        seen, cursor = _ids(store, device, 0)
        assert seen == [] and cursor == 0  # the pull stops below the running push's position
        txn.commit()
        slow.close()
        seen, cursor = _ids(store, device, cursor)
        assert seen == [early.id, *(p.id for p in late)]
        assert _ids(store, device, cursor) == ([], cursor)
    finally:
        store.close()


def test_a_push_that_rolls_back_or_dies_does_not_hold_the_feed(pg_cluster):
    store, device = _store(pg_cluster)
    try:
        for end in ("rollback", "close"):
            gone = person(PROVINCE, "Không bao giờ có")
            conn = store.engine.connect().execution_options(write=True)
            txn = conn.begin()
            store._put_record(conn, _rec(gone), store._positions(conn, 1), utcnow())
            after = person(PROVINCE, "Có")
            store.push(device, [_op(after)])
            assert after.id not in _ids(store, device, 0)[0]
            if end == "rollback":
                txn.rollback()
                conn.close()
            else:  # the connection dropped (a worker killed): PostgreSQL ends the transaction once it sees that
                conn.invalidate()
            deadline = time.monotonic() + 20
            while after.id not in (ids := _ids(store, device, 0)[0]) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert after.id in ids and gone.id not in ids
        # the claims of finished transactions are cleared every CLEAR_EVERY claims
        store.push(device, [_op(person(PROVINCE, "Dọn"))])
        while store._claims_made % CLEAR_EVERY:
            store.push(device, [_op(person(PROVINCE, "Dọn"))])
        with store.engine.connect() as conn:
            left = conn.execute(
                sa.text("SELECT count(*) FROM feed_claims WHERE pg_xact_status(xid::text::xid8) <> 'in progress'")
            ).scalar_one()
        assert left <= 1  # at most the last push's own, whose transaction ended after its claim
    finally:
        store.close()


def _op(p):
    from fieldapp.protocol.ops import Op

    o = create(p)
    return Op(o["op_id"], o["entity"], o["entity_id"], o["op"], o["base_version"], o["payload"], o["created_at"])
