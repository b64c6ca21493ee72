"""The `fieldapp` command (../shared/design/cli.md): a public interface provincial IT scripts against.

Names, flags, exit codes and JSON keys are a contract. Exit codes: 0 done; 1 input refused (nothing
changed); 2 usage error or a command not in this version; 3 the data dir or database cannot be used;
4 an unexpected error (details in the log). No traceback ever reaches the terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import importlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fieldapp import __version__, profile
from fieldapp.cli.args import add_output, bounded_int, command_line_for_log, iso_date, output_of, undecodable
from fieldapp.domain.clock import today as vietnam_today
from fieldapp.errors import FieldappError, InputRefused, NeedPassphrase, UsageError
from fieldapp.i18n import normalise_language, t
from fieldapp.logs import log_path, setup_logging
from fieldapp.outputs import check as check_output
from fieldapp.paths import DataDir

log = logging.getLogger(__name__)

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_STORE, EXIT_UNEXPECTED = 0, 1, 2, 3, 4
MAX_SEARCH_LIMIT = 10_000  # the People screen shows the first results of a search too

# Commands of the contract that later issues build, and the issue that brings each.
LATER: dict[str, int] = {}


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors follow the exit-code contract."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _ArgError(self.format_usage() + message)


class _ArgError(Exception):
    pass


class Context:
    """What every command gets: parsed arguments, language, data dir, and a way to open the store."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.lang: str = args.lang
        self.data_dir = DataDir(args.data_dir)
        self._store = None

    def say(self, code: str, **params: Any) -> None:
        print(t(code, self.lang, **params))

    def store(self):
        """Open the data dir's store: FIELDAPP_PASSPHRASE, or a prompt on a terminal, when no keyring."""
        from fieldapp.storage.store import OpenOptions, Store

        if self._store is None:
            passphrase = os.environ.get("FIELDAPP_PASSPHRASE")
            options = OpenOptions(passphrase=passphrase, dev_plaintext=self.args.dev_plaintext)
            try:
                self._store = Store.open(self.data_dir, options)
            except NeedPassphrase:
                if passphrase is not None or not sys.stdin.isatty():
                    raise
                typed = getpass.getpass(t("cli.passphrase_prompt", self.lang))
                self._store = Store.open(
                    self.data_dir, OpenOptions(passphrase=typed, dev_plaintext=self.args.dev_plaintext)
                )
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


# --- commands ------------------------------------------------------------------------------------


def cmd_gui(ctx: Context) -> int:
    try:
        gui = importlib.import_module("ui.app")
    except ImportError as exc:
        log.exception("GUI import failed")
        raise UsageError("cli.qt_missing", detail=str(exc)) from exc
    return int(gui.main(ctx.args, ctx.data_dir))


def cmd_demo_data(ctx: Context) -> int:
    from fieldapp.services.demo import DEMO_PIN, DemoBuilder, DemoOptions
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


def cmd_quote(ctx: Context) -> int:
    from fieldapp.cli.rules import laptop_rules, rules_facts
    from fieldapp.domain.admin_units import normalise_province_code
    from fieldapp.domain.enums import SupportGroup
    from fieldapp.domain.premiums import quote_json_rules

    a = ctx.args
    on = a.date or vietnam_today()
    rules, store = laptop_rules(ctx)  # with the server's rule files this laptop holds (issue 14)
    province = None
    if a.province:
        province = normalise_province_code(a.province)
        if province is None:
            raise InputRefused("demo.unknown_province", code=a.province)
    if a.product == "vsi":
        q = rules.quote_vsi(income=a.income, months=a.months, on=on, group=SupportGroup(a.group), province=province)
        out = {
            "total": q.total,
            "monthly_contribution": q.monthly_contribution,
            "state_support_monthly": q.state_support_monthly,
            "local_support_monthly": q.local_support_monthly,
            "monthly_due": q.monthly_due,
            "months": q.months,
            "discount": q.discount,
            "date": on.isoformat(),
            "warnings": [t(w, ctx.lang) for w in q.warnings],
            "rules": quote_json_rules(q.rules),
        }
    else:
        h = rules.quote_hi(members=a.members, months=a.months, on=on)
        out = {
            "total": h.total,
            "members": [{"order": m.order, "monthly": m.monthly, "amount": m.amount} for m in h.members],
            "months": h.months,
            "date": on.isoformat(),
            "rules": quote_json_rules(h.rules),
        }
    out |= rules_facts(rules, store, paid_on=on, today=vietnam_today())
    if a.json:
        emit_json(out)
    else:
        from fieldapp.domain.formats import format_date, format_vnd

        for key, value in out.items():
            if key in ("rules", "members", "warnings", "rules_checked_on", "rules_stale"):
                continue
            shown = (
                format_date(on)
                if key == "date"
                else format_vnd(value, ctx.lang)
                if isinstance(value, int) and key != "months"
                else value
            )
            print(f"{t(f'quote_field.{key}', ctx.lang)}: {shown}")
        for member in out.get("members", []):
            print(f"  {member['order']}. {format_vnd(member['amount'], ctx.lang)}")
        for warning in out.get("warnings", []):
            print(f"! {warning}")
        print(f"{t('quote_field.basis', ctx.lang)}:")
        for rule in out["rules"]:
            print(f"  - {rule['id']}: {rule['basis']}")
    return EXIT_OK


