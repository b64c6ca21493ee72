"""The benchmark table judges every target as written (bench/common.py): a row with several targets is met
only when each holds, never when its figure is over any of them, and a target it cannot judge is no "yes"."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

# bench/ is scripts, not a package: its common.py is loaded under a name of its own
_spec = importlib.util.spec_from_file_location(
    "bench_common", Path(__file__).resolve().parent.parent / "bench" / "common.py"
)
assert _spec is not None and _spec.loader is not None
bench_common = importlib.util.module_from_spec(_spec)
sys.modules["bench_common"] = bench_common  # dataclasses look their module up by name
_spec.loader.exec_module(bench_common)
Row, Target, render = bench_common.Row, bench_common.Target, bench_common.render


def test_an_absolute_and_a_ratio_target_are_both_judged() -> None:
    both = [Target("median", 10.0), Target("ratio", 3.0)]
    assert Row("import_100k", "s", [11.0], [5.0], targets=both).met() is False  # over 10 s, ratio 2.2
    assert Row("import_100k", "s", [9.0], [2.0], targets=both).met() is False  # under 10 s, ratio 4.5
    assert Row("import_100k", "s", [9.0], [5.0], targets=both).met() is True
    line = next(x for x in render([Row("import_100k", "s", [11.0], [5.0], targets=both)]).splitlines() if "import" in x)
    assert "median ≤ 10 s and ratio ≤ 3" in line
    assert line.rstrip(" |").endswith("NO")


def test_each_run_must_hold_and_rates_are_at_least() -> None:
    rate = [Target("min", 5000.0)]
    assert Row("load_ops", "/s", [5600.0, 5100.0, 4983.0], targets=rate).met() is False
    assert Row("load_ops", "/s", [5600.0, 5100.0, 5050.0], targets=rate).met() is True
    assert Row("load_p95", "ms", [120.0, 510.0], targets=[Target("max", 500.0)]).met() is False
    assert Row("ratio", "/s", [80.0], [100.0], targets=[Target("min_ratio", 0.8)]).met() is True


def test_a_target_that_cannot_be_judged_is_not_met_and_an_error_is_never_met() -> None:
    assert Row("x", "s", [1.0], [], targets=[Target("ratio", 3.0)]).met() is None  # no baseline
    assert Row("x", "s", [1.0], [], targets=[Target("median", 2.0), Target("ratio", 3.0)]).met() is None
    assert Row("x", "s", [3.0], [], targets=[Target("median", 2.0), Target("ratio", 3.0)]).met() is False
    assert Row("x", "s", [1.0], targets=[Target("median", 2.0)], error="boom").met() is None
    assert Row("x", "s", [], targets=[Target("median", 2.0)]).met() is None
    with pytest.raises(ValueError):
        Target("mean", 1.0)
