"""Void notices (revision 0007): the voids a server took before it are published to their province too, at
new feed positions, the void of a receipt another team's laptop could not see excepted; SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldapp.domain import receipt_code
from fieldapp.server import schema as s
from fieldapp.server.store import migrate
from tests.security.rogue import Rogue
from tests.server.conftest import BACKENDS, database_for
from tests.server.test_device_numbers import _migrate_to


def _record(entity: str, rid: str, team: str, data: dict, pos: int) -> dict:
    return {"entity": entity, "id": rid, "scope_team": team, "scope_province": "33", "version": None,
            "data": json.dumps(data), "pos": pos, "updated_at": "2026-11-02T00:00:00Z"}  # fmt: skip


@pytest.mark.parametrize("backend", BACKENDS)
def test_voids_of_before_get_their_notice(backend, request, tmp_path):
    url = database_for(backend, request, tmp_path)
    engine = sa.create_engine(url)
    try:
        _migrate_to(engine, "0006")
        signer = Rogue(None, key=Ed25519PrivateKey.generate())
        mine, qr = signer.receipt("BI-DV01.4-2026", 9)
        other, _ = signer.receipt("BI-DV01.4-2026", 10)
        receipt = {"id": mine.id, "series": mine.series, "number": 9, "amount": mine.amount, "qr_payload": qr}
        rows = [
            _record("receipts", mine.id, "team-1", receipt, 1),
            _record("receipt_voids", "void-1", "team-1", {"id": "void-1", "receipt_id": mine.id, "at": "T1"}, 2),
            _record("receipts", other.id, "team-1", {"id": other.id, "series": other.series, "number": 10}, 3),
            # another team's laptop "voided" team 1's receipt: filed under its team, never published
            _record("receipt_voids", "void-2", "team-2", {"id": "void-2", "receipt_id": other.id, "at": "T2"}, 4),
        ]
        with engine.begin() as conn:
            conn.execute(sa.insert(s.records), rows)
            conn.execute(sa.update(s.feed_counter).where(s.feed_counter.c.id == 1).values(value=4))
        migrate(engine)
        migrate(engine)  # nothing twice
        with engine.connect() as conn:
            notices = conn.execute(
                sa.select(s.records.c.id, s.records.c.scope_team, s.records.c.pos, s.records.c.data).where(
                    s.records.c.entity == "void_notices"
                )
            ).all()
            counter = conn.execute(sa.select(s.feed_counter.c.value)).scalar_one()
    finally:
        engine.dispose()
    (notice,) = notices
    assert (notice.id, notice.scope_team, notice.pos, counter) == ("void-1", "", 5, 5)
    confirmation = receipt_code.confirmation_code(receipt_code.decode(qr).signature)
    assert json.loads(notice.data) == {
        "id": "void-1", "series": "BI-DV01.4-2026", "number": 9, "confirmation": confirmation, "at": "T1"
    }  # fmt: skip
