"""The server's layers (house-style.md, point 13; issue 16, items 6 and 7): routes are APIRouters by area
that `create_app` includes, over one data layer (schema.py, store.py, store_*.py, migrations/) that owns
every query; no other server module, and no report module, imports SQLAlchemy or writes SQL; and every
module reads in one sitting."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

from fastapi import APIRouter
from fastapi.routing import APIRoute

from fieldapp.server.app import create_app
from fieldapp.server.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "fieldapp" / "server"
REPORTS = ROOT / "fieldapp" / "reports"
SQL = re.compile(r"\b(SELECT\s+[\w*(]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE|PRAGMA\s+\w)", re.I)


def in_data_layer(path: Path) -> bool:
    rel = path.relative_to(SERVER)
    name = rel.parts[0]
    return name in ("schema.py", "store.py", "migrations") or (name.startswith("store_") and name.endswith(".py"))


def above_the_data_layer() -> list[Path]:
    server = [p for p in sorted(SERVER.rglob("*.py")) if not in_data_layer(p)]
    return server + sorted(REPORTS.rglob("*.py"))


def imported(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_the_data_layer_is_where_it_is_said_to_be():
    layer = {p.relative_to(SERVER).as_posix() for p in SERVER.rglob("*.py") if in_data_layer(p)}
    assert {"schema.py", "store.py", "store_db.py", "store_feed.py", "store_push.py", "store_rules.py"} <= layer
    assert {"app.py", "bundle.py", "installers.py", "pins.py", "rules.py", "routes/sync.py"}.isdisjoint(layer)


def test_only_the_data_layer_imports_sqlalchemy_or_writes_sql():
    offenders = []
    for path in above_the_data_layer():
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT)
        offenders += [f"{rel}: imports {m}" for m in imported(ast.parse(text)) if m.split(".")[0] == "sqlalchemy"]
        offenders += [f"{rel}:{n}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1) if SQL.search(line)]
    assert offenders == []


def test_create_app_defines_no_route_itself():
    source = inspect.getsource(create_app)
    tree = ast.parse(source)
    decorators = [d for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) for d in f.decorator_list]
    routes = [
        ast.unparse(d)
        for d in decorators
        if isinstance(getattr(d, "func", None), ast.Attribute) and d.func.attr in ("get", "post", "put", "delete")
    ]
    assert routes == []
    assert "add_api_route" not in source and ".route(" not in source
    assert "include_router" in source


def test_every_route_comes_from_a_router_of_the_routes_package(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'server.db'}", Settings(pin_secret=bytes(32)))
    try:
        endpoints, included = [], 0
        for route in app.router.routes:
            router = getattr(route, "original_router", None)  # FastAPI keeps an included router as it is
            if router is not None:
                assert isinstance(router, APIRouter)
                included += 1
                endpoints += [r.endpoint for r in router.routes if isinstance(r, APIRoute)]
            elif isinstance(route, APIRoute):  # a FastAPI that copies an included router's routes
                endpoints.append(route.endpoint)
        paths = {p for p in app.openapi()["paths"]}
        assert len(endpoints) == len(paths) == 13  # receipt books came with issue 17
        assert all(e.__module__.startswith("fieldapp.server.routes.") for e in endpoints)
        assert included in (0, 6)
    finally:
        app.state.store.close()


def test_each_area_module_has_its_router():
    areas = [p.stem for p in (SERVER / "routes").glob("*.py") if p.stem not in ("__init__", "deps")]
    assert sorted(areas) == ["devices", "enrol", "health", "installers", "rules", "sync"]
    for area in areas:
        module = importlib.import_module(f"fieldapp.server.routes.{area}")
        # sync's is made for the settings (its pull limit is in the OpenAPI description)
        router = module.router if isinstance(module.router, APIRouter) else module.router(Settings())
        assert isinstance(router, APIRouter), area
        assert router.routes, area
