"""Rules travel as data (issue 14), end to end: a rule file provincial IT adds on a real server reaches a
real laptop at its next sync or in an answer bundle, and prices its quotes from the file's dates; a file
changed on the way is refused and said, and changes nothing."""

from __future__ import annotations

import json
from datetime import date

import httpx
import pytest

from fieldapp.domain import premiums
from fieldapp.domain.premiums import default_rules
from fieldapp.storage import rules as rule_store
from fieldapp.sync.bundle import export_bundle, import_bundle
from tests.conftest import cli_env
from tests.domain.test_rulefile import NATIONAL, PROVINCE
from tests.sync.conftest import fieldapp

TODAY = date(2026, 12, 20)
JULY = date(2027, 7, 1)


@pytest.fixture(autouse=True)
def _the_shipped_rules_again():
    yield
    premiums.activate([])


def add_file(server, text: str) -> dict:
    from fieldapp.server import admin, rules

    store = admin.open_store(server.database_url)
    try:
        return rules.add(store, text.encode(), TODAY)
    finally:
        store.close()


@pytest.fixture
def laptop(server, laptops):
    server.add_team("Tổ quy định", "33")
    lap = laptops("a")
    lap.enrol(server, "Tổ quy định")
    return lap


def test_a_file_added_on_the_server_prices_the_laptops_quotes_from_its_day(server, laptop):
    assert default_rules().quote_hi(members=1, months=12, on=JULY).total == 113_850 * 12
    add_file(server, NATIONAL)
    add_file(server, PROVINCE)
    assert default_rules().quote_hi(members=1, months=12, on=JULY).total == 113_850 * 12  # not synced yet
    result = laptop.sync()
    assert (result.rules_added, result.rules_refused) == (2, [])
    assert result.as_json()["rules_added"] == 2 and result.as_json()["rules_refused"] == 0
    book = default_rules()
    assert book.version == "2027.2 + 33:2027.1"
    assert book.quote_hi(members=1, months=12, on=date(2027, 6, 30)).total == 113_850 * 12
    assert book.quote_hi(members=1, months=12, on=JULY).total == 126_000 * 12
    assert laptop.sync().rules_added == 0  # nothing twice
    # `fieldapp quote` in another process, on the laptop's data dir, prices with them too
    env = cli_env(laptop.data_dir.root)
    done = fieldapp("quote", "hi", "--members", "1", "--months", "12", "--date", "2027-07-01", "--json", env=env)
    assert done.returncode == 0, done.stderr
    quote = json.loads(done.stdout)
    assert quote["total"] == 126_000 * 12 and quote["rules_version"] == "2027.2 + 33:2027.1"
    done = fieldapp("quote", "vsi", "--income", "2200000", "--months", "12", "--group", "poor", "--date",
                    "2027-01-01", "--province", "33", "--json", env=env)  # fmt: skip
    assert json.loads(done.stdout)["local_support_monthly"] == 50_000
    listed = json.loads(fieldapp("rules", "list", "--date", "2027-07-01", "--json", env=env).stdout)
    assert {"date", "version", "stale", "files", "rules", "refused"} <= set(listed)
    (salary,) = [r for r in listed["rules"] if r["rule"] == "base_salary"]
    assert (salary["id"], salary["source"], salary["file_version"]) == ("base_salary.2027-07", "server", "2027.2")


@pytest.mark.sqlite_only
def test_an_answer_bundle_carries_the_rule_files(server, laptop, tmp_path):
    from fieldapp.server import admin
    from fieldapp.server import bundle as server_bundle

    add_file(server, PROVINCE)
    up = export_bundle(laptop.store, tmp_path / "a.fab")
    store = admin.open_store(server.database_url)
    try:
        server_bundle.import_bundle(store, up.path.read_bytes())
        data, _info = server_bundle.answer_bundle(store, laptop.device_id)
    finally:
        store.close()
    (tmp_path / "a.answer.fab").write_bytes(data)
    taken = import_bundle(laptop.store, tmp_path / "a.answer.fab")
    assert (taken.rules_added, taken.rules_refused) == (1, [])
    assert [h.via for h in rule_store.held(laptop.store)] == ["bundle"]
    assert default_rules().version == "2027.1 + 33:2027.1"


class _Tamper(httpx.HTTPTransport):
    """A proxy on the way that changes one figure of every rule file the server sends."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.url.path != "/v1/rules":
            return response
        body = json.loads(response.read())
        for f in body["files"]:
            f["body"] = f["body"].replace("50_000", "500_000")
        return httpx.Response(response.status_code, json=body)


@pytest.mark.sqlite_only
def test_a_file_changed_on_the_way_is_refused_said_and_changes_nothing(server, laptop):
    add_file(server, PROVINCE)
    result = laptop.sync(transport=_Tamper())
    assert result.rules_added == 0 and [r["code"] for r in result.rules_refused] == ["rules.signature"]
    assert rule_store.held(laptop.store) == [] and default_rules().version == "2027.1"
    assert rule_store.refused(laptop.store) == result.rules_refused  # the Sync screen says it
    clean = laptop.sync()  # the next sync without the proxy takes it, and the refusal is gone
    assert clean.rules_added == 1 and rule_store.refused(laptop.store) == []
