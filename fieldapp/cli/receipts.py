"""`fieldapp receipt list|pdf|qr|verify|void|labels|handover` (docs/cli.md): the receipts of the laptop, their
prints and QR, a scanned QR verified offline, a receipt voided by the leader (leader.py), and the labels and
hand-over list of the cards and books handed over."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from fieldapp.cli.args import output_of
from fieldapp.cli.context import Context
from fieldapp.cli.leader import signed_in_leader
from fieldapp.cli.output import EXIT_OK, EXIT_REFUSED, emit_json
from fieldapp.domain.clock import today as vietnam_today
from fieldapp.errors import InputRefused
from fieldapp.i18n import t
from fieldapp.outputs import check as check_output

if TYPE_CHECKING:
    from fieldapp.cli.registry import Commands


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
    _say_without_label(ctx, store, a.day or vietnam_today(), ids)
    return EXIT_OK


def _say_without_label(ctx: Context, store, day, receipt_ids: list[str] | None) -> None:
    """Each card or book of the file that has no label, by name and why: the count of labels and of cards
    handed over must never differ without a word (issue 17, item 7)."""
    from fieldapp.services.receipts import without_labels

    for item in without_labels(store, day, receipt_ids):
        ctx.say("receipt.no_label", name=item.name, receipt=item.receipt)


def cmd_receipt_void(ctx) -> int:
    from fieldapp.services.receipts import void
    from fieldapp.storage.receipts import find_label
    from fieldapp.storage.writer import Actor

    a = ctx.args
    store = ctx.store()
    ref = find_label(store, a.number)
    if ref is None:
        raise InputRefused("receipt.unknown", number=a.number)
    leader = signed_in_leader(store, a.leader)
    void(store, Actor(leader.id, store.device_id), ref.id, a.reason, leader)
    ctx.say("receipt.voided", number=ref.label)
    return EXIT_OK


# --- the parser ----------------------------------------------------------------------------------


def add(cli: Commands) -> None:
    rec = cli.group(cli.top, "receipt", "help.receipt")
    p = cli.command(rec, "list", cmd_receipt_list, "help.receipt_list", json=True)
    p.add_argument("--day", type=cli.dates, metavar="D", help=cli.h("help.day"))
    p = cli.command(rec, "pdf", cmd_receipt_pdf, "help.receipt_pdf")
    p.add_argument("number", metavar="NUMBER", nargs="*", help=cli.h("help.receipt_numbers"))
    cli.output(p)
    p.add_argument("--format", choices=("a5", "a4", "80mm", "58mm"), default="a5")
    p.add_argument("--day", type=cli.dates, metavar="D", help=cli.h("help.receipt_day"))
    p = cli.command(rec, "qr", cmd_receipt_qr, "help.receipt_qr")
    p.add_argument("number", metavar="NUMBER")
    p = cli.command(rec, "verify", cmd_receipt_verify, "help.receipt_verify", json=True)
    p.add_argument("payload", metavar="PAYLOAD", help=cli.h("help.payload"))
    p = cli.command(rec, "void", cmd_receipt_void, "help.receipt_void")
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.add_argument("--leader", required=True, metavar="CODE", help=cli.h("help.leader"))  # or the member id
    for name in ("labels", "handover"):
        p = cli.command(rec, name, cmd_receipt_labels, f"help.receipt_{name}")
        p.add_argument("number", metavar="NUMBER", nargs="*", help=cli.h("help.receipt_numbers"))
        p.add_argument("--day", type=cli.dates, metavar="D", help=cli.h("help.receipt_day"))
        cli.output(p)
        if name == "labels":
            p.add_argument("--format", choices=("sheet", "80mm", "58mm"), default="sheet")
