"""The `fieldapp server ...` commands (docs/cli.md): the `server` group, its run, team, enrol-code, device and
stats commands, and the server's store every server command opens (`on_server_store`); the server's bundle,
report, installer and rules commands are in the modules of their groups.

Nothing here imports FastAPI, SQLAlchemy or fieldapp.server until a command runs: `fieldapp --help` stays
fast, and a laptop's install, which has no server extra, lists these commands; running one there says the
extra is missing (exit 2).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldapp.cli.args import bounded_int
from fieldapp.cli.output import EXIT_OK, emit_json
from fieldapp.errors import InputRefused, StoreUnavailable, UsageError
from fieldapp.i18n import t

if TYPE_CHECKING:
    from fieldapp.cli.registry import Commands

MAX_WORKERS = 64  # uvicorn worker processes on one machine; more machines share one PostgreSQL


# --- helpers ---------------------------------------------------------------------------------------


def database_url(ctx) -> str:
    from fieldapp.server.settings import default_database_url

    return getattr(ctx.args, "database_url", None) or default_database_url(ctx.args.data_dir)


def shown_url(url: str) -> str:
    try:
        import sqlalchemy as sa

        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:  # a URL SQLAlchemy cannot read is shown as nothing rather than with its password
        return "?"


def _private_sqlite(ctx, url: str) -> None:
    """The server's SQLite file made 0600 before SQLite opens it (its -wal and -shm files follow it), and
    the default server folder 0700; an existing one is tightened. A folder given in --database-url is the
    administrator's: only the database's own files are changed there."""
    from fieldapp.outputs import FILE_MODE, private_folder, tighten, tighten_tree
    from fieldapp.server.store import engine_url

    u = engine_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return
    path = Path(u.database).expanduser()
    if not getattr(ctx.args, "database_url", None):
        private_folder(path.parent)
        tighten_tree(path.parent)
    if path.parent.is_dir():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
        for name in ("", "-wal", "-shm", "-journal"):
            tighten(path.with_name(path.name + name))


def open_server_store(ctx):
    """The server's store, migrated; exit 3 with a message when the database cannot be used."""
    url = database_url(ctx)
    try:
        import sqlalchemy as sa

        from fieldapp.server import admin
    except ImportError as exc:
        raise UsageError("server.extra_missing", detail=str(exc)) from exc
    try:
        _private_sqlite(ctx, url)
        return admin.open_store(url)
    except StoreUnavailable:
        raise
    except (sa.exc.SQLAlchemyError, OSError, ValueError, ImportError) as exc:  # ImportError: no driver for it
        reason = (
            str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        raise StoreUnavailable("server.database_unusable", url=shown_url(url), reason=reason) from exc


def on_server_store(ctx, work):
    """Open the server's store, run `work(store)` on it and close it, whatever happens."""
    store = open_server_store(ctx)
    try:
        return work(store)
    finally:
        store.close()


# --- the commands ----------------------------------------------------------------------------------


def cmd_run(ctx) -> int:
    a = ctx.args
    if a.workers < 1:
        raise UsageError("server.workers")
    if bool(a.certfile) != bool(a.keyfile):
        raise UsageError("server.tls_pair")
    for path in (a.certfile, a.keyfile):
        if path and not os.access(path, os.R_OK):
            raise InputRefused("server.tls_unreadable", path=path)
    _check_port(a.host, a.port)
    url = database_url(ctx)
    from fieldapp.server import pins

    secret_file = os.environ.get(pins.ENV_SECRET_FILE) or str(pins.secret_path(a.data_dir))
    secret = pins.load_secret(secret_file)  # made now if new, once, before any worker starts
    on_server_store(ctx, lambda store: pins.seal_stored(store, secret))  # migrate once, seal what is bare
    import uvicorn

    from fieldapp.server.app import create_app
    from fieldapp.server.settings import ENV_DATABASE_URL, Settings

    os.environ[ENV_DATABASE_URL] = url
    os.environ[pins.ENV_SECRET_FILE] = secret_file  # the workers read the same file
    scheme = "https" if a.certfile else "http"
    options: dict[str, Any] = {
        "host": a.host,
        "port": a.port,
        "log_level": "warning",
        "access_log": False,
        "ssl_certfile": a.certfile,
        "ssl_keyfile": a.keyfile,
        "timeout_keep_alive": 30,
    }
    print(t("server.listening", ctx.lang, url=f"{scheme}://{a.host}:{a.port}", database=shown_url(url)), flush=True)
    if a.workers > 1:
        uvicorn.run("fieldapp.server.app:app_from_env", factory=True, workers=a.workers, **options)
    else:
        uvicorn.run(create_app(url, Settings(migrate=False, pin_secret=secret)), **options)
    return EXIT_OK


def _check_port(host: str, port: int) -> None:
    """Say in the user's language that the port is taken (uvicorn would log it in English and exit 1)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _name, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        raise InputRefused("server.port_in_use", host=host, port=str(port), reason=exc.strerror or str(exc)) from exc


def cmd_team_add(ctx) -> int:
    from fieldapp.server import admin

    team = on_server_store(
        ctx, lambda store: admin.add_team(store, ctx.args.name, ctx.args.province, ctx.args.organisation or "")
    )
    if ctx.args.json:
        emit_json({"team": {"id": team["id"], "name": team["name"], "province_code": team["province_code"]}})
    else:
        ctx.say("server.team_added", name=team["name"], province=team["province_code"], id=team["id"])
    return EXIT_OK


def cmd_enrol_code(ctx) -> int:
    from fieldapp.cli.args import output_of
    from fieldapp.outputs import check
    from fieldapp.server import admin

    a = ctx.args
    qr = output_of(ctx, "qr") if a.qr else None
    if qr is not None:
        check(qr)  # before a code is made for nothing
    code, expires, team, province = on_server_store(
        ctx, lambda store: admin.enrol_code(store, team=a.team, province=a.province)
    )
    if qr is not None:
        admin.write_qr(code, qr)
    if a.json:
        emit_json(
            {
                "code": code,
                "expires_at": expires,
                "team": team,
                "province_code": province,
                "qr": str(qr.path) if qr else None,
            }
        )
        return EXIT_OK
    who = t("server.for_team", ctx.lang, team=team) if team else t("server.for_province", ctx.lang, province=province)
    ctx.say("server.code", who=who, value=code)
    ctx.say("server.code_note", expires=expires[:16].replace("T", " "))
    if qr is not None:
        ctx.say("server.code_qr", path=str(qr.path))
    return EXIT_OK


def cmd_device_list(ctx) -> int:
    from fieldapp.server import admin

    devices = on_server_store(ctx, admin.device_list)
    if ctx.args.json:
        emit_json({"devices": devices})
        return EXIT_OK
    if not devices:
        ctx.say("server.no_devices")
    for d in devices:
        state = t("server.state_revoked" if d["revoked"] else "server.state_active", ctx.lang)
        ctx.say(
            "server.device_line",
            id=d["id"],
            team=d["team"] or t("server.for_province", ctx.lang, province=d["province_code"]),
            enrolled=(d["enrolled_at"] or "")[:16].replace("T", " "),
            seen=(d["last_seen"] or "—")[:16].replace("T", " "),
            state=state,
        )
    return EXIT_OK


def cmd_device_revoke(ctx) -> int:
    from fieldapp.server import admin

    on_server_store(ctx, lambda store: admin.revoke(store, ctx.args.id))
    if ctx.args.json:
        emit_json({"revoked": ctx.args.id})
    else:
        ctx.say("server.device_revoked", id=ctx.args.id)
    return EXIT_OK


def cmd_stats(ctx) -> int:
    from fieldapp.server import admin

    counts = on_server_store(ctx, admin.stats)
    if ctx.args.json:
        emit_json({"counts": counts})
    else:
        width = max(map(len, counts))
        for key, value in counts.items():
            sys.stdout.write(f"{key:<{width}}  {value}\n")
    return EXIT_OK


# --- the parsers ---------------------------------------------------------------------------------


def add(cli: Commands) -> None:
    """`fieldapp server`: its commands go to `cli.server` (registry.SERVER)."""
    srv = cli.command(cli.top, "server", None, "help.server")
    srv.add_argument("--database-url", metavar="URL", default=argparse.SUPPRESS)
    cli.server = cli.subcommands(srv)


def add_run(cli: Commands) -> None:
    h = cli.h
    p = cli.command(cli.server, "run", cmd_run, "server.help.run", database_url=True)
    p.add_argument("--host", default="127.0.0.1", help=h("server.help.host"))
    p.add_argument("--port", type=bounded_int(cli.lang, 1, 65535), default=8765, help=h("server.help.port"))
    workers = bounded_int(cli.lang, 1, MAX_WORKERS)
    p.add_argument("--workers", type=workers, default=1, metavar="N", help=h("server.help.workers"))
    p.add_argument("--certfile", metavar="FILE", help=h("server.help.certfile"))
    p.add_argument("--keyfile", metavar="FILE", help=h("server.help.keyfile"))


def add_team(cli: Commands) -> None:
    team = cli.group(cli.server, "team", "server.help.team", dest="team_what", metavar=None, database_url=True)
    p = cli.command(team, "add", cmd_team_add, "server.help.team_add", database_url=True, json=True)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--province", required=True, metavar="CODE", help=cli.h("server.help.province"))
    p.add_argument("--organisation", metavar="NAME", help=cli.h("server.help.organisation"))


def add_enrol_code(cli: Commands) -> None:
    p = cli.command(cli.server, "enrol-code", cmd_enrol_code, "server.help.enrol_code", database_url=True, json=True)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--team", metavar="NAME", help=cli.h("server.help.enrol_team"))
    who.add_argument("--province", metavar="CODE", help=cli.h("server.help.enrol_province"))
    p.add_argument("--qr", metavar="FILE.png", help=cli.h("server.help.qr"))
    p.add_argument("--force", action="store_true", help=cli.h("help.force"))


def add_device(cli: Commands) -> None:
    dev = cli.group(cli.server, "device", "server.help.device", dest="device_what", metavar=None, database_url=True)
    cli.command(dev, "list", cmd_device_list, "server.help.device_list", database_url=True, json=True)
    p = cli.command(dev, "revoke", cmd_device_revoke, "server.help.device_revoke", database_url=True, json=True)
    p.add_argument("id", metavar="ID", help=cli.h("server.help.device_id"))


def add_stats(cli: Commands) -> None:
    cli.command(cli.server, "stats", cmd_stats, "server.help.stats", database_url=True, json=True)
