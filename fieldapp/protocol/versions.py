"""Comparing the app's versions: which installer is newer (the server's update feed), which store is newer
than the app that opens it."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]+")


def version_key(version: str) -> tuple[int, ...]:
    """ "0.10.2" -> (0, 10, 2): numeric parts compare as numbers; anything after them (rc1, +local) is ignored."""
    parts = []
    for part in version.split("."):
        digits = _DIGITS.match(part)
        if not digits:
            break
        parts.append(int(digits.group()))
        if digits.end() != len(part):
            break
    return tuple(parts)
