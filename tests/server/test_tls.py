"""`server run --certfile --keyfile`: the server speaks HTTPS with the given certificate."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import ssl
import subprocess
import sys
import time

import httpx
import pytest

from tests.server.conftest import ROOT, child_env, free_port


def self_signed(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = tmp_path / "cert.pem", tmp_path / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return certfile, keyfile


def test_https_with_the_given_certificate(tmp_path):
    certfile, keyfile = self_signed(tmp_path)
    port = free_port()
    argv = [sys.executable, "-m", "fieldapp", "--data-dir", str(tmp_path / "data"), "server", "run", "--port",
            str(port), "--certfile", str(certfile), "--keyfile", str(keyfile)]  # fmt: skip
    with (tmp_path / "server.log").open("wb") as log:
        proc = subprocess.Popen(argv, cwd=ROOT, env=child_env(), stdout=log, stderr=log, start_new_session=True)
    trusted = ssl.create_default_context(cafile=str(certfile))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                r = httpx.get(f"https://127.0.0.1:{port}/v1/health", verify=trusted, timeout=2)
                if r.status_code == 200:
                    break
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            time.sleep(0.1)
        else:
            pytest.fail("no HTTPS answer within 60 s")
        assert r.json()["ok"] is True
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=2)  # plain HTTP is not served
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
