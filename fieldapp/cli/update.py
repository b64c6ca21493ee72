"""`fieldapp update check|download` (laptop, for IT) and `fieldapp server installer add|list` (server):
the newest installer the province's server holds (fieldapp/sync/updates.py, fieldapp/server/installers.py).

Exit codes (docs/cli.md): 0 done (also "no newer version"); 1 refused (not enrolled, no
network, a file whose SHA-256 is not the published one: deleted, nothing saved; a wrong version,
platform, province or file for `installer add`: nothing stored); 3 the data dir or database is unusable.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from fieldapp import __version__
from fieldapp.cli.args import output_of
from fieldapp.cli.output import EXIT_OK, emit_json

if TYPE_CHECKING:
    from fieldapp.cli.registry import Commands

# --- laptop ------------------------------------------------------------------------------------------


def cmd_check(ctx) -> int:
    from fieldapp.sync import updates

    found = updates.check(ctx.store())
    if ctx.args.json:
        emit_json({"current": __version__, "available": found.as_json() if found else None})
    elif found:
        ctx.say("update.available", version=found.version, current=__version__, size=found.size)
    else:
        ctx.say("update.current", version=__version__)
    return EXIT_OK


def cmd_download(ctx) -> int:
    from fieldapp.sync import updates

    store = ctx.store()
    found = updates.available(store) or updates.check(store)
    if found is None:
        if ctx.args.json:
            emit_json({"current": __version__, "available": None, "path": None})
        else:
            ctx.say("update.current", version=__version__)
        return EXIT_OK
    show = not ctx.args.json and sys.stderr.isatty()

    def progress(got: int, size: int) -> None:
        if show:
            sys.stderr.write(f"\r{got * 100 // max(size, 1)} %")
            sys.stderr.flush()

    path = updates.download(store, output_of(ctx) if ctx.args.output else None, progress=progress)
    if show:
        sys.stderr.write("\n")
    if ctx.args.json:
        emit_json({"current": __version__, "available": found.as_json(), "path": str(path), "sha256": found.sha256})
    else:
        ctx.say("update.downloaded", version=found.version, path=str(path), sha256=found.sha256)
    return EXIT_OK


# --- server ------------------------------------------------------------------------------------------


def cmd_installer_add(ctx) -> int:
    from fieldapp.cli.server import on_server_store
    from fieldapp.server import installers
    from fieldapp.server.settings import server_dir

    a = ctx.args
    folder = server_dir(a.data_dir) / "installers"
    row = on_server_store(
        ctx, lambda store: installers.add(store, Path(a.file), a.release, a.platform, a.province, folder)
    )
    shown = {k: v for k, v in row.items() if k != "path"} | {"path": row["path"]}
    if a.json:
        emit_json({"installer": shown})
    else:
        ctx.say(
            "update.installer_added",
            version=row["version"],
            platform=row["platform"],
            province=row["province_code"] or "*",
            sha256=row["sha256"],
        )
    return EXIT_OK


def cmd_installer_list(ctx) -> int:
    from fieldapp.cli.server import on_server_store
    from fieldapp.server import installers

    rows = on_server_store(ctx, installers.listing)
    if ctx.args.json:
        emit_json({"installers": rows})
        return EXIT_OK
    for r in rows:
        where = r["province_code"] or "*"
        sys.stdout.write(f"{r['version']}  {r['platform']}  {where}  {r['size']}  {r['sha256']}  {r['filename']}\n")
    return EXIT_OK


# --- the parsers ---------------------------------------------------------------------------------


def add(cli: Commands) -> None:
    what = cli.group(cli.top, "update", "update.help.update", dest="update_what")
    cli.command(what, "check", cmd_check, "update.help.check", json=True)
    p = cli.command(what, "download", cmd_download, "update.help.download")
    cli.output(p, required=False, help_code="update.help.output")
    cli.json(p)


def add_server(cli: Commands) -> None:
    what = cli.group(cli.server, "installer", "update.help.installer", dest="installer_what")
    p = cli.command(what, "add", cmd_installer_add, "update.help.installer_add", database_url=True, json=True)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--version", dest="release", required=True, metavar="V", help=cli.h("update.help.version"))
    p.add_argument("--platform", required=True, choices=("linux", "windows"))
    p.add_argument("--province", metavar="CODE", help=cli.h("update.help.province"))
    cli.command(what, "list", cmd_installer_list, "update.help.installer_list", database_url=True, json=True)
