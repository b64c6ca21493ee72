"""Which part of the code may import which (issue 16, item 9; docs/architecture.md draws the same arrows).

A part is a package of `fieldapp` (domain, protocol, storage, …), one of its top-level modules that is not
plain plumbing (selftest), or the GUI (`ui`). Every import counts, the ones inside functions
too: a function-level import is how a cycle hides. The test reads the source (ast), so an import that only
runs on one platform or one branch is seen as well.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Plumbing every part may use: the package's version, errors, the messages in each language, writing files,
# paths, settings, logs, the TOML reader, the bulk-stage helper and the Qt library finder. None of them
# imports a part.
BASE = {"fieldapp", "errors", "i18n", "outputs", "paths", "tomltext", "settings", "logs", "ahead", "qt_libraries"}

# part -> the parts it may import (BASE aside). Read bottom-up: domain is the bottom, ui the top.
MAY_IMPORT: dict[str, set[str]] = {
    "domain": set(),
    "protocol": {"domain"},  # what goes over the wire, the same for laptop and server
    "storage": {"domain", "protocol"},
    "printing": {"domain"},  # domain objects in, PDF or printer bytes out
    "sync": {"domain", "protocol", "storage"},
    "server": {"domain", "protocol"},  # the laptop's storage and sync are not the server's
    "services": {"domain", "protocol", "storage", "printing"},
    "reports": {"domain", "storage", "printing", "services", "server"},
    "demo": {"domain", "protocol", "storage", "printing", "services"},  # made through the services
    "selftest": {"domain", "protocol", "storage", "printing"},
    "cli": {
        "domain",
        "protocol",
        "storage",
        "printing",
        "sync",
        "server",
        "services",
        "reports",
        "selftest",
        "demo",
    },
    "ui": {"domain", "protocol", "storage", "printing", "sync", "services", "reports", "selftest", "demo"},
}


def part_of(module: str) -> str | None:
    """The part a dotted module name belongs to, or None for what is not ours (the standard library, …)."""
    names = module.split(".")
    if names[0] == "ui":
        return "ui"
    if names[0] != "fieldapp":
        return None
    if len(names) == 1:
        return "fieldapp"
    if names[1] == "__main__":
        return "cli"  # `python -m fieldapp`
    if names[1] in BASE or not _is_module(names[1]):
        return "fieldapp"  # plumbing, or a name defined in fieldapp/__init__.py (__version__)
    return names[1]


def _is_module(name: str) -> bool:
    return (ROOT / "fieldapp" / name).is_dir() or (ROOT / "fieldapp" / f"{name}.py").exists()


def imports() -> Iterator[tuple[str, str, str]]:
    """(importing part, imported part, where) for every import between two different parts."""
    for path in sorted([*(ROOT / "fieldapp").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]):
        rel = path.relative_to(ROOT)
        here = part_of(".".join(rel.with_suffix("").parts))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                # `from fieldapp import selftest` names the part selftest, `from fieldapp.domain import x` the domain
                names = [f"{node.module}.{a.name}" if node.module == "fieldapp" else node.module for a in node.names]
            else:
                continue
            for name in names:
                there = part_of(name)
                if there and there != here:
                    yield here or "?", there, f"{rel}:{node.lineno}"


def _allowed(here: str, there: str) -> bool:
    if there == "fieldapp":
        return True  # plumbing
    if here == "fieldapp":
        return False  # plumbing imports no part
    return there in MAY_IMPORT.get(here, ())


def test_every_import_follows_an_arrow():
    wrong = [f"{where}: {here} imports {there}" for here, there, where in imports() if not _allowed(here, there)]
    assert wrong == []


def test_the_arrows_have_no_cycle():
    """The table itself goes one way: following the arrows never comes back to where it started."""
    done: set[str] = set()

    def visit(part: str, path: tuple[str, ...]) -> None:
        assert part not in path, " -> ".join((*path, part))
        if part in done:
            return
        for there in MAY_IMPORT[part]:
            visit(there, (*path, part))
        done.add(part)

    for part in MAY_IMPORT:
        visit(part, ())


def test_every_part_is_in_the_table():
    """A new package gets its row here (and its place in docs/architecture.md) before it is imported."""
    packages = {p.name for p in (ROOT / "fieldapp").iterdir() if (p / "__init__.py").exists()}
    modules = {p.stem for p in (ROOT / "fieldapp").glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert packages | (modules - BASE) == set(MAY_IMPORT) - {"ui"}


def test_the_architecture_page_draws_the_same_arrows():
    """docs/architecture.md's table of arrows is this table: a reader is never told an arrow the test does
    not hold."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    drawn = {}
    for line in text.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] in MAY_IMPORT:
            drawn[cells[0]] = set() if cells[1] == "plumbing only" else {c.strip() for c in cells[1].split(",")}
    assert drawn == MAY_IMPORT
