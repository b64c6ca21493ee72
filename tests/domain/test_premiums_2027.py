"""The rules of 2027 (issue 14): Decree 351/2025/NĐ-CP raises the rural poverty line, so the VSI income
floor and the state support, to 2,200,000 đ from 2027-01-01. Every quote on both sides of the day, for
every group and payment method; the floor and ceiling refusals name the bound and its legal basis."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from fieldapp.domain.enums import SupportGroup
from fieldapp.domain.premiums import RuleBook
from fieldapp.errors import InputRefused

LAST_OF_2026 = date(2026, 12, 31)
NEW_YEAR = date(2027, 1, 1)
DECREE_351 = "Nghị định 351/2025/NĐ-CP"
CEILING = 50_600_000
METHODS = (1, 3, 6, 12, 24, 36, 48, 60)
# The table: support a month by group, 2026 and from 2027-01-01 (a share of 22 % of the line).
SUPPORT = {
    SupportGroup.POOR: (165_000, 242_000),
    SupportGroup.NEAR_POOR: (132_000, 193_600),
    SupportGroup.ETHNIC_MINORITY: (99_000, 145_200),
    SupportGroup.OTHER: (66_000, 96_800),
}
RETURN = Fraction(35, 10_000)


@pytest.fixture(scope="module")
def rules() -> RuleBook:
    return RuleBook.load()


def _round(value: Fraction) -> int:
    return int((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_the_floor_and_ceiling_on_both_sides_of_the_day(rules: RuleBook) -> None:
    assert rules.vsi_income_bounds(LAST_OF_2026) == (1_500_000, CEILING)
    assert rules.vsi_income_bounds(NEW_YEAR) == (2_200_000, CEILING)
    assert rules.in_force("vsi.poverty_line", NEW_YEAR)["basis"].startswith(DECREE_351)
    assert not rules.in_force("vsi.poverty_line", NEW_YEAR).get("unconfirmed")


@pytest.mark.parametrize("months", METHODS)
@pytest.mark.parametrize("group", list(SupportGroup))
def test_every_group_and_method_on_both_sides(rules: RuleBook, group: SupportGroup, months: int) -> None:
    before, after = SUPPORT[group]
    for on, income, support in ((LAST_OF_2026, 1_500_000, before), (NEW_YEAR, 2_200_000, after)):
        quote = rules.quote_vsi(income=income, months=months, on=on, group=group)
        assert quote.monthly_contribution == income * 22 // 100
        assert quote.state_support_monthly == support
        assert quote.monthly_due == quote.monthly_contribution - support
        if months <= 12:
            assert quote.total == quote.monthly_due * months and quote.discount == 0
        else:
            exact = sum(Fraction(quote.monthly_due) / (1 + RETURN) ** i for i in range(months))
            assert quote.total == _round(exact)
        line = "vsi.poverty_line.2027-01" if on == NEW_YEAR else "vsi.poverty_line.2022-01"
        assert line in [r.id for r in quote.rules]
        assert quote.rules_version == rules.version == "2027.1"


@pytest.mark.parametrize("group", list(SupportGroup))
def test_support_follows_the_line_whatever_the_income(rules: RuleBook, group: SupportGroup) -> None:
    """A 2027 participant on 5,000,000 gets the same support as one on the floor."""
    high = rules.quote_vsi(income=5_000_000, months=12, on=NEW_YEAR, group=group)
    assert high.state_support_monthly == SUPPORT[group][1]
    assert high.monthly_due == 1_100_000 - SUPPORT[group][1]


def test_a_2026_income_below_the_2027_floor_is_refused_from_the_day_with_the_floor_and_its_basis(
    rules: RuleBook,
) -> None:
    assert rules.quote_vsi(income=1_500_000, months=1, on=LAST_OF_2026).monthly_contribution == 330_000
    with pytest.raises(InputRefused) as exc:
        rules.quote_vsi(income=2_199_999, months=1, on=NEW_YEAR)
    assert exc.value.code == "premium.vsi_income"
    assert exc.value.params["floor"] == 2_200_000 and exc.value.params["ceiling"] == CEILING
    assert exc.value.params["basis"].startswith(DECREE_351)


def test_above_the_ceiling_is_refused_with_its_basis(rules: RuleBook) -> None:
    assert rules.quote_vsi(income=CEILING, months=1, on=NEW_YEAR).monthly_contribution == 11_132_000
    with pytest.raises(InputRefused) as exc:
        rules.quote_vsi(income=CEILING + 1, months=1, on=NEW_YEAR)
    assert exc.value.params["basis"] == rules.in_force("vsi.ceiling", NEW_YEAR)["basis"]
    from fieldapp.i18n import t

    vi = t(exc.value.code, "vi", **exc.value.params)
    assert "50.600.000" in vi and "Luật BHXH 41/2024/QH15" in vi


def test_paying_ahead_in_2027_uses_the_return_still_unconfirmed(rules: RuleBook) -> None:
    quote = rules.quote_vsi(income=2_200_000, months=60, on=NEW_YEAR)
    ref = next(r for r in quote.rules if r.id.startswith("vsi.return_rate"))
    assert ref.id == "vsi.return_rate.2027" and ref.unconfirmed


@pytest.mark.parametrize("members", [1, 2, 3, 4, 5, 8])
def test_household_hi_is_unchanged_in_2027(rules: RuleBook, members: int) -> None:
    for months in (3, 6, 12):
        assert (
            rules.quote_hi(members=members, months=months, on=NEW_YEAR).total
            == rules.quote_hi(members=members, months=months, on=LAST_OF_2026).total
        )


def test_the_state_pays_or_supports_these_groups_outside_household_hi(rules: RuleBook) -> None:
    paths = {g: rules.hi_state_group(g, NEW_YEAR) for g in ("poor", "near_poor", "student", "farmer")}
    assert paths["poor"][0] == "state_pays"
    assert paths["near_poor"][0] == "state_supports"
    assert paths["student"][0] == "school"
    assert paths["farmer"] is None
    assert paths["poor"][1].basis.startswith("Luật BHYT")
