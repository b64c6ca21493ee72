"""The sync bundle file that goes by USB stick where there is no network (docs/sync-api.md, "Bundles").

One format both ways, laptop → server ("up") and server → laptop ("down"):

    MAGIC (16 bytes) | header length (4 bytes, big-endian) | header (UTF-8 JSON) | ciphertext

The header is in clear for routing (`v`, `kind`, `device_id`, `bundle_id`, `seq`, `created_at`, `to`: the
recipient's key id, `from`: the signer's key id, `epk`: an ephemeral X25519 public key, `nonce`). The
ciphertext is ChaCha20-Poly1305 under a key made by HKDF-SHA256 from X25519(ephemeral, recipient), with
the magic, length and header as associated data: a changed header or body byte, a cut file or a file made
for another recipient does not decrypt. Inside: a 64-byte Ed25519 signature of the signer over
magic | length | header | body, then the body (zlib-compressed JSON). Anybody can encrypt to the server's
public key, so the signature is what says which laptop (or which server) made it.

Part of the wire protocol, Qt-free and store-free: the laptop (fieldapp/sync/bundle.py) and the server
(fieldapp/server/bundle.py) both use it.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from fieldapp.errors import InputRefused
from fieldapp.outputs import OutputLike, write_bytes

MAGIC = b"FIELDAPP-BUNDLE\n"
VERSION = 1
UP, DOWN = "up", "down"  # laptop → server, server → laptop
SUFFIX = ".fab"  # what the CLI and the Sync screen suggest as the file name's end
MAX_HEADER = 4096
MAX_FILE = 512 * 1024 * 1024  # a laptop offline for weeks with a province's registry: far below this
MAX_BODY = 2 * 1024 * 1024 * 1024  # decompressed
_LEN = struct.Struct(">I")
_SIG = 64


class BundleRefused(InputRefused):
    """bundle.not_bundle, bundle.damaged, bundle.version, bundle.wrong_kind, bundle.foreign, bundle.forged, ..."""


def key_id(public: bytes) -> str:
    return hashlib.sha256(public).digest()[:8].hex()


def raw_public(key: X25519PrivateKey | Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def raw_private(key: X25519PrivateKey | Ed25519PrivateKey) -> bytes:
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def _hkdf(secret: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


def reply_key(signing_seed: bytes) -> X25519PrivateKey:
    """The laptop's bundle decryption key, derived from its Ed25519 signing key (nothing new to keep):
    its public half travels, signed, inside every up bundle, and the server's answer is encrypted to it."""
    return X25519PrivateKey.from_private_bytes(_hkdf(signing_seed, b"fieldapp bundle reply key v1"))


@dataclass(frozen=True)
class ServerKeys:
    """The server's bundle keys, both derived from one 32-byte secret the server keeps."""

    box: X25519PrivateKey  # laptops encrypt up bundles to its public half
    sign: Ed25519PrivateKey  # signs down bundles

    @classmethod
    def from_seed(cls, seed: bytes) -> ServerKeys:
        box = X25519PrivateKey.from_private_bytes(_hkdf(seed, b"fieldapp server bundle box v1"))
        sign = Ed25519PrivateKey.from_private_bytes(_hkdf(seed, b"fieldapp server bundle sign v1"))
        return cls(box, sign)

    def public(self) -> dict[str, str]:
        """What laptops get at enrolment and at every sync (GET /v1/bundle-keys)."""
        box, sign = raw_public(self.box), raw_public(self.sign)
        return {"box": box.hex(), "box_key_id": key_id(box), "sign": sign.hex(), "sign_key_id": key_id(sign)}


@dataclass(frozen=True)
class Header:
    kind: str
    device_id: str
    bundle_id: str
    seq: int
    created_at: str
    to: str  # recipient's key id
    signer: str  # signer's key id
    epk: bytes
    nonce: bytes

    def as_json(self) -> dict[str, Any]:
        return {
            "v": VERSION,
            "kind": self.kind,
            "device_id": self.device_id,
            "bundle_id": self.bundle_id,
            "seq": self.seq,
            "created_at": self.created_at,
            "to": self.to,
            "from": self.signer,
            "epk": self.epk.hex(),
            "nonce": self.nonce.hex(),
        }


