"""The one registry of the `fieldapp` command (docs/cli.md): which group module adds which command, in the
order `fieldapp --help` and `fieldapp server --help` list them, and the one way every module adds a command
(`Commands`: its help in the member's language, the options every command takes, `--json`, the server's
`--database-url`, `-o FILE`).

Adding a command is writing its function and its adder in the module of its group, and naming the adder in
LAPTOP or SERVER. A group module imports the store, the GUI or the server only when its command runs:
`fieldapp --help` stays fast, and a laptop's install, which has no server extra, lists the server's commands
without loading the server (tests/test_architecture.py checks it).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

from fieldapp.cli import backup, bundle, data, gui, people, quote, receipts, reports, rules, server, sync, update
from fieldapp.cli.args import add_output, iso_date
from fieldapp.i18n import t


class ArgError(Exception):
    """A usage error argparse found: said on stderr, exit 2."""


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors follow the exit-code contract."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise ArgError(self.format_usage() + message)


class Commands:
    """What a group module adds its commands with: `top` holds `fieldapp`'s commands, `server` those of
    `fieldapp server`; `common` the options every command takes."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.dates: Callable[[str], date] = iso_date(lang)
        self.common = Parser(add_help=False)
        self.common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=self.h("help.data_dir"))
        self.common.add_argument("--lang", choices=("vi", "en"), default=argparse.SUPPRESS, help=self.h("help.lang"))
        self.common.add_argument(
            "--dev-plaintext", action="store_true", default=argparse.SUPPRESS, help=self.h("help.dev_plaintext")
        )
        self.top: Any = None
        self.server: Any = None

    def h(self, code: str) -> str:
        """A help text (a message code of resources/messages) in the language of the command line."""
        return t(code, self.lang)

    def command(
        self,
        owner: Any,
        name: str,
        func: Callable[[Any], int] | None,
        help_code: str,
        *,
        json: bool = False,
        database_url: bool = False,
    ) -> argparse.ArgumentParser:
        """`name` under `owner` running `func`; a server's command takes `--database-url` first, then `--json`."""
        p = owner.add_parser(name, help=self.h(help_code), description=self.h(help_code), parents=[self.common])
        p.set_defaults(func=func)
        if database_url:
            p.add_argument(
                "--database-url", metavar="URL", default=argparse.SUPPRESS, help=self.h("server.help.database_url")
            )
        if json:
            self.json(p)
        return p

    def group(
        self, owner: Any, name: str, help_code: str, *, dest: str = "what", metavar: str | None = "WHAT", **kw: bool
    ) -> Any:
        """A command whose words name a command of its own (`receipt pdf`): the sub-parsers to add them to."""
        return self.subcommands(self.command(owner, name, None, help_code, **kw), dest=dest, metavar=metavar)

    def subcommands(self, p: argparse.ArgumentParser, *, dest: str = "what", metavar: str | None = "WHAT") -> Any:
        what = p.add_subparsers(dest=dest, metavar=metavar, parser_class=Parser)
        what.required = True
        return what

    def json(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help=self.h("help.json"))

    def output(self, p: argparse.ArgumentParser, *, required: bool = True, help_code: str | None = None) -> None:
        """`-o FILE` and its `--force`."""
        add_output(p, self.lang, required=required, help_text=self.h(help_code) if help_code else None)


# `fieldapp`'s commands in the order its help lists them; `server.add` makes `Commands.server`, which the
# adders of SERVER fill, in the order of `fieldapp server --help`.
LAPTOP: tuple[Callable[[Commands], None], ...] = (
    gui.add,
    data.add_demo_data,
    people.add_import,
    people.add_people,
    quote.add,
    receipts.add,
    reports.add_export,
    sync.add_enrol,
    sync.add_sync,
    bundle.add,
    backup.add_backup,
    backup.add_restore,
    data.add_stats,
    data.add_check,
    update.add,
    rules.add,
    server.add,
)
SERVER: tuple[Callable[[Commands], None], ...] = (
    server.add_run,
    server.add_team,
    server.add_enrol_code,
    server.add_device,
    server.add_stats,
    bundle.add_server,
    reports.add_server_report,
    update.add_server,
    rules.add_server,
)


def build_parser(lang: str) -> argparse.ArgumentParser:
    cli = Commands(lang)
    parser = Parser(
        prog="fieldapp", description=cli.h("help.description"), epilog=cli.h("help.epilog"), parents=[cli.common]
    )
    parser.add_argument("--version", action="store_true", help=cli.h("help.version"))
    parser.add_argument("--self-test", action="store_true", help=cli.h("help.self_test"))
    parser.add_argument("--self-test-qt", action="store_true", help=argparse.SUPPRESS)
    cli.top = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for add in (*LAPTOP, *SERVER):
        add(cli)
    return parser


# argparse's own words (usage, errors) in Vietnamese; argparse looks them up through its module-level `_`.
ARGPARSE_VI = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tuỳ chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "tham số không hiểu được: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)"
    ),
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "expected one argument": "cần một giá trị",
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "not allowed with argument %s": "không dùng cùng với %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
}


def speak_argparse(lang: str) -> None:
    argparse._ = (lambda text: ARGPARSE_VI.get(text, text)) if lang == "vi" else (lambda text: text)  # type: ignore[attr-defined]
