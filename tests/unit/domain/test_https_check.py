"""The optional HTTPS check against a real TLS server on loopback (a certificate made with
openssl for this test) and the loopback DNS server."""

import socket
import ssl
import subprocess
import threading
from shutil import which

import pytest

from sidecar.domain.dns_check import make_resolver
from sidecar.domain.https_check import https_probe

from ...dns_server import LoopbackDns

pytestmark = pytest.mark.skipif(not which("openssl"), reason="openssl is not installed")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=secure.example",
         "-addext", "subjectAltName=DNS:secure.example"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return key, cert


@pytest.fixture(scope="module")
def tls_server(certificate):
    """Answers every TLS connection with an HTTP 200 status line."""
    key, cert = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1024)
                    tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            except (ssl.SSLError, OSError):
                pass

    threading.Thread(target=serve, daemon=True).start()
    yield port
    stop.set()
    listener.close()


@pytest.fixture(scope="module")
def dns():
    server = LoopbackDns()
    for name in ("secure.example", "other.example"):
        server.zone.add(name, "A", "127.0.0.1")
    yield server
    server.stop()


def probe(dns, certificate, port):
    context = ssl.create_default_context(cafile=str(certificate[1]))
    resolver = make_resolver(dns.address, dns.port, 2)
    return https_probe(resolver, port=port, timeout=3, context=context)


def test_a_valid_certificate_passes(dns, certificate, tls_server):
    assert probe(dns, certificate, tls_server)("secure.example").ok


def test_a_certificate_for_another_name_fails_with_the_reason(dns, certificate, tls_server):
    outcome = probe(dns, certificate, tls_server)("other.example")
    assert not outcome.ok
    assert outcome.reason.startswith("the HTTPS certificate is not valid for other.example")


def test_nothing_listening(dns, certificate):
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    outcome = probe(dns, certificate, port)("secure.example")
    assert outcome.reason == f"nothing answers HTTPS on port {port} of 127.0.0.1"


def test_a_name_without_address(dns, certificate, tls_server):
    outcome = probe(dns, certificate, tls_server)("missing.example")
    assert outcome.reason == "HTTPS was not checked: missing.example has no address"
