"""Throw-away TLS material (a CA, a server certificate, a client certificate) made by openssl."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class TlsFiles:
    ca: Path
    server_crt: Path
    server_key: Path
    client_crt: Path
    client_key: Path


def _run(*argv: str, cwd: Path) -> None:
    subprocess.run(list(argv), cwd=cwd, check=True, capture_output=True, timeout=60)


def make_tls(directory: Path, *, server_names: str = "DNS:kube.test") -> TlsFiles:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    directory.mkdir(parents=True, exist_ok=True)
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    _run(
        openssl,
        "req",
        "-x509",
        *ec,
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "2",
        "-subj",
        "/CN=kdebug-test-ca",
        cwd=directory,
    )
    (directory / "server.ext").write_text(f"subjectAltName={server_names}\n")
    for name, subject in (("server", "/CN=kube.test"), ("client", "/CN=cert-user")):
        _run(
            openssl,
            "req",
            *ec,
            "-keyout",
            f"{name}.key",
            "-out",
            f"{name}.csr",
            "-subj",
            subject,
            cwd=directory,
        )
        extra = ["-extfile", "server.ext"] if name == "server" else []
        _run(
            openssl,
            "x509",
            "-req",
            "-in",
            f"{name}.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            f"{name}.crt",
            "-days",
            "2",
            *extra,
            cwd=directory,
        )
    return TlsFiles(
        ca=directory / "ca.crt",
        server_crt=directory / "server.crt",
        server_key=directory / "server.key",
        client_crt=directory / "client.crt",
        client_key=directory / "client.key",
    )


def make_client_cert(tls: TlsFiles, directory: Path, cn: str) -> tuple[Path, Path]:
    """Another client certificate from the same CA, named `cn`."""
    openssl = shutil.which("openssl")
    assert openssl is not None
    directory.mkdir(parents=True, exist_ok=True)
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    key, csr, crt = directory / f"{cn}.key", directory / f"{cn}.csr", directory / f"{cn}.crt"
    _run(
        openssl,
        "req",
        *ec,
        "-keyout",
        str(key),
        "-out",
        str(csr),
        "-subj",
        f"/CN={cn}",
        cwd=directory,
    )
    _run(
        openssl,
        "x509",
        "-req",
        "-in",
        str(csr),
        "-CA",
        str(tls.ca),
        "-CAkey",
        str(tls.ca.with_suffix(".key")),
        "-CAcreateserial",
        "-out",
        str(crt),
        "-days",
        "2",
        cwd=directory,
    )
    return crt, key