def cmd_receipt_list(ctx: Context) -> int:
    from fieldapp.domain.formats import format_vnd
    from fieldapp.storage.work import receipts

    rows = receipts(ctx.store(), day=ctx.args.day, limit=1_000_000)
    out = [
        {
            "number": r.label,
            "date": r.day.isoformat(),
            "amount": r.amount,
            "payer": r.payer,
            "status": "void" if r.void else "valid",
        }
        for r in rows
    ]
    if ctx.args.json:
        emit_json({"receipts": out})
    else:
        from fieldapp.domain.formats import format_date

        status = {"valid": t("receipt.status_valid", ctx.lang), "void": t("receipt.status_void", ctx.lang)}
        width = max(map(len, status.values()))
        for r, row in zip(out, rows, strict=True):
            print(
                f"{r['number']}  {format_date(row.day)}  {format_vnd(r['amount'], ctx.lang):>14}  "
                f"{status[r['status']]:<{width}}  {r['payer']}"
            )
    return EXIT_OK


def _receipt(ctx: Context, number: str):
    from fieldapp.storage.receipts import find_label

    ref = find_label(ctx.store(), number)
    if ref is None:
        raise InputRefused("receipt.unknown", number=number)
    return ref


def _cli_actor(ctx: Context):
    from fieldapp.storage.writer import Actor

    return Actor(None, ctx.store().device_id)


def cmd_receipt_pdf(ctx: Context) -> int:
    from fieldapp.services.receipts import save_pdf

    a = ctx.args
    out = output_of(ctx)
    check_output(out)
    if a.number:
        ids = [_receipt(ctx, n).id for n in a.number]
    else:
        from fieldapp.storage.receipts import refs

        ids = [r.id for r in refs(ctx.store(), day=a.day or vietnam_today())]
        if not ids:
            if a.day:
                raise InputRefused("receipt.none_on_day", day=a.day.strftime("%d/%m/%Y"))
            raise InputRefused("receipt.none_today")
    save_pdf(ctx.store(), _cli_actor(ctx), ids, out, a.format)
    ctx.say("receipt.written", path=str(out.path))
    return EXIT_OK


def cmd_receipt_qr(ctx: Context) -> int:
    from fieldapp.storage.receipts import records

    ref = _receipt(ctx, ctx.args.number)
    (record,) = records(ctx.store(), [ref.id])
    if not record.qr_payload:
        raise InputRefused("receipt.no_qr", number=ref.label)
    print(record.qr_payload)
    return EXIT_OK


def cmd_receipt_verify(ctx: Context) -> int:
    from fieldapp.domain.formats import format_date, format_vnd
    from fieldapp.services.receipts import verify

    payload = sys.stdin.read() if ctx.args.payload == "-" else ctx.args.payload
    result = verify(ctx.store(), payload)
    claim = result.claim
    if ctx.args.json:
        out: dict[str, Any] = {
            "valid": result.valid,
            "reason": result.verdict.value,
            "number": result.label,
            "amount": claim.amount if claim else None,
        }
        if claim:
            out |= {
                "date": claim.day.isoformat(),
                "product": claim.product,
                "months": claim.months,
                "start_on": claim.start_on.isoformat() if claim.start_on else None,
                "end_on": claim.end_on.isoformat() if claim.end_on else None,
                "payer_id": claim.payer_id,
                "confirmation": result.confirmation,
                "device": result.device,
            }
        emit_json(out)
    else:
        stream = sys.stdout if result.valid else sys.stderr
        print(t(f"verify.{result.verdict.value}", ctx.lang), file=stream)
        if claim:
            details = t(
                "verify.details",
                ctx.lang,
                number=result.label,
                date=format_date(claim.day, ctx.lang),
                amount=format_vnd(claim.amount, ctx.lang),
                payer=claim.payer_id,
            )
            print(details, file=stream)
    return EXIT_OK if result.valid else EXIT_REFUSED


