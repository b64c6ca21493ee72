"""What a demo run is asked for, what it reports as it goes and what it made; its limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

DEMO_PIN = "1234"
DEFAULT_PROVINCE = "33"  # Hưng Yên, the example of cli.md
BATCH = 5_000
TEAM_COMMUNES = 6
MEMBERS = 8
MAX_PERSONS = 2_000_000  # four times the largest store the benchmarks use
MAX_DAYS = 366
# While a run is under way: the copy of the store taken before it. A run killed half way leaves this
# behind; the next run takes that copy back (what the killed run had written is kept in backups/) and
# starts again, so the same seed gives the same data and nothing that was there before is lost.
RUNNING = "demo_running"


@dataclass(frozen=True)
class DemoOptions:
    persons: int = 20_000
    days: int = 30
    seed: int = 1
    province: str | None = None
    end_date: date | None = None  # the last day of demo work; default today


@dataclass
class DemoProgress:
    phase: str  # "setup", "registry", "work", "done"
    done: int
    total: int


@dataclass
class DemoResult:
    team_id: str = ""
    leader_id: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    restarted_from: str | None = None  # a killed run's data, kept in backups/ when this run started again
