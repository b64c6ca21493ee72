"""The day in Vietnam, whatever the machine's time zone."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta


def test_today_is_the_day_in_vietnam_on_a_machine_set_to_another_zone():
    code = "from fieldapp.domain.clock import today; import datetime; print(today(), datetime.date.today())"
    for zone in ("UTC", "America/Los_Angeles", "Pacific/Kiritimati"):
        done = subprocess.run(
            [sys.executable, "-c", code], env={**os.environ, "TZ": zone}, capture_output=True, text=True, check=True
        )
        ours = done.stdout.split()[0]
        assert ours == (datetime.now(UTC) + timedelta(hours=7)).date().isoformat(), zone
