"""Who issues this laptop's receipts: the one answer to "Do … tổ chức được BHXH uỷ quyền thu phát hành".

A receipt (form C45-BB, shared/domain/forms.md) names the collection organisation that VSS authorised to
collect and that issues it. Two places may know it, in this order:

1. the team's record (`teams.organisation`): the server's, given at enrolment and on every sync
   (`fieldapp server team add … --organisation "…"`), or the demo team's;
2. the laptop's settings (`organisation_name`), seeded from the province profile's `[organisation]`.

The team's comes first because it is the province office's word for that team and reaches every laptop
of the team alike; the profile's is the installer's default for the whole province. Neither known: no
receipt may be issued (services.enrolment refuses), and nothing prints an issuer it made up.
"""

from __future__ import annotations

from fieldapp.paths import DataDir
from fieldapp.settings import ORGANISATION_NAME, Settings
from fieldapp.storage.driver import Connection
from fieldapp.storage.receipts import store_folder


def team_organisation(conn: Connection, team_id: str | None) -> str:
    if not team_id:
        return ""
    row = conn.execute("SELECT organisation FROM teams WHERE id = ?", (team_id,)).fetchone()
    return " ".join((row[0] or "").split()) if row else ""


def profile_organisation(conn: Connection) -> str:
    """The settings' organisation (seeded by the province profile), from settings.json beside the store."""
    folder = store_folder(conn)
    if folder is None:
        return ""
    return " ".join((Settings(DataDir(folder).settings).get(ORGANISATION_NAME) or "").split())


def issuer(conn: Connection, team_id: str | None) -> str:
    """The organisation that issues the receipts of `team_id` on this laptop; "" while nobody knows it."""
    return team_organisation(conn, team_id) or profile_organisation(conn)
