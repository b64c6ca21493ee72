"""`fieldapp rules list` and the rules facts of `fieldapp quote` (issue 14), on a fresh data dir: the shipped
rules, their version, every rule in force on a day with its source and whether it is confirmed."""

from __future__ import annotations

import json

from tests.test_cli import run


def test_rules_list_on_a_fresh_data_dir(tmp_path):
    done = run("rules", "list", "--date", "2027-01-05", "--json", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert {"date", "version", "checked_on", "stale", "last_change", "files", "rules", "refused"} <= set(listed)
    assert listed["version"] == "2027.1" and listed["last_change"] == "2027-01-01" and listed["refused"] == []
    assert listed["files"] == [
        {"source": "shipped", "kind": "national", "version": "2027.1", "issued": "2026-12-07", "province": None}
    ]
    rules = {r["rule"]: r for r in listed["rules"]}
    line = rules["vsi.poverty_line"]
    assert (line["id"], line["values"]["amount"], line["confirmed"], line["source"]) == (
        "vsi.poverty_line.2027-01",
        2_200_000,
        True,
        "shipped",
    )
    assert line["basis"].startswith("Nghị định 351/2025/NĐ-CP")
    assert rules["vsi.return_rate"]["confirmed"] is False
    assert not (tmp_path / "fieldapp.db").exists()  # listing the rules makes no store


def test_rules_list_in_words_and_the_quote_names_its_rules(tmp_path):
    done = run("--lang", "en", "rules", "list", "--date", "2026-12-31", data_dir=tmp_path)
    assert done.returncode == 0 and "Premium rules 2027.1 in force on 31/12/2026" in done.stdout
    assert "vsi.poverty_line.2022-01" in done.stdout and "(not confirmed in an official text)" in done.stdout
    done = run("quote", "hi", "--members", "2", "--months", "12", "--date", "2027-01-05", "--json", data_dir=tmp_path)
    quote = json.loads(done.stdout)
    assert quote["rules_version"] == "2027.1" and {"rules_checked_on", "rules_stale"} <= set(quote)


def test_a_bad_date_is_a_usage_error(tmp_path):
    done = run("rules", "list", "--date", "2027-13-01", data_dir=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
