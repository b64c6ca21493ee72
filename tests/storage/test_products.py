"""The `products` table the rollup reads (db/0010) holds what the registry says, in a new store and in one
migrated from before it; a product registered while a store is open is recorded in it on demand."""

from __future__ import annotations

import dataclasses

from fieldapp.domain import products
from fieldapp.domain.enums import EnrolmentKind
from fieldapp.storage import products as product_table


def _held(store) -> dict[str, str]:
    return dict(store.query("SELECT kind, metric FROM products"))


def test_a_store_holds_every_product_and_its_tally_metric(store):
    assert _held(store) == {str(p.kind): p.tally_metric for p in products.all_products()}


def test_a_product_registered_later_is_recorded_once(store):
    extra = dataclasses.replace(products.get(EnrolmentKind.VSI), kind="test_vsi", tally_metric="new_vsi")
    with products.registered(extra):
        assert product_table.record_open(store) is True
        assert _held(store)["test_vsi"] == "new_vsi"
        assert product_table.record_open(store) is False  # nothing to write: the table already agrees
    assert "test_vsi" not in products.kinds() and _held(store)["test_vsi"] == "new_vsi"  # its enrolments still count
