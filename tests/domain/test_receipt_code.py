"""The receipt QR payload: compact, alphanumeric, signed; every change to it is caught."""

from __future__ import annotations

import contextlib
import re
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given
from hypothesis import strategies as st

from fieldapp.domain.receipt_code import (
    PayloadError,
    ReceiptClaim,
    Verdict,
    confirmation_code,
    decode,
    encode,
    key_id,
    mask_id,
    signature_matches,
)

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
QR_ALPHANUMERIC = re.compile(r"^[0-9A-Z $%*+\-./:]+$")


def claim(**kw) -> ReceiptClaim:
    fields = dict(
        key_id=key_id(PUBLIC),
        series="BI-330101-2026",
        number=123,
        amount=2_906_280,
        day=date(2026, 6, 30),
        payer_id=mask_id("3327368093"),
        product="BI",
        months=12,
        start_on=date(2026, 7, 30),
        end_on=date(2027, 7, 29),
        people=3,
    )
    fields.update(kw)
    return ReceiptClaim(**fields)


def test_round_trip_and_signature():
    text = encode(claim(), KEY.sign)
    signed = decode(text)
    assert signed.claim == claim()
    assert signature_matches(signed, PUBLIC)
    other = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert not signature_matches(signed, other)


def test_fits_a_small_alphanumeric_qr():
    from fieldapp.printing.qr import matrix

    text = encode(claim(), KEY.sign)
    assert text.startswith("BL1:") and QR_ALPHANUMERIC.match(text)
    assert len(text) < 260
    version = (len(matrix(text)) - 17) // 4
    assert version <= 9  # 53 × 53 modules at most: a 30 mm code has modules of half a millimetre


def test_no_name_and_masked_id():
    assert mask_id("033084773376") == "********3376"
    assert mask_id("12") == "**" and mask_id(None) == ""
    signed = decode(encode(claim(), KEY.sign))
    assert "3327368093" not in repr(signed.claim)


def test_confirmation_code_shape():
    code = confirmation_code(b"\x01" * 64)
    assert re.fullmatch(r"[A-Z2-7]{4}-[A-Z2-7]{4}", code)


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("", Verdict.NOT_RECEIPT),
        ("hello", Verdict.NOT_RECEIPT),
        ("HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC", Verdict.NOT_RECEIPT),  # an EU certificate
        ("https://example.org/BL1:ABC", Verdict.NOT_RECEIPT),
        ("BL1:", Verdict.DAMAGED),
        ("BL1:::::", Verdict.DAMAGED),
        ("BL1:ZZZZZZ", Verdict.DAMAGED),  # base45 triple above 65535
        ("BL1Z:00000000", Verdict.DAMAGED),
        ("BL1:" + "0" * 3000, Verdict.DAMAGED),  # ours by its prefix, far too long: read wrong
        ("BL1", Verdict.DAMAGED),  # cut before its colon (issue 17)
        ("bl1z", Verdict.DAMAGED),
        ("BL1X:ABC", Verdict.DAMAGED),
        ("BL", Verdict.NOT_RECEIPT),  # too little to say whose
    ],
)
def test_bad_payloads(text, verdict):
    with pytest.raises(PayloadError) as err:
        decode(text)
    assert err.value.verdict is verdict


def test_truncated_is_damaged():
    text = encode(claim(), KEY.sign)
    for cut in [3, 4, *range(5, len(text), 7)]:
        with pytest.raises(PayloadError) as err:
            decode(text[:cut])
        assert err.value.verdict is Verdict.DAMAGED


def test_lower_case_scan_still_reads():
    text = encode(claim(), KEY.sign)
    assert decode(text.lower()).claim == claim()


ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


@given(st.data())
def test_any_one_character_changed_never_verifies(data):
    text = encode(claim(number=data.draw(st.integers(1, 10**7))), KEY.sign)
    i = data.draw(st.integers(4, len(text) - 1))
    new = data.draw(st.sampled_from(ALPHABET).filter(lambda ch: ch != text[i]))
    changed = text[:i] + new + text[i + 1 :]
    try:
        signed = decode(changed)
    except PayloadError as exc:
        assert exc.verdict is Verdict.DAMAGED
    else:
        assert not signature_matches(signed, PUBLIC)


@given(st.text(max_size=400))
def test_decode_never_crashes(text):
    with contextlib.suppress(PayloadError):
        decode(text)


@given(
    st.integers(1, 10**9),
    st.integers(1, 10**12),
    st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    st.sampled_from(["BI", "IS", "AR"]),
    st.integers(1, 60),
    st.integers(1, 20),
)
def test_round_trip_property(number, amount, day, product, months, people):
    c = claim(number=number, amount=amount, day=day, product=product, months=months, people=people, start_on=None)
    signed = decode(encode(c, KEY.sign))
    assert signed.claim == c and signature_matches(signed, PUBLIC)
