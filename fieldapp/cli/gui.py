"""`fieldapp gui [--screenshots DIR]`, and a bare `fieldapp`: the app's window. ui.app is loaded by name, so
that the core never imports the GUI."""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

from fieldapp.cli.context import Context
from fieldapp.errors import UsageError

if TYPE_CHECKING:
    from fieldapp.cli.registry import Commands

log = logging.getLogger("fieldapp.cli")


def cmd_gui(ctx: Context) -> int:
    try:
        gui = importlib.import_module("ui.app")
    except ImportError as exc:
        log.exception("GUI import failed")
        raise UsageError("cli.qt_missing", detail=str(exc)) from exc
    return int(gui.main(ctx.args, ctx.data_dir))


def add(cli: Commands) -> None:
    p = cli.command(cli.top, "gui", cmd_gui, "help.gui")
    p.add_argument("--screenshots", metavar="DIR", help=cli.h("help.screenshots"))
