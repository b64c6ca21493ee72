"""`fieldapp server report`: the laptop's tally report over every team on the central server.

The consultations, by far the most records of a period, are added up by the server's database itself: one
GROUP BY per breakdown (`store_reports.consultation_rollup`, in the server's data layer: SQLAlchemy Core,
the same SQL on SQLite and PostgreSQL), keyed as db/0005's `tally_facts` keys them. The other records a
period needs (its events, enrolments, receipts and outreach, the voids of its receipts and the receipts
voided in it with their days' closings, the people and places they name, the teams, members, campaigns and
targets) are read from the server's `records` table (`store_reports.gather`) and put into a scratch laptop
store, added up there by the laptop's own rollup (`storage.tallies.rebuild`); `reports.tallies.build` does the
rest. So the province's report and a team
leader's are the same numbers (tests/reports check both databases against the laptop).
"""

from __future__ import annotations

import tempfile
from datetime import date

from fieldapp.i18n import t
from fieldapp.paths import DataDir
from fieldapp.reports.tallies import Column, Report, Table, build
from fieldapp.server.store import ServerStore
from fieldapp.server.store_reports import gather
from fieldapp.storage import tallies as tally_store
from fieldapp.storage.store import OpenOptions, Store

ORDER = (
    "teams",
    "members",
    "sites",
    "campaigns",
    "campaign_periods",
    "targets",
    "persons",
    "events",
    "consultations",
    "enrolments",
    "payments",
    "receipts",
    "receipt_voids",
    "outreach_results",
    "day_closings",
)


def closings_table(store: Store, first: date, last: date, lang: str) -> Table:
    """The collectors' days closed in first..last (synced from the team leaders' laptops): the province
    sees which days are closed, what the receipts said and what was counted."""
    from fieldapp.storage.closing import closings_between

    def h(code: str) -> str:
        return t(f"tallies.column.closing_{code}", lang)

    columns = [
        Column("day", h("day"), "text"),
        Column("team", h("team"), "text"),
        Column("collector", h("collector"), "text"),
        Column("receipts", h("receipts"), "count"),
        Column("receipts_amount", h("receipts_amount"), "money"),
        Column("cash_expected", h("cash_expected"), "money"),
        Column("cash_counted", h("cash_counted"), "money"),
        Column("transfers", h("transfers"), "money"),
        Column("difference", h("difference"), "money"),
        Column("explanation", h("explanation"), "text"),
    ]
    rows: list[list[object]] = [
        [c.day.strftime("%d/%m/%Y"), team, collector, c.receipts, c.receipts_amount, c.cash_expected,
         c.cash_counted, c.transfers, c.difference, c.explanation]
        for c, team, collector in closings_between(store, first, last)
    ]  # fmt: skip
    total: list[object] = [t("tallies.row.total", lang), "", ""]
    total += [sum(int(r[i]) for r in rows) for i in range(3, 9)] + [""]
    return Table("closings", t("tallies.table.closings", lang), columns, rows, total if rows else None)


def server_report(server: ServerStore, first: date, last: date, lang: str = "vi") -> Report:
    records = gather(server, first, last)
    with tempfile.TemporaryDirectory(prefix="fieldapp-report-") as tmp:
        scratch = Store.open(DataDir(tmp), OpenOptions(dev_plaintext=True))
        try:
            tally_store.drop_rollup_triggers(scratch)
            for table in ORDER:
                tally_store.load_records(scratch, table, records.get(table, []))
            tally_store.rebuild(scratch)
            tally_store.add_rollup(scratch, records.get("tallies", []))
            report = build(scratch, first, last, (), lang)
            report.tables.append(closings_table(scratch, first, last, lang))
            return report
        finally:
            scratch.close()
