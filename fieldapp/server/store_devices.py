"""Devices and teams in the server's database: tokens, enrolment, and what the `fieldapp server ...`
commands do to them (teams, enrolment codes, the device list, revocation)."""

from __future__ import annotations

import json
import secrets
from dataclasses import replace

import sqlalchemy as sa

from fieldapp.errors import InputRefused
from fieldapp.server import schema as s
from fieldapp.server import store_books
from fieldapp.server.enrolment import Proof, key_id_of, new_code, normalise_code
from fieldapp.server.ops import Device
from fieldapp.server.store_db import sha256, utcnow
from fieldapp.server.store_feed import Feed

_DEVICE_COLS = (
    s.devices.c.id,
    s.devices.c.team_id,
    s.devices.c.province_code,
    s.devices.c.role,
    s.devices.c.name,
    s.devices.c.revoked_at,
    s.devices.c.last_seen,
    s.devices.c.public_key,
    s.devices.c.number,
)


class EnrolRefused(Exception):
    def __init__(self, code: str, status: int) -> None:
        super().__init__(code)
        self.code = code
        self.status = status


class Devices(Feed):
    """The devices' and teams' queries of ServerStore."""

    def device_by_token(self, token: str) -> Device | None:
        with self._read() as conn:
            row = conn.execute(sa.select(*_DEVICE_COLS).where(s.devices.c.token_sha256 == sha256(token))).first()
            blocks = store_books.blocks_of(conn, row[0]) if row else []
        return replace(Device(*row), blocks=tuple(blocks)) if row else None

    def receipt_blocks(self, device_id: str, next_number: int | None) -> list[tuple[int, int]]:
        """The device's receipt books, with the next one when it has used most of them (POST
        /v1/receipt-blocks; docs/sync-api.md, "Receipts")."""
        with self._write() as conn:
            return store_books.give_if_low(conn, device_id, next_number, utcnow())

    def touch(self, device_id: str, now: str) -> None:
        with self._write() as conn:
            conn.execute(sa.update(s.devices).where(s.devices.c.id == device_id).values(last_seen=now))

    def enrol(
        self, code: str, device_id: str, name: str, public_key: str | None, *, proof: Proof | None = None
    ) -> dict:
        """Use a one-time code; returns the enrolment answer or raises EnrolRefused(code, status). A code
        enrols one new device, once; a device id the server knows enrols again only with a `proof` signed by
        its registered key, else `device_taken`, nothing changed (docs/sync-api.md, "Authentication")."""
        now = utcnow()
        token = secrets.token_urlsafe(32)
        with self._write() as conn:
            team_id, province, retry = _code_for(conn, code, device_id, now)
            known = _device_may_enrol(conn, device_id, public_key, proof)
            if not retry:
                _use_code(conn, code, device_id, now)
            values = {
                "team_id": team_id,
                "province_code": province,
                "role": "team" if team_id else "province",
                "name": name,
                "key_id": key_id_of(public_key),
                "public_key": public_key,
                "token_sha256": sha256(token),
                "enrolled_at": now,
                "last_seen": now,
                "revoked_at": None,
                "number": self._device_number(conn, device_id),
            }
            if not known:
                conn.execute(sa.insert(s.devices).values(id=device_id, **values))
            else:  # the same laptop enrolling again (its token was lost): a new token, the new key
                conn.execute(sa.update(s.devices).where(s.devices.c.id == device_id).values(**values))
            record = {"id": device_id, **{k: values[k] for k in _DEVICE_RECORD}}
            self._server_record(conn, "devices", device_id, "", province, None, record, now)
            team = _team_record(conn, team_id) if team_id else None
            blocks = store_books.give_if_low(conn, device_id, None, now)  # its first book; kept when enrolling again
        return {
            "device_id": device_id,
            "token": token,
            "team": team,
            "province_code": province,
            "server_time": now,
            "device_number": values["number"],
            "receipt_blocks": [list(b) for b in blocks],
        }

    @staticmethod
    def _device_number(conn: sa.Connection, device_id: str) -> int:
        """The device's number (kept when it enrols again), else the next free one: the device part of its
        receipt series, so two laptops of one collector never number in the same series. Enrolments of
        two laptops at once are serialised by a lock on the devices table (PostgreSQL; SQLite writes are)."""
        d = s.devices.c
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("LOCK TABLE devices IN SHARE ROW EXCLUSIVE MODE"))
        had = conn.execute(sa.select(d.number).where(d.id == device_id)).scalar()
        if had is not None:
            return int(had)
        return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(d.number), 0) + 1)).scalar_one())

    def public_devices(self, province: str) -> list[dict]:
        """Every device's key, number and revocation, nationwide: what verifying any receipt offline needs.
        The devices of `province` (the caller's) also have their team, name and enrolment time."""
        d = s.devices.c
        cols = (d.id, d.team_id, d.name, d.key_id, d.public_key, d.enrolled_at, d.revoked_at, d.number)
        with self._read() as conn:
            rows = [r._mapping for r in conn.execute(sa.select(*cols, d.province_code.label("p")).order_by(d.id))]
            blocks = store_books.all_blocks(conn)
        hidden = ("team_id", "name", "enrolled_at")  # of another province's device: not what verifying needs
        return [
            {k: v for k, v in r.items() if k != "p" and (r["p"] == province or k not in hidden)}
            | {"blocks": [list(b) for b in blocks.get(r["id"], ())]}  # whose books: who signs which numbers
            for r in rows
        ]

    def add_team(self, name: str, province: str, team_id: str, organisation: str = "") -> dict:
        now = utcnow()
        with self._write() as conn:
            if conn.execute(sa.select(s.teams.c.id).where(s.teams.c.name == name)).first():
                raise InputRefused("server.team_exists", name=name)
            conn.execute(sa.insert(s.teams).values(id=team_id, name=name, province_code=province, created_at=now))
            record = {
                "id": team_id,
                "name": name,
                "province_code": province,
                "organisation": organisation,
                "commune_codes": "[]",
                "created_at": now,
                "version": 1,
            }
            self._server_record(conn, "teams", team_id, "", province, 1, record, now)
        return record

    def team_ids(self, province: str) -> list[str]:
        """The teams of a province (a province device verifies the PINs of all of them)."""
        t = s.teams.c
        with self._read() as conn:
            return [row[0] for row in conn.execute(sa.select(t.id).where(t.province_code == province))]

    def find_team(self, name_or_id: str) -> tuple[str, str, str] | None:
        t = s.teams.c
        with self._read() as conn:
            row = conn.execute(
                sa.select(t.id, t.name, t.province_code).where(sa.or_(t.name == name_or_id, t.id == name_or_id))
            ).first()
        return tuple(row) if row else None

    def new_code(self, team_id: str | None, province: str, expires_at: str) -> str:
        code = new_code()
        with self._write() as conn:
            conn.execute(
                sa.insert(s.enrol_codes).values(
                    code_sha256=sha256(normalise_code(code)),
                    team_id=team_id,
                    province_code=province,
                    created_at=utcnow(),
                    expires_at=expires_at,
                )
            )
        return code

    def list_devices(self) -> list[dict]:
        d, t = s.devices.c, s.teams.c
        stmt = (
            sa.select(
                d.id, d.name, d.role, d.province_code, t.name.label("team"), d.enrolled_at, d.last_seen, d.revoked_at
            )
            .select_from(s.devices.outerjoin(s.teams, d.team_id == t.id))
            .order_by(d.enrolled_at, d.id)
        )
        with self._read() as conn:
            return [dict(row._mapping) for row in conn.execute(stmt)]

    def revoke(self, device_id: str) -> bool:
        """Revoke a device; False if there is none with that id. Revoking twice keeps the first time."""
        now = utcnow()
        r = s.records.c
        with self._write() as conn:
            row = conn.execute(
                sa.select(s.devices.c.revoked_at, s.devices.c.province_code).where(s.devices.c.id == device_id)
            ).first()
            if row is None:
                return False
            if row.revoked_at is not None:
                return True
            conn.execute(sa.update(s.devices).where(s.devices.c.id == device_id).values(revoked_at=now))
            data = conn.execute(sa.select(r.data).where(r.entity == "devices", r.id == device_id)).scalar()
            if data is not None:
                record = {**json.loads(data), "revoked_at": now}
                self._server_record(conn, "devices", device_id, "", row.province_code, None, record, now)
        return True


