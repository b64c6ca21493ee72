"""Who issues a receipt (issue 17, item 4): the team's organisation, else the province profile's; neither
known, no receipt is issued, and the printout's data always names the issuer of a receipt it was issued by."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fieldapp import settings as s
from fieldapp.domain.enums import SupportGroup
from fieldapp.domain.premiums import default_rules
from fieldapp.errors import InputRefused
from fieldapp.i18n import t
from fieldapp.paths import DataDir
from fieldapp.services import enrolment
from fieldapp.storage import issuer, people
from fieldapp.storage.receipts import records
from fieldapp.storage.writer import Actor, writing
from tests.reports.helpers import team_and_people

PROFILE_ORG = "Bưu điện huyện Văn Lâm"


def _set_team_organisation(store, value: str) -> None:
    with store.transaction() as conn:
        conn.execute("UPDATE teams SET organisation = ?", (value,))


def _counts(store) -> tuple[int, ...]:
    return tuple(
        store.query_one(f"SELECT count(*) FROM {t}")[0] for t in ("enrolments", "payments", "receipts", "outbox")
    )


def _enrol(store):
    team, _leader, member = team_and_people(store)
    (row,) = store.query("SELECT id FROM persons WHERE target_group = 'farmer' AND household_order = 1 LIMIT 1")
    person = people.get(store, row[0])
    at = datetime(2026, 5, 4, 3, tzinfo=UTC)
    with writing(store, Actor(member.id, store.device_id), clock=lambda: at) as w:
        return enrolment.enrol_vsi(
            w, default_rules(), team_id=team.id, collector=member, person=person, income=2_000_000, months=3,
            group=SupportGroup.OTHER, province="33",
        )  # fmt: skip


def _profile_organisation(store, value: str) -> None:
    s.Settings(DataDir(store.data_dir.root).settings).update([(s.ORGANISATION_NAME, value)])


def test_no_issuer_no_receipt_and_nothing_written(demo_store):
    _set_team_organisation(demo_store, "  ")
    before = _counts(demo_store)
    with pytest.raises(InputRefused) as refused:
        _enrol(demo_store)
    assert refused.value.code == "receipt.issuer_unknown"
    assert _counts(demo_store) == before  # no enrolment, payment, receipt or outbox op without its receipt
    for lang in ("vi", "en"):
        text = t("receipt.issuer_unknown", lang=lang)
        assert "tổ chức được BHXH uỷ quyền thu phát hành" in text and "receipt.issuer_unknown" not in text


def test_the_profile_organisation_issues_where_the_team_names_none(demo_store):
    _set_team_organisation(demo_store, "")
    _profile_organisation(demo_store, PROFILE_ORG)
    done = _enrol(demo_store)
    (record,) = records(demo_store, [done.receipt.id])
    assert record.organisation == PROFILE_ORG


def test_the_team_organisation_comes_first(demo_store):
    _set_team_organisation(demo_store, "Bưu điện tỉnh Hưng Yên")
    _profile_organisation(demo_store, PROFILE_ORG)
    team, _leader, _member = team_and_people(demo_store)
    with demo_store.reading() as conn:
        assert issuer.issuer(conn, team.id) == "Bưu điện tỉnh Hưng Yên"
    done = _enrol(demo_store)
    (record,) = records(demo_store, [done.receipt.id])
    assert record.organisation == "Bưu điện tỉnh Hưng Yên"


def test_every_demo_receipt_has_its_issuer(demo_store):
    ids = [r[0] for r in demo_store.query("SELECT id FROM receipts LIMIT 50")]
    assert ids and all(r.organisation for r in records(demo_store, ids))
