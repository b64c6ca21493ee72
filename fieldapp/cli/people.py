"""The registry's commands (docs/cli.md): `fieldapp import people`, `fieldapp people search` and `fieldapp
people erase` (a leader's action, with the PIN: leader.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fieldapp.cli.context import Context
from fieldapp.cli.leader import signed_in_leader
from fieldapp.cli.output import EXIT_OK, EXIT_REFUSED, emit_json
from fieldapp.errors import InputRefused

if TYPE_CHECKING:
    from fieldapp.cli.registry import Commands

MAX_SEARCH_LIMIT = 10_000  # the People screen shows the first results of a search too


def cmd_people_search(ctx: Context) -> int:
    from fieldapp.domain.formats import format_birth
    from fieldapp.storage.search import search

    limit = ctx.args.limit
    if not 1 <= limit <= MAX_SEARCH_LIMIT:
        raise InputRefused("search.limit", minimum=1, maximum=MAX_SEARCH_LIMIT)
    found = search(ctx.store(), ctx.args.text, limit)
    results = [
        {
            "id": p.id,
            "name": p.full_name,
            "birth_date": p.birth_date.isoformat() if p.birth_date else None,
            "birth_year": p.birth_year,
            "citizen_id": p.citizen_id,
            "si_number": p.si_number,
            "phone": p.phone,
            "commune": p.commune,
            "hamlet": p.hamlet,
            "household_id": p.household_id,
            "hi_valid_to": p.hi_valid_to.isoformat() if p.hi_valid_to else None,
            "vsi_status": p.vsi_status.value,
        }
        for p in found
    ]
    if ctx.args.json:
        emit_json({"results": results})
    else:
        for p in found:
            born = format_birth(p.birth_date, p.birth_year) or "?"
            print(
                f"{p.full_name:<28} {born:<10}  {p.citizen_id or '':<12}  {p.phone or '':<10}  {p.hamlet or ''}, "
                f"{p.commune}"
            )
    return EXIT_OK


def cmd_import_people(ctx: Context) -> int:
    from fieldapp.domain.admin_units import normalise_province_code
    from fieldapp.services.importer import plan_import, run_import
    from fieldapp.storage.team import current_team
    from fieldapp.storage.writer import Actor

    a = ctx.args
    path = Path(a.file)
    if not path.is_file():
        raise InputRefused("import.unreadable", path=str(path))
    store = ctx.store()
    team = current_team(store)
    province = normalise_province_code(a.province) if a.province else (team.province_code if team else None)
    if province is None:
        raise InputRefused("demo.unknown_province", code=a.province or "?")
    plan = plan_import(path)
    result = run_import(
        store,
        plan,
        Actor(None, store.device_id),
        province=province,
        dry_run=a.dry_run,
        lang=ctx.lang,
        errors_dir=ctx.data_dir.root / "imports",
    )
    counts = {
        "rows": result.rows,
        "imported": result.imported,
        "duplicates": result.duplicates,
        "rejected": result.rejected,
    }
    if a.json:
        emit_json(
            {**counts, "errors_file": str(result.errors_file) if result.errors_file else None, "dry_run": a.dry_run}
        )
    else:
        ctx.say("import.dry_run" if a.dry_run else "import.done", **counts)
        if result.errors_file:
            ctx.say("import.errors_file", path=str(result.errors_file))
    return EXIT_REFUSED if result.rows and result.rejected == result.rows else EXIT_OK


def cmd_people_erase(ctx: Context) -> int:
    """Erase a person's data on request (Law 91/2025), as the People screen does: a leader, with the PIN."""
    from fieldapp.services import registry
    from fieldapp.storage import people
    from fieldapp.storage.writer import Actor, writing

    a = ctx.args
    store = ctx.store()
    person = people.get(store, a.id)
    if person is None:
        raise InputRefused("erase.unknown", id=a.id)
    leader = signed_in_leader(store, a.leader)
    with writing(store, Actor(leader.id, store.device_id)) as w:
        registry.erase(w, person)
    if a.json:
        emit_json({"erased": person.id})
    else:
        ctx.say("erase.erased", id=person.id)
    return EXIT_OK


# --- the parsers ---------------------------------------------------------------------------------


def add_import(cli: Commands) -> None:
    what = cli.group(cli.top, "import", "help.import")
    p = cli.command(what, "people", cmd_import_people, "help.import_people", json=True)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--province", metavar="CODE", help=cli.h("help.province"))
    p.add_argument("--dry-run", action="store_true")


def add_people(cli: Commands) -> None:
    what = cli.group(cli.top, "people", "help.people")
    p = cli.command(what, "search", cmd_people_search, "help.people_search", json=True)
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--limit", type=int, default=50, metavar="N")
    p = cli.command(what, "erase", cmd_people_erase, "help.people_erase")  # a leader, with the PIN (issue 13)
    p.add_argument("id", metavar="ID", help=cli.h("help.person_id"))
    p.add_argument("--leader", required=True, metavar="CODE", help=cli.h("help.leader"))
    cli.json(p)
