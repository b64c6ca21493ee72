"""Demo data: a realistic team in a real province, built through the same services as the GUI.

`builder` runs it (team, members, places, campaign), `people` makes the registry, `days` the day-by-day
work, `targets` the campaign's targets; `options` holds what a run is asked for and reports.
"""

from __future__ import annotations

from fieldapp.demo.builder import DemoBuilder, load_demo
from fieldapp.demo.options import DEMO_PIN, DemoOptions, DemoProgress, DemoResult

__all__ = ["DEMO_PIN", "DemoBuilder", "DemoOptions", "DemoProgress", "DemoResult", "load_demo"]
