"""``lessonreel publish youtube`` against google-api-python-client's own test double.

YouTube's servers cannot be reached from a test, so every request goes to the
library's ``HttpMockSequence`` (extended only to keep each body's bytes and to
drop a connection), through the client built from the discovery document the
library ships. The lesson is Module 2's real declaration; its rendered folder
is a real 30 s MP4, PNG and captions made here with ffmpeg, laid out and
listed in a manifest as ``lessonreel render`` writes them.
"""

from __future__ import annotations

import dataclasses
import email
import hashlib
import json
import os
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import srt
from click.testing import CliRunner
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.http import HttpMockSequence

from lessonreel.authoring.lesson import Lesson, get_lesson, tags_length
from lessonreel.captions.chapters import Chapter, youtube_text
from lessonreel.cli.app import cli
from lessonreel.errors import ClientSecretsError, LessonDeclarationError, SignInError
from lessonreel.publish import source, youtube_auth
from lessonreel.publish.youtube import (
    RECORD_NAME,
    SESSION_NAME,
    ChangedSinceUploadError,
    MetadataError,
    Publication,
    Publisher,
    YouTubeError,
    chapters_of,
    describe_reset,
    dry_run,
    next_quota_reset,
    save_session,
    youtube_service,
)

SLUG = "module02-derivatives"
SESSION = "https://youtube.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&upload_id=xyz"
CHUNK = 256 * 1024  # the smallest chunk YouTube accepts
API = "https://youtube.googleapis.com"


class YouTubeDouble(HttpMockSequence):
    """``HttpMockSequence`` that keeps each body's bytes as sent and can drop the connection.

    The library sends an upload chunk as a file slice; it is read here, the way
    a socket would read it, so a test sees the bytes that went out. An
    exception in the sequence is raised instead of answering, as a broken
    connection is.
    """

    def request(self, uri: str, method: str = "GET", body: Any = None,
                headers: dict[str, str] | None = None, redirections: int = 1,
                connection_type: Any = None) -> Any:
        if hasattr(body, "read"):
            body = body.read()
        if self._iterable and isinstance(self._iterable[0], BaseException):
            self.request_sequence.append((uri, method, body, headers))
            raise self._iterable.pop(0)
        return super().request(uri, method, body, headers, redirections, connection_type)

    @property
    def unanswered(self) -> int:
        return len(self._iterable)


def ok(data: Any = None, status: str = "200", **headers: str) -> tuple[dict[str, str], str]:
    return {"status": status, **headers}, "" if data is None else json.dumps(data)


def api_error(status: int, reason: str, message: str) -> tuple[dict[str, str], str]:
    return ok({"error": {"code": status, "message": message,
                         "errors": [{"reason": reason, "domain": "youtube", "message": message}]}},
              status=str(status))


def header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


def chunk_answers(size: int, start: int, video: dict[str, Any]) -> list[Any]:
    """The server's answers to chunks from ``start`` on: 308 with its Range, then the video."""
    answers: list[Any] = []
    offset = start
    while offset + CHUNK < size:
        offset += CHUNK
        answers.append(ok(status="308", range=f"bytes=0-{offset - 1}"))
    answers.append(ok(video))
    return answers


def after_video(video_id: str = "vid123") -> list[Any]:
    """Answers for captions, thumbnail and a playlist found on the second page."""
    return [
        ok({"id": "cap1", "snippet": {"videoId": video_id}}),
        ok({"items": [{"default": {"url": "https://i.ytimg.com/x.png"}}]}),
        ok({"items": [{"id": "PLother", "snippet": {"title": "Other course"}}],
            "nextPageToken": "page2"}),
        ok({"items": [{"id": "PLcourse", "snippet": {"title": "Artificial Neural Networks"}}]}),
        ok({"id": "item1"}),
    ]


# --- the rendered lesson --------------------------------------------------------------------

