"""The baseline of the sync benchmarks: a bare FastAPI app on the same stack (uvicorn, SQLAlchemy Core, the
same database settings) with no rules at all. POST /push inserts a body's ops into one table with one
executemany; GET /pull reads a page of that table. Run as
`uvicorn --factory sync_server_baseline:make_app` with SYNC_BASELINE_URL set."""

from __future__ import annotations

import json
import os

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from fieldapp.server.store import make_engine

meta = sa.MetaData()
ops = sa.Table(
    "ops",
    meta,
    sa.Column("pos", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("op_id", sa.String(64), nullable=False, unique=True),
    sa.Column("entity", sa.String(32), nullable=False),
    sa.Column("entity_id", sa.String(64), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
)


def make_app() -> FastAPI:
    engine = make_engine(os.environ["SYNC_BASELINE_URL"])
    meta.create_all(engine)
    app = FastAPI()

    @app.get("/health")
    def health() -> dict:
        return {"ok": True}

    @app.post("/push")
    async def push(request: Request) -> JSONResponse:
        body = json.loads(await request.body())
        rows = [
            {
                "op_id": o["op_id"],
                "entity": o["entity"],
                "entity_id": o["entity_id"],
                "payload": json.dumps(o["payload"]),
            }
            for o in body["ops"]
        ]
        with engine.connect().execution_options(write=True) as conn, conn.begin():
            conn.execute(sa.insert(ops), rows)
        return JSONResponse({"results": [{"op_id": r["op_id"], "status": "accepted"} for r in rows]})

    @app.get("/pull")
    def pull(since: int = 0, limit: int = 2000) -> Response:
        c = ops.c
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(c.pos, c.entity, c.entity_id, c.payload).where(c.pos > since).order_by(c.pos).limit(limit)
            ).all()
        changes = [{"pos": p, "entity": e, "id": i, "record": json.loads(d)} for p, e, i, d in rows]
        return JSONResponse({"changes": changes, "next": rows[-1][0] if rows else since, "more": len(rows) == limit})

    return app
