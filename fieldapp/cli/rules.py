"""`fieldapp rules list` (laptop) and `fieldapp server rules add|list` (server): premium rules that travel as
data (issue 14; docs/sync-api.md, "Rules"); and the rules `fieldapp quote` prices with.

Exit codes (docs/cli.md): 0 done; 1 a rule file refused (every problem with its line, in the
chosen language; nothing stored) or not found; 3 the data dir or database is unusable.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldapp.cli.output import EXIT_OK, emit_json
from fieldapp.domain.clock import today as vietnam_today
from fieldapp.errors import InputRefused
from fieldapp.i18n import t

if TYPE_CHECKING:
    from fieldapp.cli.registry import Commands

# --- laptop ------------------------------------------------------------------------------------------


def laptop_rules(ctx):
    """The rules this laptop prices with, and its store (None on a data dir without one): the shipped and
    profile rules, and the server's rule files the store holds (opening it makes them the active rules)."""
    from fieldapp.domain.premiums import default_rules

    store = ctx.store() if ctx.data_dir.db.exists() else None
    return default_rules(), store


def rules_facts(rules, store, *, paid_on: date, today: date) -> dict[str, Any]:
    """What `quote` and `rules list` say about the rules: their version, and whether they may be stale."""
    from fieldapp.services import rules as rule_service

    checked = rule_service.checked_on(store, rules)
    return {
        "rules_version": rules.version,
        "rules_checked_on": checked.isoformat() if checked else None,
        "rules_stale": rule_service.stale(rules, paid_on=paid_on, today=today, checked=checked),
    }


def cmd_list(ctx) -> int:
    from fieldapp.services import rules as rule_service
    from fieldapp.storage import rules as rule_store
    from fieldapp.sync import rules as rule_files

    on = ctx.args.date or vietnam_today()
    rules, store = laptop_rules(ctx)
    facts = rules_facts(rules, store, paid_on=on, today=vietnam_today())
    entries = rule_service.in_force_json(rules, on)
    refused = rule_store.refused(store) if store is not None else []
    if ctx.args.json:
        emit_json(
            {
                "date": on.isoformat(),
                "version": facts["rules_version"],
                "checked_on": facts["rules_checked_on"],
                "stale": facts["rules_stale"],
                "last_change": rules.last_change.isoformat(),
                "files": [o.as_json() for o in rules.files],
                "rules": entries,
                "refused": [rule_files.refusal_text(r, ctx.lang) for r in refused],
            }
        )
        return EXIT_OK
    ctx.say("rules.listing", version=facts["rules_version"], date=on)
    for e in entries:
        state = "" if e["confirmed"] else t("rules.unconfirmed_mark", ctx.lang)
        values = ", ".join(f"{k}={v}" for k, v in e["values"].items())
        print(f"  {e['id']} ({e['from']}; {values}){state}\n      {e['basis']} [{e['source']} {e['file_version']}]")
    if facts["rules_stale"]:
        ctx.say("rules.stale", checked=facts["rules_checked_on"] or "—")
    for r in refused:
        print(rule_files.refusal_text(r, ctx.lang))
    return EXIT_OK


# --- server ------------------------------------------------------------------------------------------


def _read_file(path: Path) -> bytes:
    """At most one byte more than a rule file may hold, so a huge file is refused without reading it all."""
    from fieldapp.domain.rulefile import MAX_BYTES

    try:
        with path.open("rb") as f:
            return f.read(MAX_BYTES + 1)
    except OSError:
        raise InputRefused("rules.no_file", path=str(path)) from None


def cmd_server_add(ctx) -> int:
    from fieldapp.cli.server import on_server_store
    from fieldapp.domain.rulefile import RulesRefused
    from fieldapp.domain.ruleformat import problems_text
    from fieldapp.server import rules

    path = Path(ctx.args.file)
    raw = _read_file(path)
    try:
        row = on_server_store(ctx, lambda store: rules.add(store, raw, vietnam_today()))
    except RulesRefused as refused:
        raise InputRefused(
            "rules.refused", path=str(path), problems=problems_text(refused.problems, ctx.lang)
        ) from None
    if ctx.args.json:
        emit_json({"file": row})
    else:
        kind = t(f"rules.kind_{row['kind']}", ctx.lang)
        key = "rules.added" if row["added"] else "rules.already_added"
        ctx.say(
            key, version=row["version"], kind=kind, issued=date.fromisoformat(row["issued"]), entries=row["entries"]
        )
    return EXIT_OK


def cmd_server_list(ctx) -> int:
    from fieldapp.cli.server import on_server_store
    from fieldapp.server import rules

    files = on_server_store(ctx, rules.listing)
    if ctx.args.json:
        emit_json({"files": files})
        return EXIT_OK
    if not files:
        ctx.say("rules.none_on_server")
    for f in files:
        kind = t(f"rules.kind_{f['kind']}", ctx.lang) + (f" {f['province']}" if f["province"] else "")
        print(
            f"{f['version']:<12} {kind:<16} {f['issued']}  {f['entries']:>4}  {f['sha256'][:12]}  {f['added_at'][:16]}"
        )
    return EXIT_OK


# --- the parsers ---------------------------------------------------------------------------------


def add(cli: Commands) -> None:
    what = cli.group(cli.top, "rules", "rules.help.rules", dest="rules_what")
    p = cli.command(what, "list", cmd_list, "rules.help.list")
    p.add_argument("--date", type=cli.dates, metavar="D", help=cli.h("rules.help.date"))
    cli.json(p)


def add_server(cli: Commands) -> None:
    what = cli.group(cli.server, "rules", "rules.help.server", dest="server_rules_what")
    p = cli.command(what, "add", cmd_server_add, "rules.help.server_add", database_url=True, json=True)
    p.add_argument("file", metavar="FILE")
    cli.command(what, "list", cmd_server_list, "rules.help.server_list", database_url=True, json=True)
