"""Where things live: the shipped resources and migrations, and a laptop's data dir."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "fieldapp"


def install_root() -> Path:
    """The folder holding resources/ and db/: the checkout, or the PyInstaller bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    return install_root().joinpath("resources", *parts)


def migrations_dir() -> Path:
    return install_root() / "db"


def default_data_dir() -> Path:
    env = os.environ.get("FIELDAPP_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


class DataDir:
    """The files of one laptop's data folder."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root).expanduser() if root else default_data_dir()

    @property
    def db(self) -> Path:
        return self.root / "fieldapp.db"

    @property
    def keystore(self) -> Path:
        return self.root / "keystore.json"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    def __repr__(self) -> str:
        return f"DataDir({str(self.root)!r})"
