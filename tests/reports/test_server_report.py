"""`fieldapp server report`: the same report over the server's records as the laptop makes from its own."""

from __future__ import annotations

from datetime import timedelta

from fieldapp.reports import export
from fieldapp.reports.server import ORDER
from fieldapp.reports.tallies import build
from fieldapp.storage.records import BY_TABLE
from tests.conftest import DEMO_END

TABLES = [t for t in ORDER if t != "teams"]  # the server keeps teams in a table of its own


def _server_with(demo_store, url):
    import json

    from fieldapp.server import admin
    from fieldapp.server import schema as s

    server = admin.open_store(url)
    team_rows = demo_store.query("SELECT id, name, province_code, created_at FROM teams")
    rows, pos = [], 0
    for table in TABLES:
        spec = BY_TABLE[table]
        for raw in demo_store.query(spec.select_sql):
            pos += 1
            data = spec.encode(spec.decode(raw))
            rows.append(
                {
                    "entity": table,
                    "id": data["id"],
                    "scope_team": team_rows[0][0],
                    "scope_province": "33",
                    "version": data.get("version"),
                    "data": json.dumps(data, ensure_ascii=False),
                    "pos": pos,
                    "updated_at": "2026-07-15T00:00:00+00:00",
                    "last_device": None,
                    "chain_base": None,
                }
            )
    with server.engine.begin() as conn:
        conn.execute(s.teams.insert(), [dict(id=i, name=n, province_code=p, created_at=c) for i, n, p, c in team_rows])
        conn.execute(s.records.insert(), rows)
    return server


def test_the_server_report_matches_the_laptops(demo_store, tmp_path, monkeypatch, capsys):
    from fieldapp.reports.server import server_report

    server = _server_with(demo_store, f"sqlite:///{tmp_path / 'server.db'}")
    try:
        for first in (DEMO_END, DEMO_END - timedelta(days=3)):
            ours = server_report(server, first, DEMO_END, "vi")
            laptop = build(demo_store, first, DEMO_END, (), "vi")
            for key in ("summary", "member", "site", "commune", "group"):
                assert export.table_texts(ours.table(key), "vi") == export.table_texts(laptop.table(key), "vi"), key
            assert not ours.empty and ours.scope_name == "tỉnh Hưng Yên"
    finally:
        server.close()
    from fieldapp.cli import main

    out = tmp_path / "province.xlsx"
    code = main(
        [
            "server",
            "--database-url",
            f"sqlite:///{tmp_path / 'server.db'}",
            "report",
            "--day",
            DEMO_END.isoformat(),
            "--format",
            "xlsx",
            "-o",
            str(out),
        ]
    )
    assert code == 0 and out.stat().st_size > 0, capsys.readouterr().err
