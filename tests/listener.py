"""A TCP listener on 127.0.0.1 that records every connection: the witness that a refused query
reached nothing (SERVICE and LOAD tests of kg.query and kg.serve)."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

REACHES_OUT = Path(__file__).resolve().parent / "data" / "sparql" / "reaches-out"


class Listener:
    """Accepts connections in a background thread; ``hits`` holds the first bytes each one sent."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.hits: list[bytes] = []
        self._thread = threading.Thread(target=self._accept, name="listener", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.settimeout(1.0)
            try:
                self.hits.append(conn.recv(256) or b"(connected)")
            except OSError:
                self.hits.append(b"(connected)")
            finally:
                conn.close()

    def close(self) -> None:
        self.sock.close()


def reaching_queries(port: int) -> dict[str, str]:
    """The corpus of disguised SERVICE and LOAD queries, aimed at ``port`` on 127.0.0.1."""
    return {p.stem: p.read_text(encoding="utf-8").replace("LISTENER", str(port)) for p in sorted(REACHES_OUT.glob("*.rq"))}
