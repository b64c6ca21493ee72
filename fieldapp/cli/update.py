"""`fieldapp update check|download` (laptop, for IT) and `fieldapp server installer add|list` (server):
the newest installer the province's server holds (fieldapp/sync/updates.py, fieldapp/server/installers.py).

Exit codes (../shared/design/cli.md): 0 done (also "no newer version"); 1 refused (not enrolled, no
network, a file whose SHA-256 is not the published one: deleted, nothing saved; a wrong version,
platform, province or file for `installer add`: nothing stored); 3 the data dir or database is unusable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fieldapp import __version__
from fieldapp.cli.args import add_output, output_of
from fieldapp.i18n import t

EXIT_OK = 0


def add_laptop_commands(sub: Any, common: argparse.ArgumentParser, lang: str, parser_class: type) -> None:
    def h(key: str) -> str:
        return t(f"update.help.{key}", lang)

    top = sub.add_parser("update", help=h("update"), description=h("update"), parents=[common])
    what = top.add_subparsers(dest="update_what", metavar="WHAT", parser_class=parser_class)
    what.required = True
    p = what.add_parser("check", help=h("check"), description=h("check"), parents=[common])
    p.set_defaults(func=cmd_check)
    p.add_argument("--json", action="store_true", help=t("help.json", lang))
    p = what.add_parser("download", help=h("download"), description=h("download"), parents=[common])
    p.set_defaults(func=cmd_download)
    add_output(p, lang, required=False, help_text=h("output"))
    p.add_argument("--json", action="store_true", help=t("help.json", lang))


def add_server_commands(sub: Any, common: argparse.ArgumentParser, lang: str, parser_class: type) -> None:
    def h(key: str) -> str:
        return t(f"update.help.{key}", lang)

    top = sub.add_parser("installer", help=h("installer"), description=h("installer"), parents=[common])
    what = top.add_subparsers(dest="installer_what", metavar="WHAT", parser_class=parser_class)
    what.required = True
    for name, func in (("add", cmd_installer_add), ("list", cmd_installer_list)):
        p = what.add_parser(name, help=h(f"installer_{name}"), description=h(f"installer_{name}"), parents=[common])
        p.set_defaults(func=func)
        p.add_argument(
            "--database-url", metavar="URL", default=argparse.SUPPRESS, help=t("server.help.database_url", lang)
        )
        p.add_argument("--json", action="store_true", help=t("help.json", lang))
        if name == "add":
            p.add_argument("file", metavar="FILE")
            p.add_argument("--version", dest="release", required=True, metavar="V", help=h("version"))
            p.add_argument("--platform", required=True, choices=("linux", "windows"))
            p.add_argument("--province", metavar="CODE", help=h("province"))


def _emit(obj: Any) -> None:
    from fieldapp.cli import emit_json

    emit_json(obj)


# --- laptop ------------------------------------------------------------------------------------------


def cmd_check(ctx) -> int:
    from fieldapp.sync import updates

    found = updates.check(ctx.store())
    if ctx.args.json:
        _emit({"current": __version__, "available": found.as_json() if found else None})
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
            _emit({"current": __version__, "available": None, "path": None})
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
        _emit({"current": __version__, "available": found.as_json(), "path": str(path), "sha256": found.sha256})
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
        _emit({"installer": shown})
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
        _emit({"installers": rows})
        return EXIT_OK
    for r in rows:
        where = r["province_code"] or "*"
        sys.stdout.write(f"{r['version']}  {r['platform']}  {where}  {r['size']}  {r['sha256']}  {r['filename']}\n")
    return EXIT_OK
