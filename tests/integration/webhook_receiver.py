"""A webhook receiver for tests: a real HTTP server on loopback (in a thread) that verifies
every request's signature with the webhook's secret and answers from a script — an HTTP
status, or ``"hang"`` (answer only after the sender's timeout)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sidecar.domain.webhook_delivery import verify


class Receiver:
    """Start with ``Receiver()``; set ``secret`` and ``script``; read ``received``."""

    def __init__(self, hang_seconds: float = 2.5):
        self.secret = ""
        self.script: list = []
        self.received: list[dict] = []
        self.hang_seconds = hang_seconds
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _next(self):
        with self._lock:
            return self.script.pop(0) if self.script else 200

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                header = self.headers.get("X-Sidecar-Signature", "")
                answer = receiver._next()
                with receiver._lock:
                    receiver.received.append(
                        {
                            "body": json.loads(body),
                            "event": self.headers.get("X-Sidecar-Event"),
                            "verified": verify(receiver.secret, header, body, int(time.time())),
                            "answer": answer,
                        }
                    )
                if answer == "hang":
                    time.sleep(receiver.hang_seconds)
                    answer = 200
                self.send_response(answer)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        return Handler
