"""The server's tables (SQLAlchemy Core), one schema for SQLite and PostgreSQL.

The migrations in `migrations/versions/` create them; this module only describes them for queries. Times
are ISO 8601 UTC text, as the laptop stores them, so both databases hold the same bytes.

- `records`: every synced record, the JSON the laptop encoded (`data`), filed under a scope when first
  accepted (`scope_team`: the team's id, or '' for records the whole province sees; `scope_province`).
  `pos` is the record's place in the change feed: every change moves it to the next position, so a pull
  from a cursor meets each record once, at its latest change. `last_device`/`chain_base` let a device's
  own queued edits follow each other (see `push`).
- `feed_counter`: one row, the last position given out. On SQLite a writer bumps it inside its own
  transaction (one writer at a time anyway); so do the server's own rare writes on PostgreSQL. A push on
  PostgreSQL takes its positions in a claim (`feed_claims`) instead, so pushes do not wait for each other's
  commits; pulls then stop below the positions still being written (sync-protocol.md, the PostgreSQL pitfall).
- `ops`: the answer given to every op id, kept for good, so a retry gets the same answer.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

teams = sa.Table(
    "teams",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("province_code", sa.String(8), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
)

devices = sa.Table(
    "devices",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("team_id", sa.String(64), sa.ForeignKey("teams.id"), nullable=True),
    sa.Column("province_code", sa.String(8), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),  # "team" or "province"
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("key_id", sa.String(128), nullable=True),
    sa.Column("public_key", sa.String(256), nullable=True),
    sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("enrolled_at", sa.String(40), nullable=False),
    sa.Column("last_seen", sa.String(40), nullable=True),
    sa.Column("revoked_at", sa.String(40), nullable=True),
    # short and unique on this server: the device part of the laptop's receipt series (BI-DV01.3-2026)
    sa.Column("number", sa.Integer, nullable=True, unique=True),
)

# Receipt books (Alembic 0009, fieldapp.domain.receipt_books): number ranges, each one device's for good; a
# receipt numbered in a book may be signed only by its device. `first` is unique, so two servers' workers
# handing out a book at once cannot both give the same one.
receipt_blocks = sa.Table(
    "receipt_blocks",
    metadata,
    sa.Column("first", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last", sa.Integer, nullable=False),
    sa.Column("device_id", sa.String(64), sa.ForeignKey("devices.id"), nullable=False),
    sa.Column("given_at", sa.String(40), nullable=False),
    sa.Index("receipt_blocks_by_device", "device_id"),
)

enrol_codes = sa.Table(
    "enrol_codes",
    metadata,
    sa.Column("code_sha256", sa.String(64), primary_key=True),
    sa.Column("team_id", sa.String(64), sa.ForeignKey("teams.id"), nullable=True),
    sa.Column("province_code", sa.String(8), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("expires_at", sa.String(40), nullable=False),
    sa.Column("used_at", sa.String(40), nullable=True),
    sa.Column("used_by", sa.String(64), nullable=True),
)

records = sa.Table(
    "records",
    metadata,
    sa.Column("entity", sa.String(32), primary_key=True),
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("scope_team", sa.String(64), nullable=False),
    sa.Column("scope_province", sa.String(8), nullable=False),
    sa.Column("version", sa.Integer, nullable=True),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("pos", sa.BigInteger, nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Column("last_device", sa.String(64), nullable=True),
    sa.Column("chain_base", sa.Integer, nullable=True),
    sa.Index("records_pos", "pos", unique=True),
    sa.Index("records_scope_pull", "scope_province", "scope_team", "pos"),
    sa.Index("records_province_pull", "scope_province", "pos"),
)

feed_counter = sa.Table(
    "feed_counter",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)

# `feed_claims` (PostgreSQL only; migration 0003): the positions a push took and has not yet committed, under
# its transaction id. A push takes its positions in a short transaction of its own (the counter row locked
# only for that), writes its records with them and commits; a pull serves only positions below the first
# one claimed by a transaction that had not finished when the pull's snapshot was taken (`store.pull`).
feed_claims = sa.Table(
    "feed_claims",
    metadata,
    sa.Column("xid", sa.BigInteger, primary_key=True),
    sa.Column("first", sa.BigInteger, nullable=False),
    sa.Column("last", sa.BigInteger, nullable=False),
)

ops = sa.Table(
    "ops",
    metadata,
    sa.Column("op_id", sa.String(64), primary_key=True),
    sa.Column("device_id", sa.String(64), nullable=False),
    sa.Column("content_sha256", sa.String(64), nullable=False),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
)

# --- sync bundles by USB stick (fieldapp/server/bundle.py; migration 0002) ----------------------------
# `bundle_keys`: the one secret the server's bundle keys are derived from (row id 1). `bundles_in`: every
# laptop bundle imported (its ops' answers, the laptop's cursor and reply key, for the answer bundle);
# `bundles_out`: every answer bundle made (its number per device only grows).

bundle_keys = sa.Table(
    "bundle_keys",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("seed", sa.String(64), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
)

bundles_in = sa.Table(
    "bundles_in",
    metadata,
    sa.Column("bundle_id", sa.String(64), primary_key=True),
    sa.Column("device_id", sa.String(64), nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("imported_at", sa.String(40), nullable=False),
    sa.Column("cursor", sa.BigInteger, nullable=False),
    sa.Column("reply_key", sa.String(64), nullable=False),
    sa.Column("results", sa.Text, nullable=False),
    sa.Column("tally", sa.Text, nullable=False),
    sa.Index("bundles_in_device", "device_id", "seq"),
)

bundles_out = sa.Table(
    "bundles_out",
    metadata,
    sa.Column("bundle_id", sa.String(64), primary_key=True),
    sa.Column("device_id", sa.String(64), nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("answers", sa.String(64), nullable=False),
    sa.Column("next", sa.BigInteger, nullable=False),
    sa.Column("made_at", sa.String(40), nullable=False),
    sa.Index("bundles_out_device", "device_id", "seq", unique=True),
)

# One row per collector's closed day (migration 0005): the key of each `day_closings` record, written with
# it, so a second closing of the same day is refused (`store`).
day_closings = sa.Table(
    "day_closings",
    metadata,
    sa.Column("collector_id", sa.String(64), primary_key=True),
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("id", sa.String(64), nullable=False, unique=True),
    sa.Column("team_id", sa.String(64), nullable=False),
)

# Rule files provincial IT added (fieldapp/server/rules.py; migration 0008): the file as it was given (`body`,
# UTF-8 TOML), what its header says, and the server's Ed25519 signature over it, made with the key that signs
# answer bundles. `province_code` is '' for a national file. A file is never changed or deleted: a newer one
# supersedes it, entry by entry.
rule_files = sa.Table(
    "rule_files",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("province_code", sa.String(8), nullable=False),
    sa.Column("version", sa.String(20), nullable=False),
    sa.Column("issued", sa.String(10), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("signature", sa.String(128), nullable=False),
    sa.Column("key_id", sa.String(16), nullable=False),
    sa.Column("entries", sa.Integer, nullable=False),
    sa.Column("added_at", sa.String(40), nullable=False),
    sa.Index("rule_files_by_province", "province_code", "issued"),
)

# The installers IT runs on the laptops (migration 0004; fieldapp/server/installers.py).
installers = sa.Table(
    "installers",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("version", sa.String(40), nullable=False),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("province_code", sa.String(8), nullable=False),
    sa.Column("filename", sa.String(200), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("added_at", sa.String(40), nullable=False),
)
