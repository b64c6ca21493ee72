"""`fieldapp server report`: the same report over the server's records as the laptop makes from its own."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fieldapp.reports import export
from fieldapp.reports.server import ORDER
from fieldapp.reports.tallies import build
from fieldapp.storage.records import BY_TABLE
from tests.conftest import DEMO_END
from tests.server.conftest import BACKENDS, database_for, pg_cluster  # noqa: F401 (the fixture)

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


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_server_report_matches_the_laptops(backend, request, demo_store, tmp_path):
    """The consultations are added up by the server's database (SQLite or a real PostgreSQL), the rest in
    a scratch store: the same tables as the laptop's own report, and the same rollup rows."""
    from fieldapp.reports.server import gather, server_report

    server = _server_with(demo_store, database_for(backend, request, tmp_path))
    try:
        for first in (DEMO_END, DEMO_END - timedelta(days=3)):
            ours = server_report(server, first, DEMO_END, "vi")
            laptop = build(demo_store, first, DEMO_END, (), "vi")
            for key in ("summary", "member", "site", "commune", "group"):
                assert export.table_texts(ours.table(key), "vi") == export.table_texts(laptop.table(key), "vi"), key
            assert not ours.empty and ours.scope_name == "Tỉnh Hưng Yên"
            rollup = sorted(gather(server, first, DEMO_END)["tallies"])
            assert rollup == sorted(
                demo_store.query(
                    "SELECT team_id, day, dim, key, metric, n, amount FROM tallies "
                    "WHERE metric = 'consultations' AND day BETWEEN ? AND ?",
                    (first.isoformat(), DEMO_END.isoformat()),
                )
            )
            assert (
                sum(r[5] for r in rollup if r[2] == "member")
                == demo_store.query_one(
                    "SELECT count(*) FROM consultations WHERE day BETWEEN ? AND ?",
                    (first.isoformat(), DEMO_END.isoformat()),
                )[0]
            )
        empty = server_report(server, DEMO_END + timedelta(days=30), DEMO_END + timedelta(days=31), "vi")
        assert empty.empty  # a period with no work: an empty report, not an error
        assert empty.table("closings").rows == [] and empty.table("closings").total is None
    finally:
        server.close()


def test_the_province_report_shows_the_closed_days(demo_store, tmp_path):
    """A day a team leader closed (synced as a `day_closings` record) is listed with its figures."""
    from fieldapp.reports.server import server_report
    from fieldapp.services import closing
    from fieldapp.storage.writer import Actor
    from tests.reports.helpers import team_and_people

    team, leader, member = team_and_people(demo_store)
    cash = closing.day_cash(demo_store, DEMO_END, member.id)
    closed = closing.close_day(demo_store, Actor(leader.id, demo_store.device_id), leader, day=DEMO_END,
                               collector_id=member.id, team_id=team.id, notes={100_000: 3},
                               explanation="Thiếu, nộp bổ sung ngày mai")  # fmt: skip
    (op,) = demo_store.query("SELECT entity FROM outbox WHERE entity_id = ?", (closed.id,))
    assert op == ("day_closings",)  # the closing goes out with its outbox op
    server = _server_with(demo_store, f"sqlite:///{tmp_path / 'server.db'}")
    try:
        table = server_report(server, DEMO_END - timedelta(days=3), DEMO_END, "vi").table("closings")
        assert table.title == "Các ngày đã chốt sổ"
        # the demo closed every day before its last: this one is the test's, on the last
        (row,) = [r for r in table.rows if r[0] == DEMO_END.strftime("%d/%m/%Y")]
        assert row == [DEMO_END.strftime("%d/%m/%Y"), team.name, member.full_name, len(cash.valid),
                       cash.issued_amount, cash.cash_expected, 300_000, cash.transfers_amount,
                       300_000 - cash.cash_expected, "Thiếu, nộp bổ sung ngày mai"]  # fmt: skip
        assert [sum(r[i] for r in table.rows) for i in range(3, 9)] == table.total[3:9]
        demo_days = demo_store.query(
            "SELECT count(*) FROM day_closings WHERE day BETWEEN ? AND ?",
            ((DEMO_END - timedelta(days=3)).isoformat(), (DEMO_END - timedelta(days=1)).isoformat()),
        )[0][0]
        earlier = server_report(server, DEMO_END - timedelta(days=3), DEMO_END - timedelta(days=1))
        assert demo_days and len(earlier.table("closings").rows) == demo_days
    finally:
        server.close()


