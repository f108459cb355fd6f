"""A throwaway self-signed certificate per sandbox run.

kubectl (client-go) never sends bearer tokens to a plain-http server, so the sandbox also
serves HTTPS on loopback with a certificate made at start-up by the `openssl` tool; the
kubeconfig carries it as certificate-authority-data.
"""

from __future__ import annotations

import base64
import shutil
import ssl
import subprocess
from pathlib import Path


class TlsUnavailable(RuntimeError):
    pass


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """(cert.pem, key.pem) for 127.0.0.1 and localhost, valid 30 days."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise TlsUnavailable("the openssl tool is not installed")
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / "sandbox-ca.pem", directory / "sandbox-key.pem"
    argv = [
        openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "30",
        "-subj", "/CN=kdebug-sandbox",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ]  # fmt: skip
    result = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    if result.returncode != 0:
        raise TlsUnavailable(f"openssl failed: {result.stderr.strip()[-300:]}")
    key.chmod(0o600)
    return cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(cert), str(key))
    return ctx


def client_context(cert: Path) -> ssl.SSLContext:
    """Trusts exactly this sandbox's certificate (for tests and tools using aiohttp)."""
    return ssl.create_default_context(cafile=str(cert))


def ca_data(cert: Path) -> str:
    return base64.b64encode(cert.read_bytes()).decode()
