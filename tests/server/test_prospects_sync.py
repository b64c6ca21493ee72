"""A prospect list imported on one laptop reaches the team's other laptop whole, links included, through a
real server (SQLite and PostgreSQL): the importer's one op for all of a list's links is taken, not parked."""

from __future__ import annotations

import time

from fieldapp.paths import DataDir
from fieldapp.services.importer import plan_import, run_import
from fieldapp.storage.store import OpenOptions, Store
from fieldapp.storage.writer import Actor
from fieldapp.sync import SyncEngine, enrol
from fieldapp.sync.transport import RetryPolicy
from tests.conftest import PASSPHRASE

FAST = RetryPolicy(attempts=30, base=0.002, cap=0.02)
HEADER = "STT,Họ và tên,Ngày sinh,Giới tính,Số CCCD,Số điện thoại,Xã,Thôn"
ROWS = [
    "1,Nguyễn Văn Bình,12/03/1970,Nam,033070001234,0912345678,Xuân Trúc,Thôn Đông",
    "2,Lê Thị Hạnh,1965,Nữ,,,Xã Xuân Trúc,Thôn Tây",
    "3,Trần Văn Ba,01/01/1990,Nam,,,Xuân Trúc,",
]


def _laptop(root, world, team) -> Store:
    store = Store.open(DataDir(root), OpenOptions(passphrase=PASSPHRASE))
    enrol(store, world.server.base, world.code(team), name=root.name, retry=FAST)
    return store


def _sync(store: Store):
    result = SyncEngine(store, retry=FAST, sleep=time.sleep).sync()
    assert (result.rejected, result.conflicts, result.pending) == (0, 0, 0), result
    return result


def test_an_imported_lists_links_reach_the_other_laptop(world, tmp_path):
    team = world.team(province="33")
    a = _laptop(tmp_path / "a", world, team)
    b = _laptop(tmp_path / "b", world, team)
    try:
        csv = tmp_path / "danh-sach.csv"
        csv.write_text("\r\n".join([HEADER, *ROWS]), encoding="utf-8")
        result = run_import(
            a, plan_import(csv), Actor(None, a.device_id), province="33", errors_dir=tmp_path / "errors"
        )
        assert result.imported == 3
        links = a.query("SELECT id, list_id, person_id, row_number FROM prospects ORDER BY id")
        assert len(links) == 3
        _sync(a)
        states = dict(a.query("SELECT state, count(*) FROM outbox GROUP BY state"))
        assert "rejected" not in states and "pending" not in states, states
        _sync(b)
        assert b.query("SELECT id, list_id, person_id, row_number FROM prospects ORDER BY id") == links
        assert b.query("SELECT id, name FROM prospect_lists") == a.query("SELECT id, name FROM prospect_lists")
        # a second sync of either changes nothing
        assert _sync(a).pushed == 0 and _sync(b).pulled == 0
    finally:
        a.close()
        b.close()
