"""What every command of `fieldapp` gets: its parsed arguments, its language, the data dir, and the store."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from fieldapp.errors import NeedPassphrase
from fieldapp.i18n import t
from fieldapp.paths import DataDir


class Context:
    """What every command gets: parsed arguments, language, data dir, and a way to open the store."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.lang: str = args.lang
        self.data_dir = DataDir(args.data_dir)
        self._store = None

    def say(self, code: str, **params: Any) -> None:
        print(t(code, self.lang, **params))

    def store(self):
        """Open the data dir's store: FIELDAPP_PASSPHRASE, or a prompt on a terminal, when no keyring."""
        from fieldapp.storage.store import OpenOptions, Store

        if self._store is None:
            passphrase = os.environ.get("FIELDAPP_PASSPHRASE")
            options = OpenOptions(passphrase=passphrase, dev_plaintext=self.args.dev_plaintext)
            try:
                self._store = Store.open(self.data_dir, options)
            except NeedPassphrase:
                if passphrase is not None or not sys.stdin.isatty():
                    raise
                typed = getpass.getpass(t("cli.passphrase_prompt", self.lang))
                self._store = Store.open(
                    self.data_dir, OpenOptions(passphrase=typed, dev_plaintext=self.args.dev_plaintext)
                )
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
