"""Targets per campaign and period (a day, the 7 peak days, a week, a month, the year, the whole
campaign) per province, commune, team and member, for each Metric: typed in, or imported from the
spreadsheet the province sends.

The spreadsheet has one row per period and unit: the columns Kỳ / Period (a period's name, a day
dd/mm/yyyy, "dd/mm/yyyy - dd/mm/yyyy", or empty for the whole campaign), Cấp / Scope (tỉnh, xã, tổ,
thành viên or province, commune, team, member), Đơn vị / Unit (a code or a name), then one column per
metric (its label in Vietnamese or English, or its code). Import is all or nothing: any problem (a
missing or unknown column, text in a number cell, a negative number, a unit not known, the same period
and unit twice) is answered per row and nothing is saved.

Targets and periods are set by a leader (or admin) of the team this laptop works for
(fieldapp.domain.permissions): every function that writes one asks, with the writer's actor.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from fieldapp.domain.changes import Done
from fieldapp.domain.enums import AuditAction, Metric, PeriodKind, ScopeKind
from fieldapp.domain.formats import parse_date
from fieldapp.domain.models import Campaign, CampaignPeriod, Target
from fieldapp.domain.permissions import Action, require
from fieldapp.domain.text import fold
from fieldapp.errors import InputRefused
from fieldapp.i18n import catalog
from fieldapp.services.table_files import data_rows, read_table, split_header
from fieldapp.storage import targets as target_store
from fieldapp.storage import team as team_store
from fieldapp.storage.store import Store
from fieldapp.storage.writer import Actor, Writer, writing, written

MAX_TARGET = 10_000_000


def _may_set(w: Writer) -> None:
    require(team_store.member_in(w.conn, w.actor.member_id), Action.TARGETS, team_store.current_team_id(w.conn))


def set_targets(
    w: Writer,
    campaign_id: str,
    period_id: str | None,
    scope: ScopeKind,
    ref: str,
    values: Mapping[Metric, int | None],
) -> int:
    """Set (or change) the targets of one unit for one period; None leaves a metric as it is. Returns how
    many targets were written."""
    _may_set(w)
    known = target_store.existing(w.conn, campaign_id)
    written = 0
    for metric, value in values.items():
        if value is None:
            continue
        if value < 0 or value > MAX_TARGET:
            raise InputRefused("targets.value_out_of_range", value=value)
        old = known.get((period_id, scope.value, ref, metric.value))
        if old is None:
            w.add(Target(w.ids(), campaign_id, period_id, scope, ref, metric, value, w.clock()))
        elif old.value != value:
            w.update(replace(old, value=value), ["value"])
        else:
            continue
        written += 1
    return written


def new_period(
    w: Writer, campaign: Campaign, kind: PeriodKind, starts: date, ends: date, name: str = ""
) -> CampaignPeriod:
    _may_set(w)
    if ends < starts:
        raise InputRefused("targets.period_backwards")
    period = CampaignPeriod(w.ids(), campaign.id, name or _period_name(starts, ends), kind, starts, ends, w.clock())
    w.add(period)
    return period


# The periods a team leader adds from the Targets dialog: a kind and the day it starts on.
ADDABLE = (PeriodKind.DAY, PeriodKind.PEAK_DAYS, PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.YEAR)
MAX_PERIOD_NAME = 80


def period_dates(kind: PeriodKind, day: date) -> tuple[date, date]:
    """The dates a period of `kind` covers from `day`: that day; 7 days (the peak days, a week) from it;
    the month or the year it falls in."""
    if kind is PeriodKind.DAY:
        return day, day
    if kind in (PeriodKind.PEAK_DAYS, PeriodKind.WEEK):
        return day, day + timedelta(days=6)
    if kind is PeriodKind.MONTH:
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if kind is PeriodKind.YEAR:
        return date(day.year, 1, 1), date(day.year, 12, 31)
    raise InputRefused("targets.period_kind", kind=kind.value)


def add_period(w: Writer, campaign: Campaign, kind: PeriodKind, day: date, name: str = "") -> CampaignPeriod:
    """A new period of the campaign (from the Targets dialog). Refused: a kind that is not a period of its
    own, a period with no day inside the campaign, one the campaign already has (same kind and dates), a
    name longer than MAX_PERIOD_NAME."""
    _may_set(w)
    kind = PeriodKind(kind)
    if kind not in ADDABLE:
        raise InputRefused("targets.period_kind", kind=kind.value)
    starts, ends = period_dates(kind, day)
    if ends < campaign.starts_on or starts > campaign.ends_on:
        raise InputRefused(
            "targets.period_outside_campaign",
            first=f"{campaign.starts_on:%d/%m/%Y}",
            last=f"{campaign.ends_on:%d/%m/%Y}",
        )
    name = " ".join(name.split())
    if len(name) > MAX_PERIOD_NAME:
        raise InputRefused("targets.period_name_long", maximum=MAX_PERIOD_NAME)
    for p in target_store.periods_in(w.conn, campaign.id):
        if (p.kind, p.starts_on, p.ends_on) == (kind, starts, ends):
            raise InputRefused("targets.period_exists", name=p.name)
    return new_period(w, campaign, kind, starts, ends, name)


def _period_name(starts: date, ends: date) -> str:
    return f"{starts:%d/%m/%Y}" if starts == ends else f"{starts:%d/%m/%Y} - {ends:%d/%m/%Y}"


def kind_for(starts: date, ends: date) -> PeriodKind:
    days = (ends - starts).days + 1
    if days == 1:
        return PeriodKind.DAY
    if days == 7:
        return PeriodKind.WEEK
    if starts.day == 1 and ends == starts.replace(day=calendar.monthrange(starts.year, starts.month)[1]):
        return PeriodKind.MONTH
    if (starts.month, starts.day, ends.month, ends.day) == (1, 1, 12, 31) and starts.year == ends.year:
        return PeriodKind.YEAR
    return PeriodKind.CAMPAIGN


# --- the spreadsheet --------------------------------------------------------------------------------

_FIXED = {
    "period": ("ky", "period", "ky bao cao", "thoi gian"),
    "scope": ("cap", "scope", "cap don vi", "level"),
    "unit": ("don vi", "unit", "ma don vi", "ten don vi", "code"),
}
_SCOPES = {
    ScopeKind.PROVINCE: ("tinh", "province", "thanh pho"),
    ScopeKind.COMMUNE: ("xa", "phuong", "xa, phuong", "xa phuong", "commune", "ward"),
    ScopeKind.TEAM: ("to", "doi", "team"),
    ScopeKind.MEMBER: ("thanh vien", "nhan vien", "member", "can bo"),
}


def _metric_names() -> dict[str, Metric]:
    names: dict[str, Metric] = {}
    for metric in Metric:
        names[fold(metric.value)] = metric
        for lang in ("vi", "en"):
            text = catalog(lang).get(f"enum.Metric.{metric.value}")
            if text:
                names[fold(text)] = metric
    return names


_Column = str | Metric | None  # a header read: a text column (scope, unit, period), a metric, or none


def _column(name: str, metrics: dict[str, Metric]) -> _Column:
    key = fold(name).strip(" :*")
    for column, aliases in _FIXED.items():
        if key in aliases:
            return column
    return metrics.get(key)


@dataclass(frozen=True)
class Problem:
    row: int  # 1-based row number in the file; 0 for the file as a whole
    code: str  # message code under targets.row.* / targets.file.*
    params: dict[str, object] = field(default_factory=dict)


@dataclass
class ImportResult:
    rows: int = 0
    targets: int = 0  # written (0 when there was any problem)
    periods: int = 0  # periods made for dates the campaign had none for
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _Line:
    row: int
    period: str | tuple[date, date] | None  # a period id, new dates, or None: the whole campaign
    scope: ScopeKind
    ref: str
    values: dict[Metric, int]


def import_targets(store: Store, actor: Actor, path: Path, campaign: Campaign, province: str) -> ImportResult:
    with store.reading() as conn:  # asked first (and again when writing): a member's file is not even read
        require(team_store.member_in(conn, actor.member_id), Action.TARGETS, team_store.current_team_id(conn))
    table = read_table(Path(path))
    metrics = _metric_names()
    header, start = split_header(table.rows, lambda row: sum(1 for c in row if _column(c, metrics) is not None))
    columns = [_column(h, metrics) if h.strip() else None for h in header]
    result = ImportResult()
    result.problems += _column_problems(header, columns)
    if result.problems:
        return result
    lines = _read_lines(store, table.rows, start, columns, campaign, province, result)
    if not result.rows:
        result.problems.append(Problem(0, "targets.file.empty", {}))
    if result.problems:
        return result
    _write(store, actor, campaign, lines, result)
    return result


def _column_problems(header: list[str], columns: list[_Column]) -> list[Problem]:
    """The columns a file must have (scope, unit, a metric) and none this app does not know."""
    problems = []
    unknown = [h for h, c in zip(header, columns, strict=True) if h.strip() and c is None]
    missing = [c for c in ("scope", "unit") if c not in columns]
    if missing:
        problems.append(Problem(0, "targets.file.missing_columns", {"columns": ", ".join(missing)}))
    if unknown:
        problems.append(Problem(0, "targets.file.unknown_columns", {"columns": ", ".join(unknown)}))
    if not any(isinstance(c, Metric) for c in columns):
        problems.append(Problem(0, "targets.file.no_metric_columns", {}))
    return problems


def _read_lines(
    store: Store,
    rows: list[list[str]],
    start: int,
    columns: list[_Column],
    campaign: Campaign,
    province: str,
    result: ImportResult,
) -> list[_Line]:
    """The file's rows as targets to set, every problem of a row added to `result` (and the row left out)."""
    units = target_store.units(store, province)
    periods = target_store.periods(store, campaign.id)
    by_name = {fold(p.name): p for p in periods}
    by_dates = {(p.starts_on, p.ends_on): p for p in periods}
    lines: list[_Line] = []
    seen: dict[tuple, int] = {}
    for row_number, cells in data_rows(rows, start):
        result.rows += 1
        values, metric_values, bad = _cells(row_number, columns, cells, result.problems)
        scope = _scope(values.get("scope", ""))
        if scope is None:
            result.problems.append(Problem(row_number, "targets.row.bad_scope", {"value": values.get("scope", "")}))
            continue
        unit_text = values.get("unit", "")
        ref = units[scope.value].get(unit_text) or units[scope.value].get(fold(unit_text))
        if ref is None:
            result.problems.append(Problem(row_number, "targets.row.unknown_unit", {"value": unit_text}))
            continue
        period = _period(values.get("period", ""), by_name, by_dates)
        if period is False:
            result.problems.append(Problem(row_number, "targets.row.bad_period", {"value": values.get("period", "")}))
            continue
        if bad:
            continue
        if not metric_values:
            result.problems.append(Problem(row_number, "targets.row.no_values", {}))
            continue
        key = (period, scope, ref)
        if key in seen:
            result.problems.append(Problem(row_number, "targets.row.duplicate", {"first": seen[key]}))
            continue
        seen[key] = row_number
        lines.append(_Line(row_number, period, scope, ref, metric_values))  # type: ignore[arg-type]
    return lines