# The fields of a device's record on the feed (besides its id), in the order laptops have always got them.
_DEVICE_RECORD = ("team_id", "name", "key_id", "public_key", "enrolled_at", "revoked_at", "number")


def _code_for(conn: sa.Connection, code: str, device_id: str, now: str) -> tuple[str | None, str, bool]:
    """The team and province of an enrolment code, and whether this is the same device using it again;
    EnrolRefused when the code is unknown, used by another device or expired."""
    e = s.enrol_codes.c
    row = conn.execute(
        sa.select(e.team_id, e.province_code, e.expires_at, e.used_at, e.used_by).where(
            e.code_sha256 == sha256(normalise_code(code))
        )
    ).first()
    if row is None:
        raise EnrolRefused("code_unknown", 401)
    team_id, province, expires_at, used_at, used_by = row
    # The same laptop sending the same code again lost the first answer (it proves below it is that one)
    retry = used_at is not None and used_by == device_id
    if used_at is not None and not retry:
        raise EnrolRefused("code_used", 409)
    if expires_at <= now:
        raise EnrolRefused("code_expired", 410)
    return team_id, province, retry


def _device_may_enrol(conn: sa.Connection, device_id: str, public_key: str | None, proof: Proof | None) -> bool:
    """Whether the server knows the device already (it may enrol again: its registered key signed the
    proof); EnrolRefused when it is revoked, taken, the proof is wrong or its key is another device's."""
    d = s.devices.c
    old = conn.execute(sa.select(d.revoked_at, d.public_key).where(d.id == device_id)).first()
    if old is not None and old.revoked_at is not None:
        raise EnrolRefused("device_revoked", 403)
    if old is not None and not (old.public_key and public_key == old.public_key and proof and proof.by(public_key)):
        raise EnrolRefused("device_taken", 409)
    if old is None and proof is not None and not proof.by(public_key):
        raise EnrolRefused("proof_invalid", 401)
    if old is None and public_key and conn.execute(sa.select(d.id).where(d.public_key == public_key)).first():
        raise EnrolRefused("key_taken", 409)
    return old is not None


def _use_code(conn: sa.Connection, code: str, device_id: str, now: str) -> None:
    """Mark the code used by the device; code_used when another enrolment took it in the meantime."""
    e = s.enrol_codes.c
    used = conn.execute(
        sa.update(s.enrol_codes)
        .where(e.code_sha256 == sha256(normalise_code(code)), e.used_at.is_(None))
        .values(used_at=now, used_by=device_id)
    )
    if used.rowcount != 1:
        raise EnrolRefused("code_used", 409)


def _team_record(conn: sa.Connection, team_id: str) -> dict:
    r = s.records.c
    return json.loads(conn.execute(sa.select(r.data).where(r.entity == "teams", r.id == team_id)).scalar_one())
