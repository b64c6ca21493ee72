"""`fieldapp enrol` and `fieldapp sync` (docs/cli.md): the laptop joins a team on the province's server, then
pushes and pulls. Sync by USB stick is bundle.py."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from fieldapp.cli.context import Context
from fieldapp.cli.output import EXIT_OK, EXIT_REFUSED, emit_json
from fieldapp.domain import profile
from fieldapp.i18n import t

if TYPE_CHECKING:
    from fieldapp.cli.registry import Commands


def cmd_enrol(ctx: Context) -> int:
    """Exit 0 enrolled; 1 refused (wrong, used or expired code, bad URL, no network: nothing changed)."""
    from fieldapp.sync.enrol import accept_enrolment, outside_message, request_enrolment

    a = ctx.args
    store = ctx.store()
    offer = request_enrolment(store, a.server or profile.enrol_server(ctx.data_dir), a.code, name=a.name)
    if offer.outside and not a.yes:  # work of another team or province: it will not sync; ask, or stop
        print(outside_message(offer, ctx.lang), file=sys.stderr)
        if a.json or not sys.stdin.isatty():
            print(t("sync.enrol_outside_yes", ctx.lang), file=sys.stderr)
            return EXIT_REFUSED
        answer = input(f"{t('sync.enrol_outside_ask', ctx.lang)} [y/N] ").strip().casefold()
        if answer not in ("y", "yes", "c", "có", "co"):
            ctx.say("sync.enrol_cancelled")
            return EXIT_REFUSED
    done = accept_enrolment(store, offer)
    parked = done.outside.records if done.outside else 0
    if a.json:
        emit_json(
            {
                "device_id": done.device_id,
                "server": done.server_url,
                "team_id": done.team_id,
                "team": done.team_name,
                "province_code": done.province_code,
                "other_scope": parked,
            }
        )
    else:
        ctx.say("sync.enrolled", server=done.server_url, team=done.team_name or "-", province=done.province_code or "-")
        if parked:
            ctx.say("sync.enrolled_outside", records=parked)
    return EXIT_OK


def cmd_sync(ctx: Context) -> int:
    """Exit 0 when the sync ran to the end (conflicts and refused ops are in the result, not failures);
    1 when it could not (no network, not enrolled, enrol again, revoked): nothing on the laptop is lost,
    and the next sync resumes where this one stopped. 3 when the data dir cannot be used."""
    from fieldapp.sync import SyncEngine, clash_lines

    show = not ctx.args.json and sys.stderr.isatty()

    def progress(step) -> None:
        if show:
            sys.stderr.write("\r" + t("sync.progress", ctx.lang, pushed=step.pushed, pulled=step.pulled))
            sys.stderr.flush()

    result = SyncEngine(ctx.store()).sync(progress=progress)
    if show:
        sys.stderr.write("\n")
    if ctx.args.json:
        emit_json(result.as_json())
        return EXIT_OK
    if result.resync:
        ctx.say("sync.resync")
    if result.mismatched:
        print(t("sync.mismatch", ctx.lang, tables=", ".join(sorted(result.mismatched))), file=sys.stderr)
    ctx.say(
        "sync.done",
        pushed=result.pushed,
        pulled=result.pulled,
        pending=result.pending,
        conflicts=result.conflicts,
        rejected=result.rejected,
    )
    print("".join(f"{line}\n" for line in clash_lines(ctx.store(), ctx.lang)), end="")  # for the team leader
    return EXIT_OK


# --- the parsers ---------------------------------------------------------------------------------


def add_enrol(cli: Commands) -> None:
    p = cli.command(cli.top, "enrol", cmd_enrol, "help.enrol", json=True)
    p.add_argument("--server", metavar="URL")  # default: the province profile's server
    p.add_argument("--code", required=True, metavar="CODE")
    p.add_argument("--name", metavar="NAME", help=cli.h("help.device_name"))
    p.add_argument("--yes", action="store_true", help=cli.h("help.enrol_yes"))


def add_sync(cli: Commands) -> None:
    cli.command(cli.top, "sync", cmd_sync, "help.sync", json=True)
