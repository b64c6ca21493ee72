"""The `fieldapp` command (docs/cli.md): a public interface provincial IT scripts against.

Names, flags, exit codes and JSON keys are a contract. Exit codes: 0 done; 1 input refused (nothing
changed); 2 usage error or a command not in this version; 3 the data dir or database cannot be used;
4 an unexpected error (details in the log). No traceback ever reaches the terminal.

The package: `main` here; `registry` (every command, in the order of the help, and the one way a command
is added); `output` (exit codes, `--json`, what an error says); `context` (what a command gets); `args`
(bounded numbers and dates, `-o FILE`, the log's line of a command); and a module per command group.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from fieldapp import __version__
from fieldapp.cli.args import command_line_for_log, undecodable
from fieldapp.cli.context import Context
from fieldapp.cli.output import EXIT_OK, EXIT_STORE, EXIT_USAGE, run
from fieldapp.cli.registry import ArgError, build_parser, speak_argparse
from fieldapp.domain import profile
from fieldapp.i18n import normalise_language, t
from fieldapp.logs import setup_logging

__all__ = ["build_parser", "main"]

log = logging.getLogger(__name__)


def _early_lang(argv: Sequence[str]) -> str:
    """--lang is needed before parsing, to write the help and usage errors in the right language."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return normalise_language(argv[i + 1])
        if arg.startswith("--lang="):
            return normalise_language(arg.split("=", 1)[1])
    return normalise_language(os.environ.get("FIELDAPP_LANG"))


def _utf8_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[union-attr]


def _parse(parser: argparse.ArgumentParser, argv: list[str], lang: str) -> argparse.Namespace | int:
    """The arguments with every common option settled, or the exit code of a usage error or of --help."""
    try:
        args = parser.parse_args(argv)
    except ArgError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    args.lang_given = hasattr(args, "lang")
    args.lang = getattr(args, "lang", lang)
    args.data_dir = getattr(args, "data_dir", None)
    args.dev_plaintext = getattr(args, "dev_plaintext", False) or os.environ.get("FIELDAPP_DEV_PLAINTEXT") == "1"
    return args


def _install_checks(args: argparse.Namespace) -> int | None:
    """--version, --self-test: what they print and their exit code; None for a command."""
    if args.version:
        print(f"fieldapp {__version__}")
        return EXIT_OK
    if args.self_test:
        from fieldapp.selftest import print_self_test

        return EXIT_OK if print_self_test(args.lang) else EXIT_STORE
    if args.self_test_qt:
        return int(importlib.import_module("ui.app").qt_self_test())
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _utf8_streams()
    lang = _early_lang(argv)
    bad = undecodable(argv)
    if bad is not None:  # never printed, logged or searched for: it is not text
        print(t("cli.undecodable", lang, position=str(bad + 1)), file=sys.stderr)
        return EXIT_USAGE
    speak_argparse(lang)
    parser = build_parser(lang)
    args = _parse(parser, argv, lang)
    if isinstance(args, int):
        return args
    done = _install_checks(args)
    if done is not None:
        return done
    func = getattr(args, "func", None)
    if func is None:
        if args.command is not None:  # a group without its command: its help, and a usage error
            parser.parse_args([*argv, "--help"])
            return EXIT_USAGE
        from fieldapp.cli.gui import cmd_gui  # plain `fieldapp` opens the window

        args.screenshots = None
        func = cmd_gui
    ctx = Context(args)
    setup_logging(ctx.data_dir.logs)
    profile.start(ctx.data_dir)  # a province's build seeds a fresh data dir from its profile
    log.info("command: %s", command_line_for_log(parser, argv))  # names, never the values typed
    return run(func, ctx)


if __name__ == "__main__":
    sys.exit(main())
