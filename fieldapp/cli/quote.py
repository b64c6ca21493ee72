"""`fieldapp quote vsi|hi` (docs/cli.md): what voluntary social insurance or household health insurance
costs, priced with the rules this laptop holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldapp.cli.context import Context
from fieldapp.cli.output import EXIT_OK, emit_json
from fieldapp.domain.clock import today as vietnam_today
from fieldapp.errors import InputRefused
from fieldapp.i18n import t

if TYPE_CHECKING:
    from fieldapp.cli.registry import Commands


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


# --- the parser ----------------------------------------------------------------------------------


def add(cli: Commands) -> None:
    quote = cli.group(cli.top, "quote", "help.quote", dest="product", metavar="PRODUCT")
    p = cli.command(quote, "vsi", cmd_quote, "help.quote_vsi", json=True)
    p.add_argument("--income", type=int, required=True, metavar="VND", help=cli.h("help.income"))
    p.add_argument("--months", type=int, required=True, metavar="N", help=cli.h("help.months"))
    p.add_argument(
        "--group", choices=("poor", "near_poor", "ethnic_minority", "other"), default="other", help=cli.h("help.group")
    )
    p.add_argument("--date", type=cli.dates, metavar="D", help=cli.h("help.date"))
    p.add_argument("--province", metavar="CODE", help=cli.h("help.province"))
    p = cli.command(quote, "hi", cmd_quote, "help.quote_hi", json=True)
    p.add_argument("--members", type=int, required=True, metavar="N", help=cli.h("help.members"))
    p.add_argument("--months", type=int, required=True, metavar="N", help=cli.h("help.months"))
    p.add_argument("--date", type=cli.dates, metavar="D", help=cli.h("help.date"))
    p.add_argument("--province", metavar="CODE", help=cli.h("help.province"))
