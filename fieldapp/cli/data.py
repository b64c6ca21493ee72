"""The data dir's own commands: `fieldapp demo-data`, `fieldapp stats` and `fieldapp check` (docs/cli.md).
Backup and restore are in backup.py."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from fieldapp.cli.args import bounded_int
from fieldapp.cli.context import Context
from fieldapp.cli.output import EXIT_OK, EXIT_STORE, emit_json
from fieldapp.errors import FieldappError
from fieldapp.i18n import t

if TYPE_CHECKING:
    from fieldapp.cli.registry import Commands


def cmd_demo_data(ctx: Context) -> int:
    from fieldapp.demo import DEMO_PIN, DemoBuilder, DemoOptions
    from fieldapp.storage.work import counts

    a = ctx.args
    store = ctx.store()
    options = DemoOptions(persons=a.persons, days=a.days, seed=a.seed, province=a.province, end_date=a.end_date)
    show_progress = sys.stderr.isatty()
    builder = DemoBuilder(store, options)
    shown = 0
    for step in builder.run():
        if show_progress:
            phase = t(f"demo.phase_{step.phase}", ctx.lang)
            line = t("demo.progress", ctx.lang, phase=phase, done=step.done, total=step.total)
            sys.stderr.write("\r" + line.ljust(shown))  # a shorter line covers the longer one before it
            sys.stderr.flush()
            shown = len(line)
    if show_progress:
        sys.stderr.write("\n")
    if builder.result.restarted_from:
        print(t("demo.restarted", ctx.lang, safety=builder.result.restarted_from), file=sys.stderr)
    c = counts(store)
    if a.json:
        emit_json({"counts": c, "pin": DEMO_PIN})
    else:
        ctx.say(
            "demo.done",
            persons=c["persons"],
            households=c["households"],
            consultations=c["consultations"],
            enrolments=c["enrolments"],
            receipts=c["receipts"],
        )
        ctx.say("demo.pin_hint", pin=DEMO_PIN)
    return EXIT_OK


def cmd_stats(ctx: Context) -> int:
    from fieldapp.storage.work import counts

    c = counts(ctx.store())
    if ctx.args.json:
        emit_json({"counts": c})
    else:
        from fieldapp.domain.formats import format_number

        labels = {key: t(f"count.{key}", ctx.lang) for key in c}
        width = max(map(len, labels.values()))
        for key, value in c.items():
            print(f"{labels[key]:<{width}}  {format_number(value, ctx.lang):>10}")
    return EXIT_OK


def cmd_check(ctx: Context) -> int:
    try:
        problems = ctx.store().check()
    except FieldappError as exc:
        if not ctx.args.json:
            raise
        emit_json({"ok": False, "problems": [t(exc.code, ctx.lang, **exc.params)]})
        return exc.exit_code
    if ctx.args.json:
        emit_json({"ok": not problems, "problems": problems})
    elif problems:
        ctx.say("check.problems", count=len(problems))
        for p in problems:
            print(f"- {p}")
    else:
        ctx.say("check.ok")
    return EXIT_OK if not problems else EXIT_STORE


# --- the parsers ---------------------------------------------------------------------------------


def add_demo_data(cli: Commands) -> None:
    p = cli.command(cli.top, "demo-data", cmd_demo_data, "help.demo_data", json=True)
    p.add_argument("--persons", type=int, default=20_000, metavar="N", help=cli.h("help.persons"))
    p.add_argument("--days", type=int, default=30, metavar="D", help=cli.h("help.days"))
    p.add_argument("--seed", type=bounded_int(cli.lang, 0, 2**63 - 1), default=1, metavar="S", help=cli.h("help.seed"))
    p.add_argument("--province", metavar="CODE", help=cli.h("help.province"))
    p.add_argument("--end-date", type=cli.dates, metavar="D", help=cli.h("help.end_date"))


def add_stats(cli: Commands) -> None:
    cli.command(cli.top, "stats", cmd_stats, "help.stats", json=True)


def add_check(cli: Commands) -> None:
    cli.command(cli.top, "check", cmd_check, "help.check", json=True)
