"""A timing-grade HTTP/1.1 client for ``POST check``: one keep-alive socket.

``http.client`` and tornado's client read through buffers the caller cannot
reach between reads, so they cannot re-arm ``TCP_QUICKACK`` (Linux clears it
after use). Without ``TCP_NODELAY`` and quick ACKs a request that spans several
segments can wait ~40 ms for a delayed ACK (the server side does not set
``TCP_NODELAY``), and
the benchmark would time the TCP stack, not nbguard. This client does both,
sends the body already encoded, and times from the first byte sent to the last
byte of the response body.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass

_QUICKACK = getattr(socket, "TCP_QUICKACK", None)
_CHUNK = 1 << 18


@dataclass(frozen=True)
class Response:
    """One timed response: status, headers (lower-cased names), body, seconds."""

    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


class HttpClient:
    """Sends requests one at a time over a persistent connection."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token
        self.sock = self._connect()

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=120)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def _quickack(self) -> None:
        if _QUICKACK is not None:
            self.sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)

    def request(self, method: str, path: str, body: bytes = b"") -> Response:
        """Send one request (``path`` without a leading slash) and time it."""
        head = (
            f"{method} /{path} HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{self.port}\r\n"
            f"Authorization: token {self.token}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Connection: keep-alive\r\n\r\n"
        ).encode()
        start = time.perf_counter()
        self._quickack()
        self.sock.sendall(head + body)
        status, headers, payload = self._read_response()
        seconds = time.perf_counter() - start
        if headers.get("connection", "").lower() == "close":
            self.close()
            self.sock = self._connect()
        return Response(status, headers, payload, seconds)

    def _recv(self) -> bytes:
        data = self.sock.recv(_CHUNK)
        self._quickack()
        if not data:
            raise ConnectionError("server closed the connection")
        return data

    def _read_response(self) -> tuple[int, dict[str, str], bytes]:
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            buffer += self._recv()
        head, _, rest = buffer.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" not in headers:
            raise RuntimeError(f"response without Content-Length: {headers}")
        length = int(headers["content-length"])
        parts = [rest]
        have = len(rest)
        while have < length:
            chunk = self._recv()
            parts.append(chunk)
            have += len(chunk)
        return int(status_line.split()[1]), headers, b"".join(parts)

    def close(self) -> None:
        """Close the socket."""
        self.sock.close()
