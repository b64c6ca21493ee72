"""The product registry: every built-in product is named in both languages and priced by its own quote;
an unknown kind is an error, never another product."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from fieldapp.domain import products
from fieldapp.domain.enums import EnrolmentKind
from fieldapp.domain.premiums import default_rules
from fieldapp.i18n import t


@pytest.mark.parametrize("product", products.BUILT_IN, ids=lambda p: str(p.kind))
def test_every_built_in_product_is_named_and_quoted(product):
    for lang in ("vi", "en"):
        assert t(product.message, lang) != product.message
    on = date(2026, 9, 1)
    order = products.Order(on, product.months(default_rules(), on)[0], income=2_000_000)
    priced = product.quote(default_rules(), order)
    assert priced.total == sum(amount for _monthly, amount in priced.lines) > 0


def test_the_built_in_products_are_the_enrolment_kinds_in_the_screen_order():
    assert [p.kind for p in products.all_products()] == list(EnrolmentKind)
    assert products.kinds(declaration=products.D05) == (EnrolmentKind.VSI, EnrolmentKind.DONATED_VSI)


@pytest.mark.parametrize("kind", ["mystery", "", None, "VSI"])
def test_an_unknown_kind_is_an_error(kind):
    with pytest.raises(products.UnknownProduct):
        products.get(kind)


@pytest.mark.parametrize(("field", "value"), [("insures", "life"), ("declaration", "d99"), ("slip_row", "ABC")])
def test_a_product_says_what_it_is_among_the_known_choices(field, value):
    with pytest.raises(ValueError, match=field.replace("_", " ")):
        dataclasses.replace(products.get(EnrolmentKind.VSI), kind="x", **{field: value})


def test_a_built_in_product_cannot_be_unregistered():
    with pytest.raises(ValueError):
        products.unregister(EnrolmentKind.VSI)
