"""`fieldapp backup -o FILE [--force]` and `fieldapp restore FILE` (cli.md), also onto a new laptop.

A backup carries the store's passphrase slot (storage/backup_file.py). Restoring it on the laptop that
made it needs nothing more; on another laptop (a replacement for a lost or stolen one: a fresh data folder,
no keyring entry) it needs the backup's passphrase, from FIELDAPP_PASSPHRASE or asked on a terminal. The
passphrase is checked before anything is made or changed: a wrong one is exit 1 and the data folder stays
as it was.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from fieldapp.cli.args import output_of
from fieldapp.cli.output import EXIT_OK
from fieldapp.errors import InputRefused, StoreUnavailable
from fieldapp.i18n import t

if TYPE_CHECKING:
    from fieldapp.cli.registry import Commands


def cmd_backup(ctx) -> int:
    store = ctx.store()
    dest = store.backup(output_of(ctx))
    ctx.say("backup.done", path=str(dest))
    if store.encrypted and not store.keystore.has_slot("passphrase"):
        print(t("backup.this_laptop_only", ctx.lang), file=sys.stderr)
    return EXIT_OK


def _same_store(ctx, header) -> bool:
    from fieldapp.storage.keystore import KeyStore

    try:
        return header.same_key(KeyStore.load(ctx.data_dir.keystore))
    except (FileNotFoundError, StoreUnavailable):
        return False


def cmd_restore(ctx) -> int:
    from fieldapp.storage import backup_file

    source = Path(ctx.args.file)
    if not source.is_file():
        raise InputRefused("restore.missing", path=str(source))
    header = backup_file.read_header(source)
    key = passphrase = None
    if header is not None and header.encrypted and not _same_store(ctx, header):
        passphrase = os.environ.get("FIELDAPP_PASSPHRASE")
        if passphrase is None and sys.stdin.isatty():
            passphrase = getpass.getpass(t("restore.passphrase_prompt", ctx.lang))
        if not passphrase:
            raise InputRefused("restore.needs_passphrase", path=str(source))
        key = header.unlock(passphrase, source)  # before the store is opened or made: a wrong one changes nothing
    store = ctx.store()
    safety = store.restore(source, key=key)
    if passphrase and store.encrypted and not store.keystore.has_slot("passphrase"):
        store.set_passphrase(passphrase)  # this laptop's next backup restores elsewhere with it too
    ctx.say("restore.done", path=str(source), safety=str(safety))
    if key is not None:
        ctx.say("restore.other_laptop")
    return EXIT_OK


# --- the parsers ---------------------------------------------------------------------------------


def add_backup(cli: Commands) -> None:
    cli.output(cli.command(cli.top, "backup", cmd_backup, "help.backup"))


def add_restore(cli: Commands) -> None:
    p = cli.command(cli.top, "restore", cmd_restore, "help.restore")
    p.add_argument("file", metavar="FILE")
