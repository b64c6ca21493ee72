"""Demo data: realistic, complete, through the services, and the same for the same seed."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from fieldapp.demo import DemoOptions, load_demo
from fieldapp.domain.receipt_code import decode
from fieldapp.errors import InputRefused
from fieldapp.paths import DataDir
from fieldapp.storage import team as team_store
from fieldapp.storage.work import counts
from tests.conftest import DEMO_END

TABLES = (
    "teams",
    "members",
    "hamlets",
    "sites",
    "campaigns",
    "campaign_periods",
    "targets",
    "households",
    "persons",
    "events",
    "consultations",
    "follow_ups",
    "enrolments",
    "payments",
    "receipts",
    "outreach_results",
    "outbox",
    "audit_log",
)


def dump(store) -> dict[str, list[tuple]]:
    out = {}
    for table in TABLES:
        cols = [r[1] for r in store.query(f"PRAGMA table_info({table})") if r[1] not in ("seq", "pk")]
        out[table] = store.query(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {cols[0]}")
    return out


def test_same_seed_same_data(tmp_path, open_store):
    dumps = []
    for name in ("a", "b"):
        store = open_store(DataDir(tmp_path / name))
        load_demo(store, DemoOptions(persons=300, days=3, seed=5, end_date=DEMO_END))
        d = dump(store)
        # The laptop's own device id and receipt signing key differ (so do the signatures made with it), and
        # so do the members' PIN verifiers, sealed under this laptop's own team PIN key with a random nonce;
        # everything else must not. The signed claims themselves must be the same.
        own = [store.device_id, *(v for r in store.query("SELECT key_id, public_key FROM devices") for v in r)]
        own += [r[0] for r in store.query("SELECT pin_hash FROM members")]
        payloads = [r[0] for r in store.query("SELECT qr_payload FROM receipts ORDER BY series, number")]
        claims = [decode(p).claim for p in payloads]
        assert claims and all(c.key_id == claims[0].key_id for c in claims)
        claims = [replace(c, key_id=b"") for c in claims]
        own += payloads

        def scrub(value, own=own):
            if isinstance(value, str):
                for text in own:
                    value = value.replace(text, "*")
            return value

        for row_list in d.values():
            row_list[:] = [tuple(scrub(v) for v in r if v != store.device_id) for r in row_list]
        dumps.append((d, claims))
    assert dumps[0] == dumps[1]


def test_demo_is_realistic(demo_store):
    c = counts(demo_store)
    assert c["persons"] == 600
    assert 100 <= c["households"] <= 300
    for key in (
        "consultations",
        "enrolments",
        "payments",
        "receipts",
        "events",
        "follow_ups",
        "outreach_results",
        "targets",
        "hamlets",
        "sites",
    ):
        assert c[key] > 0, key
    assert c["receipts"] == c["payments"] == c["enrolments"]
    assert c["outbox_pending"] >= c["persons"] + c["consultations"]
    team = team_store.current_team(demo_store)
    assert team.province_code == "33"
    assert len(team_store.members(demo_store, team.id)) == 8
    names = [r[0] for r in demo_store.query("SELECT full_name FROM persons")]
    assert sum(n.startswith("Nguyễn ") for n in names) / len(names) > 0.25
    assert all(re.fullmatch(r"[^\W\d_]+( [^\W\d_]+){2,}", n) for n in names)
    assert any(ch in "".join(names) for ch in "ễờữặộ")
    # every person's commune is one of the team's, every birth date is in the past
    assert (
        demo_store.query_one(
            "SELECT count(*) FROM persons WHERE commune_code NOT IN "
            "(SELECT value FROM teams, json_each(teams.commune_codes))"
        )[0]
        == 0
    )
    assert demo_store.query_one("SELECT count(*) FROM persons WHERE birth_date > ?", (DEMO_END.isoformat(),))[0] == 0
    assert demo_store.check() == []


def test_demo_citizen_ids_validate(demo_store):
    from datetime import date

    from fieldapp.domain.enums import Sex
    from fieldapp.domain.validators import check_citizen_id

    rows = demo_store.query("SELECT citizen_id, birth_date, sex FROM persons WHERE citizen_id IS NOT NULL")
    assert rows
    for cid, born, sex in rows:
        checked = check_citizen_id(cid, birth_date=date.fromisoformat(born), sex=Sex(sex), today=DEMO_END)
        assert checked.ok, (cid, born, sex, checked.reason)


def test_receipts_follow_the_series_rules(demo_store):
    rows = demo_store.query("SELECT series, number FROM receipts ORDER BY series, number")
    assert all(re.fullmatch(r"(IS|BI)-\d{6}-2026", s) for s, _ in rows)
    by_series: dict[str, list[int]] = {}
    for s, n in rows:
        by_series.setdefault(s, []).append(n)
    for numbers in by_series.values():
        assert numbers == list(range(1, len(numbers) + 1))


def test_same_seed_twice_is_refused(demo_store):
    with pytest.raises(InputRefused) as err:
        load_demo(demo_store, DemoOptions(persons=10, days=1, seed=11, end_date=DEMO_END))
    assert err.value.code == "demo.already_loaded"


def test_another_seed_adds_to_the_same_team(demo_store):
    team = team_store.current_team(demo_store)
    before = counts(demo_store)
    load_demo(demo_store, DemoOptions(persons=50, days=1, seed=12, end_date=DEMO_END))
    assert counts(demo_store)["persons"] == before["persons"] + 50
    assert team_store.current_team(demo_store).id == team.id
    assert counts(demo_store)["teams"] == 1


@pytest.mark.parametrize(
    ("options", "code"),
    [
        (DemoOptions(persons=-1), "demo.bad_size"),
        (DemoOptions(days=0), "demo.bad_size"),
        (DemoOptions(province="99"), "demo.unknown_province"),
    ],
)
def test_bad_demo_options(store, options, code):
    with pytest.raises(InputRefused) as err:
        load_demo(store, options)
    assert err.value.code == code
    assert counts(store)["persons"] == 0


def test_other_province(store):
    load_demo(store, DemoOptions(persons=40, days=1, seed=3, province="1", end_date=DEMO_END))
    team = team_store.current_team(store)
    assert team.province_code == "01"
    assert "Hà Nội" in team.organisation


def test_demo_sites_are_proper_names(demo_store):
    """Issue 17, item 10: "Nhà văn hoá thôn Đông", "Hội trường UBND xã Nam Cường", "Chợ Xuân Trúc": the place's
    own name keeps its capitals (only the unit's kind, thôn or xã, is lower case inside a name), and an
    event held there names it so."""
    sites = dict(demo_store.query("SELECT id, name FROM sites"))
    assert sites
    for name in sites.values():
        words = name.split()
        assert words[0][0].isupper() and words[-1][0].isupper(), name
        assert not any(w in ("Thôn", "Xã", "Phường") for w in words[1:]), name
    for site_id, title in demo_store.query("SELECT site_id, title FROM events WHERE site_id IS NOT NULL"):
        if " tại " in title and not title.startswith("Tư vấn tại nhà"):
            assert title.endswith(sites[site_id]), title