def test_the_server_report_puts_voids_where_the_laptop_does(demo_store, tmp_path, monkeypatch):
    """Issue 17, item 3: a receipt voided after the period while its day was open leaves the period's
    figures, and a void in the period of an earlier, closed day is a named correction there; the server
    fetches the records that decide it (the later void, the earlier day's closing) and reads as the laptop."""
    from fieldapp.reports.server import server_report
    from tests.reports.helpers import at, enrol_hi, team_and_people
    from tests.reports.test_voids import DAY, NEXT, _close, _void

    team, leader, member = team_and_people(demo_store)
    a = enrol_hi(demo_store, member, team, at(DAY, 2))
    _close(demo_store, monkeypatch, team, leader, member, DAY, at(DAY, 10))
    _void(demo_store, monkeypatch, leader, a.receipt.id, at(NEXT, 2))  # a correction on NEXT
    enrol_hi(demo_store, member, team, at(NEXT, 3))
    b = enrol_hi(demo_store, member, team, at(NEXT, 4))
    _void(demo_store, monkeypatch, leader, b.receipt.id, at(NEXT + timedelta(days=2), 2))  # NEXT still open
    server = _server_with(demo_store, f"sqlite:///{tmp_path / 'server.db'}")
    try:
        for first, last in ((NEXT, NEXT), (DAY, NEXT), (DAY, DAY)):
            ours = server_report(server, first, last, "vi")
            laptop = build(demo_store, first, last, (), "vi")
            keys = [tb.key for tb in laptop.tables]
            assert [tb.key for tb in ours.tables if tb.key != "closings"] == keys
            for key in keys:
                assert export.table_texts(ours.table(key), "vi") == export.table_texts(laptop.table(key), "vi"), key
        assert [tb.key for tb in build(demo_store, NEXT, NEXT, (), "vi").tables][-1] == "corrections"
    finally:
        server.close()


def test_the_server_report_command(demo_store, tmp_path, capsys):
    _server_with(demo_store, f"sqlite:///{tmp_path / 'server.db'}").close()
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


def test_the_province_report_carries_the_teams_targets(demo_store, tmp_path):
    """Issue 17, item 8: the server holds the targets the team leaders pushed; the province's report
    compares with them ("done / target (x %)"), and its plan columns read as the team leader's own report
    on the laptop for the same data (one team: the province's plan is that team's)."""
    from fieldapp.reports.server import server_report

    (team,) = [r[0] for r in demo_store.query("SELECT id FROM teams")]
    server = _server_with(demo_store, f"sqlite:///{tmp_path / 'server.db'}")
    try:
        for first in (DEMO_END, DEMO_END - timedelta(days=3)):
            ours = server_report(server, first, DEMO_END, "vi")
            leader = build(demo_store, first, DEMO_END, [team], "vi")
            assert any(target for _m, _done, target in ours.summary), "the province's plan cells are empty"
            assert ours.summary == leader.summary
            for key in ("summary", "member", "site", "commune", "group"):
                assert export.table_texts(ours.table(key), "vi") == export.table_texts(leader.table(key), "vi"), key
            assert ours.cumulative_targets == leader.cumulative_targets
    finally:
        server.close()


def test_a_province_target_of_the_period_is_the_provinces_plan(demo_store):
    """Where the province set a target for exactly the period (a whole campaign), that is its plan; for
    the other metrics the plan is the sum of its teams' targets."""
    from fieldapp.domain.enums import Metric

    (start, end) = demo_store.query_one("SELECT starts_on, ends_on FROM campaigns")
    own = dict(demo_store.query("SELECT metric, value FROM targets WHERE scope = 'province' AND period_id IS NULL"))
    (team,) = [r[0] for r in demo_store.query("SELECT id FROM teams")]
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    province = build(demo_store, first, last, (), "vi")
    leader = build(demo_store, first, last, [team], "vi")
    theirs = {m: target for m, _done, target in leader.summary}
    for metric, _done, target in province.summary:
        assert target == ((own[metric.value] if metric.value in own else theirs[metric]) or None), metric
    assert own and set(own) <= {m.value for m in Metric}