def _cells(
    row_number: int, columns: list[_Column], cells: list[str], problems: list[Problem]
) -> tuple[dict[str, str], dict[Metric, int], bool]:
    """A row's text columns, its metric values, and whether a value was refused (added to `problems`)."""
    values: dict[str, str] = {}
    metric_values: dict[Metric, int] = {}
    bad = False
    for column, cell in zip(columns, cells, strict=False):
        if column is None:
            continue
        text = cell.strip()
        if isinstance(column, Metric):
            if not text:
                continue
            number = _number(text)
            if number is None:
                problems.append(
                    Problem(row_number, "targets.row.not_a_number", {"column": _label(column), "value": text})
                )
                bad = True
            elif number < 0 or number > MAX_TARGET:
                problems.append(
                    Problem(row_number, "targets.row.out_of_range", {"column": _label(column), "value": text})
                )
                bad = True
            else:
                metric_values[column] = number
        else:
            values[column] = text
    return values, metric_values, bad


def _write(store: Store, actor: Actor, campaign: Campaign, lines: list[_Line], result: ImportResult) -> None:
    """Every target in one transaction, the periods a line names by its dates made first."""
    with writing(store, actor) as w:
        made: dict[tuple[date, date], CampaignPeriod] = {}
        for line in lines:
            period_id = line.period
            if isinstance(line.period, tuple):
                if line.period not in made:
                    made[line.period] = new_period(w, campaign, kind_for(*line.period), *line.period)
                period_id = made[line.period].id
            result.targets += set_targets(w, campaign.id, period_id, line.scope, line.ref, line.values)  # type: ignore[arg-type]
        result.periods = len(made)
        w.audit(AuditAction.IMPORT, "targets", campaign.id, rows=result.rows, targets=result.targets)


