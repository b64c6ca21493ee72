"""Shared fixtures. Qt runs offscreen; the OS keyring is off unless a test installs an in-memory one;
Argon2 is made cheap for in-process stores and PINs (the real parameters are used by CLI subprocess tests
and bench/pin_guess.py)."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["FIELDAPP_KEYRING"] = "off"
os.environ.pop("FIELDAPP_PASSPHRASE", None)
os.environ.pop("FIELDAPP_DATA_DIR", None)
os.environ.pop("FIELDAPP_LANG", None)

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")

PASSPHRASE = "test passphrase"
DEMO_END = date(2026, 7, 15)
# The demo voids a receipt now and then and closes every day but its last (fieldapp.demo.days): a test that
# needs a receipt still valid, or a day still open, says so.
NOT_VOIDED = "id NOT IN (SELECT receipt_id FROM receipt_voids)"


CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch):
    from fieldapp.domain import pins
    from fieldapp.storage import keystore

    monkeypatch.setattr(keystore, "ARGON2", CHEAP_ARGON2)
    monkeypatch.setattr(pins, "ARGON2", CHEAP_ARGON2)


@pytest.fixture
def data_dir(tmp_path):
    from fieldapp.paths import DataDir

    return DataDir(tmp_path / "data")


@pytest.fixture
def open_store(data_dir):
    from fieldapp.storage.store import OpenOptions, Store

    opened = []

    def _open(dd=None, **kw):
        kw.setdefault("passphrase", PASSPHRASE)
        store = Store.open(dd or data_dir, OpenOptions(**kw))
        opened.append(store)
        return store

    yield _open
    for s in opened:
        s.close()


@pytest.fixture
def store(open_store):
    return open_store()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """A small demo data dir made once; tests copy it (see `demo_dir`)."""
    from fieldapp.demo import DemoOptions, load_demo
    from fieldapp.domain import pins
    from fieldapp.paths import DataDir
    from fieldapp.storage import keystore
    from fieldapp.storage.store import OpenOptions, Store

    saved = keystore.ARGON2, pins.ARGON2
    keystore.ARGON2 = pins.ARGON2 = CHEAP_ARGON2
    try:
        dd = DataDir(tmp_path_factory.mktemp("demo") / "data")
        with Store.open(dd, OpenOptions(passphrase=PASSPHRASE)) as s:
            load_demo(s, DemoOptions(persons=600, days=4, seed=11, end_date=DEMO_END))
    finally:
        keystore.ARGON2, pins.ARGON2 = saved
    return dd.root


@pytest.fixture
def demo_dir(demo_template, tmp_path):
    from fieldapp.paths import DataDir

    target = tmp_path / "demo"
    shutil.copytree(demo_template, target)
    return DataDir(target)


@pytest.fixture
def demo_store(demo_dir, open_store):
    return open_store(demo_dir)


def cli_env(data_dir: Path | None = None, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["FIELDAPP_PASSPHRASE"] = PASSPHRASE
    if data_dir is not None:
        env["FIELDAPP_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env
