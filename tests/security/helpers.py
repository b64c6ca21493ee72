"""What the hostile tests share: a small demo data folder made in-process (seconds count: a `fieldapp`
subprocess costs about a second on a busy machine), opened with the passphrase the CLI tests give."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from tests.conftest import DEMO_END, PASSPHRASE


@contextmanager
def opened(root: Path, passphrase: str = PASSPHRASE):
    from fieldapp.paths import DataDir
    from fieldapp.storage.store import OpenOptions, Store

    with Store.open(DataDir(root), OpenOptions(passphrase=passphrase)) as store:
        yield store


def small_demo(root: Path, *, persons: int = 30, days: int = 1, seed: int = 7) -> dict[str, int]:
    """A demo team in `root` (cheap Argon2, the same data as `fieldapp demo-data` with these options);
    returns its record counts."""
    from fieldapp.demo import DemoOptions, load_demo
    from fieldapp.storage import keystore
    from fieldapp.storage.work import counts

    saved, keystore.ARGON2 = keystore.ARGON2, {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
    try:
        with opened(root) as store:
            load_demo(store, DemoOptions(persons=persons, days=days, seed=seed, end_date=DEMO_END))
            return counts(store)
    finally:
        keystore.ARGON2 = saved
