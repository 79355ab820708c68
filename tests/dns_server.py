"""A real authoritative DNS server on loopback for the domain tests (dnslib's server, UDP and
TCP on one free high port), serving records the test sets. It answers like an authoritative
server: NXDOMAIN for names it does not know, an empty NOERROR answer for known names without
the asked type, and CNAME chains followed as far as its own records go."""

from __future__ import annotations

import socket
from collections import defaultdict

from dnslib import AAAA, CNAME, QTYPE, RCODE, RR, TXT, A
from dnslib.server import BaseResolver, DNSLogger, DNSServer

_RDATA = {"A": A, "AAAA": AAAA, "CNAME": CNAME, "TXT": TXT}
MAX_CHASE = 8


class Zone(BaseResolver):
    """The records: ``{(name, type): [value, ...]}``; names lowercase without the final dot."""

    def __init__(self):
        self.records: dict[tuple[str, str], list[str]] = defaultdict(list)

    def add(self, name: str, rtype: str, value: str) -> None:
        """Serve one more record."""
        self.records[(name.lower().rstrip("."), rtype)].append(value)

    def clear(self) -> None:
        """Forget every record."""
        self.records.clear()

    def resolve(self, request, handler):
        reply = request.reply()
        reply.header.aa = 1
        name = str(request.q.qname).rstrip(".").lower()
        self._answer(reply, name, QTYPE[request.q.qtype], 0)
        return reply

    def _answer(self, reply, name: str, rtype: str, depth: int) -> None:
        cname = self.records.get((name, "CNAME"))
        if cname and rtype != "CNAME" and depth < MAX_CHASE:
            reply.add_answer(RR(name, QTYPE.CNAME, rdata=CNAME(cname[0]), ttl=30))
            target = cname[0].lower().rstrip(".")
            if self._known(target):
                self._answer(reply, target, rtype, depth + 1)
            return
        values = self.records.get((name, rtype), [])
        for value in values:
            reply.add_answer(RR(name, getattr(QTYPE, rtype), rdata=_RDATA[rtype](value), ttl=30))
        if not values and not self._known(name) and depth == 0:
            reply.header.rcode = RCODE.NXDOMAIN

    def _known(self, name: str) -> bool:
        return any(
            (key == name or key.endswith("." + name)) and values
            for (key, _), values in self.records.items()
        )


class LoopbackDns:
    """The server: ``zone`` to fill, ``address``/``port`` to point a resolver at."""

    def __init__(self):
        self.zone = Zone()
        self.address = "127.0.0.1"
        self.port = _free_port()
        quiet = DNSLogger(logf=lambda _line: None)
        self._servers = [
            DNSServer(self.zone, address=self.address, port=self.port, logger=quiet),
            DNSServer(self.zone, address=self.address, port=self.port, tcp=True, logger=quiet),
        ]
        for server in self._servers:
            server.start_thread()

    @property
    def resolver_setting(self) -> str:
        """The value of the network's resolver setting that points here."""
        return f"{self.address}:{self.port}"

    def stop(self) -> None:
        for server in self._servers:
            server.stop()
            server.server.server_close()


def _free_port() -> int:
    """A port free for both UDP and TCP on loopback."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port for the test DNS server")


def silent_port() -> tuple[socket.socket, int]:
    """A UDP socket that never answers (a resolver asking it times out) and its port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    return sock, sock.getsockname()[1]
