"""The tally report of a day or a period: the figures against the targets, as tables of plain values
(ints, floats, None for "no target") that the screen, XLSX, CSV and PDF all render the same way. A period
whose figures take back a receipt of an earlier, closed day has one more table, "corrections", naming
each such void (issue 17, item 3).

The headers are message codes (translated by the caller's language), so a file and the screen show the
same words. A percentage is None where there is no target or the target is zero: never divided by.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from fieldapp.domain.enums import Metric, ScopeKind, TargetGroup
from fieldapp.domain.formats import format_vnd
from fieldapp.i18n import label, t
from fieldapp.storage import tallies as tally_store
from fieldapp.storage.store import Store
from fieldapp.storage.tallies import Correction, Figures, Snapshot

# The metrics each breakdown table shows (a column each), in the order the reports list them.
METRICS: tuple[Metric, ...] = (
    Metric.CONSULTATIONS,
    Metric.NEW_VSI,
    Metric.NEW_HI,
    Metric.DONATED_CARDS,
    Metric.DONATED_BOOKS,
    Metric.EVENTS,
    Metric.VSSID_INSTALLS,
    Metric.NON_CASH_PENSION,
)
BREAKDOWNS = ("member", "site", "commune", "group")
# the key of the table naming the voids of closed days a period's figures take back (only when there are some)
CORRECTIONS = "corrections"
# the target scope of each breakdown's rows (the group breakdown has none)
SCOPE_OF = {"member": ScopeKind.MEMBER, "commune": ScopeKind.COMMUNE}


def percent(done: int, target: int | None) -> float | None:
    """% of plan, one decimal; None where there is no target (none, or zero)."""
    if not target:
        return None
    return round(100 * done / target, 1)


@dataclass(frozen=True)
class Column:
    code: str  # a metric code, or "name", "target", "percent", "collected"
    header: str
    kind: str  # "text", "count", "money", "percent"


@dataclass
class Table:
    key: str  # "summary" or a breakdown
    title: str
    columns: list[Column]
    rows: list[list[object]]
    total: list[object] | None = None


@dataclass(frozen=True)
class DayPoint:
    day: date
    done: dict[Metric, int]


@dataclass
class Report:
    first: date
    last: date
    scope_name: str  # the team's name, or the province's for a report over all teams
    tables: list[Table]
    summary: list[tuple[Metric, int, int | None]]  # metric, done, target
    days: list[DayPoint]
    collected: int
    voids: int
    voids_amount: int
    lang: str
    campaign: tuple[date, date] | None = None
    cumulative_targets: dict[Metric, int] = field(default_factory=dict)  # the whole period's targets
    # who signs it, in order (message codes `tallies.signed_<code>`): a team's report its maker and its team
    # leader; a report over a province's teams its maker and the head of the office that made it
    signers: tuple[str, ...] = ("maker", "leader")

    @property
    def empty(self) -> bool:
        return not any(done for _m, done, _t in self.summary) and not self.collected

    def table(self, key: str) -> Table:
        return next(tb for tb in self.tables if tb.key == key)

    def period_text(self) -> str:
        if self.first == self.last:
            return self.first.strftime("%d/%m/%Y")
        return f"{self.first:%d/%m/%Y} – {self.last:%d/%m/%Y}"


def expected_share(first: date, last: date, today: date) -> float:
    """The share of a period's plan due by the end of `today`, the plan spread evenly over its days: 0 before
    it starts, 1 once it has ended (20 days of a 50-day campaign: 0.4, so 94 % of the target reads as ahead,
    not as nearly done)."""
    if today < first:
        return 0.0
    if today >= last:
        return 1.0
    return ((today - first).days + 1) / ((last - first).days + 1)


def build(
    store: Store,
    first: date,
    last: date,
    team_ids: Sequence[str] = (),
    lang: str = "vi",
) -> Report:
    """The report for first..last over the given teams (all the store knows when empty)."""
    if last < first:
        first, last = last, first
    snap = tally_store.snapshot(store, first, last, team_ids)
    return from_snapshot(snap, lang)


def _scope(snap: Snapshot) -> tuple[tuple[str, str] | None, str]:
    """Whose targets the summary compares with, and the name the report carries."""
    if len(snap.team_ids) == 1:
        team = snap.team_ids[0]
        return (ScopeKind.TEAM.value, team), snap.team_names.get(team, team)
    if len(snap.province_codes) == 1:
        from fieldapp.domain.admin_units import province_title, provinces

        code = snap.province_codes[0]
        known = provinces().get(code)
        return (ScopeKind.PROVINCE.value, code), province_title(known.name, known.kind) if known else code
    return None, ", ".join(sorted(snap.team_names.values()))


def _plan(snap: Snapshot, scope: tuple[str, str] | None) -> dict[str, int]:
    """The targets the summary compares with. A team's are its own. A report over several teams (the
    province's on the server, or "all teams") takes, per metric, the target its province set for the
    period where there is one, else the sum of its teams' targets: the team leaders set the plans of the
    period, the province rarely does, and its plan is then what its teams took on (issue 17, item 8)."""
    if scope is not None and scope[0] == ScopeKind.TEAM.value:
        return snap.targets.get(scope, {})
    summed: dict[str, int] = {}
    for team in snap.team_ids or tuple(snap.team_names):
        for metric, value in snap.targets.get((ScopeKind.TEAM.value, team), {}).items():
            summed[metric] = summed.get(metric, 0) + value
    own = snap.targets.get(scope, {}) if scope else {}
    return {**summed, **own}


def from_snapshot(snap: Snapshot, lang: str) -> Report:
    scope, scope_name = _scope(snap)
    total = Figures()
    for figures in snap.by["member"].values():
        for metric, n in figures.counts.items():
            total.add(metric, n, figures.amounts.get(metric, 0))
    targets = _plan(snap, scope)
    summary = [(m, total.count(m.value), targets.get(m.value)) for m in METRICS]

    def h(code: str) -> str:
        return t(f"tallies.column.{code}", lang)

    tables = [_summary_table(summary, total, lang)]
    planned = {m.value for m, _done, target in summary if target}
    for dim in BREAKDOWNS:
        tables.append(_breakdown(snap, dim, lang, h, planned))
    if snap.corrections:  # a table like the others, so the screen, the files and the PDF all show it
        tables.append(_corrections_table(snap, lang, h))
    days = [
        DayPoint(d, {m: snap.days[d].count(m.value) if d in snap.days else 0 for m in METRICS})
        for d in tally_store.days_between(snap.first, snap.last)
    ]
    return Report(
        first=snap.first,
        last=snap.last,
        scope_name=scope_name,
        tables=tables,
        summary=summary,
        days=days,
        collected=total.collected,
        voids=total.count(tally_store.VOIDS),
        voids_amount=total.amounts.get(tally_store.VOIDS, 0),
        lang=lang,
        cumulative_targets={m: v for m, _d, v in summary if v},
        signers=("maker", "leader") if scope and scope[0] == ScopeKind.TEAM.value else ("maker", "head"),
    )


def _summary_table(summary, total: Figures, lang: str) -> Table:
    def h(code: str) -> str:
        return t(f"tallies.column.{code}", lang)

    rows: list[list[object]] = [
        [label(m, lang), done, target or None, percent(done, target)] for m, done, target in summary
    ]
    rows.append([t("tallies.row.attendance", lang), total.count(tally_store.ATTENDANCE), None, None])
    rows.append([t("tallies.row.collected", lang), total.collected, None, None])
    return Table(
        "summary",
        t("tallies.table.summary", lang),
        [
            Column("name", h("indicator"), "text"),
            Column("done", h("done"), "count"),
            Column("target", h("target"), "count"),
            Column("percent", h("percent"), "percent"),
        ],
        rows,
    )


def _key_name(snap: Snapshot, dim: str, key: str, lang: str) -> str:
    if not key:
        return t(f"tallies.none.{dim}", lang)
    if dim == "group":
        try:
            return label(TargetGroup(key), lang)
        except ValueError:
            return key
    return snap.names.get(dim, {}).get(key, key)


def _breakdown(snap: Snapshot, dim: str, lang: str, h, planned: set[str]) -> Table:
    """`planned`: the metrics the report's own scope (the team, the province) has a target for. In the member
    and commune tables each of them, and each metric a row has a target of its own for, gets its target and
    % of plan columns, with "no target" on the rows that have none: a leader sees who is behind where there
    are targets, and that there are none where there are not (issue 18, item 12)."""
    figures = snap.by.get(dim, {})
    scope = SCOPE_OF.get(dim)
    targeted: list[Metric] = []
    if scope is not None:
        targeted = [
            m
            for m in METRICS
            if m.value in planned or any(snap.targets.get((scope.value, key), {}).get(m.value) for key in figures)
        ]
    columns = [Column("name", h(f"by_{dim}"), "text")]
    for m in METRICS:
        columns.append(Column(m.value, label(m, lang), "count"))
        if m in targeted:
            columns.append(Column(f"{m.value}:target", f"{h('target')} ({label(m, lang)})", "count"))
            columns.append(Column(f"{m.value}:percent", f"{h('percent')} ({label(m, lang)})", "percent"))
    columns.append(Column("collected", h("collected"), "money"))

    rows = []
    for key, fig in figures.items():
        row: list[object] = [_key_name(snap, dim, key, lang)]
        target = snap.targets.get((scope.value, key), {}) if scope else {}
        for m in METRICS:
            row.append(fig.count(m.value))
            if m in targeted:
                value = target.get(m.value)
                row.append(value or None)
                row.append(percent(fig.count(m.value), value))
        row.append(fig.collected)
        rows.append(row)
    rows.sort(key=lambda r: str(r[0]).casefold())
    total: list[object] = [t("tallies.row.total", lang)]
    for i, col in enumerate(columns[1:], start=1):
        if col.kind in ("count", "money") and not col.code.endswith(":target"):
            total.append(sum(int(r[i] or 0) for r in rows))
        elif col.code.endswith(":target"):
            total.append(sum(int(r[i] or 0) for r in rows) or None)
        else:
            done_i = i - 2
            total.append(percent(int(total[done_i] or 0), total[i - 1]))  # type: ignore[arg-type]
    return Table(dim, t(f"tallies.table.{dim}", lang), columns, rows, total)


def correction_line(fix: Correction, lang: str) -> str:
    """The line naming a correction: "Điều chỉnh: huỷ biên lai BI-330101-2026/0000012 ngày 03/12/2026
    (Nguyễn Văn A), -1.366.200 đ"; the collector's name, as the member rows name them. The minus is a hyphen,
    as format_number writes it: the PDF's font has no U+2212, which printed as a blank box."""
    return t(
        "tallies.correction",
        lang,
        receipt=fix.label,
        day=fix.receipt_day.strftime("%d/%m/%Y"),
        name=fix.collector,
        amount=format_vnd(fix.amount, lang),
    )


def _corrections_table(snap: Snapshot, lang: str, h) -> Table:
    """The voids of earlier, closed days that the period's figures take back (db/0011): the line that says
    why a day reads less than its receipts, or a member's money below zero."""
    columns = [Column("day", h("correction_day"), "text"), Column("correction", h("correction"), "text")]
    rows: list[list[object]] = [[fix.day.strftime("%d/%m/%Y"), correction_line(fix, lang)] for fix in snap.corrections]
    return Table(CORRECTIONS, t("tallies.table.corrections", lang), columns, rows)
