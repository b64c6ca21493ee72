"""A process killed (SIGKILL) in the middle of writing loses nothing it committed and leaves no half batch."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from fieldapp.storage.store import Store

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

WRITER = textwrap.dedent(
    """
    import sys
    from fieldapp.domain.enums import AuditAction, Outcome, TargetGroup, Topic
    from fieldapp.paths import DataDir
    from fieldapp.services.fieldwork import record_consultation
    from fieldapp.storage import team as team_store
    from fieldapp.storage.store import OpenOptions, Store
    from fieldapp.storage.writer import Actor, writing
    from tests.services.helpers import many_persons

    store = Store.open(DataDir(sys.argv[1]), OpenOptions(passphrase=sys.argv[2]))
    team = team_store.current_team(store)
    member = team_store.members(store, team.id)[0]
    actor = Actor(member.id, store.device_id)
    print("OPEN", flush=True)
    n = 0
    while True:
        n += 1
        if n % 7 == 0:
            with writing(store, actor) as w:
                w.add_all(many_persons(500), action=AuditAction.IMPORT)
            print("BATCH", flush=True)
        else:
            with writing(store, actor) as w:
                c = record_consultation(w, team_id=team.id, person_id=None, target_group=TargetGroup.TRADER,
                                        topics=[Topic.HI], outcome=Outcome.REFUSED)
            print("C", c.id, flush=True)
    """
)


def test_killed_writer_loses_nothing_committed(demo_dir, open_store, tmp_path):
    from tests.conftest import PASSPHRASE

    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    with open_store(demo_dir) as s:
        persons_before = s.query_one("SELECT count(*) FROM persons")[0]
    committed: list[str] = []
    batches = 0
    rng = random.Random(5)
    for _round in range(12):
        child = subprocess.Popen(
            [sys.executable, str(script), str(demo_dir.root), PASSPHRASE],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert child.stdout.readline().strip() == "OPEN", child.stderr.read()
        deadline = time.monotonic() + rng.uniform(0.05, 0.4)
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            if line.startswith("C "):
                committed.append(line.split()[1])
            elif line.startswith("BATCH"):
                batches += 1
        child.send_signal(signal.SIGKILL)
        child.wait()
        for line in child.stdout.read().splitlines():  # lines printed before the kill
            if line.startswith("C "):
                committed.append(line.split()[1])
            elif line.startswith("BATCH"):
                batches += 1
    assert committed, "the writer never committed anything"
    store: Store = open_store(demo_dir)
    assert store.check() == []
    stored = {r[0] for r in store.query("SELECT id FROM consultations")}
    assert set(committed) <= stored
    outboxed = {r[0] for r in store.query("SELECT entity_id FROM outbox WHERE entity = 'consultations'")}
    assert set(committed) <= outboxed
    persons = store.query_one("SELECT count(*) FROM persons")[0]
    assert (persons - persons_before) % 500 == 0, "a batch was half saved"
    assert persons - persons_before >= batches * 500
    orphans = store.query_one(
        "SELECT count(*) FROM outbox o WHERE o.entity = 'persons' AND NOT EXISTS "
        "(SELECT 1 FROM persons p WHERE p.id = o.entity_id)"
    )[0]
    assert orphans == 0
