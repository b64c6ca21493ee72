"""Device numbers (revision 0006): devices enrolled before it are numbered in enrolment order, a new device
takes the next number, a device enrolling again keeps its own; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from fieldapp.domain import enrol_proof
from fieldapp.domain.ids import new_id
from fieldapp.server import admin
from fieldapp.server import schema as s
from fieldapp.server.enrolment import Proof
from fieldapp.server.store import MIGRATIONS, migrate
from tests.server.conftest import BACKENDS, database_for


def _migrate_to(engine: sa.Engine, destination: str) -> None:
    from alembic.config import Config
    from alembic.runtime.environment import EnvironmentContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    with engine.connect() as conn:

        def upgrade(rev, _context):
            return script._upgrade_revs(destination, rev)

        with EnvironmentContext(config, script, fn=upgrade, destination_rev=destination) as env:
            env.configure(connection=conn, render_as_batch=True)
            with env.begin_transaction():
                env.run_migrations()
        conn.commit()


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


@pytest.mark.parametrize("backend", BACKENDS)
def test_devices_of_before_are_numbered_and_new_ones_take_the_next(backend, request, tmp_path):
    url = database_for(backend, request, tmp_path)
    engine = sa.create_engine(url)
    try:
        _migrate_to(engine, "0005")
        old = [(new_id(), f"2026-11-0{day}T08:00:00Z") for day in (3, 1, 2)]
        with engine.begin() as conn:
            for i, (device_id, enrolled_at) in enumerate(old):
                conn.execute(
                    sa.text(
                        "INSERT INTO devices (id, province_code, role, name, token_sha256, enrolled_at) "
                        "VALUES (:id, '33', 'province', :name, :token, :at)"
                    ),
                    {"id": device_id, "name": f"L{i}", "token": f"t{i}", "at": enrolled_at},
                )
        assert migrate(engine) == _head()
        with engine.connect() as conn:
            numbers = dict(conn.execute(sa.select(s.devices.c.id, s.devices.c.number)).all())
    finally:
        engine.dispose()
    by_date = [device_id for device_id, _at in sorted(old, key=lambda x: x[1])]
    assert [numbers[d] for d in by_date] == [1, 2, 3]

    store = admin.open_store(url)
    try:
        code, *_rest = admin.enrol_code(store, team=None, province="33")
        fresh, key = new_id(), Ed25519PrivateKey.generate()
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
        answer = store.enrol(code, fresh, "L-mới", public)
        assert answer["device_number"] == 4
        signed = enrol_proof.message("a challenge the app found fresh", fresh, code, public)
        again = store.enrol(code, fresh, "L-mới", public, proof=Proof(signed, key.sign(signed).hex()))
        assert again["device_number"] == 4  # the same laptop, its answer lost, signing with its key
        listed = {d["id"]: d["number"] for d in store.public_devices("33")}
        assert listed[fresh] == 4 and listed[by_date[0]] == 1
        with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:  # never two alike
            conn.execute(sa.update(s.devices).where(s.devices.c.id == fresh).values(number=1))
    finally:
        store.close()
