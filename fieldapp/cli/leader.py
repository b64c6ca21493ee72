"""The team leader a command names, checked with their PIN: `receipt void --leader` and `people erase`.

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

from fieldapp.errors import InputRefused


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
