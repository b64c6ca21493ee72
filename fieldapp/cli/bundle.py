"""`fieldapp bundle export|import` (laptop) and `fieldapp server bundle import|export` (server): sync by USB
stick. Nothing here imports SQLAlchemy or cryptography until a command runs (`fieldapp --help` stays fast).

Exit codes (docs/cli.md): 0 done (also "already imported": nothing changed); 1 the bundle was
refused (not a bundle, cut or changed, another laptop's or another server's, older, a revoked laptop, no
server key yet): nothing changed; 3 the data dir or the server's database cannot be used.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldapp.cli.args import output_of
from fieldapp.cli.output import EXIT_OK, emit_json

if TYPE_CHECKING:
    from fieldapp.cli.registry import Commands

# --- laptop ------------------------------------------------------------------------------------------


def cmd_export(ctx) -> int:
    from fieldapp.sync.bundle import export_bundle

    done = export_bundle(ctx.store(), output_of(ctx))
    if ctx.args.json:
        emit_json(done.as_json())
    else:
        ctx.say("bundle.exported", path=str(done.path), ops=done.ops, seq=done.seq)
    return EXIT_OK


def cmd_import(ctx) -> int:
    from fieldapp.sync.bundle import import_bundle

    taken = import_bundle(ctx.store(), ctx.args.file)
    if ctx.args.json:
        emit_json(taken.as_json())
    elif taken.already_imported:
        ctx.say("bundle.already_imported", seq=taken.seq)
    else:
        ctx.say(
            "bundle.imported",
            seq=taken.seq,
            accepted=taken.accepted,
            conflicts=taken.conflicts,
            rejected=taken.rejected,
            pulled=taken.pulled,
            pending=taken.pending,
        )
    return EXIT_OK


# --- server ------------------------------------------------------------------------------------------


def default_answer_path(bundle: Path) -> Path:
    """Where `server bundle import` writes the answer: next to the laptop's bundle, on the same stick."""
    stem = bundle.name[: -len(".fab")] if bundle.name.endswith(".fab") else bundle.name
    return bundle.with_name(f"{stem}.answer.fab")


def _pin_secret(ctx) -> bytes:
    """The server's PIN secret (fieldapp/server/pins.py), as `server run` reads it: the answer carries the
    team's PIN key to a laptop that only ever syncs by USB stick."""
    import os

    from fieldapp.server import pins

    return pins.load_secret(os.environ.get(pins.ENV_SECRET_FILE) or pins.secret_path(ctx.args.data_dir))


def cmd_server_import(ctx) -> int:
    from fieldapp.cli.server import on_server_store
    from fieldapp.outputs import Output, check
    from fieldapp.protocol.bundle import read_file, write_file

    a = ctx.args
    source = Path(a.file)
    data = read_file(source)
    target = None
    if not a.no_answer:
        target = output_of(ctx) if a.output else Output(default_answer_path(source), a.force, ctx.data_dir.root)
        check(target)  # before the import: a place the answer cannot go is said first

    def work(store):
        from fieldapp.server.bundle import answer_bundle, import_bundle

        store.pin_secret = _pin_secret(ctx)  # the bundle's member PINs are checked as a push's are
        imported = import_bundle(store, data)
        answer = None
        if target is not None:
            sealed, answer = answer_bundle(store, imported.device_id, store.pin_secret)
            write_file(target, sealed)
        return imported, answer

    imported, answer = on_server_store(ctx, work)
    if a.json:
        out: dict[str, Any] = imported.as_json()
        out["answer"] = None if answer is None else {**answer.as_json(), "file": str(target.path)}
        emit_json(out)
        return EXIT_OK
    if imported.already_imported:
        ctx.say("bundle.server_already", seq=imported.seq, device=imported.device_id)
    else:
        ctx.say(
            "bundle.server_imported",
            device=imported.device_id,
            seq=imported.seq,
            ops=imported.ops,
            accepted=imported.accepted,
            duplicates=imported.duplicates,
            conflicts=imported.conflicts,
            rejected=imported.rejected,
        )
    if answer is not None:
        ctx.say("bundle.answer_written", path=str(target.path), pulled=answer.changes, results=answer.results)
    return EXIT_OK


def cmd_server_export(ctx) -> int:
    from fieldapp.cli.server import on_server_store
    from fieldapp.outputs import check
    from fieldapp.protocol.bundle import write_file

    a = ctx.args
    target = output_of(ctx)
    check(target)

    def work(store):
        from fieldapp.server.bundle import answer_bundle

        sealed, answer = answer_bundle(store, a.device, _pin_secret(ctx))
        write_file(target, sealed)
        return answer

    answer = on_server_store(ctx, work)
    if a.json:
        emit_json({**answer.as_json(), "file": str(target.path)})
    else:
        ctx.say("bundle.answer_written", path=str(target.path), pulled=answer.changes, results=answer.results)
    return EXIT_OK


# --- the parsers ---------------------------------------------------------------------------------


def add(cli: Commands) -> None:
    what = cli.group(cli.top, "bundle", "bundle.help.bundle", dest="bundle_what")
    p = cli.command(what, "export", cmd_export, "bundle.help.export")
    cli.output(p, help_code="bundle.help.output")
    cli.json(p)
    p = cli.command(what, "import", cmd_import, "bundle.help.import")
    p.add_argument("file", metavar="FILE")
    cli.json(p)


def add_server(cli: Commands) -> None:
    what = cli.group(cli.server, "bundle", "bundle.help.server_bundle", dest="bundle_what")
    p = cli.command(what, "import", cmd_server_import, "bundle.help.server_import", database_url=True, json=True)
    p.add_argument("file", metavar="FILE")
    cli.output(p, required=False, help_code="bundle.help.answer_output")
    p.add_argument("--no-answer", action="store_true", help=cli.h("bundle.help.no_answer"))
    p = cli.command(what, "export", cmd_server_export, "bundle.help.server_export", database_url=True, json=True)
    p.add_argument("--device", required=True, metavar="ID", help=cli.h("bundle.help.device"))
    cli.output(p, help_code="bundle.help.output")
