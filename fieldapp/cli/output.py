"""How every command of `fieldapp` ends (docs/cli.md): its exit code, its one JSON object with `--json`, and
what a refusal, an interruption or a bug says on stderr.

Exit codes: 0 done; 1 input refused (nothing changed); 2 usage error or a command not in this version; 3 the
data dir or database cannot be used; 4 an unexpected error (details in the log). A refusal is raised as a
FieldappError (fieldapp/errors.py), which carries its exit code; no traceback ever reaches the terminal.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from typing import Any

from fieldapp.cli.context import Context
from fieldapp.errors import FieldappError
from fieldapp.i18n import t
from fieldapp.logs import log_path

log = logging.getLogger("fieldapp.cli")  # one name in the log for every command, whichever module runs it

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_STORE, EXIT_UNEXPECTED = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130  # Ctrl+C, as a shell reports it


def emit_json(obj: Any) -> None:
    """The command's one JSON object on stdout: UTF-8, not ASCII-escaped."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def run(func: Callable[[Context], int], ctx: Context) -> int:
    """`func(ctx)`'s exit code, or the contract's for what it raised; the store is closed whatever happens."""
    try:
        return func(ctx)
    except FieldappError as exc:  # its parameters may be what was typed: a name, a phone number
        log.warning("refused: %s (%s)", exc.code, ", ".join(sorted(exc.params)) or "-")
        print(t(exc.code, ctx.lang, **exc.params), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(t("error.interrupted", ctx.lang), file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `fieldapp receipt list | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so that exit's flush stays quiet
        return EXIT_OK
    except Exception:
        log.exception("unexpected error in %s", ctx.args.command)
        print(t("error.unexpected", ctx.lang, log=str(log_path())), file=sys.stderr)
        return EXIT_UNEXPECTED
    finally:
        ctx.close()
