"""What guessing a member's PIN costs (issue 13, point 6), on one core of this machine.

A PIN has 10^4 (4 digits) to 10^8 (8 digits) values, so its Argon2id verifier falls to an offline guess
whatever the cost: the rows `pin_all_10e4_bare` and `pin_all_10e6_bare` say how long, for whoever holds a
bare verifier (or a sealed one and its team's key: an unlocked laptop store, or the server's secret file
with its database). The verifier therefore never leaves a laptop bare (fieldapp/domain/pins.py): server.db
and the pulled member rows hold it sealed with AES-256-GCM under the team's PIN key, and whoever holds only
those must find a 256-bit key first (`pin_key_search_sealed`).

- pin_argon2_guess: one Argon2id check of a wrong PIN at the cost the app uses now (fieldapp.domain.pins.
  ARGON2); baseline: the same at the cost before issue 13 (t=2, m=19 MiB). Alternating, 9 each.
- pin_sign_in: `services.team.sign_in` of a sealed verifier in an encrypted store (unseal, Argon2id, the
  audit entry): what a member waits for. Baseline: the Argon2id check alone.
- pin_all_10e4_bare / pin_all_10e6_bare: every 4-digit / 6-digit PIN tried against a bare verifier, one
  core: 10^4 / 10^6 times each pin_argon2_guess sample (hours). Baseline: the same at the old cost.
- pin_trial_decrypt: AES-256-GCM trial decryptions of one sealed verifier with wrong keys, per second
  (what each guess of the key costs; no Argon2 needed to reject a key).
- pin_key_search_sealed: the years one core needs, on average (2^255 tries), to find the team key from
  server.db or a pulled row at that rate; only then could the PIN guessing above begin.

Run alone: `.venv/bin/python bench/pin_guess.py` (prints the table; `--quick` for fewer samples).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import PASSPHRASE, Row, progress, render, run_temp_dir

OLD_ARGON2 = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}  # the PIN cost before issue 13
YEAR = 365.25 * 24 * 3600


def _argon2_check(hasher, verifier: str) -> float:
    from argon2.exceptions import VerifyMismatchError

    t0 = time.perf_counter()
    with contextlib.suppress(VerifyMismatchError):
        hasher.verify(verifier, "0000")
    return time.perf_counter() - t0


def run_pin_guess(tmp: Path, *, samples: int = 9, decrypt_seconds: float = 1.0) -> list[Row]:
    from argon2 import PasswordHasher

    from fieldapp.domain import pins

    new, old = PasswordHasher(**pins.ARGON2), PasswordHasher(**OLD_ARGON2)
    new_hash, old_hash = new.hash("1234"), old.hash("1234")
    cost = f"t={pins.ARGON2['time_cost']}, m={pins.ARGON2['memory_cost'] // 1024} MiB"
    guess = Row("pin_argon2_guess", "s", note=f"Argon2id {cost} now; baseline: t=2, m=19 MiB (before)")
    progress("pin_argon2_guess")
    _argon2_check(new, new_hash), _argon2_check(old, old_hash)  # warm-up
    for i in range(samples):
        for which in (0, 1) if i % 2 == 0 else (1, 0):
            if which == 0:
                guess.samples.append(_argon2_check(new, new_hash))
            else:
                guess.baseline.append(_argon2_check(old, old_hash))

    sign = Row("pin_sign_in", "s", note="unseal + Argon2id + audit entry; baseline: the Argon2id check alone")
    progress("pin_sign_in")
    sign.samples, sign.baseline = _sign_in(tmp, samples, new_hash, new)

    hours = 3600
    all4 = Row("pin_all_10e4_bare", "h", note="4-digit PIN, bare verifier (or sealed + its key), one core")
    all6 = Row("pin_all_10e6_bare", "h", note="6-digit PIN, same; an 8-digit one is 100 times this")
    all4.samples = [s * 1e4 / hours for s in guess.samples]
    all4.baseline = [s * 1e4 / hours for s in guess.baseline]
    all6.samples = [s * 1e6 / hours for s in guess.samples]
    all6.baseline = [s * 1e6 / hours for s in guess.baseline]

    progress("pin_trial_decrypt")
    rate = Row("pin_trial_decrypt", "/s", note="AES-256-GCM with a wrong key, one sealed verifier, one core")
    rate.samples = [_trial_decrypts(decrypt_seconds) for _ in range(max(3, samples // 2))]
    search = Row(
        "pin_key_search_sealed",
        "years",
        note="server.db or a pulled row alone: 2^255 keys on average at that rate (needs ≥ 1 year: "
        + ("met" if min(rate.samples) and 2**255 / max(rate.samples) / YEAR >= 1 else "NOT met")
        + ")",
    )
    search.samples = [2**255 / r / YEAR for r in rate.samples]
    return [guess, sign, all4, all6, rate, search]


def _sign_in(tmp: Path, samples: int, verifier: str, hasher) -> tuple[list[float], list[float]]:
    from fieldapp.domain import pins
    from fieldapp.domain.enums import Role
    from fieldapp.paths import DataDir
    from fieldapp.services.team import new_member, new_team, sign_in
    from fieldapp.storage.pin_keys import team_key
    from fieldapp.storage.store import OpenOptions, Store
    from fieldapp.storage.writer import Actor, writing

    ours, base = [], []
    with Store.open(DataDir(tmp / "laptop"), OpenOptions(passphrase=PASSPHRASE)) as store:
        team = new_team("Tổ đo", "33", "Bưu điện", ())
        with writing(store, Actor(None, store.device_id)) as w:
            w.add(team)
            member = w.add(new_member(team.id, "Trần Thị Hoa", Role.TEAM_LEADER, "330101", "1234",
                                      pin_key=team_key(w.conn, team.id)))  # fmt: skip
        assert pins.is_sealed(member.pin_hash)
        sign_in(store, member.id, "1234")  # warm-up
        for i in range(samples):
            for which in (0, 1) if i % 2 == 0 else (1, 0):
                if which == 0:
                    t0 = time.perf_counter()
                    assert sign_in(store, member.id, "1234").outcome.value == "ok"
                    ours.append(time.perf_counter() - t0)
                else:
                    t0 = time.perf_counter()
                    hasher.verify(verifier, "1234")
                    base.append(time.perf_counter() - t0)
    return ours, base


def _trial_decrypts(seconds: float) -> float:
    """Wrong keys tried against one sealed verifier for about `seconds`; returns tries per second."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from fieldapp.domain import pins

    member_id = "019f4989-de80-7316-97ce-07b9c8c53f7e"
    verifier = "$argon2id$v=19$m=65536,t=4,p=1$LkBzvF+uQC8gWKOYs3zoKw$ok571QUo9c9VWp9/RY2Rm1gZhsG8zC9fho4jyo9TNHI"
    sealed = pins.seal(verifier, os.urandom(32), member_id)
    kid, body = sealed.split("$")[1:]
    raw = pins._unb64(body)
    nonce, data, aad = raw[:12], raw[12:], pins._aad(kid, member_id)
    tries, n = 0, 0
    t0 = time.perf_counter()
    while True:
        for _ in range(2000):
            n += 1
            try:  # noqa: SIM105 (a plain try is the cheaper one in this loop)
                AESGCM(n.to_bytes(32, "big")).decrypt(nonce, data, aad)
            except InvalidTag:
                pass
        tries += 2000
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds:
            return tries / elapsed


if __name__ == "__main__":
    quick = "--quick" in sys.argv[1:]
    with run_temp_dir() as tmp:
        print(render(run_pin_guess(tmp, samples=3 if quick else 9, decrypt_seconds=0.3 if quick else 1.0)))
