"""The server behind ``lessonreel present`` and the site tests, probed from outside.

Raw sockets, not a client library: a client that tidies requests up or trusts a
response's Content-Length would hide exactly what is tested here (the bytes a
range really sends, a half request, a Host header no browser of ours sends).
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lessonreel.errors import NotRenderedError
from lessonreel.publish import present
from lessonreel.publish.source import RenderedLesson, load
from tests.publish.test_present import ONE_EACH, make_lesson

#: 10 000 bytes, each telling its own offset apart from its neighbours'.
DATA = bytes((i * 7 + i // 256) % 256 for i in range(10_000))


def request(port: int, path: str, headers: dict[str, str] | None = None,
            method: str = "GET", host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request on a new connection; the whole answer, read until the server closes."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host or f'127.0.0.1:{port}'}",
             "Connection: close", *(f"{k}: {v}" for k, v in (headers or {}).items())]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *fields = head.decode("latin-1").split("\r\n")
    parsed = {k.strip().lower(): v.strip() for k, v in (f.split(":", 1) for f in fields)}
    return int(status.split()[1]), parsed, body


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder to serve, with links inside it to a folder and a file outside."""
    root = tmp_path / "served"
    (root / "sub").mkdir(parents=True)
    (root / "video.bin").write_bytes(DATA)
    (root / "sub" / "page.html").write_text("<p>hello</p>")
    (tmp_path / "secret.txt").write_text("private")
    (root / "etclink").symlink_to("/etc")
    (root / "secret.txt").symlink_to(tmp_path / "secret.txt")
    (root / "sub" / "alias.bin").symlink_to(root / "video.bin")
    return root


@pytest.fixture
def port(folder: Path) -> Iterator[int]:
    server = present.serve_folder(folder, timeout=1.0)
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


# --- what is served ----------------------------------------------------------------------------

def test_a_folder_is_served_file_by_file_never_through_a_link(port: int) -> None:
    assert request(port, "/video.bin")[2] == DATA
    assert request(port, "/sub/page.html")[2] == b"<p>hello</p>"
    for path in ("/", "/sub/", "/sub", "/etclink/passwd", "/etclink/hostname", "/secret.txt",
                 "/sub/alias.bin", "/video.bin/", "/video.bin/etclink/passwd",
                 "/sub/../etclink/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/nothing-here"):
        status, _, body = request(port, path)
        assert status == 404, path
        assert b"root:" not in body and b"private" not in body and b"hello" not in body, path


def test_the_presenter_serves_its_page_assets_and_named_files_only(tmp_path: Path) -> None:
    render = make_lesson(tmp_path / "render", "one-beat-each", "One beat each", ONE_EACH)
    (render / "etclink").symlink_to("/etc")
    with present.serving(load(render)) as presenter:
        base = presenter.url.rsplit("/", 1)[0]
        port = int(base.rsplit(":", 1)[1])
        status, headers, page = request(port, "/present.html")
        assert status == 200 and headers["content-type"].startswith("text/html")
        assert b"One beat each" in page
        assert request(port, "/present.html?notes")[0] == 200
        for name in ("/assets/present.css", "/assets/present.js"):
            assert request(port, name)[0] == 200, name
        assert request(port, "/lesson.mp4")[2] == (render / "lesson.mp4").read_bytes()
        assert request(port, "/lesson.vtt")[2] == (render / "lesson.vtt").read_bytes()
        # Nothing else of the render: not its manifest, not a file it did not name to serve.
        for path in ("/", "/assets/", "/manifest.json", "/beats.json", "/lesson.srt",
                     "/thumbnail.png", "/scenes/A.mp4", "/etclink/passwd",
                     "/lesson.mp4/etclink/passwd", "/lesson.mp4/"):
            status, _, body = request(port, path)
            assert status == 404 and b"root:" not in body, path