def _label(metric: Metric) -> str:
    return catalog("vi").get(f"enum.Metric.{metric.value}", metric.value)


_GROUPED = re.compile(r"-?\d{1,3}([.,]\d{3})+")


def _number(text: str) -> int | None:
    """A whole number as offices type it: 1200, 1.200, 1,200 or 1200.0; None for anything else."""
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    if _GROUPED.fullmatch(cleaned):
        cleaned = cleaned.replace(".", "").replace(",", "")
    if not re.fullmatch(r"-?\d+", cleaned):
        return None
    return int(cleaned)


def _scope(text: str) -> ScopeKind | None:
    key = fold(text)
    for scope, aliases in _SCOPES.items():
        if key in aliases or key == scope.value:
            return scope
    return None


def _period(text: str, by_name, by_dates):
    """A period id, (starts, ends) for dates without a period yet, None for the whole campaign, or False."""
    text = text.strip()
    if not text or fold(text) in ("ca dot", "ca chien dich", "campaign", "whole campaign"):
        return None
    if fold(text) in by_name:
        return by_name[fold(text)].id
    parts = [p.strip() for p in text.replace("–", "-").split(" - ")] if " - " in text.replace("–", "-") else [text]
    try:
        dates = [parse_date(p) for p in parts]
    except ValueError:
        return False
    if len(dates) not in (1, 2):
        return False
    starts, ends = dates[0], dates[-1]
    if ends < starts:
        return False
    found = by_dates.get((starts, ends))
    return found.id if found else (starts, ends)


# --- use cases: each its own transaction, for the screens (issue 16) -----------------------------------


def save_targets(
    store: Store,
    actor: Actor,
    campaign_id: str,
    period_id: str | None,
    scope: ScopeKind,
    ref: str,
    values: Mapping[Metric, int | None],
) -> Done[int]:
    """`set_targets` in a transaction of its own: refused, nothing written, unless the actor leads the team."""
    return written(store, actor, lambda w: set_targets(w, campaign_id, period_id, scope, ref, values))


def open_period(
    store: Store, actor: Actor, campaign: Campaign, kind: PeriodKind, day: date, name: str = ""
) -> Done[CampaignPeriod]:
    """`add_period` in a transaction of its own: refused, nothing written, unless the actor leads the team."""
    return written(store, actor, lambda w: add_period(w, campaign, kind, day, name))
