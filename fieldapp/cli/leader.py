"""The commands a team leader authorises with their PIN: `receipt void --leader` and `people erase`.

`--leader` takes the leader's collector code (the code printed on their receipts, e.g. 330101) or their
member id; the PIN comes from FIELDAPP_PIN or is typed on a terminal. The PIN proves who the leader is;
whether they may do it (a leader or admin of that team) is the service's decision
(fieldapp.domain.permissions), so a member's code with a right PIN is refused too: exit 1, a message
saying who may, nothing changed.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from fieldapp.errors import InputRefused

EXIT_OK = 0


def find_leader(store, who: str):
    """The member `--leader` names: a member id, else a collector code among the laptop's team."""
    from fieldapp.storage import team as team_store

    who = (who or "").strip()
    found = team_store.member(store, who) if who else None
    if found is not None:
        return found
    team = team_store.current_team(store)
    matches = team_store.find_by_code(store, team.id, who) if team and who else []
    if not matches:
        raise InputRefused("pin.leader_code", code=who)
    if len(matches) > 1:
        raise InputRefused("pin.leader_code_many", code=who, count=len(matches))
    return matches[0]


def signed_in_leader(store, who: str):
    """The member `--leader` names, once their PIN (FIELDAPP_PIN, or typed on a terminal) is checked."""
    from fieldapp.domain.formats import format_datetime
    from fieldapp.services.team import SignIn, sign_in

    member = find_leader(store, who)
    pin = os.environ.get("FIELDAPP_PIN") or (getpass.getpass("PIN: ") if sys.stdin.isatty() else "")
    result = sign_in(store, member.id, pin)
    if result.outcome is SignIn.WRONG:
        raise InputRefused("pin.wrong", remaining=result.remaining)
    if result.outcome is SignIn.LOCKED:
        raise InputRefused("pin.locked", until=format_datetime(result.locked_until))
    if result.outcome is SignIn.NO_PIN:
        raise InputRefused("pin.no_pin")
    if result.outcome is SignIn.NO_KEY:
        raise InputRefused("pin.no_key")
    return result.member


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


def cmd_people_erase(ctx) -> int:
    """Erase a person's data on request (Law 91/2025), as the People screen does: a leader, with the PIN."""
    from fieldapp.cli import emit_json
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


def add_people_erase(owner: Any, common, h) -> None:
    """`fieldapp people erase ID --leader CODE [--json]`."""
    p = owner.add_parser("erase", help=h("people_erase"), description=h("people_erase"), parents=[common])
    p.set_defaults(func=cmd_people_erase)
    p.add_argument("id", metavar="ID", help=h("person_id"))
    p.add_argument("--leader", required=True, metavar="CODE", help=h("leader"))
    p.add_argument("--json", action="store_true", help=h("json"))
