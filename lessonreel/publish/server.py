"""A static HTTP server on 127.0.0.1 for ``lessonreel present`` (and the site's tests).

It serves an explicit allow-list, url path -> file (or bytes), never a folder: no
listing, no path below a served name, no link followed out of a folder it was given.
It answers byte ranges as RFC 9110 says (RangeHTTPServer 1.4.0, used before, read
``bytes=0-0`` as "to the end" and sent a whole video under ``Content-Length: 1``),
drops a client that takes longer than a time-out to send its request (a thread each
was held for ever), and answers only requests addressed to its own host and port,
so a web page whose name was rebound to 127.0.0.1 (DNS rebinding) reads nothing.
"""

from __future__ import annotations

import email.utils
import http.server
import io
import mimetypes
import os
import re
import socket
import stat
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO

#: Seconds a client has to send a whole request (line and headers), and to send the
#: next one on a kept-alive connection, before it is dropped.
REQUEST_TIMEOUT = 5.0
#: Seconds a client may leave a response unread before it is dropped. A paused video
#: stops reading for long stretches; the browser asks again for the range it needs.
SEND_TIMEOUT = 60.0
CHUNK = 256 * 1024

#: What a served name is: a file read at each request, bytes held in memory, or a
#: function asked at each request for either (None: not found), for a page that changes.
Content = Path | bytes | Callable[[], Path | bytes | None]

_TYPES = {".vtt": "text/vtt", ".srt": "application/x-subrip", ".mp4": "video/mp4"}
#: One byte range, e.g. ``bytes=0-0``, ``bytes=100-``, ``bytes=-500``. Digits are capped
#: so a number cannot be too long to read; such a range is ignored, as RFC 9110 allows.
_RANGE = re.compile(r"bytes=(\d{0,18})-(\d{0,18})")


class Unsatisfiable(Exception):
    """A range that starts past the end of the file (answered 416)."""


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The first and last byte ``header`` asks of a file of ``size`` bytes, or None for the
    whole file: no Range, a unit other than bytes, several ranges (allowed to be answered
    whole), or one that is malformed (which RFC 9110 says to ignore).

    Raises :class:`Unsatisfiable` for a range that holds no byte of the file.
    """
    match = _RANGE.fullmatch(header.strip()) if header else None
    if match is None:
        return None
    first, last = match.groups()
    if not first:
        if not last:
            return None  # "bytes=-": no number at all
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - suffix), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    return start, min(int(last), size - 1) if last else size - 1


def folder_files(root: Path) -> dict[str, Path]:
    """Every regular file under ``root`` by its url path; links are neither listed nor
    followed, so nothing outside ``root`` can be named."""
    files: dict[str, Path] = {}
    for folder, _, names in os.walk(root, followlinks=False):
        for name in names:
            path = Path(folder) / name
            if stat.S_ISREG(os.lstat(path).st_mode):
                files["/" + path.relative_to(root).as_posix()] = path
    return files


class _DeadlineReader(io.RawIOBase):
    """A socket's reads, each given only what is left of the request's time: a client
    that sends a byte at a time, each within a per-read time-out, still runs out."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.deadline = time.monotonic() + REQUEST_TIMEOUT

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request was not complete in time")
        self.sock.settimeout(remaining)
        return self.sock.recv_into(buffer)


class StaticServer(http.server.ThreadingHTTPServer):
    """Serves ``files`` on 127.0.0.1:``port`` (0: any free one)."""

    daemon_threads = True

    def __init__(self, files: Mapping[str, Content], port: int = 0,
                 timeout: float = REQUEST_TIMEOUT) -> None:
        self.files = dict(files)
        self.request_timeout = timeout
        super().__init__(("127.0.0.1", port), _Handler)
        bound = self.server_address[1]
        names = ("127.0.0.1", "localhost")
        # A browser leaves out the port only when it is the scheme's own.
        self.hosts = {f"{name}:{bound}" for name in names} | (set(names) if bound == 80
                                                              else set())

    def publish(self, name: str, content: Content) -> None:
        """Serve ``content`` as ``name`` from now on (the list changes in one step)."""
        self.files = {**self.files, name: content}

    def withdraw(self, name: str) -> None:
        """Stop serving ``name``: a 404 from now on."""
        self.files = {key: value for key, value in self.files.items() if key != name}

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # browsers drop media connections they no longer need
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(http.server.BaseHTTPRequestHandler):
    server: StaticServer
    # Keep-alive: a browser seeking a video sends many range requests.
    protocol_version = "HTTP/1.1"
    server_version = "lessonreel"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        self._reader = _DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        # The time for a request starts when the server starts waiting for it.
        self._reader.deadline = time.monotonic() + self.server.request_timeout
        super().handle_one_request()

    def log_message(self, format: str, *args: object) -> None:
        pass  # a browser's every Range request is not news to the presenter

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in self.server.hosts:
            self.send_error(HTTPStatus.MISDIRECTED_REQUEST,
                            explain="this server answers only requests to "
                                    f"http://127.0.0.1:{self.server.server_address[1]}/")
            return
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        stream, size, modified = self._open(self.server.files.get(path))
        if stream is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        with stream:
            try:
                if_range = self.headers.get("If-Range")
                wanted = (None if if_range is not None and if_range != modified
                          else byte_range(self.headers.get("Range"), size))
            except Unsatisfiable:
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            first, last = wanted if wanted is not None else (0, size - 1)
            self.send_response(HTTPStatus.OK if wanted is None else HTTPStatus.PARTIAL_CONTENT)
            self.send_header("Content-Type", _content_type(path))
            self.send_header("Content-Length", str(last - first + 1))
            self.send_header("Accept-Ranges", "bytes")
            if wanted is not None:
                self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
            if modified is not None:
                self.send_header("Last-Modified", modified)
            self.send_header("Cache-Control", "no-cache")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if send_body:
                self.connection.settimeout(SEND_TIMEOUT)
                stream.seek(first)
                left = last - first + 1
                while left > 0 and (chunk := stream.read(min(CHUNK, left))):
                    self.wfile.write(chunk)
                    left -= len(chunk)
                if left > 0:
                    # The file shrank under us: the length promised cannot be kept.
                    self.close_connection = True

    @staticmethod
    def _open(content: Content | None) -> tuple[BinaryIO | None, int, str | None]:
        """The served bytes as an open stream, their size and modification time."""
        if callable(content):
            content = content()
        if isinstance(content, bytes):
            return io.BytesIO(content), len(content), None
        if content is None:
            return None, 0, None
        try:
            # Not through a link swapped in since the list was made.
            fd = os.open(content, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            return None, 0, None
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            os.close(fd)
            return None, 0, None
        modified = email.utils.formatdate(status.st_mtime, usegmt=True)
        return os.fdopen(fd, "rb"), status.st_size, modified


def _content_type(path: str) -> str:
    suffix = Path(path).suffix.lower()
    kind = _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or suffix == ".js" else kind


def serve_files(files: Mapping[str, Content], port: int = 0,
                timeout: float = REQUEST_TIMEOUT) -> StaticServer:
    """``files`` served on 127.0.0.1:``port`` from a thread of its own; stop it with
    ``shutdown`` and ``server_close``. ``timeout``: seconds a client has for a request."""
    server = StaticServer(files, port, timeout)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
