"""Demo data, now the package `fieldapp.demo`: its entry points stay importable from here for the CLI,
the GUI, the benchmarks and the tests that have always imported them from services."""

from __future__ import annotations

from fieldapp.demo.builder import DemoBuilder, load_demo
from fieldapp.demo.options import DEMO_PIN, DemoOptions, DemoProgress, DemoResult
from fieldapp.demo.people import _vocabulary

__all__ = ["DEMO_PIN", "DemoBuilder", "DemoOptions", "DemoProgress", "DemoResult", "_vocabulary", "load_demo"]
