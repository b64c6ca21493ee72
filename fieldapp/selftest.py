"""`fieldapp --self-test`: check every part of an install and name the one that fails.

The Qt check runs in a child process, because a missing platform plugin aborts the process that
tries to load it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator

Check = tuple[str, bool, str]


def _resources() -> str:
    from fieldapp.domain import admin_units
    from fieldapp.domain.premiums import default_rules
    from fieldapp.i18n import catalog

    provinces, communes = len(admin_units.provinces()), len(admin_units.communes())
    if (provinces, communes) != (34, 3321):
        raise RuntimeError(f"admin units: {provinces} provinces, {communes} communes")
    if set(catalog("vi")) != set(catalog("en")):
        raise RuntimeError("message catalogs vi/en differ")
    default_rules()
    return f"{provinces} provinces, {communes} communes, rules, messages"


def _migrations() -> str:
    from fieldapp.storage.migrations import latest_version

    return f"schema {latest_version()}"


def _sqlcipher() -> str:
    from fieldapp.storage.driver import self_check

    return self_check()


def _key_wrapping() -> str:
    import secrets

    from fieldapp.storage.keystore import unwrap_key, wrap_key

    key = secrets.token_bytes(32)
    if unwrap_key(wrap_key(key, "self-test passphrase", "x"), "self-test passphrase", "x") != key:
        raise RuntimeError("unwrapped a different key")
    return "Argon2id + AES-256-GCM"


def _keyring() -> str:
    from fieldapp.storage.keystore import keyring_available

    if not keyring_available():
        return "no OS keyring here: the data key is protected by the team leader's passphrase"
    import keyring

    return f"OS keyring: {type(keyring.get_keyring()).__name__}"


def _qt() -> str:
    command = (
        [sys.executable, "--self-test-qt"]
        if getattr(sys, "frozen", False)
        else [sys.executable, "-m", "fieldapp", "--self-test-qt"]
    )
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError((done.stderr or done.stdout).strip().splitlines()[-1:] or f"exit {done.returncode}")
    return done.stdout.strip()


CHECKS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("resources", _resources),
    ("migrations", _migrations),
    ("sqlcipher", _sqlcipher),
    ("key wrapping", _key_wrapping),
    ("keyring", _keyring),
    ("qt", _qt),
)


def run_self_test() -> Iterator[Check]:
    for name, check in CHECKS:
        try:
            yield name, True, check()
        except Exception as exc:  # the point is to name the failing part, whatever it raised
            yield name, False, f"{type(exc).__name__}: {exc}"
