"""`fieldapp quote vsi|hi` (docs/cli.md): what a product costs, priced as the enrolment prices it.

The products registry (fieldapp/domain/products.py) drives it: each subcommand of the contract names the
product it quotes, the product prices it (`Product.quote`), and what the product insures says which flags
the subcommand takes and what its answer holds.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from fieldapp.cli.context import Context
from fieldapp.cli.output import EXIT_OK, emit_json
from fieldapp.domain.clock import today as vietnam_today
from fieldapp.domain.enums import EnrolmentKind, SupportGroup
from fieldapp.errors import InputRefused
from fieldapp.i18n import t

if TYPE_CHECKING:
    from fieldapp.cli.registry import Commands

# The subcommands of the contract, and the product each quotes.
QUOTED: dict[str, EnrolmentKind] = {"vsi": EnrolmentKind.VSI, "hi": EnrolmentKind.HOUSEHOLD_HI}
# What the answer's text leaves to the lines after it, or out.
_NOT_A_LINE = ("rules", "members", "warnings", "rules_checked_on", "rules_stale")


def _vsi_answer(q: Any, on: date, lang: str) -> dict[str, Any]:
    return {
        "total": q.total,
        "monthly_contribution": q.monthly_contribution,
        "state_support_monthly": q.state_support_monthly,
        "local_support_monthly": q.local_support_monthly,
        "monthly_due": q.monthly_due,
        "months": q.months,
        "discount": q.discount,
        "date": on.isoformat(),
        "warnings": [t(w, lang) for w in q.warnings],
    }


def _hi_answer(q: Any, on: date, lang: str) -> dict[str, Any]:
    return {
        "total": q.total,
        "members": [{"order": m.order, "monthly": m.monthly, "amount": m.amount} for m in q.members],
        "months": q.months,
        "date": on.isoformat(),
    }


def _province(code: str | None) -> str | None:
    from fieldapp.domain.admin_units import normalise_province_code

    if not code:
        return None
    province = normalise_province_code(code)
    if province is None:
        raise InputRefused("demo.unknown_province", code=code)
    return province


def cmd_quote(ctx: Context) -> int:
    from fieldapp.cli.rules import laptop_rules, rules_facts
    from fieldapp.domain import products
    from fieldapp.domain.premiums import quote_json_rules

    a = ctx.args
    product = products.get(QUOTED[a.product])
    on = a.date or vietnam_today()
    rules, store = laptop_rules(ctx)  # with the server's rule files this laptop holds (issue 14)
    order = products.Order(
        on,
        a.months,
        members=getattr(a, "members", 1),
        income=getattr(a, "income", None),
        group=SupportGroup(getattr(a, "group", SupportGroup.OTHER)),
        province=_province(a.province),
    )
    q = product.quote(rules, order).quote
    answer = _vsi_answer if product.insures == products.VSI else _hi_answer
    out = answer(q, on, ctx.lang) | {"rules": quote_json_rules(q.rules)}
    out |= rules_facts(rules, store, paid_on=on, today=vietnam_today())
    if a.json:
        emit_json(out)
    else:
        _print(out, on, ctx.lang)
    return EXIT_OK


def _print(out: dict[str, Any], on: date, lang: str) -> None:
    from fieldapp.domain.formats import format_date, format_vnd

    for key, value in out.items():
        if key in _NOT_A_LINE:
            continue
        shown = (
            format_date(on)
            if key == "date"
            else format_vnd(value, lang)
            if isinstance(value, int) and key != "months"
            else value
        )
        print(f"{t(f'quote_field.{key}', lang)}: {shown}")
    for member in out.get("members", []):
        print(f"  {member['order']}. {format_vnd(member['amount'], lang)}")
    for warning in out.get("warnings", []):
        print(f"! {warning}")
    print(f"{t('quote_field.basis', lang)}:")
    for rule in out["rules"]:
        print(f"  - {rule['id']}: {rule['basis']}")


# --- the parser ----------------------------------------------------------------------------------


def add(cli: Commands) -> None:
    from fieldapp.domain import products

    quote = cli.group(cli.top, "quote", "help.quote", dest="product", metavar="PRODUCT")
    for name, kind in QUOTED.items():
        vsi = products.get(kind).insures == products.VSI
        p = cli.command(quote, name, cmd_quote, f"help.quote_{name}", json=True)
        if vsi:
            p.add_argument("--income", type=int, required=True, metavar="VND", help=cli.h("help.income"))
        else:
            p.add_argument("--members", type=int, required=True, metavar="N", help=cli.h("help.members"))
        p.add_argument("--months", type=int, required=True, metavar="N", help=cli.h("help.months"))
        if vsi:
            groups = tuple(g.value for g in SupportGroup)
            p.add_argument("--group", choices=groups, default=SupportGroup.OTHER.value, help=cli.h("help.group"))
        p.add_argument("--date", type=cli.dates, metavar="D", help=cli.h("help.date"))
        p.add_argument("--province", metavar="CODE", help=cli.h("help.province"))