def test_a_render_handed_over_unchecked_with_a_folder_as_its_video_is_not_served(
        tmp_path: Path) -> None:
    render = make_lesson(tmp_path / "render", "one-beat-each", "One beat each", ONE_EACH)
    (render / "etclink").symlink_to("/etc")
    manifest = json.loads((render / "manifest.json").read_text())
    manifest["files"]["video"] = "."
    with pytest.raises(NotRenderedError, match="not a file"), \
            present.serving(RenderedLesson(render.resolve(), manifest)) as presenter:
        port = int(presenter.url.rsplit("/", 1)[0].rsplit(":", 1)[1])
        assert b"root:" not in request(port, "/lesson.mp4/etclink/passwd")[2]


# --- ranges ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("asked", "first", "last"), [
    ("bytes=0-0", 0, 0), ("bytes=100-199", 100, 199), ("bytes=-500", 9500, 9999),
    ("bytes=100-", 100, 9999), ("bytes=9990-20000", 9990, 9999), ("bytes=9999-9999", 9999, 9999),
    ("bytes=-20000", 0, 9999), ("bytes=0-", 0, 9999),
])
def test_a_range_sends_exactly_its_bytes(port: int, asked: str, first: int, last: int) -> None:
    status, headers, body = request(port, "/video.bin", {"Range": asked})
    assert status == 206
    assert headers["content-range"] == f"bytes {first}-{last}/{len(DATA)}"
    assert headers["content-length"] == str(last - first + 1)
    assert body == DATA[first:last + 1]


@pytest.mark.parametrize("asked", ["bytes=10000-", "bytes=10000-10001", "bytes=-0"])
def test_an_unsatisfiable_range_is_416_with_the_size(port: int, asked: str) -> None:
    status, headers, body = request(port, "/video.bin", {"Range": asked})
    assert status == 416 and headers["content-range"] == f"bytes */{len(DATA)}"
    assert body == b""


@pytest.mark.parametrize("asked", ["bytes=0-1,5-6", "bytes=5-2", "items=0-1", "bytes=x-y",
                                   "bytes=1-2-3", "bytes= "])
def test_several_or_malformed_ranges_get_the_whole_file(port: int, asked: str) -> None:
    status, headers, body = request(port, "/video.bin", {"Range": asked})
    assert status == 200 and body == DATA and headers["content-length"] == str(len(DATA))
    assert headers["accept-ranges"] == "bytes"


def test_head_says_what_get_would_send(port: int) -> None:
    status, headers, body = request(port, "/video.bin", {"Range": "bytes=0-0"}, method="HEAD")
    assert status == 206 and headers["content-length"] == "1" and body == b""
    assert request(port, "/video.bin", method="POST")[0] in (405, 501)


# --- who may ask -------------------------------------------------------------------------------

def test_only_this_servers_own_host_is_answered(port: int) -> None:
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        assert request(port, "/video.bin", host=host)[2] == DATA, host
    # A page on evil.example whose name was rebound to 127.0.0.1 sends its own name.
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}",
                 "127.0.0.1", f"127.0.0.1.evil.example:{port}", f"[::1]:{port}"):
        status, _, body = request(port, "/video.bin", host=host)
        assert status in (403, 421) and DATA[:100] not in body, host


def test_a_request_without_a_host_is_refused(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /video.bin HTTP/1.0\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.split(b" ", 2)[1] in (b"400", b"403", b"421") and DATA[:100] not in answer


# --- clients that never finish asking ----------------------------------------------------------

def closed_after(sock: socket.socket, limit: float) -> float:
    """Seconds until the server closes ``sock`` (it must within ``limit``)."""
    started = time.monotonic()
    sock.settimeout(limit)
    while sock.recv(65536):
        pass
    return time.monotonic() - started


def test_half_a_request_is_dropped_after_the_time_out(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(f"GET /video.bin HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode())
        assert closed_after(sock, 5.0) < 3.0


def test_a_request_sent_a_byte_at_a_time_is_dropped_all_the_same(port: int) -> None:
    """Each byte comes within the time-out; the whole request does not."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        for byte in b"GET /video.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1234567890":
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break  # closed by the server: the point of the test
            time.sleep(0.1)
        else:
            closed_after(sock, 5.0)
    assert time.monotonic() - started < 3.0


def test_a_silent_connection_does_not_stop_others_being_answered(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)):
        assert request(port, "/video.bin", {"Range": "bytes=0-0"})[2] == DATA[:1]