def seal(
    body: dict[str, Any],
    *,
    kind: str,
    device_id: str,
    bundle_id: str,
    seq: int,
    created_at: str,
    recipient: bytes,
    signer: Ed25519PrivateKey,
) -> bytes:
    """The bundle file's bytes: `body` signed by `signer` and encrypted to the X25519 key `recipient`."""
    eph = X25519PrivateKey.generate()
    epk = raw_public(eph)
    nonce = os.urandom(12)
    header = Header(
        kind, device_id, bundle_id, seq, created_at, key_id(recipient), key_id(raw_public(signer)), epk, nonce
    )
    head = json.dumps(header.as_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    aad = MAGIC + _LEN.pack(len(head)) + head
    zbody = zlib.compress(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)
    signature = signer.sign(aad + zbody)
    key = _box_key(eph.exchange(X25519PublicKey.from_public_bytes(recipient)), epk, recipient, kind)
    return aad + ChaCha20Poly1305(key).encrypt(nonce, signature + zbody, aad)


def _box_key(shared: bytes, epk: bytes, recipient: bytes, kind: str) -> bytes:
    return _hkdf(shared, b"fieldapp bundle v1 " + kind.encode(), salt=epk + recipient)


def read_header(data: bytes) -> tuple[Header, bytes, bytes]:
    """(header, associated data, ciphertext) of a bundle file; BundleRefused if it is not one."""
    if len(data) < len(MAGIC) + _LEN.size or not data.startswith(MAGIC):
        if MAGIC.startswith(data[: len(MAGIC)]) and data:
            raise BundleRefused("bundle.damaged")  # a cut file: the start is right
        raise BundleRefused("bundle.not_bundle")
    (n,) = _LEN.unpack_from(data, len(MAGIC))
    start = len(MAGIC) + _LEN.size
    if n > MAX_HEADER or len(data) < start + n:
        raise BundleRefused("bundle.damaged")
    try:
        h = json.loads(data[start : start + n].decode("utf-8"))
        if not isinstance(h, dict):
            raise ValueError("not an object")
        if h.get("v") != VERSION:
            version = h.get("v")
            if isinstance(version, int) and version > VERSION:
                raise BundleRefused("bundle.version", version=str(version))
            raise ValueError("version")
        header = Header(
            _text(h["kind"]),
            _text(h["device_id"]),
            _text(h["bundle_id"]),
            _int(h["seq"]),
            _text(h["created_at"]),
            _text(h["to"]),
            _text(h["from"]),
            bytes.fromhex(_text(h["epk"])),
            bytes.fromhex(_text(h["nonce"])),
        )
        if len(header.epk) != 32 or len(header.nonce) != 12 or header.kind not in (UP, DOWN):
            raise ValueError("header")
    except BundleRefused:
        raise
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise BundleRefused("bundle.damaged") from None
    return header, data[: start + n], data[start + n :]


def unseal(data: bytes, *, kind: str, box: X25519PrivateKey, signer_public: bytes) -> tuple[Header, dict[str, Any]]:
    """Decrypt with `box`, check the signature against `signer_public` and read the body. Refuses a file
    that is not a bundle, is cut or changed, is of the other direction, is for another recipient or is not
    signed by `signer_public`."""
    header, aad, sealed = read_header(data)
    if header.kind != kind:
        raise BundleRefused("bundle.wrong_kind")
    if header.to != key_id(raw_public(box)):
        raise BundleRefused("bundle.foreign")
    try:
        key = _box_key(box.exchange(X25519PublicKey.from_public_bytes(header.epk)), header.epk, raw_public(box), kind)
        plain = ChaCha20Poly1305(key).decrypt(header.nonce, sealed, aad)
    except (InvalidTag, ValueError):
        raise BundleRefused("bundle.damaged") from None
    signature, zbody = plain[:_SIG], plain[_SIG:]
    try:
        Ed25519PublicKey.from_public_bytes(signer_public).verify(signature, aad + zbody)
    except (InvalidSignature, ValueError):
        raise BundleRefused("bundle.forged") from None
    try:
        inflate = zlib.decompressobj()
        text = inflate.decompress(zbody, MAX_BODY)
        if inflate.unconsumed_tail or not inflate.eof:
            raise ValueError("body too large or cut")
        body = json.loads(text.decode("utf-8"))
    except (zlib.error, ValueError, UnicodeDecodeError):
        raise BundleRefused("bundle.damaged") from None
    if not isinstance(body, dict) or body.get("bundle_id") != header.bundle_id:
        raise BundleRefused("bundle.damaged")
    if body.get("device_id") != header.device_id or body.get("seq") != header.seq:
        raise BundleRefused("bundle.damaged")
    return header, body


def read_file(path: str | os.PathLike[str]) -> bytes:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE:
            raise BundleRefused("bundle.not_bundle")
        return p.read_bytes()
    except IsADirectoryError:
        raise BundleRefused("bundle.unreadable", path=str(p)) from None
    except OSError:
        raise BundleRefused("bundle.unreadable", path=str(p)) from None


def write_file(path: OutputLike, data: bytes) -> Path:
    """Written next to its place and renamed over it once it is on the stick (fieldapp.outputs), so a stick
    pulled out half way leaves no half bundle under the name."""
    return write_bytes(path, data)


def _text(v: Any) -> str:
    if not isinstance(v, str):
        raise TypeError("text expected")
    return v


def _int(v: Any) -> int:
    if not isinstance(v, int) or isinstance(v, bool):
        raise TypeError("integer expected")
    return v
