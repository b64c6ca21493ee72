"""Small record factories for tests."""

from __future__ import annotations

from fieldapp.domain.clock import utcnow
from fieldapp.domain.enums import TargetGroup, VsiStatus
from fieldapp.domain.ids import new_id
from fieldapp.domain.models import Person

COMMUNE = "12166"  # a real commune code (Hưng Yên); any code from resources/admin_units works


def person(name: str = "Nguyễn Thị Hoà", **fields) -> Person:
    now = utcnow()
    values = dict(
        id=new_id(),
        full_name=name,
        birth_date=None,
        sex=None,
        citizen_id=None,
        si_number=None,
        phone=None,
        commune_code=COMMUNE,
        hamlet_id=None,
        household_id=None,
        household_order=None,
        target_group=TargetGroup.FARMER,
        consent_at=None,
        hi_valid_to=None,
        vsi_status=VsiStatus.NEVER,
        vsi_paid_to=None,
        created_at=now,
        updated_at=now,
    )
    values.update(fields)
    return Person(**values)


def many_persons(n: int) -> list[Person]:
    return [person(f"Trần Văn Bình {i}".replace(str(i), "Ất" * (1 + i % 3))) for i in range(n)]