def cmd_receipt_labels(ctx: Context) -> int:
    from fieldapp.services.receipts import hand_over_file
    from fieldapp.storage.team import current_team

    a = ctx.args
    store = ctx.store()
    out = output_of(ctx)
    check_output(out)
    ids = [_receipt(ctx, n).id for n in a.number] if a.number else None
    team = current_team(store)
    hand_over_file(
        store,
        out,
        day=a.day or vietnam_today(),
        receipt_ids=ids,
        what="list" if a.what == "handover" else "labels",
        layout=getattr(a, "format", "sheet"),
        team=team.name if team else "",
    )
    ctx.say("receipt.file_written", path=str(out.path))
    return EXIT_OK


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


def not_yet(name: str) -> Callable[[Context], int]:
    def run(ctx: Context) -> int:
        raise UsageError("cli.not_yet", command=name, issue=LATER[name])

    return run


# --- the parser ----------------------------------------------------------------------------------


def build_parser(lang: str) -> argparse.ArgumentParser:
    from fieldapp.cli import leader as leader_commands  # receipt void, people erase: a team leader's PIN
    from fieldapp.cli import reports as report_commands  # export tallies / declaration, server report

    def h(key: str) -> str:
        return t(f"help.{key}", lang)

    dates = iso_date(lang)
    common = _Parser(add_help=False)
    common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=h("data_dir"))
    common.add_argument("--lang", choices=("vi", "en"), default=argparse.SUPPRESS, help=h("lang"))
    common.add_argument("--dev-plaintext", action="store_true", default=argparse.SUPPRESS, help=h("dev_plaintext"))

    parser = _Parser(prog="fieldapp", description=h("description"), epilog=h("epilog"), parents=[common])
    parser.add_argument("--version", action="store_true", help=h("version"))
    parser.add_argument("--self-test", action="store_true", help=h("self_test"))
    parser.add_argument("--self-test-qt", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, func: Callable[[Context], int], help_key: str, owner=sub) -> argparse.ArgumentParser:
        p = owner.add_parser(name, help=h(help_key), description=h(help_key), parents=[common])
        p.set_defaults(func=func)
        return p

    def with_json(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--json", action="store_true", help=h("json"))
        return p

    p = command("gui", cmd_gui, "gui")
    p.add_argument("--screenshots", metavar="DIR", help=h("screenshots"))

    p = with_json(command("demo-data", cmd_demo_data, "demo_data"))
    p.add_argument("--persons", type=int, default=20_000, metavar="N", help=h("persons"))
    p.add_argument("--days", type=int, default=30, metavar="D", help=h("days"))
    p.add_argument("--seed", type=bounded_int(lang, 0, 2**63 - 1), default=1, metavar="S", help=h("seed"))
    p.add_argument("--province", metavar="CODE", help=h("province"))
    p.add_argument("--end-date", type=dates, metavar="D", help=h("end_date"))

    imp = command("import", None, "import").add_subparsers(dest="what", metavar="WHAT", parser_class=_Parser)
    imp.required = True
    p = with_json(command("people", cmd_import_people, "import_people", imp))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--province", metavar="CODE", help=h("province"))
    p.add_argument("--dry-run", action="store_true")

    ppl = command("people", None, "people").add_subparsers(dest="what", metavar="WHAT", parser_class=_Parser)
    ppl.required = True
    p = with_json(command("search", cmd_people_search, "people_search", ppl))
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--limit", type=int, default=50, metavar="N")
    leader_commands.add_people_erase(ppl, common, h)  # a leader, with the PIN (issue 13)

    quote = command("quote", None, "quote").add_subparsers(dest="product", metavar="PRODUCT", parser_class=_Parser)
    quote.required = True
    p = with_json(command("vsi", cmd_quote, "quote_vsi", quote))
    p.add_argument("--income", type=int, required=True, metavar="VND", help=h("income"))
    p.add_argument("--months", type=int, required=True, metavar="N", help=h("months"))
    p.add_argument(
        "--group", choices=("poor", "near_poor", "ethnic_minority", "other"), default="other", help=h("group")
    )
    p.add_argument("--date", type=dates, metavar="D", help=h("date"))
    p.add_argument("--province", metavar="CODE", help=h("province"))
    p = with_json(command("hi", cmd_quote, "quote_hi", quote))
    p.add_argument("--members", type=int, required=True, metavar="N", help=h("members"))
    p.add_argument("--months", type=int, required=True, metavar="N", help=h("months"))
    p.add_argument("--date", type=dates, metavar="D", help=h("date"))
    p.add_argument("--province", metavar="CODE", help=h("province"))

    rec = command("receipt", None, "receipt").add_subparsers(dest="what", metavar="WHAT", parser_class=_Parser)
    rec.required = True
    p = with_json(command("list", cmd_receipt_list, "receipt_list", rec))
    p.add_argument("--day", type=dates, metavar="D", help=h("day"))
    p = command("pdf", cmd_receipt_pdf, "receipt_pdf", rec)
    p.add_argument("number", metavar="NUMBER", nargs="*", help=h("receipt_numbers"))
    add_output(p, lang)
    p.add_argument("--format", choices=("a5", "a4", "80mm", "58mm"), default="a5")
    p.add_argument("--day", type=dates, metavar="D", help=h("receipt_day"))
    p = command("qr", cmd_receipt_qr, "receipt_qr", rec)
    p.add_argument("number", metavar="NUMBER")
    p = with_json(command("verify", cmd_receipt_verify, "receipt_verify", rec))
    p.add_argument("payload", metavar="PAYLOAD", help=h("payload"))
    p = command("void", leader_commands.cmd_receipt_void, "receipt_void", rec)
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.add_argument("--leader", required=True, metavar="CODE", help=h("leader"))  # or the member id
    for name in ("labels", "handover"):
        p = command(name, cmd_receipt_labels, f"receipt_{name}", rec)
        p.add_argument("number", metavar="NUMBER", nargs="*", help=h("receipt_numbers"))
        p.add_argument("--day", type=dates, metavar="D", help=h("receipt_day"))
        add_output(p, lang)
        if name == "labels":
            p.add_argument("--format", choices=("sheet", "80mm", "58mm"), default="sheet")

    exp = command("export", None, "export").add_subparsers(dest="what", metavar="WHAT", parser_class=_Parser)
    exp.required = True
    p = command("tallies", report_commands.export_tallies, "export_tallies", exp)
    p.add_argument("--day", type=dates, required=True, metavar="D", help=h("day"))
    p.add_argument("--to", type=dates, metavar="D2")
    p.add_argument("--team", metavar="T")
    p.add_argument("--format", choices=("xlsx", "csv", "pdf"), required=True)
    add_output(p, lang)

    p = command("declaration", report_commands.export_declaration, "export_declaration", exp)
    p.add_argument("--list", choices=("d05", "d03"), required=True)
    p.add_argument("--day", type=dates, required=True, metavar="D", help=h("day"))
    p.add_argument("--to", type=dates, metavar="D2")
    p.add_argument("--team", metavar="T")
    p.add_argument("--format", choices=("xlsx", "xml"), required=True)
    add_output(p, lang)

    p = with_json(command("enrol", cmd_enrol, "enrol"))
    p.add_argument("--server", metavar="URL")  # default: the province profile's server
    p.add_argument("--code", required=True, metavar="CODE")
    p.add_argument("--name", metavar="NAME", help=h("device_name"))
    p.add_argument("--yes", action="store_true", help=h("enrol_yes"))
    with_json(command("sync", cmd_sync, "sync"))
    from fieldapp.cli.bundle import add_laptop_commands, add_server_commands  # sync by USB stick

    add_laptop_commands(sub, common, lang, _Parser)

    from fieldapp.cli.backup import cmd_backup, cmd_restore  # backup and restore, also onto a new laptop

    p = command("backup", cmd_backup, "backup")
    add_output(p, lang)
    p = command("restore", cmd_restore, "restore")
    p.add_argument("file", metavar="FILE")
    with_json(command("stats", cmd_stats, "stats"))
    with_json(command("check", cmd_check, "check"))
    from fieldapp.cli import update as update_commands  # update check/download, server installer add/list (issue 8)

    update_commands.add_laptop_commands(sub, common, lang, _Parser)
    from fieldapp.cli import rules as rules_commands  # rules list, server rules add/list (issue 14)

    rules_commands.add_laptop_commands(sub, common, lang, _Parser)

    srv = command("server", None, "server")
    srv.add_argument("--database-url", metavar="URL", default=argparse.SUPPRESS)
    srv_sub = srv.add_subparsers(dest="what", metavar="WHAT", parser_class=_Parser)
    srv_sub.required = True
    from fieldapp.cli.server import add_commands  # run, team add, enrol-code, device list/revoke, stats

    add_commands(srv_sub, common, lang, _Parser)
    add_server_commands(srv_sub, common, lang, _Parser)
    p = command("report", report_commands.server_report, "server_report", srv_sub)
    p.add_argument("--database-url", metavar="URL", default=argparse.SUPPRESS)
    p.add_argument("--day", type=dates, required=True, metavar="D")
    p.add_argument("--to", type=dates, metavar="D2")
    p.add_argument("--format", choices=("xlsx", "csv", "pdf"), required=True)
    add_output(p, lang)
    update_commands.add_server_commands(srv_sub, common, lang, _Parser)
    rules_commands.add_server_commands(srv_sub, common, lang, _Parser)
    return parser


# argparse's own words (usage, errors) in Vietnamese; argparse looks them up through its module-level `_`.
_ARGPARSE_VI = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tuỳ chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "tham số không hiểu được: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)"
    ),
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "expected one argument": "cần một giá trị",
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "not allowed with argument %s": "không dùng cùng với %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
}


