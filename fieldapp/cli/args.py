"""What the `fieldapp` command checks in its arguments before a command runs (the command groups stay lists of
commands): bounded numbers and dates, output files with `--force`, an argv that is not text, and the line
the log keeps of a command (its name and the options given, never their values)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from fieldapp.i18n import t
from fieldapp.outputs import Output

FIRST_DATE = date(1900, 1, 1)  # dates on the command line: birth dates of the oldest, rules of the future
LAST_DATE = date(2100, 12, 31)


def bounded_int(lang: str, minimum: int, maximum: int) -> Callable[[str], int]:
    """An argparse type: an integer from `minimum` to `maximum`, else a usage error naming the bounds."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(t("cli.not_integer", lang, value=text)) from None
        if not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(
                t("cli.out_of_range", lang, value=text, minimum=str(minimum), maximum=str(maximum))
            )
        return value

    return parse


def iso_date(lang: str) -> Callable[[str], date]:
    """An argparse type: a date YYYY-MM-DD from 1900 to 2100."""

    def parse(text: str) -> date:
        try:
            value = date.fromisoformat(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(t("cli.not_date", lang, value=text)) from None
        if not FIRST_DATE <= value <= LAST_DATE:
            raise argparse.ArgumentTypeError(
                t("cli.date_range", lang, value=text, first=FIRST_DATE.isoformat(), last=LAST_DATE.isoformat())
            )
        return value

    return parse


def add_output(p: argparse.ArgumentParser, lang: str, *, required: bool = True, help_text: str | None = None) -> None:
    """`-o FILE` and its `--force`: every command that writes a file a person names takes both."""
    p.add_argument("-o", "--output", required=required, metavar="FILE", help=help_text or t("help.output", lang))
    p.add_argument("--force", action="store_true", help=t("help.force", lang))


def output_of(ctx: Any, attr: str = "output") -> Output:
    """The command's `-o FILE` as an Output: replaced only with --force, never inside the data folder."""
    force = bool(getattr(ctx.args, "force", False))
    return Output(Path(getattr(ctx.args, attr)), force=force, data_dir=ctx.data_dir.root)


# --- argv --------------------------------------------------------------------------------------------------


def undecodable(argv: Iterable[str]) -> int | None:
    """The position of the first argument that is not text (bytes the locale could not decode reach Python
    as lone surrogates, which no file, database or terminal takes), or None."""
    for i, arg in enumerate(argv):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return i
    return None


def _options_and_commands(parser: argparse.ArgumentParser) -> tuple[set[str], dict[str, argparse.ArgumentParser]]:
    options = {s for a in parser._actions for s in a.option_strings}
    commands: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            commands.update(action.choices)
    return options, commands


def command_line_for_log(parser: argparse.ArgumentParser, argv: Sequence[str]) -> str:
    """`receipt pdf (--format, -o)`: the command's words and the names of the options given, nothing typed
    after them. A search text, a name, a citizen ID, a phone number, an enrolment code or a token is never
    one of the parser's own words, so it never reaches the log."""
    words: list[str] = []
    given: list[str] = []
    current = parser
    options, commands = _options_and_commands(current)
    known = set(options)
    for arg in argv:
        name = arg.split("=", 1)[0]
        if name in commands and not arg.startswith("-"):
            words.append(name)
            current = commands[name]
            options, commands = _options_and_commands(current)
            known |= options
        elif name in known and name not in given:
            given.append(name)
    line = " ".join(words) or "gui"
    return f"{line} ({', '.join(given)})" if given else line
