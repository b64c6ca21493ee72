"""docs/cli.md, the page users and provincial IT read, names every command the program has (issue 18: the
contract lived only outside the project)."""

from __future__ import annotations

import argparse
from pathlib import Path

from fieldapp.cli import build_parser

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def command_paths(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return [path]
    return [p for a in subs for name, sub in a.choices.items() for p in command_paths(sub, (*path, name))]


def test_every_command_is_in_docs_cli_md():
    text = DOC.read_text(encoding="utf-8")
    paths = command_paths(build_parser("en"))
    assert len(paths) > 30
    missing = [" ".join(p) for p in paths if f"`fieldapp {' '.join(p)}" not in text]
    assert not missing, f"docs/cli.md lacks: {missing}"


def test_every_command_in_docs_cli_md_is_there():
    """The other way round: a command the page promises, provincial IT's scripts call (the contract)."""
    import re

    text = DOC.read_text(encoding="utf-8")
    paths = {" ".join(p) for p in command_paths(build_parser("en"))}
    named = set()
    for row in re.findall(r"^\| `fieldapp ([a-z][a-z -]*?)(?: [A-Z\[<-]|`)", text, re.M):
        words = row.split()
        while words and " ".join(words) not in paths:
            words.pop()  # the words after the command are its arguments (TEXT, PERSON_ID, …)
        named.add(" ".join(words) or row)
    assert named and named <= paths | {""}, sorted(named - paths)


def test_the_readme_points_to_the_projects_own_contract():
    readme = (DOC.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "docs/cli.md" in readme and "../shared" not in readme