def _speak_argparse(lang: str) -> None:
    argparse._ = (lambda text: _ARGPARSE_VI.get(text, text)) if lang == "vi" else (lambda text: text)  # type: ignore[attr-defined]


def _early_lang(argv: Sequence[str]) -> str:
    """--lang is needed before parsing, to write the help and usage errors in the right language."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return normalise_language(argv[i + 1])
        if arg.startswith("--lang="):
            return normalise_language(arg.split("=", 1)[1])
    return normalise_language(os.environ.get("FIELDAPP_LANG"))


def _utf8_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[union-attr]


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _utf8_streams()
    lang = _early_lang(argv)
    bad = undecodable(argv)
    if bad is not None:  # never printed, logged or searched for: it is not text
        print(t("cli.undecodable", lang, position=str(bad + 1)), file=sys.stderr)
        return EXIT_USAGE
    _speak_argparse(lang)
    parser = build_parser(lang)
    try:
        args = parser.parse_args(argv)
    except _ArgError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    args.lang_given = hasattr(args, "lang")
    args.lang = getattr(args, "lang", lang)
    args.data_dir = getattr(args, "data_dir", None)
    args.dev_plaintext = getattr(args, "dev_plaintext", False) or os.environ.get("FIELDAPP_DEV_PLAINTEXT") == "1"
    if args.version:
        print(f"fieldapp {__version__}")
        return EXIT_OK
    if args.self_test:
        from fieldapp.selftest import print_self_test

        return EXIT_OK if print_self_test(args.lang) else EXIT_STORE
    if args.self_test_qt:
        return int(importlib.import_module("ui.app").qt_self_test())
    func = getattr(args, "func", None)
    if func is None:
        if args.command is None:  # plain `fieldapp` opens the window
            args.screenshots = None
            func = cmd_gui
        else:
            parser.parse_args([*argv, "--help"])
            return EXIT_USAGE
    ctx = Context(args)
    setup_logging(ctx.data_dir.logs)
    profile.start(ctx.data_dir)  # a province's build seeds a fresh data dir from its profile
    log.info("command: %s", command_line_for_log(parser, argv))  # names, never the values typed
    try:
        return func(ctx)
    except FieldappError as exc:  # its parameters may be what was typed: a name, a phone number
        log.warning("refused: %s (%s)", exc.code, ", ".join(sorted(exc.params)) or "-")
        print(t(exc.code, ctx.lang, **exc.params), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(t("error.interrupted", ctx.lang), file=sys.stderr)
        return 130
    except BrokenPipeError:  # `fieldapp receipt list | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so that exit's flush stays quiet
        return EXIT_OK
    except Exception:
        log.exception("unexpected error in %s", args.command)
        print(t("error.unexpected", ctx.lang, log=str(log_path())), file=sys.stderr)
        return EXIT_UNEXPECTED
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