def test_the_province_report_pdf_names_the_province_as_a_title_and_is_signed_by_its_office(demo_store, tmp_path):
    """Issue 17, item 8: "Đơn vị: Tỉnh Hưng Yên" (an administrative title, not "tỉnh Hưng Yên"), signed
    NGƯỜI LẬP BIỂU and THỦ TRƯỞNG ĐƠN VỊ; a team's report is still signed by its TỔ TRƯỞNG."""
    from pypdf import PdfReader

    from fieldapp.reports.server import server_report

    (team,) = [r[0] for r in demo_store.query("SELECT id FROM teams")]
    server = _server_with(demo_store, f"sqlite:///{tmp_path / 'server.db'}")
    try:
        ours = server_report(server, DEMO_END, DEMO_END, "vi")
    finally:
        server.close()
    assert ours.scope_name == "Tỉnh Hưng Yên"
    assert ours.signers == ("maker", "head")
    pdf = export.write(ours, tmp_path / "province.pdf", "pdf", DEMO_END)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "Đơn vị: Tỉnh Hưng Yên" in text and "tỉnh Hưng Yên" not in text
    assert "NGƯỜI LẬP BIỂU" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text and "TỔ TRƯỞNG" not in text
    leader = build(demo_store, DEMO_END, DEMO_END, [team], "vi")
    assert leader.signers == ("maker", "leader")
    pdf = export.write(leader, tmp_path / "team.pdf", "pdf", DEMO_END)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "NGƯỜI LẬP BIỂU" in text and "TỔ TRƯỞNG" in text and "THỦ TRƯỞNG" not in text
    en = build(demo_store, DEMO_END, DEMO_END, (), "en")
    pdf = export.write(en, tmp_path / "en.pdf", "pdf", DEMO_END)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "PREPARED BY" in text and "HEAD OF UNIT" in text


def test_the_province_plan_adds_up_its_teams_targets(demo_store, tmp_path):
    """A province of two teams: its plan of a day is what both teams' leaders set for that day."""
    import json

    from fieldapp.domain.enums import Metric
    from fieldapp.reports.server import server_report
    from fieldapp.server import schema as s

    (team,) = [r[0] for r in demo_store.query("SELECT id FROM teams")]
    leader = build(demo_store, DEMO_END, DEMO_END, [team], "vi")
    first_team = {m: target for m, _done, target in leader.summary}
    campaign, period = demo_store.query_one(
        "SELECT campaign_id, id FROM campaign_periods WHERE kind = 'day' AND starts_on = ?", (DEMO_END.isoformat(),)
    )
    server = _server_with(demo_store, f"sqlite:///{tmp_path / 'server.db'}")
    try:
        other = {"id": "team-2", "name": "Tổ 2", "province_code": "33", "created_at": "2026-07-01T00:00:00+00:00"}
        target = {
            "id": "target-2",
            "campaign_id": campaign,
            "period_id": period,
            "scope": "team",
            "scope_ref": "team-2",
            "metric": Metric.NEW_HI.value,
            "value": 5,
            "created_at": "2026-07-01T00:00:00+00:00",
            "version": 1,
        }
        with server.engine.begin() as conn:
            conn.execute(s.teams.insert(), [other])
            conn.execute(
                s.records.insert(),
                [
                    {
                        "entity": "targets",
                        "id": target["id"],
                        "scope_team": "team-2",
                        "scope_province": "33",
                        "version": 1,
                        "data": json.dumps(target),
                        "pos": 10**6,
                        "updated_at": "2026-07-15T00:00:00+00:00",
                        "last_device": None,
                        "chain_base": None,
                    }
                ],
            )
        ours = server_report(server, DEMO_END, DEMO_END, "vi")
    finally:
        server.close()
    plan = {m: target for m, _done, target in ours.summary}
    assert plan[Metric.NEW_HI] == (first_team[Metric.NEW_HI] or 0) + 5
    assert {m: v for m, v in plan.items() if m is not Metric.NEW_HI} == {
        m: v for m, v in first_team.items() if m is not Metric.NEW_HI
    }
    assert ours.scope_name == "Tỉnh Hưng Yên" and ours.signers == ("maker", "head")
