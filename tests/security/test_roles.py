"""Issue 13, point 5: roles are enforced in the core, not only in widgets.

An ordinary member, or a team leader of ANOTHER team whose row this laptop holds, calls each leader-only
service directly (as a script or a patched GUI could): each is refused with a clear message and nothing is
written (no row, no outbox op, no audit entry). The CLI refuses too, with exit 1.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from fieldapp.domain.clock import utcnow
from fieldapp.domain.enums import Metric, PeriodKind, Role, ScopeKind
from fieldapp.domain.ids import new_id
from fieldapp.domain.models import Member, Team
from fieldapp.errors import InputRefused
from fieldapp.i18n import t
from fieldapp.services import closing, registry, targets, team
from fieldapp.services import receipts as receipt_service
from fieldapp.storage import people, pin_keys
from fieldapp.storage import targets as target_store
from fieldapp.storage import team as team_store
from fieldapp.storage.writer import Actor, writing
from tests.conftest import DEMO_END, NOT_VOIDED
from tests.reports.helpers import team_and_people

LEADER_ONLY = {
    "erase": "erase.leader_only",
    "void": "receipt.void_needs_leader",
    "close": "closing.needs_leader",
    "targets": "targets.leader_only",
    "members": "members.leader_only",
}


def other_team_leader(store) -> Member:
    """A team leader of another team, whose row this laptop holds (demo data of before enrolling, a
    province device): a leader, but not of this team."""
    other = Team(new_id(), "Tổ khác", "33", "Bưu điện", (), utcnow())
    leader = Member(new_id(), other.id, "Lê Văn Khác", Role.TEAM_LEADER, "339999", None, None, True, utcnow())
    with writing(store, Actor(None, store.device_id)) as w:
        w.add(other)
        w.add(leader)
    return leader


@pytest.fixture
def world(demo_store):
    own_team, leader, member = team_and_people(demo_store)
    return demo_store, own_team, leader, member, other_team_leader(demo_store)


def written(store) -> tuple[int, int]:
    """What any write leaves behind: outbox ops and audit entries."""
    return (
        store.query_one("SELECT count(*) FROM outbox")[0],
        store.query_one("SELECT count(*) FROM audit_log")[0],
    )


def refused(store, code: str, call) -> None:
    before = written(store)
    with pytest.raises(InputRefused) as err:
        call()
    assert err.value.code == code
    assert type(err.value).__name__ == "Forbidden" and err.value.exit_code == 1
    assert written(store) == before, "a refused call wrote something"


WHO = ["member", "other_leader"]


def _who(world, who):
    _store, _team, _leader, member, stranger = world
    return member if who == "member" else stranger


@pytest.mark.parametrize("who", WHO)
def test_erase_is_refused(world, who):
    store = world[0]
    actor = _who(world, who)
    (pid,) = store.query_one("SELECT id FROM persons WHERE erased_at IS NULL ORDER BY pk LIMIT 1")
    person = people.get(store, pid)

    def erase():
        with writing(store, Actor(actor.id, store.device_id)) as w:
            registry.erase(w, person)

    refused(store, LEADER_ONLY["erase"], erase)
    assert people.get(store, pid).full_name == person.full_name


@pytest.mark.parametrize("who", WHO)
def test_void_is_refused(world, who):
    store = world[0]
    actor = _who(world, who)
    (rid,) = store.query_one(f"SELECT id FROM receipts WHERE {NOT_VOIDED} ORDER BY issued_at LIMIT 1")
    voids = store.query_one("SELECT count(*) FROM receipt_voids")[0]
    refused(
        store,
        LEADER_ONLY["void"],
        lambda: receipt_service.void(store, Actor(actor.id, store.device_id), rid, "Ghi sai số tiền", actor),
    )
    assert store.query_one("SELECT count(*) FROM receipt_voids")[0] == voids


def test_void_by_a_member_dressed_as_leader_is_refused(world):
    """The role is read from the store, not taken from the Member object the caller passes."""
    store, _team, _leader, member, _stranger = world
    (rid,) = store.query_one(f"SELECT id FROM receipts WHERE {NOT_VOIDED} ORDER BY issued_at LIMIT 1")
    dressed = replace(member, role=Role.TEAM_LEADER)
    refused(
        store,
        LEADER_ONLY["void"],
        lambda: receipt_service.void(store, Actor(member.id, store.device_id), rid, "Ghi sai", dressed),
    )


@pytest.mark.parametrize("who", WHO)
def test_closing_the_day_is_refused(world, who):
    store, own_team, _leader, member, _stranger = world
    actor = _who(world, who)
    closed = store.query_one("SELECT count(*) FROM day_closings")[0]
    refused(
        store,
        LEADER_ONLY["close"],
        lambda: closing.close_day(
            store,
            Actor(actor.id, store.device_id),
            actor,
            day=DEMO_END,
            collector_id=member.id,
            team_id=own_team.id,
            notes={},
            explanation="x",
        ),
    )
    assert store.query_one("SELECT count(*) FROM day_closings")[0] == closed


@pytest.mark.parametrize("who", WHO)
def test_targets_are_refused(world, who, tmp_path):
    store, own_team, _leader, member, _stranger = world
    actor = Actor(_who(world, who).id, store.device_id)
    (campaign,) = target_store.campaigns(store)

    def set_one():
        with writing(store, actor) as w:
            targets.set_targets(w, campaign.id, None, ScopeKind.MEMBER, member.id, {Metric.NEW_VSI: 99})

    def add_period():
        with writing(store, actor) as w:
            targets.add_period(w, campaign, PeriodKind.MONTH, campaign.starts_on + timedelta(days=1))

    sheet = tmp_path / "chi-tieu.csv"
    sheet.write_text(f"Kỳ,Cấp,Đơn vị,Lượt tư vấn\n,Thành viên,{member.code},100\n", encoding="utf-8-sig")
    before = store.query("SELECT id, value FROM targets ORDER BY id")
    periods = store.query_one("SELECT count(*) FROM campaign_periods")[0]
    refused(store, LEADER_ONLY["targets"], set_one)
    refused(store, LEADER_ONLY["targets"], add_period)
    refused(
        store,
        LEADER_ONLY["targets"],
        lambda: targets.import_targets(store, actor, sheet, campaign, own_team.province_code),
    )
    assert store.query("SELECT id, value FROM targets ORDER BY id") == before
    assert store.query_one("SELECT count(*) FROM campaign_periods")[0] == periods


@pytest.mark.parametrize("who", WHO)
def test_managing_members_is_refused(world, who):
    store, own_team, leader, member, _stranger = world
    acting = _who(world, who)
    actor = Actor(acting.id, store.device_id)
    victim = leader if who == "member" else member
    refused(store, LEADER_ONLY["members"], lambda: team.set_pin(store, actor, victim, "9999"))
    refused(store, LEADER_ONLY["members"], lambda: team.change_role(store, actor, member.id, Role.TEAM_LEADER))
    refused(store, LEADER_ONLY["members"], lambda: team.set_active(store, actor, victim.id, False))

    def add():
        with writing(store, actor) as w:
            key = pin_keys.team_key(w.conn, own_team.id)
            team.add_member(w, team.new_member(own_team.id, "Phạm Thị Mới", Role.ADMIN, "330199", "1111", pin_key=key))

    refused(store, LEADER_ONLY["members"], add)
    assert team_store.member(store, victim.id) == victim
    assert team_store.member(store, member.id).role is Role.MEMBER


def test_a_leader_of_the_team_may_and_a_member_sets_their_own_pin(world):
    store, own_team, leader, member, _stranger = world
    actor = Actor(leader.id, store.device_id)
    added = None
    with writing(store, actor) as w:
        key = pin_keys.team_key(w.conn, own_team.id)
        added = team.add_member(
            w, team.new_member(own_team.id, "Phạm Thị Mới", Role.MEMBER, "330199", "1111", pin_key=key)
        )
    assert team.sign_in(store, added.id, "1111").outcome is team.SignIn.OK
    team.set_pin(store, Actor(member.id, store.device_id), member, "2468")  # their own
    assert team.sign_in(store, member.id, "2468").outcome is team.SignIn.OK
    team.change_role(store, actor, added.id, Role.TEAM_LEADER)
    team.set_active(store, actor, added.id, False)
    assert team_store.member(store, added.id).active is False
    with pytest.raises(InputRefused) as err:  # nobody could manage the team after
        team.change_role(store, actor, leader.id, Role.MEMBER)
    assert err.value.code == "members.last_leader"


# --- the CLI --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_dir(tmp_path_factory):
    from tests.test_cli import run

    root = tmp_path_factory.mktemp("cli-roles") / "data"
    done = run("demo-data", "--persons", "200", "--days", "2", "--seed", "4", "--end-date", "2026-07-15", data_dir=root)
    assert done.returncode == 0, done.stderr
    return root


def _cli_members(cli_dir):
    from fieldapp.paths import DataDir
    from fieldapp.storage.store import OpenOptions, Store
    from tests.conftest import PASSPHRASE

    with Store.open(DataDir(cli_dir), OpenOptions(passphrase=PASSPHRASE)) as store:
        own = team_store.current_team(store)
        members = team_store.members(store, own.id)
        (rid,) = store.query_one(
            f"SELECT series || '/' || printf('%07d', number) FROM receipts WHERE {NOT_VOIDED} LIMIT 1"
        )
        (pid,) = store.query_one("SELECT id FROM persons WHERE erased_at IS NULL ORDER BY pk LIMIT 1")
    leader = next(m for m in members if m.role is Role.TEAM_LEADER)
    member = next(m for m in members if m.role is Role.MEMBER)
    return leader, member, rid, pid


def _run(cli_dir, *args, pin="1234"):
    from tests.test_cli import run
    from tests.test_cli_receipts import _env

    return run(*args, data_dir=cli_dir, env=_env(cli_dir, FIELDAPP_PIN=pin))


def test_cli_refuses_a_member_with_exit_1(cli_dir):
    _leader, member, number, pid = _cli_members(cli_dir)
    # a member's own code and right PIN: signed in, but not a leader
    done = _run(cli_dir, "receipt", "void", number, "--reason", "Ghi sai", "--leader", member.code)
    assert done.returncode == 1
    assert t("receipt.void_needs_leader", "vi") in done.stderr
    done = _run(cli_dir, "people", "erase", pid, "--leader", member.code, "--lang", "en")
    assert done.returncode == 1 and t("erase.leader_only", "en") in done.stderr
    listed = json.loads(_run(cli_dir, "receipt", "list", "--json").stdout)["receipts"]
    assert next(r["status"] for r in listed if r["number"] == number) == "valid"
    assert _name_of(cli_dir, pid) != ""


def _name_of(cli_dir, pid) -> str:
    from fieldapp.paths import DataDir
    from fieldapp.storage.store import OpenOptions, Store
    from tests.conftest import PASSPHRASE

    with Store.open(DataDir(cli_dir), OpenOptions(passphrase=PASSPHRASE)) as store:
        return people.get(store, pid).full_name


def test_cli_takes_the_leaders_code_and_checks_the_pin(cli_dir):
    leader, _member, number, pid = _cli_members(cli_dir)
    wrong = _run(cli_dir, "receipt", "void", number, "--reason", "Ghi sai", "--leader", leader.code, pin="0000")
    assert wrong.returncode == 1 and "PIN" in wrong.stderr
    unknown = _run(cli_dir, "receipt", "void", number, "--reason", "Ghi sai", "--leader", "000000")
    assert unknown.returncode == 1 and "000000" in unknown.stderr
    ok = _run(cli_dir, "receipt", "void", number, "--reason", "Ghi sai", "--leader", leader.code)
    assert ok.returncode == 0, ok.stderr
    erased = _run(cli_dir, "people", "erase", pid, "--leader", leader.code, "--json")
    assert erased.returncode == 0, erased.stderr
    assert json.loads(erased.stdout) == {"erased": pid}
    assert _name_of(cli_dir, pid) == ""