@pytest.fixture(scope="session")
def rendered_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete rendered lesson folder: 30 s of real H.264/AAC, three 10 s chapters."""
    folder = tmp_path_factory.mktemp("youtube-render") / "low"
    (folder / "scenes").mkdir(parents=True)
    ffmpeg = ["ffmpeg", "-v", "error", "-y"]
    subprocess.run([*ffmpeg, "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "30",
                    "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "200k",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k",
                    "-movflags", "+faststart", str(folder / "lesson.mp4")], check=True)
    subprocess.run([*ffmpeg, "-f", "lavfi", "-i", "testsrc2=size=1280x720", "-frames:v", "1",
                    str(folder / "thumbnail.png")], check=True)
    lesson = get_lesson(SLUG)
    chapters = [Chapter(scene.title, 10.0 * i, 10.0 * (i + 1))
                for i, scene in enumerate(lesson.scenes[:3])]
    cues = [srt.Subtitle(i + 1, timedelta(seconds=c.start + 1), timedelta(seconds=c.start + 4),
                         f"Sentence {i + 1}.") for i, c in enumerate(chapters)]
    (folder / "lesson.srt").write_text(srt.compose(cues), encoding="utf-8")
    (folder / "lesson.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nSentence 1.\n")
    (folder / "chapters.txt").write_text(youtube_text(chapters), encoding="utf-8")
    files = {"video": "lesson.mp4", "srt": "lesson.srt", "vtt": "lesson.vtt",
             "thumbnail": "thumbnail.png", "chapters": "chapters.txt"}
    manifest = {
        "lesson": SLUG, "title": lesson.title, "course": lesson.course, "quality": "low",
        "width": 320, "height": 180, "fps": 15, "narration": "none", "duration": 30.0,
        "complete": True, "files": files,
        "scenes": [{"name": s.name, "title": c.title, "file": f"scenes/{s.name}.mp4",
                    "start": c.start, "duration": c.duration}
                   for s, c in zip(lesson.scenes, chapters, strict=False)],
        "sizes": {name: (folder / name).stat().st_size for name in files.values()},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return folder


@pytest.fixture
def rendered(rendered_template: Path, tmp_path: Path) -> source.RenderedLesson:
    """A fresh copy per test: publishing writes youtube.json into the folder."""
    folder = tmp_path / "low"
    shutil.copytree(rendered_template, folder)
    return source.load(folder)


@pytest.fixture
def lesson() -> Lesson:
    return get_lesson(SLUG)


@pytest.fixture
def token(tmp_path: Path) -> Path:
    return tmp_path / "config" / "youtube-token.json"


def publisher(publication: Publication, http: Any, token: Path, sleeps: list[float],
              said: list[str]) -> Publisher:
    return Publisher(publication, youtube_service(http), said.append, token=token,
                     sleep=sleeps.append, rand=lambda: 1.0, chunk_size=CHUNK)


def publish(lesson: Lesson, rendered: source.RenderedLesson, answers: list[Any], token: Path,
            **options: Any) -> tuple[YouTubeDouble, list[float], list[str], str]:
    http = YouTubeDouble(answers)
    sleeps: list[float] = []
    said: list[str] = []
    url = publisher(Publication(lesson, rendered, **options), http, token, sleeps, said).run()
    assert http.unanswered == 0, "fewer requests than the test expected"
    return http, sleeps, said, url


def record_of(rendered: source.RenderedLesson) -> dict[str, Any]:
    return json.loads((rendered.folder / RECORD_NAME).read_text())


def first_upload_answers(size: int, video_id: str = "vid123",
                         privacy: str = "private") -> list[Any]:
    video = {"id": video_id, "status": {"privacyStatus": privacy}}
    return [ok(location=SESSION), *chunk_answers(size, 0, video), *after_video(video_id)]


# --- a first publish ------------------------------------------------------------------------

def test_first_publish_uploads_video_captions_thumbnail_and_adds_it_to_the_course_playlist(
        lesson: Lesson, rendered: source.RenderedLesson, token: Path) -> None:
    video = rendered.file("video")
    data = video.read_bytes()
    answers = [ok(location=SESSION), ok({"id": "vid123", "status": {"privacyStatus": "unlisted"}}),
               ok({"id": "cap1"}), ok({"items": []}),
               ok({"items": [{"id": "PLother", "snippet": {"title": "Other"}}],
                   "nextPageToken": "page2"}),
               ok({"items": []}), ok({"id": "PLnew"}), ok({"id": "item1"})]
    http = YouTubeDouble(answers)
    said: list[str] = []
    # One chunk: the whole file in one PUT, as the default 16 MiB chunks send a lesson this size.
    url = Publisher(Publication(lesson, rendered, privacy="unlisted"), youtube_service(http),
                    said.append, token=token).run()

    calls = [(method, uri.split("?")[0]) for uri, method, _, _ in http.request_sequence]
    assert calls == [
        ("POST", f"{API}/upload/youtube/v3/videos"),
        ("PUT", SESSION.split("?")[0]),
        ("POST", f"{API}/upload/youtube/v3/captions"),
        ("POST", f"{API}/upload/youtube/v3/thumbnails/set"),
        ("GET", f"{API}/youtube/v3/playlists"),
        ("GET", f"{API}/youtube/v3/playlists"),
        ("POST", f"{API}/youtube/v3/playlists"),
        ("POST", f"{API}/youtube/v3/playlistItems"),
    ]
    (start_uri, _, start_body, start_headers), (_, _, upload, upload_headers) = \
        http.request_sequence[:2]
    assert "uploadType=resumable" in start_uri and "part=snippet%2Cstatus" in start_uri
    assert header(start_headers, "X-Upload-Content-Length") == str(len(data))
    assert header(start_headers, "X-Upload-Content-Type") == "video/mp4"
    chapters = rendered.file("chapters").read_text().strip()
    assert json.loads(start_body) == {
        "snippet": {"title": "Derivatives and Partial Derivatives",
                    "description": f"{lesson.summary}\n\n{chapters}",
                    "tags": list(lesson.tags), "categoryId": "27"},
        "status": {"privacyStatus": "unlisted", "selfDeclaredMadeForKids": False},
    }
    assert chapters.startswith("0:00 Welcome and learning objectives\n0:10 ")
    assert upload == data
    assert header(upload_headers, "Content-Range") == f"bytes 0-{len(data) - 1}/{len(data)}"

    captions_uri, _, captions_body, captions_headers = http.request_sequence[2]
    assert "part=snippet" in captions_uri and "uploadType=multipart" in captions_uri
    parts = email.message_from_bytes(
        f"Content-Type: {header(captions_headers, 'content-type')}\r\n\r\n".encode()
        + captions_body).get_payload()
    assert json.loads(parts[0].get_payload()) == {"snippet": {
        "videoId": "vid123", "language": "en", "name": "English", "isDraft": False}}
    assert parts[1].get_payload(decode=True) == rendered.file("srt").read_bytes()

    thumb_uri, _, thumb_body, thumb_headers = http.request_sequence[3]
    assert "videoId=vid123" in thumb_uri
    assert thumb_body == rendered.file("thumbnail").read_bytes()
    assert header(thumb_headers, "content-type") == "image/png"

    first_page, second_page = http.request_sequence[4][0], http.request_sequence[5][0]
    assert "mine=true" in first_page and "pageToken" not in first_page
    assert "pageToken=page2" in second_page
    assert json.loads(http.request_sequence[6][2]) == {
        "snippet": {"title": "Artificial Neural Networks",
                    "description": "Lessons of Artificial Neural Networks."},
        "status": {"privacyStatus": "unlisted"}}
    assert json.loads(http.request_sequence[7][2]) == {"snippet": {
        "playlistId": "PLnew", "resourceId": {"kind": "youtube#video", "videoId": "vid123"}}}

    assert url == "https://youtu.be/vid123"
    record = record_of(rendered)
    assert record["video_id"] == "vid123"
    assert record["sha256"] == hashlib.sha256(data).hexdigest()
    assert record["steps"] == {"video": True, "captions": {"id": "cap1", "language": "en"},
                               "thumbnail": True,
                               "playlist": {"title": "Artificial Neural Networks",
                                            "id": "PLnew", "item_id": "item1"}}
    assert not any("warning" in line for line in said)


def test_publishing_the_same_file_again_uploads_nothing_and_says_so(
        lesson: Lesson, rendered: source.RenderedLesson, token: Path) -> None:
    size = rendered.file("video").stat().st_size
    publish(lesson, rendered, first_upload_answers(size), token)
    before = record_of(rendered)

    http, _, said, url = publish(lesson, rendered, [], token)

    assert http.request_sequence == []
    assert url == "https://youtu.be/vid123"
    assert said == ["lesson.mp4 is already on YouTube as https://youtu.be/vid123 (same SHA-256, "
                    "captions, thumbnail and playlist done): nothing uploaded"]
    assert record_of(rendered) == before


def test_privacy_given_again_changes_the_published_videos_privacy_only(
        lesson: Lesson, rendered: source.RenderedLesson, token: Path) -> None:
    size = rendered.file("video").stat().st_size
    publish(lesson, rendered, first_upload_answers(size), token)
    answer = ok({"id": "vid123", "status": {"privacyStatus": "public"}})
    http, _, said, _ = publish(lesson, rendered, [answer], token, privacy="public")
    ((uri, method, body, _),) = http.request_sequence
    assert (method, uri.split("?")[0]) == ("PUT", f"{API}/youtube/v3/videos")
    assert "part=status" in uri
    assert json.loads(body) == {"id": "vid123", "status": {
        "privacyStatus": "public", "selfDeclaredMadeForKids": False}}
    assert said == [
        "lesson.mp4 is already on YouTube as https://youtu.be/vid123: not uploading it again; "
        "changing its privacy from private to public",
        "https://youtu.be/vid123 is now public"]
    assert record_of(rendered)["privacy"] == "public"
    # Without --privacy, a published video keeps whatever it has.
    http, _, said, _ = publish(lesson, rendered, [], token)
    assert http.request_sequence == [] and said[0].endswith("nothing uploaded")
    lines = dry_run(Publication(lesson, rendered, privacy="unlisted"),
                    youtube_service(YouTubeDouble([])))
    assert any(line.startswith(f"PUT {API}/youtube/v3/videos?part=status") and "[50 units]"
               in line for line in lines)


def test_a_changed_video_is_refused_without_replace_and_uploaded_as_new_with_it(
        lesson: Lesson, rendered: source.RenderedLesson, token: Path) -> None:
    video = rendered.file("video")
    size = video.stat().st_size
    publish(lesson, rendered, first_upload_answers(size), token)
    published = hashlib.sha256(video.read_bytes()).hexdigest()
    # A re-render: other bytes, same size, so the manifest still vouches for the folder.
    data = bytearray(video.read_bytes())
    data[size // 2] ^= 0xFF
    video.write_bytes(bytes(data))

    with pytest.raises(ChangedSinceUploadError) as refused:
        Publication(lesson, source.load(rendered.folder))
    assert "changed since it was published as https://youtu.be/vid123" in str(refused.value)
    assert "--replace" in str(refused.value)
    assert "stays on YouTube" in str(refused.value)

    http, _, said, url = publish(lesson, source.load(rendered.folder),
                                 first_upload_answers(size, "vid456"), token, replace=True)
    assert url == "https://youtu.be/vid456"
    assert http.request_sequence[0][0].startswith(f"{API}/upload/youtube/v3/videos")
    assert "the earlier one, https://youtu.be/vid123, is left on YouTube" in said[0]
    record = record_of(rendered)
    assert record["video_id"] == "vid456"
    assert record["sha256"] == hashlib.sha256(data).hexdigest()
    assert record["earlier_videos"] == [{"video_id": "vid123", "sha256": published}]


# --- failures on the way --------------------------------------------------------------------

def test_server_errors_are_retried_with_growing_backoff_and_the_upload_resumes(
        lesson: Lesson, rendered: source.RenderedLesson, token: Path) -> None:
    data = rendered.file("video").read_bytes()
    size = len(data)
    video = {"id": "vid123", "status": {"privacyStatus": "private"}}
    answers = [
        ok(status="503"), ok(status="502"), ok(location=SESSION),  # starting the session
        ok(status="308", range=f"bytes=0-{CHUNK - 1}"),           # first chunk
        ok(status="503"),                                         # second chunk fails
        ok(status="308", range=f"bytes=0-{CHUNK - 1}"),           # "what do you hold?"
        *chunk_answers(size, CHUNK, video), *after_video(),
    ]
    http, sleeps, said, _ = publish(lesson, rendered, answers, token)

    assert sleeps == [2.0, 4.0, 2.0]  # 2^n s for n failures in a row, reset by progress
    puts = [(header(h, "Content-Range"), body) for _, m, body, h in http.request_sequence
            if m == "PUT"]
    assert puts[0] == (f"bytes 0-{CHUNK - 1}/{size}", data[:CHUNK])
    assert puts[1][0] == f"bytes {CHUNK}-{2 * CHUNK - 1}/{size}"
    assert puts[2] == (f"bytes */{size}", None)
    assert puts[3] == (f"bytes {CHUNK}-{2 * CHUNK - 1}/{size}", data[CHUNK:2 * CHUNK])
    assert sum(1 for line in said if line.startswith("upload interrupted (HTTP 50")) == 3
    assert record_of(rendered)["video_id"] == "vid123"


def test_a_broken_connection_resumes_from_the_offset_the_server_reports(
        lesson: Lesson, rendered: source.RenderedLesson, token: Path) -> None:
    data = rendered.file("video").read_bytes()
    size = len(data)
    held = CHUNK + 100_000  # the server kept part of the chunk that was cut off
    video = {"id": "vid123", "status": {"privacyStatus": "private"}}
    answers = [
        ok(location=SESSION),
        ok(status="308", range=f"bytes=0-{CHUNK - 1}"),
        ConnectionResetError(104, "Connection reset by peer"),
        ok(status="308", range=f"bytes=0-{held - 1}"),
        *chunk_answers(size, held, video), *after_video(),
    ]
    http, sleeps, said, _ = publish(lesson, rendered, answers, token)

    puts = [(header(h, "Content-Range"), body) for _, m, body, h in http.request_sequence
            if m == "PUT"]
    assert puts[2] == (f"bytes */{size}", None)
    resumed_range, resumed_body = puts[3]
    assert resumed_range == f"bytes {held}-{held + CHUNK - 1}/{size}"
    assert resumed_body == data[held:held + CHUNK]
    # Every byte reached the server exactly once after the resume, and nothing from zero.
    assert b"".join(body for _, body in puts[3:]) == data[held:]
    assert sleeps == [2.0]
    assert "connection broken: ConnectionResetError" in " ".join(said)


def test_an_upload_that_keeps_failing_gives_up_with_backoff_capped(
        lesson: Lesson, rendered: source.RenderedLesson, token: Path) -> None:
    http = YouTubeDouble([TimeoutError("timed out") for _ in range(8)])
    sleeps: list[float] = []
    with pytest.raises(YouTubeError) as stopped:
        publisher(Publication(lesson, rendered), http, token, sleeps, []).run()
    assert str(stopped.value) == (
        "uploading lesson.mp4 failed 8 times in a row (last: connection broken: TimeoutError); "
        "nothing was recorded: run the same command again to upload it from the start")
    assert sleeps == [2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 64.0]
    # With no session yet, each try asks for one again.
    assert {m for _, m, _, _ in http.request_sequence} == {"POST"} and http.unanswered == 0
    assert not (rendered.folder / RECORD_NAME).exists()


def test_a_later_run_resumes_an_interrupted_upload_from_the_offset_youtube_holds(
        lesson: Lesson, rendered: source.RenderedLesson, token: Path) -> None:
    data = rendered.file("video").read_bytes()
    size = len(data)
    cut_off = [ok(location=SESSION), ok(status="308", range=f"bytes=0-{CHUNK - 1}"),
               *[TimeoutError("timed out") for _ in range(8)]]
    http = YouTubeDouble(cut_off)
    with pytest.raises(YouTubeError, match="run the same command again to resume it"):
        publisher(Publication(lesson, rendered), http, token, [], []).run()
    session_file = rendered.folder / SESSION_NAME
    assert json.loads(session_file.read_text())["uri"] == SESSION
    assert session_file.stat().st_mode & 0o777 == 0o600
    assert not (rendered.folder / RECORD_NAME).exists()

    video = {"id": "vid123", "status": {"privacyStatus": "private"}}
    answers = [ok(status="308", range=f"bytes=0-{CHUNK - 1}"),  # "what do you hold?"
               *chunk_answers(size, CHUNK, video), *after_video()]
    http, _, said, url = publish(lesson, rendered, answers, token)
    first_uri, first_method, first_body, first_headers = http.request_sequence[0]
    assert (first_uri, first_method, first_body) == (SESSION, "PUT", None)
    assert header(first_headers, "Content-Range") == f"bytes */{size}"
    puts = [body for uri, m, body, _ in http.request_sequence if m == "PUT" and body]
    assert b"".join(puts) == data[CHUNK:]  # nothing sent twice, no new session
    assert not any(m == "POST" and "uploadType=resumable" in uri
                   for uri, m, _, _ in http.request_sequence)
    assert said[0].startswith("resuming the upload of lesson.mp4 started ")
    assert url == "https://youtu.be/vid123" and not session_file.exists()


def test_an_expired_upload_session_starts_the_upload_again(
        lesson: Lesson, rendered: source.RenderedLesson, token: Path) -> None:
    size = rendered.file("video").stat().st_size
    save_session(rendered.folder, hashlib.sha256(rendered.file("video").read_bytes())
                 .hexdigest(), SESSION + "-old")
    http, _, said, url = publish(lesson, rendered,
                                 [ok(status="404"), *first_upload_answers(size)], token)
    assert http.request_sequence[0][0] == SESSION + "-old"
    assert "that upload session has expired on YouTube" in " ".join(said)
    assert url == "https://youtu.be/vid123"
    assert not (rendered.folder / SESSION_NAME).exists()


def test_an_interruption_after_the_upload_finishes_the_rest_without_a_new_video(
        lesson: Lesson, rendered: source.RenderedLesson, token: Path) -> None:
    size = rendered.file("video").stat().st_size
    video = {"id": "vid123", "status": {"privacyStatus": "private"}}
    quota = api_error(403, "quotaExceeded", "The request cannot be completed because you "
                                            "have exceeded your quota.")
    with pytest.raises(YouTubeError) as stopped:
        publish(lesson, rendered, [ok(location=SESSION), *chunk_answers(size, 0, video), quota],
                token)
    message = str(stopped.value)
    assert "quota exceeded at captions.insert" in message
    assert "10,000 units a day (captions.insert costs 400)" in message
    assert "https://youtu.be/vid123 is up and video recorded" in message
    assert record_of(rendered)["steps"] == {"video": True}

    http, _, said, _ = publish(lesson, rendered, after_video(), token)
    assert [m for _, m, _, _ in http.request_sequence] == ["POST", "POST", "GET", "GET", "POST"]
    assert not any("/videos" in uri for uri, *_ in http.request_sequence)
    assert said[0] == ("lesson.mp4 is already on YouTube as https://youtu.be/vid123: not "
                       "uploading it again; finishing: captions, thumbnail, playlist")
    assert set(record_of(rendered)["steps"]) == {"video", "captions", "thumbnail", "playlist"}


def test_quota_exceeded_on_upload_names_the_quota_and_the_local_time_it_resets(
        lesson: Lesson, rendered: source.RenderedLesson, token: Path) -> None:
    quota = api_error(403, "quotaExceeded", "The request cannot be completed because you have "
                                            "exceeded your quota.")
    with pytest.raises(YouTubeError) as stopped:
        publish(lesson, rendered, [quota], token)
    message = str(stopped.value)
    assert "YouTube Data API quota exceeded at videos.insert" in message
    assert "100 videos.insert calls a day" in message
    reset = next_quota_reset()
    assert f"midnight Pacific Time, {reset:%Y-%m-%d %H:%M %Z} your time" in message
    assert "nothing was published" in message
    assert not (rendered.folder / RECORD_NAME).exists()


def test_the_next_quota_reset_is_midnight_pacific_shown_in_local_time() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    winter = datetime(2026, 11, 27, 20, 30, tzinfo=timezone.utc)  # 12:30 PST
    assert next_quota_reset(winter, berlin) == datetime(2026, 11, 28, 9, 0, tzinfo=berlin)
    summer = datetime(2026, 7, 1, 6, 59, tzinfo=timezone.utc)  # 23:59 PDT on 30 June
    assert next_quota_reset(summer, timezone.utc) == datetime(2026, 7, 1, 7, 0,
                                                              tzinfo=timezone.utc)
    assert describe_reset(winter, berlin) == ("quotas reset at midnight Pacific Time, "
                                              "2026-11-28 09:00 CET your time (in 11 h 30 min)")


def test_the_channel_upload_limit_is_told_apart_from_the_api_quota(
        lesson: Lesson, rendered: source.RenderedLesson, token: Path) -> None:
    limit = api_error(400, "uploadLimitExceeded", "The user has exceeded the number of videos "
                                                  "they may upload.")
    with pytest.raises(YouTubeError, match=r"channel has reached YouTube's limit on uploads "
                                           r"a day \(uploadLimitExceeded.*try again in 24 h"):
        publish(lesson, rendered, [limit], token)


def test_a_revoked_sign_in_says_how_to_sign_in_again(
        lesson: Lesson, rendered: source.RenderedLesson, token: Path) -> None:
    credentials = Credentials(token="stale-access-token", refresh_token="1//secret-refresh",
                              client_id="client.apps.googleusercontent.com",
                              client_secret="client-secret",
                              token_uri="https://oauth2.googleapis.com/token",
                              expiry=datetime(2000, 1, 1))
    google = YouTubeDouble([ok({"error": "invalid_grant",
                                "error_description": "Token has been expired or revoked."},
                               status="400")])
    publication = Publication(lesson, rendered)
    with pytest.raises(YouTubeError) as refused:
        Publisher(publication, youtube_service(AuthorizedHttp(credentials, http=google)),
                  print, token=token).run()
    message = str(refused.value)
    assert google.request_sequence[0][0] == "https://oauth2.googleapis.com/token"
    assert message.startswith("the saved YouTube sign-in no longer works: invalid_grant")
    assert "7 days" in message
    assert f"lessonreel publish youtube {SLUG} --sign-in" in message and str(token) in message
    assert "secret" not in message and "stale-access-token" not in message


def test_401_says_how_to_sign_in_again(lesson: Lesson, rendered: source.RenderedLesson,
                                       token: Path) -> None:
    with pytest.raises(YouTubeError) as refused:
        publish(lesson, rendered, [api_error(401, "authError", "Invalid Credentials")], token)
    assert str(refused.value) == (
        "YouTube did not accept the sign-in at videos.insert (401 authError); sign in again "
        f"with: lessonreel publish youtube {SLUG} --sign-in (or delete {token} and publish "
        "again)")


def test_an_unverified_api_project_is_explained(lesson: Lesson,
                                               rendered: source.RenderedLesson,
                                               token: Path) -> None:
    size = rendered.file("video").stat().st_size
    # YouTube takes the upload but keeps it private: say why instead of failing.
    _, _, said, _ = publish(lesson, rendered, first_upload_answers(size, privacy="private"),
                            token, privacy="public")
    warning = next(line for line in said if line.startswith("warning"))
    assert "you asked for public but YouTube made the video private" in warning
    assert "YouTube API Services audit" in warning and "--privacy private" in warning
    assert record_of(rendered)["privacy"] == "private"

    (rendered.folder / RECORD_NAME).unlink()
    forbidden = api_error(403, "forbidden", "The request is not properly authorized.")
    with pytest.raises(YouTubeError, match=r"refused the upload \(403 forbidden.*locked "
                                           r"private.*yt_api_form"):
        publish(lesson, rendered, [forbidden], token, privacy="public")


# --- checked before any request -------------------------------------------------------------

@pytest.mark.parametrize(("change", "expected"), [
    ({"title": "x" * 101}, "the title has 101 characters; YouTube takes 1 to 100"),
    ({"summary": "When x < 2 the slope is negative."}, "the description holds '<'"),
    ({"title": "Slopes > secants"}, "the title holds '>'"),
])
def test_metadata_that_youtube_would_refuse_is_refused_before_any_request(
        lesson: Lesson, rendered: source.RenderedLesson, change: dict[str, str],
        expected: str) -> None:
    with pytest.raises(MetadataError) as refused:
        Publication(dataclasses.replace(lesson, **change), rendered)
    assert expected in str(refused.value)
    assert str(refused.value).startswith(f"lesson {SLUG} cannot go to YouTube as declared: ")
    assert "\n" not in str(refused.value)


def test_the_description_limit_counts_utf8_bytes(lesson: Lesson,
                                                 rendered: source.RenderedLesson) -> None:
    with pytest.raises(MetadataError, match=r"is \d{4} bytes of UTF-8; YouTube takes at most "
                                            r"5000: shorten the lesson's summary="):
        Publication(dataclasses.replace(lesson, summary="é" * 2600), rendered)


def test_chapters_that_break_youtubes_rules_are_refused(lesson: Lesson,
                                                       rendered: source.RenderedLesson) -> None:
    manifest = dict(rendered.manifest)
    manifest["scenes"] = [dict(scene, start=5.0 * i, duration=5.0)
                          for i, scene in enumerate(manifest["scenes"])]
    short = dataclasses.replace(rendered, manifest=manifest)
    with pytest.raises(MetadataError, match=r"chapters: chapter 'Welcome and learning "
                                            r"objectives' lasts 5.0 s; YouTube needs at least 10"):
        Publication(lesson, short)


def test_each_chapter_ends_where_the_next_starts_despite_the_manifests_rounding(
        rendered: source.RenderedLesson) -> None:
    manifest = dict(rendered.manifest)
    manifest["scenes"] = [dict(scene, start=start, duration=duration)
                          for scene, (start, duration) in zip(
                              manifest["scenes"][:3],
                              [(0.0, 258.533333), (258.533333, 44.333333),
                               (302.866667, 56.683333)], strict=True)]
    chapters = chapters_of(dataclasses.replace(rendered, manifest=manifest))
    assert [(c.start, c.end) for c in chapters] == [
        (0.0, 258.533333), (258.533333, 302.866667), (302.866667, 302.866667 + 56.683333)]


def test_lesson_tags_and_category_are_checked_where_they_are_declared(lesson: Lesson) -> None:
    with pytest.raises(LessonDeclarationError, match="tags must be a tuple of strings"):
        dataclasses.replace(lesson, tags="calculus")  # type: ignore[arg-type]
    with pytest.raises(LessonDeclarationError, match="tag 'a<b' must not"):
        dataclasses.replace(lesson, tags=("a<b",))
    # Counted as YouTube counts: a comma between tags, quotes round a tag with a space.
    assert tags_length(dataclasses.replace(lesson, tags=("x" * 250, "y" * 249)).tags) == 500
    with pytest.raises(LessonDeclarationError, match=r"take 502 characters.*limit is 500"):
        dataclasses.replace(lesson, tags=("x" * 250, "y" * 247 + " y"))
    with pytest.raises(LessonDeclarationError, match=r"category '99'.*27 \(Education\)"):
        dataclasses.replace(lesson, category="99")
    assert lesson.category == "27" and "partial derivatives" in lesson.tags


# --- the dry run ----------------------------------------------------------------------------

def test_a_dry_run_prints_every_request_with_sizes_and_sends_or_writes_nothing(
        lesson: Lesson, rendered: source.RenderedLesson) -> None:
    before = {p: p.stat().st_mtime_ns for p in rendered.folder.rglob("*")}
    http = YouTubeDouble([])
    lines = dry_run(Publication(lesson, rendered), youtube_service(http))

    assert http.request_sequence == []
    assert {p: p.stat().st_mtime_ns for p in rendered.folder.rglob("*")} == before
    text = "\n".join(lines)
    size = rendered.file("video").stat().st_size
    for expected in [
        f"POST {API}/upload/youtube/v3/videos?part=snippet,status&alt=json&uploadType=resumable",
        f"lesson.mp4 {size:,} B, video/mp4, in 1 chunk(s) of at most 16 MiB",
        f"POST {API}/upload/youtube/v3/captions?part=snippet&alt=json&uploadType=multipart",
        f"lesson.srt {rendered.file('srt').stat().st_size:,} B",
        f"POST {API}/upload/youtube/v3/thumbnails/set?videoId=<new-video-id>&alt=json&"
        "uploadType=media",
        f"thumbnail.png {rendered.file('thumbnail').stat().st_size:,} B, image/png",
        f"GET {API}/youtube/v3/playlists?part=snippet&mine=true&maxResults=50",
        f"POST {API}/youtube/v3/playlists?part=snippet,status",
        f"POST {API}/youtube/v3/playlistItems?part=snippet",
        "quota: about 501 (up to 551) of the project's 10,000 units a day, and 1 of its 100",
    ]:
        assert expected in text


# --- signing in -----------------------------------------------------------------------------

def test_the_token_is_written_owner_only_atomically_and_read_back(tmp_path: Path) -> None:
    token = tmp_path / "config" / "lessonreel" / "youtube-token.json"
    credentials = Credentials(token="access", refresh_token="1//refresh", client_id="id",
                              client_secret="secret", token_uri="https://oauth2.googleapis.com/token",
                              scopes=list(youtube_auth.SCOPES))
    old = os.umask(0)  # the most permissive umask: the mode must not depend on it
    try:
        youtube_auth.save_token(credentials, token)
    finally:
        os.umask(old)
    assert token.stat().st_mode & 0o777 == 0o600
    assert token.parent.stat().st_mode & 0o777 == 0o700
    assert [p.name for p in token.parent.iterdir()] == ["youtube-token.json"]
    loaded = youtube_auth.load_token(token, SLUG)
    assert loaded is not None and loaded.refresh_token == "1//refresh"

    token.chmod(0o644)  # copied in by hand
    youtube_auth.load_token(token, SLUG)
    assert token.stat().st_mode & 0o777 == 0o600


def test_an_unreadable_token_says_how_to_sign_in_again(token: Path) -> None:
    token.parent.mkdir(parents=True)
    token.write_text('{"refresh_token": "1//only-half"')
    with pytest.raises(SignInError) as refused:
        youtube_auth.load_token(token, SLUG)
    assert f"lessonreel publish youtube {SLUG} --sign-in" in str(refused.value)
    assert "only-half" not in str(refused.value)


@pytest.mark.parametrize(("content", "expected"), [
    (None, "no OAuth client secrets at"),
    ("{not json", "is not a client secrets JSON file"),
    ('{"web": {"client_id": "x"}}', "is a 'Web application' OAuth client"),
    ('{"installed": {"client_id": "x"}}', "lacks client_secret, auth_uri, token_uri"),
])
def test_client_secrets_problems_say_where_to_download_them(tmp_path: Path, content: str | None,
                                                            expected: str) -> None:
    path = tmp_path / "client_secret.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ClientSecretsError) as refused:
        youtube_auth.load_client_config(path)
    assert expected in str(refused.value)
    assert ("Google Cloud console > APIs & Services > Credentials > Create credentials > "
            "OAuth client ID > Desktop app") in str(refused.value)


# --- the command line -----------------------------------------------------------------------

def test_the_command_is_a_dry_run_until_youtube_is_set_up(rendered: source.RenderedLesson,
                                                          tmp_path: Path) -> None:
    config = tmp_path / "xdg"
    result = CliRunner().invoke(cli, ["publish", "youtube", SLUG, "--from",
                                      str(rendered.folder), "--privacy", "unlisted"],
                                env={"XDG_CONFIG_HOME": str(config)})
    assert result.exit_code == 0, result.output
    assert "YouTube is not set up yet (no client secrets at " \
           f"{config / 'lessonreel' / 'client_secret.json'}" in result.stderr
    assert f"POST {API}/upload/youtube/v3/videos?part=snippet,status" in result.stdout
    assert "privacy unlisted" in result.stdout
    assert result.stdout.rstrip().endswith("dry run: no request was sent and nothing was written")
    assert not config.exists()
    assert not (rendered.folder / RECORD_NAME).exists()


def test_the_command_refuses_a_bad_client_secrets_file(rendered: source.RenderedLesson,
                                                       tmp_path: Path) -> None:
    secrets = tmp_path / "client_secret.json"
    secrets.write_text('{"web": {"client_id": "x", "client_secret": "y"}}')
    result = CliRunner().invoke(cli, ["publish", "youtube", SLUG, "--from",
                                      str(rendered.folder), "--client-secrets", str(secrets)],
                                env={"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert result.exit_code == 2
    assert result.stderr.startswith(f"ClientSecretsError: {secrets} is a 'Web application' "
                                    "OAuth client; lessonreel signs in as a desktop app: "
                                    "download them from the Google Cloud console")
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_an_interruption_before_the_new_video_is_recorded_resumes_it_instead_of_uploading_twice(
        lesson: Lesson, rendered: source.RenderedLesson, token: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from lessonreel.publish import youtube

    size = rendered.file("video").stat().st_size
    video = {"id": "vid123", "status": {"privacyStatus": "private"}}
    real_save = youtube.save_record

    def killed(folder: Path, record: dict[str, Any]) -> None:
        raise KeyboardInterrupt  # the author's Ctrl-C, just as YouTube answered the upload

    monkeypatch.setattr(youtube, "save_record", killed)
    with pytest.raises(KeyboardInterrupt):
        publish(lesson, rendered, [ok(location=SESSION), *chunk_answers(size, 0, video)], token)
    monkeypatch.setattr(youtube, "save_record", real_save)

    # Asked what it holds, the finished session answers with the video it made.
    http, _, _, url = publish(lesson, rendered, [ok(video), *after_video()], token)
    assert not any(m == "POST" and "uploadType=resumable" in uri
                   for uri, m, _, _ in http.request_sequence), "the lesson was uploaded twice"
    assert http.request_sequence[0][:2] == (SESSION, "PUT")
    assert url == "https://youtu.be/vid123"
    assert record_of(rendered)["video_id"] == "vid123"
    assert not (rendered.folder / SESSION_NAME).exists()


def test_a_session_opened_before_any_byte_is_confirmed_is_kept_for_the_next_run(
        lesson: Lesson, rendered: source.RenderedLesson, token: Path) -> None:
    data = rendered.file("video").read_bytes()
    cut_off = [ok(location=SESSION), *[TimeoutError("timed out") for _ in range(8)]]
    with pytest.raises(YouTubeError, match="run the same command again to resume it"):
        publisher(Publication(lesson, rendered), YouTubeDouble(cut_off), token, [], []).run()
    assert json.loads((rendered.folder / SESSION_NAME).read_text())["uri"] == SESSION

    video = {"id": "vid123", "status": {"privacyStatus": "private"}}
    answers = [ok(status="308"),  # "what do you hold?": nothing yet
               *chunk_answers(len(data), 0, video), *after_video()]
    http, _, _, url = publish(lesson, rendered, answers, token)
    assert not any(m == "POST" and "uploadType=resumable" in uri
                   for uri, m, _, _ in http.request_sequence)
    puts = [body for uri, m, body, _ in http.request_sequence if m == "PUT" and body]
    assert b"".join(puts) == data
    assert url == "https://youtu.be/vid123"
