"""The engine's own rules against a real server: cancel and resume, a count mismatch repaired by a guarded
full resync (reported), a lost token asks for enrolment again, an op the server cannot take is parked and
the rest goes on; and the `fieldapp enrol` / `fieldapp sync` commands with their exit codes."""

from __future__ import annotations

import json
import threading

import pytest

from fieldapp.storage import sync as storage
from fieldapp.storage.store import put_meta
from fieldapp.sync import SyncEngine, SyncError, rejected_ops
from tests.conftest import cli_env
from tests.sync.conftest import FAST_RETRY, Laptop, add_demo, fieldapp, same_everywhere


@pytest.fixture
def pair(server, laptops):
    server.add_team("Tổ máy")
    a, b = laptops("a"), laptops("b")
    a.enrol(server, "Tổ máy")
    b.enrol(server, "Tổ máy")
    add_demo(a, persons=60, days=1, seed=61)
    a.sync()
    return server, a, b


def test_a_cancelled_sync_keeps_what_it_did_and_the_next_resumes(pair):
    _server, a, b = pair
    stop = threading.Event()
    pages = []

    def progress(step):
        if step.phase == "pull":
            pages.append(step.pulled)
            stop.set()

    result = SyncEngine(b.store, retry=FAST_RETRY, pull_page=50).sync(progress=progress, cancel=stop)
    assert result.cancelled and result.pulled == pages[0] > 0
    assert storage.settings(b.store).cursor > 0 and storage.settings(b.store).last_ok is None
    assert b.store.check() == []
    rest = SyncEngine(b.store, retry=FAST_RETRY, pull_page=50).sync()
    assert not rest.cancelled and rest.mismatched == {} and not rest.resync
    same_everywhere(a, b)


def test_counts_that_disagree_trigger_a_full_resync_that_is_reported(pair):
    _server, a, b = pair
    b.sync()
    (target_id,) = b.store.query_one("SELECT id FROM targets LIMIT 1")
    with b.store.transaction() as conn:  # a row lost on the laptop, behind the cursor
        conn.execute("DELETE FROM targets WHERE id = ?", (target_id,))
    result = b.sync()
    assert result.resync and result.mismatched == {}
    assert b.store.query_one("SELECT count(*) FROM targets WHERE id = ?", (target_id,))[0] == 1
    same_everywhere(a, b)


@pytest.mark.sqlite_only
def test_a_lost_token_asks_for_enrolment_again(pair):
    _server, _a, b = pair
    with b.store.transaction() as conn:
        put_meta(conn, storage.META_TOKEN, "not-the-token")
    with pytest.raises(SyncError) as err:
        b.sync()
    assert err.value.code == "sync.enrol_again"


def test_an_op_the_server_cannot_take_is_parked_and_the_rest_goes_on(pair):
    _server, a, _b = pair
    from fieldapp.storage.writer import writing
    from tests.services.helpers import person

    with writing(a.store, a.actor()) as w:
        w.add(person("Trước Văn Một", commune_code="12166"))
        # a base version that is not a number: the request model refuses it (422) for the whole request
        w.outbox("persons", "no-such-person", "update", "not-a-number", json.dumps({"record": {}, "changed": []}))
        w.add(person("Sau Thị Hai", commune_code="12166"))
    result = a.sync()
    assert result.new_rejected == 1 and result.pending == 0 and result.pushed == 2
    (parked,) = rejected_ops(a.store)
    assert parked.entity_id == "no-such-person" and parked.http == 422


@pytest.mark.sqlite_only
def test_the_enrol_and_sync_commands(server, tmp_path):
    server.add_team("Tổ dòng lệnh")
    env = cli_env(tmp_path / "cli")
    done = fieldapp("sync", "--json", env=env)
    assert done.returncode == 1 and "fieldapp enrol" in done.stderr and "Traceback" not in done.stderr
    done = fieldapp("enrol", "--server", server.url, "--code", "SAI-MA", env=env)
    assert done.returncode == 1 and "Mã đăng ký không đúng" in done.stderr
    done = fieldapp("enrol", "--server", "máy-chủ", "--code", "X", env=env)
    assert done.returncode == 1 and "http://" in done.stderr
    done = fieldapp("enrol", "--server", server.url, "--code", server.enrol_code("Tổ dòng lệnh"), "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["team"] == "Tổ dòng lệnh"
    done = fieldapp("sync", "--json", env=env)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert {"pushed", "pulled", "conflicts", "rejected", "pending"} <= set(out)
    done = fieldapp("sync", env=env)
    assert done.returncode == 0 and "Đồng bộ xong" in done.stdout
    server.stop()
    done = fieldapp("--lang", "en", "sync", env=env | {"FIELDAPP_SYNC_ATTEMPTS": "2"}, timeout=120)
    assert done.returncode == 1 and "Cannot reach the server" in done.stderr and "Traceback" not in done.stderr
    laptop = Laptop(tmp_path / "cli")
    try:
        assert storage.settings(laptop.store).last_ok is not None  # the last good sync is still known
    finally:
        laptop.close()


@pytest.mark.sqlite_only
def test_a_wrong_address_stops_the_sync_and_parks_nothing(pair):
    _server, a, _b = pair
    from fieldapp.storage.writer import writing
    from tests.services.helpers import person

    with writing(a.store, a.actor()) as w:
        w.add(person("Vẫn Chờ Gửi", commune_code="12166"))
    url = storage.settings(a.store).server_url
    with a.store.transaction() as conn:
        put_meta(conn, storage.META_SERVER, url + "/not-the-api")
    with pytest.raises(SyncError) as err:
        a.sync()
    assert err.value.code == "sync.refused"
    assert a.outbox_states().get("pending") == 1 and "rejected" not in a.outbox_states()


def test_a_sync_never_waits_for_the_guis_database_thread(pair):
    """Sync has a connection of its own (issue 16, item 5): with the GUI's database thread holding the store
    (its lock taken, as a long search or a screen's load does) from the first pulled page to the end, the
    sync still pushes, pulls and finishes, and the GUI then sees what it pulled."""
    _server, a, b = pair
    add_demo(b, persons=10, days=1, seed=62)  # something to push as well
    pulling, held, done = threading.Event(), threading.Event(), threading.Event()
    out: dict = {}

    def progress(step):
        if step.phase == "pull":
            pulling.set()
            held.wait(10)

    def run():
        out["result"] = SyncEngine(b.store, retry=FAST_RETRY, pull_page=50).sync(progress=progress)
        done.set()

    worker = threading.Thread(target=run)
    worker.start()
    assert pulling.wait(60)
    with b.store.lock:  # the GUI's database thread, busy with the store for the whole rest of the sync
        held.set()
        assert done.wait(120), "the sync waited for the GUI's database thread"
    worker.join()
    assert out["result"].pulled > 0 and out["result"].pushed > 0
    a.sync()
    same_everywhere(a, b)
