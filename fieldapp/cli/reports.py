"""The report commands of `fieldapp` (docs/cli.md): `export tallies`, `export declaration` and `server
report`. Each takes the CLI's Context and returns the exit code; refusals are raised as InputRefused (exit 1)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from fieldapp.cli.args import output_of
from fieldapp.cli.output import EXIT_OK
from fieldapp.errors import InputRefused
from fieldapp.outputs import check

if TYPE_CHECKING:
    from fieldapp.cli.registry import Commands


def export_tallies(ctx) -> int:
    from fieldapp.reports.export import write
    from fieldapp.reports.tallies import build
    from fieldapp.storage import team as team_store
    from fieldapp.storage.tallies import find_team
    from fieldapp.storage.writer import Actor, writing

    a = ctx.args
    store = ctx.store()
    if a.team in (None, ""):
        team = team_store.current_team(store)
        team_ids = [team.id] if team else []
    elif a.team == "all":
        team_ids = []
    else:
        found = find_team(store, a.team)
        if found is None:
            raise InputRefused("tallies.unknown_team", team=a.team)
        team_ids = [found[0]]
    out = output_of(ctx)
    check(out)  # before the work: a refused place is said at once
    report = build(store, a.day, a.to or a.day, team_ids, ctx.lang)
    write(report, out, a.format)
    with writing(store, Actor(None, store.device_id)) as w:
        w.audit("export", "tallies", None, format=a.format, first=a.day.isoformat(), last=report.last.isoformat())
    ctx.say("tallies.exported", path=str(out.path))
    return EXIT_OK


def export_declaration(ctx) -> int:
    from fieldapp.reports import declarations
    from fieldapp.storage import team as team_store
    from fieldapp.storage.tallies import find_team

    a = ctx.args
    store = ctx.store()
    team = team_store.current_team(store)
    team_ids = [team.id] if team else []
    if a.team:
        found = find_team(store, a.team)
        if found is None:
            raise InputRefused("tallies.unknown_team", team=a.team)
        team_ids = [found[0]]
    if a.format == "xml" and a.list != "d05":
        raise InputRefused("declaration.no_xml", form=a.list.upper())
    out = output_of(ctx)
    check(out)  # before the work: a refused place is said at once
    decl = declarations.build(store, a.list, a.day, a.to or a.day, team_ids)
    if a.format == "xml":
        declarations.write_xml(decl, out)
    else:
        declarations.write_xlsx(decl, out, team.organisation if team else "")
    ctx.say("tallies.exported", path=str(out.path))
    return EXIT_OK


def server_report(ctx) -> int:
    from fieldapp.cli.server import open_server_store
    from fieldapp.reports.export import write
    from fieldapp.reports.server import server_report

    a = ctx.args
    out = output_of(ctx)
    check(out)  # before the work: a refused place is said at once
    server = open_server_store(ctx)
    try:
        report = server_report(server, a.day, a.to or a.day, ctx.lang)
    finally:
        server.close()
    write(report, out, a.format)
    ctx.say("tallies.exported", path=str(out.path))
    return EXIT_OK


# --- the parsers ---------------------------------------------------------------------------------


def add_export(cli: Commands) -> None:
    exp = cli.group(cli.top, "export", "help.export")
    p = cli.command(exp, "tallies", export_tallies, "help.export_tallies")
    p.add_argument("--day", type=cli.dates, required=True, metavar="D", help=cli.h("help.day"))
    p.add_argument("--to", type=cli.dates, metavar="D2")
    p.add_argument("--team", metavar="T")
    p.add_argument("--format", choices=("xlsx", "csv", "pdf"), required=True)
    cli.output(p)

    p = cli.command(exp, "declaration", export_declaration, "help.export_declaration")
    p.add_argument("--list", choices=("d05", "d03"), required=True)
    p.add_argument("--day", type=cli.dates, required=True, metavar="D", help=cli.h("help.day"))
    p.add_argument("--to", type=cli.dates, metavar="D2")
    p.add_argument("--team", metavar="T")
    p.add_argument("--format", choices=("xlsx", "xml"), required=True)
    cli.output(p)


def add_server_report(cli: Commands) -> None:
    p = cli.command(cli.server, "report", server_report, "help.server_report")
    p.add_argument("--database-url", metavar="URL", default=argparse.SUPPRESS)
    p.add_argument("--day", type=cli.dates, required=True, metavar="D")
    p.add_argument("--to", type=cli.dates, metavar="D2")
    p.add_argument("--format", choices=("xlsx", "csv", "pdf"), required=True)
    cli.output(p)
