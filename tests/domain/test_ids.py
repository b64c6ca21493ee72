"""UUIDv7 ids made on the device (RFC 9562, section 5.7)."""

from __future__ import annotations

import itertools
import random
import re
import uuid
from collections.abc import Callable, Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.domain.ids import IdFactory, format_uuid7, new_id, uuid7_time_ms

CANONICAL = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
T0 = 1_782_864_000_000  # 2026-07-01T00:00:00Z in ms


def _clock(values: list[int]) -> Callable[[], int]:
    it: Iterator[int] = iter(values)
    return lambda: next(it)


def _fields(uid: str) -> tuple[int, int, int, int, int]:
    value = uuid.UUID(uid).int
    return value >> 80, (value >> 76) & 0xF, (value >> 64) & 0xFFF, (value >> 62) & 0b11, value & (2**62 - 1)


def test_format_known_value() -> None:
    uid = format_uuid7(0x0123_4567_89AB, 0xCDE, 0x0FED_CBA9_8765_4321)
    assert uid == "01234567-89ab-7cde-8fed-cba987654321"


def test_version_and_variant_bits() -> None:
    uid = format_uuid7(T0, 0, 0)
    parsed = uuid.UUID(uid)
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert CANONICAL.match(uid)


def test_fields_are_masked_to_their_width() -> None:
    uid = format_uuid7(2**48 + 5, 2**12 + 1, 2**62 + 2)
    assert _fields(uid) == (5, 7, 1, 0b10, 2)


def test_factory_ids_are_uuid7_with_the_clock_time() -> None:
    make = IdFactory(clock_ms=lambda: T0, rng=random.Random(1))
    uid = make()
    assert CANONICAL.match(uid)
    assert uuid7_time_ms(uid) == T0


def test_default_factory_uses_the_os_random_source() -> None:
    ids = [new_id() for _ in range(100)]
    assert all(CANONICAL.match(u) for u in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_strictly_increasing_when_the_clock_stands_still() -> None:
    make = IdFactory(clock_ms=lambda: T0, rng=random.Random(7))
    ids = [make() for _ in range(10_000)]  # more than the 12-bit counter holds in one millisecond
    assert all(a < b for a, b in itertools.pairwise(ids))
    assert uuid7_time_ms(ids[0]) == T0
    assert uuid7_time_ms(ids[-1]) > T0  # the counter ran over into the next milliseconds
    assert all(CANONICAL.match(u) for u in ids)


def test_strictly_increasing_when_the_clock_steps_back() -> None:
    times = [T0, T0 + 5, T0 + 5, T0 - 60_000, T0 - 1, T0 + 5, T0 + 6, T0 + 3, T0 + 100]
    make = IdFactory(clock_ms=_clock(times), rng=random.Random(3))
    ids = [make() for _ in times]
    assert all(a < b for a, b in itertools.pairwise(ids))
    stamps = [uuid7_time_ms(u) for u in ids]
    assert stamps == [T0, T0 + 5, T0 + 5, T0 + 5, T0 + 5, T0 + 5, T0 + 6, T0 + 6, T0 + 100]


def test_uuid7_time_ms_round_trip() -> None:
    for ms in (0, 1, T0, 2**48 - 1):
        assert uuid7_time_ms(format_uuid7(ms, 0xABC, 12345)) == ms


def test_deterministic_for_a_seeded_random_and_fixed_clock() -> None:
    def run(seed: int) -> list[str]:
        make = IdFactory(clock_ms=lambda: T0, rng=random.Random(seed))
        return [make() for _ in range(50)]

    assert run(42) == run(42)
    assert run(42) != run(43)


@settings(max_examples=200)
@given(st.integers(0, 2**48 - 1), st.integers(0, 2**12 - 1), st.integers(0, 2**62 - 1))
def test_format_round_trip(ms: int, rand_a: int, rand_b: int) -> None:
    uid = format_uuid7(ms, rand_a, rand_b)
    assert CANONICAL.match(uid)
    assert _fields(uid) == (ms, 7, rand_a, 0b10, rand_b)
    assert uuid7_time_ms(uid) == ms
    assert uuid.UUID(uid).version == 7


@settings(max_examples=200)
@given(
    st.tuples(st.integers(0, 2**48 - 1), st.integers(0, 2**12 - 1), st.integers(0, 2**62 - 1)),
    st.tuples(st.integers(0, 2**48 - 1), st.integers(0, 2**12 - 1), st.integers(0, 2**62 - 1)),
)
def test_text_order_is_field_order(a: tuple[int, int, int], b: tuple[int, int, int]) -> None:
    assert (format_uuid7(*a) < format_uuid7(*b)) == (a < b)


@settings(max_examples=100)
@given(st.lists(st.integers(-1000, 1000), min_size=1, max_size=300), st.integers(0, 2**32))
def test_strictly_increasing_for_any_clock(steps: list[int], seed: int) -> None:
    times = [T0 + s for s in steps]
    make = IdFactory(clock_ms=_clock(times), rng=random.Random(seed))
    ids = [make() for _ in times]
    assert all(a < b for a, b in itertools.pairwise(ids))
    assert all(uuid7_time_ms(u) >= t for u, t in zip(ids, times, strict=True))
