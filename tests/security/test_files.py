"""Issue 13, point 7: every file the app writes goes through one helper (fieldapp/outputs.py) that writes
atomically, replaces a file only with --force, and refuses a folder, a device, a FIFO, a symlink or a
place inside the data folder; the data folder and what it holds are its owner's only."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldapp.errors import InputRefused
from tests.conftest import cli_env
from tests.security.helpers import opened, small_demo
from tests.test_cli import run


@pytest.fixture(scope="module")
def cli_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("sec-files") / "data"
    small_demo(root, persons=40, days=2, seed=5)
    return root


def a_receipt(cli_dir) -> str:
    from fieldapp.storage.work import receipts

    with opened(cli_dir) as store:
        return receipts(store, day=None, limit=1)[0].label


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# --- the helper ----------------------------------------------------------------------------------------

_NAME = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\\x00"), min_size=1, max_size=40
).filter(lambda s: s not in (".", "..") and len(s.encode()) < 200)


@given(name=_NAME)
def test_any_path_inside_the_data_dir_is_refused(tmp_path_factory, name):
    from fieldapp.outputs import Output, check

    data = tmp_path_factory.getbasetemp() / "hyp-data"
    (data / "logs").mkdir(parents=True, exist_ok=True)
    for folder in (data, data / "logs", data / "logs" / ".." / "logs"):
        target = folder / name
        with pytest.raises(InputRefused) as err:
            check(Output(target, force=True, data_dir=data))
        assert err.value.code in ("output.in_data_dir", "output.is_folder", "output.no_folder")


@given(name=_NAME, force=st.booleans())
def test_a_new_file_outside_the_data_dir_is_accepted_and_an_existing_one_only_with_force(tmp_path_factory, name, force):
    from fieldapp.outputs import Output, check, write_bytes

    base = tmp_path_factory.getbasetemp()
    out_dir = base / "hyp-out"
    out_dir.mkdir(exist_ok=True)
    for old in out_dir.iterdir():
        old.unlink()
    target = out_dir / name
    assert check(Output(target, force=force, data_dir=base / "hyp-data")) == target
    write_bytes(Output(target, force=force), b"one")
    assert target.read_bytes() == b"one" and mode(target) == 0o600
    if force:
        write_bytes(Output(target, force=True), b"two")
        assert target.read_bytes() == b"two"
    else:
        with pytest.raises(InputRefused) as err:
            write_bytes(Output(target), b"two")
        assert err.value.code == "output.exists" and str(target) in err.value.params["path"]
        assert target.read_bytes() == b"one"
    assert list(out_dir.iterdir()) == [target]  # no temporary file left


def test_a_folder_a_fifo_a_device_and_a_symlink_are_refused_even_with_force(tmp_path):
    from fieldapp.outputs import Output, check

    real = tmp_path / "real.pdf"
    real.write_bytes(b"kept")
    (tmp_path / "link.pdf").symlink_to(real)
    os.mkfifo(tmp_path / "fifo.pdf")
    cases = {
        tmp_path: "output.is_folder",
        tmp_path / "link.pdf": "output.symlink",
        tmp_path / "fifo.pdf": "output.not_file",
        Path("/dev/null"): "output.not_file",
    }
    for target, code in cases.items():
        with pytest.raises(InputRefused) as err:
            check(Output(target, force=True))
        assert err.value.code == code, target
    assert real.read_bytes() == b"kept"


def test_a_full_disk_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    from fieldapp import outputs

    target = tmp_path / "tallies.csv"
    target.write_bytes(b"old")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", full)
    with pytest.raises(InputRefused) as err:
        outputs.write_bytes(outputs.Output(target, force=True), b"new" * 1000)
    assert err.value.code == "output.unwritable"
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["tallies.csv"]

    def failing_writer(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise RuntimeError("the writer broke")

    monkeypatch.undo()
    with pytest.raises(RuntimeError), outputs.writing(outputs.Output(target, force=True)) as tmp:
        failing_writer(tmp)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["tallies.csv"]


def test_files_are_written_0600_whatever_the_umask(tmp_path):
    from fieldapp.outputs import Output, write_bytes

    old = os.umask(0)
    try:
        write_bytes(Output(tmp_path / "a.pdf"), b"x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "a.pdf") == 0o600


# --- the commands ------------------------------------------------------------------------------------


def _walk(parser, path=()):
    import argparse

    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _walk(sub, (*path, name))


def test_every_command_with_an_output_file_has_force():
    from fieldapp.cli import build_parser

    with_output = []
    for path, parser in _walk(build_parser("en")):
        options = {s for a in parser._actions for s in a.option_strings}
        if "-o" in options:
            with_output.append(" ".join(path))
            assert "--force" in options, path
    assert len(with_output) >= 11, with_output  # receipt pdf/labels/handover, exports, backup, bundles, update


def test_receipt_pdf_over_the_keystore_is_refused(cli_dir):
    keystore = cli_dir / "keystore.json"
    before = keystore.read_bytes()
    number = a_receipt(cli_dir)
    for force in ((), ("--force",)):
        done = run("receipt", "pdf", number, "-o", str(keystore), *force, data_dir=cli_dir)
        assert done.returncode == 1, done.stdout
        assert str(keystore) in done.stderr
    assert keystore.read_bytes() == before


def test_export_over_the_database_is_refused(cli_dir):
    db = cli_dir / "fieldapp.db"
    size = db.stat().st_size
    done = run(
        "export", "tallies", "--day", "2026-07-15", "--format", "csv", "-o", str(db), "--force", data_dir=cli_dir
    )
    assert done.returncode == 1 and "fieldapp.db" in done.stderr
    assert db.stat().st_size == size


def test_an_existing_file_is_replaced_only_with_force(cli_dir, tmp_path):
    target = tmp_path / "tuan.csv"
    target.write_text("do not lose me", encoding="utf-8")
    args = ("export", "tallies", "--day", "2026-07-15", "--format", "csv", "-o", str(target))
    done = run(*args, data_dir=cli_dir)
    assert done.returncode == 1 and str(target) in done.stderr and "--force" in done.stderr
    assert target.read_text(encoding="utf-8") == "do not lose me"
    done = run(*args, "--force", data_dir=cli_dir)
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8-sig") != "do not lose me" and mode(target) == 0o600


def test_a_backup_replaces_an_older_one_only_with_force(cli_dir, tmp_path):
    backup = tmp_path / "b.db"
    backup.write_bytes(b"last week's backup")
    done = run("backup", "-o", str(backup), data_dir=cli_dir)
    assert done.returncode == 1 and "--force" in done.stderr
    assert backup.read_bytes() == b"last week's backup"
    assert run("backup", "-o", str(backup), "--force", data_dir=cli_dir).returncode == 0
    assert backup.stat().st_size > 10_000 and mode(backup) == 0o600


def test_a_fifo_and_a_symlink_are_refused_by_the_commands(cli_dir, tmp_path):
    number = a_receipt(cli_dir)
    os.mkfifo(tmp_path / "fifo.pdf")  # opening it to write would hang until someone reads
    victim = tmp_path / "victim.txt"
    victim.write_text("mine", encoding="utf-8")
    (tmp_path / "link.pdf").symlink_to(victim)
    for target in (tmp_path / "fifo.pdf", tmp_path / "link.pdf"):
        done = run("receipt", "pdf", number, "-o", str(target), "--force", data_dir=cli_dir)
        assert done.returncode == 1, (target, done.stderr)
        assert str(target) in done.stderr
    assert victim.read_text(encoding="utf-8") == "mine"


def test_a_device_is_refused_by_the_commands(cli_dir):
    args = ("export", "tallies", "--day", "2026-07-15", "--format", "csv", "-o", "/dev/null", "--force")
    done = run(*args, data_dir=cli_dir)
    assert done.returncode == 1 and "/dev/null" in done.stderr


def test_no_temporary_file_is_left_next_to_an_output(cli_dir, tmp_path):
    number = a_receipt(cli_dir)
    done = run("receipt", "labels", number, "-o", str(tmp_path / "nhan.pdf"), data_dir=cli_dir)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["nhan.pdf"]


# --- permissions ---------------------------------------------------------------------------------------


def test_a_new_data_dir_is_its_owners_only(tmp_path):
    data = tmp_path / "fresh"
    done = subprocess.run(
        [sys.executable, "-m", "fieldapp", "stats", "--json"],
        env=cli_env(data),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=lambda: os.umask(0),
    )
    assert done.returncode == 0, done.stderr
    assert mode(data) == 0o700
    assert mode(data / "logs") == 0o700
    for name in ("fieldapp.db", "keystore.json", "logs/fieldapp.log"):
        assert mode(data / name) == 0o600, name


def test_an_existing_install_is_tightened_when_opened(tmp_path):
    data = tmp_path / "old"
    with opened(data):  # as an older version left it
        pass
    (data / "logs").mkdir()
    (data / "logs" / "fieldapp.log").write_text("", encoding="utf-8")
    for path in (data, data / "logs"):
        path.chmod(0o755)
    for path in (data / "fieldapp.db", data / "keystore.json", data / "logs" / "fieldapp.log"):
        path.chmod(0o644)
    (data / "backups").mkdir(mode=0o755)
    (data / "backups" / "before-migration-schema5-x.db").write_bytes(b"")
    (data / "backups" / "before-migration-schema5-x.db").chmod(0o644)
    assert run("stats", data_dir=data).returncode == 0
    assert mode(data) == 0o700 and mode(data / "logs") == 0o700 and mode(data / "backups") == 0o700
    for name in ("fieldapp.db", "keystore.json", "logs/fieldapp.log", "backups/before-migration-schema5-x.db"):
        assert mode(data / name) == 0o600, name


def test_tightening_never_loosens(tmp_path):
    from fieldapp.outputs import tighten

    f = tmp_path / "f"
    f.write_bytes(b"")
    f.chmod(0o400)
    tighten(f)
    assert mode(f) == 0o400
    f.chmod(0o664)
    tighten(f)
    assert mode(f) == 0o600


def test_the_servers_data_is_its_owners_only(tmp_path):
    data = tmp_path / "srv"
    installer = tmp_path / "fieldapp-33_0.2.0_amd64.deb"
    installer.write_bytes(b"not really a deb" * 100)
    done = run("server", "installer", "add", str(installer), "--version", "0.2.0", "--platform", "linux", data_dir=data)
    assert done.returncode == 0, done.stderr
    assert mode(data / "server") == 0o700
    assert mode(data / "server" / "server.db") == 0o600
    folder = data / "server" / "installers"
    assert mode(folder) == 0o700
    assert all(mode(p) == 0o600 for p in folder.iterdir())
