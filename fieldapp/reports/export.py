"""The tally report as files: XLSX (one formatted sheet per table, numbers as numbers, a totals row), CSV
(UTF-8 with a byte-order mark, so Excel reads Vietnamese) and PDF (fieldapp.reports.pdf)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from fieldapp.domain.clock import today as vietnam_today
from fieldapp.domain.formats import format_number, format_vnd
from fieldapp.i18n import t
from fieldapp.outputs import OutputLike, safe_row, write_with
from fieldapp.reports.tallies import Column, Report, Table

FORMATS = ("xlsx", "csv", "pdf")


def format_percent(value: float, lang: str) -> str:
    """A percentage as every printout writes it: one decimal, the language's decimal mark (31,2 % / 31.2 %)."""
    return f"{value:.1f} %".replace(".", "," if lang == "vi" else ".")


def cell_text(value: object, column: Column, lang: str) -> str:
    """A value as the screen and the PDF show it."""
    if value is None:
        return t("tallies.no_target", lang) if column.kind == "percent" else ""
    if column.kind == "percent":
        return format_percent(float(value), lang)  # type: ignore[arg-type]
    if column.kind == "money":
        return format_vnd(int(value), lang)  # type: ignore[arg-type]
    if column.kind == "count":
        return format_number(int(value), lang)  # type: ignore[arg-type]
    return str(value)


def write(report: Report, path: OutputLike, fmt: str, printed_on: date | None = None) -> Path:
    """The report as a file (fieldapp.outputs: atomic, 0600, an existing file replaced only when allowed)."""
    if fmt == "xlsx":
        return write_with(path, lambda p: write_xlsx(report, p))
    if fmt == "csv":
        return write_with(path, lambda p: write_csv(report, p))
    if fmt == "pdf":
        from fieldapp.reports.pdf import report_pdf

        return write_with(path, lambda p: report_pdf(report, p, printed_on or vietnam_today()))
    raise ValueError(fmt)


def _heading(report: Report) -> list[str]:
    lang = report.lang
    lines = [
        t("tallies.report_title", lang),
        t("tallies.scope", lang, name=report.scope_name),
        t("tallies.period", lang, period=report.period_text()),
    ]
    if report.empty:
        lines.append(t("tallies.empty", lang))
    return lines


def write_xlsx(report: Report, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8EAF6")
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    formats = {"count": "#,##0", "money": "#,##0", "percent": '0.0" %"'}
    for table in report.tables:
        ws = wb.create_sheet(table.title[:31])
        for line in _heading(report):
            ws.append(safe_row([line]))
        ws["A1"].font = Font(bold=True, size=13)
        ws.append(safe_row([table.title]))
        ws.cell(ws.max_row, 1).font = bold
        ws.append(safe_row(c.header for c in table.columns))
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font, cell.fill, cell.border = bold, fill, box
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in [*table.rows, *([table.total] if table.total else [])]:
            ws.append(safe_row(_xlsx_value(v, c, report.lang) for v, c in zip(row, table.columns, strict=True)))
            for cell, column in zip(ws[ws.max_row], table.columns, strict=True):
                cell.border = box
                if column.kind in formats and isinstance(cell.value, int | float):
                    cell.number_format = formats[column.kind]
        if table.total:
            for cell in ws[ws.max_row]:
                cell.font = bold
        ws.freeze_panes = ws.cell(header_row + 1, 2)
        for i, column in enumerate(table.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = 34 if i == 1 else (16 if column.kind != "text" else 24)
    wb.save(path)


def _xlsx_value(value: object, column: Column, lang: str) -> object:
    if value is None and column.kind == "percent":
        return t("tallies.no_target", lang)
    return value


def write_csv(report: Report, path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        for line in _heading(report):
            out.writerow(safe_row([line]))
        for table in report.tables:
            out.writerow([])
            out.writerow(safe_row([table.title]))
            out.writerow(safe_row(c.header for c in table.columns))
            for row in [*table.rows, *([table.total] if table.total else [])]:
                out.writerow(safe_row(_csv_value(v, c, report.lang) for v, c in zip(row, table.columns, strict=True)))


def _csv_value(value: object, column: Column, lang: str) -> object:
    if value is None:
        return t("tallies.no_target", lang) if column.kind == "percent" else ""
    return value


def table_texts(table: Table, lang: str) -> list[list[str]]:
    """Every row (and the totals) as the screen shows it."""
    rows = [*table.rows, *([table.total] if table.total else [])]
    return [[cell_text(v, c, lang) for v, c in zip(row, table.columns, strict=True)] for row in rows]


NO_TARGET = "—"  # a compact cell's target where there is none ("no target" in its tooltip and the files)


def compact(table: Table, lang: str) -> tuple[list[str], list[list[str]], list[str]]:
    """Headers and rows for a narrow page or screen: a metric with targets reads "12 / 40 (30,0 %)" in one
    cell instead of three columns, and "12 / —" on a row without a target (NO_TARGET). Returns (headers,
    rows, kinds) with the totals as the last row."""
    headers, kinds, groups = [], [], []
    i = 0
    cols = table.columns
    while i < len(cols):
        col = cols[i]
        if i + 2 < len(cols) and cols[i + 1].code == f"{col.code}:target":
            groups.append((i, i + 1, i + 2))
            i += 3
        else:
            groups.append((i,))
            i += 1
        headers.append(col.header)
        kinds.append(col.kind)
    out = []
    for row in [*table.rows, *([table.total] if table.total else [])]:
        cells = []
        for g in groups:
            if len(g) == 1:
                cells.append(cell_text(row[g[0]], cols[g[0]], lang))
            else:
                done, target, pct = (row[j] for j in g)
                text = cell_text(done, cols[g[0]], lang)
                if target:
                    text += f" / {cell_text(target, cols[g[1]], lang)} ({cell_text(pct, cols[g[2]], lang)})"
                else:
                    text += f" / {NO_TARGET}"
                cells.append(text)
        out.append(cells)
    return headers, out, kinds
