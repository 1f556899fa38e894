"""``lessonreel publish youtube``: a rendered lesson onto the author's channel.

A publish is four steps, each recorded in ``youtube.json`` in the rendered
lesson folder as soon as it finishes, so an interrupted publish goes on where
it stopped instead of uploading the video a second time::

    video      videos.insert: resumable upload of lesson.mp4 with title, description,
               tags, category and privacy
    captions   captions.insert with lesson.srt
    thumbnail  thumbnails.set with thumbnail.png
    playlist   playlists.list (mine) -> playlists.insert when missing -> playlistItems.insert

The record also holds the SHA-256 of the uploaded lesson.mp4: the same file is
never uploaded twice, and a changed one only with ``--replace``. Everything is
checked against YouTube's rules before the first request, and ``--dry-run``
prints the requests the library would send, with sizes, and sends none.

Over 400 lines because the four steps, their record and the dry run are one
resumable protocol against one API; sign-in, which stands alone, is youtube_auth.py.
"""

from __future__ import annotations

import http.client
import json
import random
import ssl
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import httplib2
from google.auth.exceptions import RefreshError, TransportError
from googleapiclient.discovery import Resource, build
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest, MediaFileUpload

from lessonreel.authoring.lesson import MAX_TAGS_LENGTH, Lesson, tags_length
from lessonreel.captions.chapters import Chapter, chapter_problems, youtube_text
from lessonreel.errors import (
    ChangedSinceUploadError,
    MetadataError,
    UsageError,
    YouTubeError,
    YouTubeRecordError,
)
from lessonreel.files import file_digest, write_atomically
from lessonreel.publish.source import RenderedLesson, chapter_bounds
from lessonreel.publish.youtube_auth import sign_in_again, write_private
from lessonreel.records import parse_json, read_object
from lessonreel.render.outputs import probe_writable

RECORD_NAME = "youtube.json"
#: An upload in progress: its resumable session, so the next run continues it. The
#: session address lets anyone holding it upload into it, so the file is owner-only.
SESSION_NAME = "youtube-upload.json"
#: YouTube keeps a resumable session for about a week; an older one is not tried.
SESSION_MAX_AGE = timedelta(days=6)
PRIVACY_CHOICES = ("private", "unlisted", "public")
STEPS = ("video", "captions", "thumbnail", "playlist")
MAX_TITLE_CHARS = 100
MAX_DESCRIPTION_BYTES = 5000
#: The narration voice speaks US English.
CAPTION_LANGUAGE = "en"
CAPTION_NAME = "English"
#: Resumable chunks must be multiples of 256 KiB; 16 MiB gives progress without overhead.
CHUNK_SIZE = 16 * 1024 * 1024
#: Server errors worth another try; anything else is reported.
RETRY_STATUSES = frozenset({500, 502, 503, 504})
#: Failures of the connection itself, seen as exceptions rather than responses.
BROKEN_CONNECTION = (ConnectionError, TimeoutError, ssl.SSLError, http.client.HTTPException,
                     httplib2.HttpLib2Error)
#: Tries of one upload request in a row without progress, and the longest wait between them.
MAX_UPLOAD_TRIES = 8
MAX_BACKOFF_SECONDS = 64.0
#: The library's own retries (5xx, 429, rate limits, broken connections) for the small requests.
REQUEST_RETRIES = 5
PACIFIC = ZoneInfo("America/Los_Angeles")
#: Units each call costs of a project's 10,000 a day, from YouTube's quota cost table
#: (developers.google.com/youtube/v3/determine_quota_cost); videos.insert has its own count.
QUOTA_UNITS = {"captions.insert": 400, "thumbnails.set": 50, "playlists.list": 1,
               "videos.update": 50,
               "playlists.insert": 50, "playlistItems.insert": 50}
QUOTA_TEXT = {
    "videos.insert": "the project's daily allowance of uploads through the API (100 "
                     "videos.insert calls a day; projects still on the older scheme spend "
                     "1,600 of their 10,000 daily units on each upload)",
}
AUDIT_FORM = "https://support.google.com/youtube/contact/yt_api_form"
UNVERIFIED_PROJECT = (
    "videos uploaded through an API project that has not passed Google's YouTube API "
    "Services audit are locked private; request the audit at " + AUDIT_FORM + " (until it "
    "passes, publish with --privacy private)"
)






@dataclass(frozen=True)
class VideoMetadata:
    """What videos.insert sends besides the video itself."""

    title: str
    description: str
    tags: tuple[str, ...]
    category: str
    privacy: str

    def body(self) -> dict[str, Any]:
        return {
            "snippet": {"title": self.title, "description": self.description,
                        "tags": list(self.tags), "categoryId": self.category},
            # Lessons are for learners of any age, but not "made for kids" in COPPA's sense,
            # which would switch off comments and notifications.
            "status": {"privacyStatus": self.privacy, "selfDeclaredMadeForKids": False},
        }


def chapters_of(rendered: RenderedLesson) -> list[Chapter]:
    scenes = rendered.scenes
    return [Chapter(scene["title"], start, end)
            for scene, (start, end) in zip(scenes, chapter_bounds(scenes), strict=True)]


def video_metadata(lesson: Lesson, rendered: RenderedLesson, privacy: str) -> VideoMetadata:
    """Title, description (summary, then the chapter list), tags and category, all checked."""
    if privacy not in PRIVACY_CHOICES:
        raise UsageError(f"unknown privacy {privacy!r}; choose one of: "
                         f"{', '.join(PRIVACY_CHOICES)}")
    # From the manifest, not chapters.txt: a lesson whose chapters break the rules has no
    # chapters.txt, and should hear what breaks them below rather than "render again".
    chapter_list = youtube_text(chapters_of(rendered)).strip()
    summary = lesson.summary.strip()
    description = f"{summary}\n\n{chapter_list}" if summary else chapter_list
    metadata = VideoMetadata(lesson.title, description, lesson.tags, lesson.category, privacy)
    problems = metadata_problems(metadata, chapters_of(rendered))
    if problems:
        raise MetadataError(f"lesson {lesson.slug} cannot go to YouTube as declared: "
                            + "; ".join(problems))
    return metadata


def metadata_problems(metadata: VideoMetadata, chapters: list[Chapter]) -> list[str]:
    """Every way the metadata breaks YouTube's rules, each saying what to change."""
    problems = []
    if not metadata.title.strip() or len(metadata.title) > MAX_TITLE_CHARS:
        problems.append(f"the title has {len(metadata.title)} characters; YouTube takes 1 to "
                        f"{MAX_TITLE_CHARS}: shorten the lesson's title=")
    size = len(metadata.description.encode("utf-8"))
    if size > MAX_DESCRIPTION_BYTES:
        problems.append(f"the description (summary and chapter list) is {size} bytes of "
                        f"UTF-8; YouTube takes at most {MAX_DESCRIPTION_BYTES}: shorten the "
                        "lesson's summary=")
    for name, text in (("title", metadata.title), ("description", metadata.description)):
        for bracket in "<>":
            if bracket in text:
                problems.append(f"the {name} holds {bracket!r}, which YouTube refuses in "
                                "titles and descriptions: reword it (e.g. 'less than')")
    if tags_length(metadata.tags) > MAX_TAGS_LENGTH:
        problems.append(f"the tags take {tags_length(metadata.tags)} characters as YouTube "
                        f"counts them; it takes {MAX_TAGS_LENGTH}: drop some tags=")
    problems += [f"chapters: {problem}" for problem in chapter_problems(chapters)]
    return problems


def video_url(video_id: str) -> str:
    return f"https://youtu.be/{video_id}"


def next_quota_reset(now: datetime | None = None, local: tzinfo | None = None) -> datetime:
    """The next midnight Pacific Time, when YouTube's daily quotas reset, in local time."""
    now_pacific = (now or datetime.now(timezone.utc)).astimezone(PACIFIC)
    midnight = datetime.combine(now_pacific.date() + timedelta(days=1), time(0), PACIFIC)
    return midnight.astimezone(local)


def describe_reset(now: datetime | None = None, local: tzinfo | None = None) -> str:
    reset = next_quota_reset(now, local)
    wait = reset - (now or datetime.now(timezone.utc))
    hours, minutes = divmod(int(wait.total_seconds()) // 60, 60)
    return (f"quotas reset at midnight Pacific Time, {reset:%Y-%m-%d %H:%M %Z} your time "
            f"(in {hours} h {minutes:02d} min)")


# --- the publish record ---------------------------------------------------------------------

def load_record(folder: Path) -> dict[str, Any] | None:
    """What was published from ``folder``, checked, or None when nothing was."""
    path = folder / RECORD_NAME
    if not path.exists():
        return None
    fields, record = read_object(path, "it records what was published from this folder: "
                                 "repair it, or delete it to publish as a new video",
                                 YouTubeRecordError)
    fields.text(record, "video_id", nonempty=True)
    sha256 = fields.text(record, "sha256")
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        fields.fail("sha256", "is not a SHA-256 (64 hexadecimal digits)")
    if record.get("privacy") is not None:
        fields.text(record, "privacy")
    steps = record["steps"] = fields.mapping(record, "steps", default={})
    for step in ("captions", "playlist"):
        if steps.get(step) and not isinstance(steps[step], (dict, bool)):
            fields.fail(f"steps.{step}", "is not an object")
    if isinstance(steps.get("playlist"), dict):
        fields.text(steps["playlist"], "title", "steps.playlist")
    elif steps.get("playlist"):
        fields.fail("steps.playlist", "records no playlist title")
    for index, earlier in enumerate(fields.items(record, "earlier_videos", default=[])):
        where = f"earlier_videos[{index}]"
        fields.object(earlier, where)
        fields.text(earlier, "video_id", where)
        fields.text(earlier, "sha256", where)
    return record


def load_session(folder: Path, sha256: str) -> dict[str, Any] | None:
    """The unfinished upload of this very file, if one is recent enough to resume."""
    try:
        session: dict[str, Any] = parse_json((folder / SESSION_NAME).read_bytes())
        started = datetime.fromisoformat(session["started"])
        usable = (session["sha256"] == sha256 and isinstance(session["uri"], str)
                  and datetime.now(timezone.utc) - started < SESSION_MAX_AGE)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return session if usable else None


def save_session(folder: Path, sha256: str, uri: str) -> None:
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    write_private(folder / SESSION_NAME,
                  json.dumps({"sha256": sha256, "uri": uri, "started": started}, indent=2))


def clear_session(folder: Path) -> None:
    (folder / SESSION_NAME).unlink(missing_ok=True)


def save_record(folder: Path, record: dict[str, Any]) -> None:
    write_atomically(folder / RECORD_NAME, (json.dumps(record, indent=2) + "\n").encode())


def pending_steps(record: dict[str, Any] | None, playlist: str) -> list[str]:
    if record is None:
        return list(STEPS)
    done = record.get("steps", {})
    pending = [step for step in STEPS[1:] if not done.get(step)]
    if "playlist" not in pending and done["playlist"].get("title") != playlist:
        pending.append("playlist")
    return pending


# --- requests, the same for a dry run and a real one ------------------------------------------

def youtube_service(http: Any) -> Resource:
    """The Data API client from the discovery document the library ships: no request."""
    return build("youtube", "v3", http=http, static_discovery=True, cache_discovery=False)


def video_request(service: Resource, video: Path, metadata: VideoMetadata,
                  chunk_size: int) -> HttpRequest:
    media = MediaFileUpload(str(video), mimetype="video/mp4", chunksize=chunk_size,
                            resumable=True)
    request: HttpRequest = service.videos().insert(part="snippet,status", body=metadata.body(),
                                                   media_body=media)
    return request


def captions_request(service: Resource, video_id: str, srt: Path) -> HttpRequest:
    snippet = {"videoId": video_id, "language": CAPTION_LANGUAGE, "name": CAPTION_NAME,
               "isDraft": False}
    media = MediaFileUpload(str(srt), mimetype="application/octet-stream")
    request: HttpRequest = service.captions().insert(part="snippet", body={"snippet": snippet},
                                                     media_body=media)
    return request


def thumbnail_request(service: Resource, video_id: str, png: Path) -> HttpRequest:
    media = MediaFileUpload(str(png), mimetype="image/png")
    request: HttpRequest = service.thumbnails().set(videoId=video_id, media_body=media)
    return request


def playlists_request(service: Resource) -> HttpRequest:
    request: HttpRequest = service.playlists().list(part="snippet", mine=True, maxResults=50)
    return request


def playlist_insert_request(service: Resource, title: str, course: str,
                            privacy: str) -> HttpRequest:
    body = {"snippet": {"title": title, "description": f"Lessons of {course}."},
            "status": {"privacyStatus": privacy}}
    request: HttpRequest = service.playlists().insert(part="snippet,status", body=body)
    return request


def privacy_request(service: Resource, video_id: str, privacy: str) -> HttpRequest:
    # An update of the status part replaces it whole: send what the upload set.
    body = {"id": video_id,
            "status": {"privacyStatus": privacy, "selfDeclaredMadeForKids": False}}
    request: HttpRequest = service.videos().update(part="status", body=body)
    return request


def playlist_item_request(service: Resource, playlist_id: str, video_id: str) -> HttpRequest:
    body = {"snippet": {"playlistId": playlist_id,
                        "resourceId": {"kind": "youtube#video", "videoId": video_id}}}
    request: HttpRequest = service.playlistItems().insert(part="snippet", body=body)
    return request


# --- publishing -----------------------------------------------------------------------------

@dataclass
class Publication:
    """One publish of one rendered lesson: what to send, and where to record it."""

    lesson: Lesson
    rendered: RenderedLesson
    #: None: private for a new video, and a published video's privacy left as it is.
    privacy: str | None = None
    playlist: str | None = None
    replace: bool = False

    def __post_init__(self) -> None:
        if self.rendered.slug != self.lesson.slug:
            raise UsageError(f"{self.rendered.folder} holds lesson {self.rendered.slug!r}, "
                             f"not {self.lesson.slug!r}")
        self.requested_privacy = self.privacy
        #: A new upload's privacy (and its new playlist's).
        self.upload_privacy: str = self.privacy or "private"
        self.metadata = video_metadata(self.lesson, self.rendered, self.upload_privacy)
        self.playlist_title = (self.playlist or self.lesson.course).strip()
        if not self.playlist_title or len(self.playlist_title) > 150:
            raise UsageError("a playlist title needs 1 to 150 characters")
        self.video = self.rendered.file("video")
        self.srt = self.rendered.file("srt")
        self.thumbnail = self.rendered.file("thumbnail")
        self.sha256 = file_digest(self.video)
        self.record = load_record(self.rendered.folder)
        self.earlier: dict[str, Any] | None = None
        if self.record is not None and self.record["sha256"] != self.sha256:
            if not self.replace:
                old = self.record
                raise ChangedSinceUploadError(
                    f"{self.video} changed since it was published as "
                    f"{video_url(old['video_id'])} (sha256 {old['sha256'][:12]}..., now "
                    f"{self.sha256[:12]}...); to upload it as a new video run again with "
                    "--replace (the published video stays on YouTube as it is)")
            self.earlier, self.record = self.record, None
        self.pending = pending_steps(self.record, self.playlist_title)
        if (self.record is not None and self.requested_privacy is not None
                and self.record.get("privacy") != self.requested_privacy):
            self.pending.append("privacy")

    def summary(self) -> str | None:
        """What is already done, when there is anything to say about it."""
        if self.record is None:
            if self.earlier is not None:
                return (f"{self.video.name} changed: uploading it as a new video; the earlier "
                        f"one, {video_url(self.earlier['video_id'])}, is left on YouTube as it "
                        "is (delete it in YouTube Studio if it should go)")
            return None
        url = video_url(self.record["video_id"])
        if not self.pending:
            return (f"{self.video.name} is already on YouTube as {url} (same SHA-256, "
                    "captions, thumbnail and playlist done): nothing uploaded")
        if self.pending == ["privacy"]:
            return (f"{self.video.name} is already on YouTube as {url}: not uploading it "
                    f"again; changing its privacy from {self.record.get('privacy')} to "
                    f"{self.requested_privacy}")
        return (f"{self.video.name} is already on YouTube as {url}: not uploading it again; "
                f"finishing: {', '.join(self.pending)}")


class Publisher:
    """Sends a publication's pending steps, recording each as it finishes."""

    def __init__(self, publication: Publication, service: Resource,
                 say: Callable[[str], None], *, token: Path,
                 sleep: Callable[[float], None] = clock.sleep,
                 rand: Callable[[], float] = random.random,
                 chunk_size: int = CHUNK_SIZE) -> None:
        self.publication = publication
        self.service = service
        self.say = say
        self.token = token
        self.sleep = sleep
        self.rand = rand
        self.chunk_size = chunk_size
        self.method = ""

    def run(self) -> str:
        """Publish; returns the video's URL."""
        pub = self.publication
        message = pub.summary()
        if message:
            self.say(message)
        if pub.record is not None and "video" not in pub.pending:
            clear_session(pub.rendered.folder)  # left by a run stopped just after its record
        try:
            for step in pub.pending:
                getattr(self, f"_{step}")()
        except HttpError as error:
            raise self._explain(error) from None
        except RefreshError as error:
            raise self._refused_sign_in(error) from None
        except (TransportError, *BROKEN_CONNECTION) as error:
            # The library already retried these with backoff.
            raise YouTubeError(f"could not reach YouTube at {self.method} ({type(error).__name__}: "
                               f"{error}); check the connection. {self._progress()}") from None
        assert pub.record is not None
        return video_url(pub.record["video_id"])

    # Each step records itself the moment YouTube confirms it.
    def _finish(self, step: str, value: Any) -> None:
        record = self.publication.record
        assert record is not None
        record["steps"][step] = value
        save_record(self.publication.rendered.folder, record)

    def _video(self) -> None:
        pub = self.publication
        self.method = "videos.insert"
        request = video_request(self.service, pub.video, pub.metadata, self.chunk_size)
        session = load_session(pub.rendered.folder, pub.sha256)
        if session is not None:
            # The library asks the server what it holds before sending more (a PUT
            # of "bytes */size", answered with a Range) when it is in this state.
            request.resumable_uri = session["uri"]
            request._in_error_state = True
            self.say(f"resuming the upload of {pub.video.name} started "
                     f"{session['started']}")
        try:
            response = self._upload(request, pub.video)
        except HttpError as error:
            if session is None or error.status_code not in (404, 410):
                raise
            self.say("that upload session has expired on YouTube; starting the upload again")
            clear_session(pub.rendered.folder)
            request = video_request(self.service, pub.video, pub.metadata, self.chunk_size)
            response = self._upload(request, pub.video)
        privacy = response.get("status", {}).get("privacyStatus", pub.upload_privacy)
        pub.record = {
            "lesson": pub.lesson.slug,
            "video_id": response["id"],
            "url": video_url(response["id"]),
            "sha256": pub.sha256,
            "size": pub.video.stat().st_size,
            "privacy": privacy,
            "published": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "steps": {"video": True},
            "earlier_videos": ([*pub.earlier.get("earlier_videos", []),
                                {"video_id": pub.earlier["video_id"],
                                 "sha256": pub.earlier["sha256"]}]
                               if pub.earlier else []),
        }
        save_record(pub.rendered.folder, pub.record)
        # Only now: until the record names the new video, the session is the one way a
        # later run can learn it exists (asked, the finished session answers with it).
        clear_session(pub.rendered.folder)
        self.say(f"uploaded {pub.video.name} as {video_url(response['id'])} ({privacy})")
        if privacy != pub.upload_privacy:
            self.say(f"warning: you asked for {pub.upload_privacy} but YouTube made the video "
                     f"{privacy}: {UNVERIFIED_PROJECT}")

    def _upload(self, request: HttpRequest, path: Path) -> dict[str, Any]:
        """Send a resumable upload to the end, resuming from what the server confirms.

        The library's ``next_chunk`` keeps the session and, after a failure,
        asks the server how many bytes it holds (a PUT of ``bytes */size``,
        answered by a 308 with a Range) and sends from there. Its own
        ``num_retries`` is not used here: in 2.202.0 a retried chunk re-sends a
        file slice it has already read to the end, so the retry carries no
        bytes. Each retry goes through ``next_chunk`` again instead, after a
        backoff, which re-reads the slice from the confirmed offset.
        """
        size = path.stat().st_size
        failures = 0
        response: dict[str, Any] | None = None
        saved = request.resumable_uri
        while response is None:
            try:
                status, response = request.next_chunk(num_retries=0)
            except HttpError as error:
                if error.status_code not in RETRY_STATUSES:
                    raise
                failure = f"HTTP {error.status_code}"
            except BROKEN_CONNECTION as error:
                failure = f"connection broken: {type(error).__name__}"
            else:
                failures = 0
                if status is not None:
                    self.say(f"uploading {path.name}: {status.resumable_progress:,} of "
                             f"{size:,} bytes ({status.progress():.0%})")
                continue
            finally:
                # However the chunk went, a session it opened is recorded; a finished
                # upload's is not (its record is written next).
                if response is None:
                    saved = self._keep_session(request, saved)
            failures += 1
            if failures >= MAX_UPLOAD_TRIES:
                again = ("run the same command again to resume it from the last byte "
                         "YouTube confirmed" if saved else
                         "nothing was recorded: run the same command again to upload it from "
                         "the start")
                raise YouTubeError(f"uploading {path.name} failed {failures} times in a row "
                                   f"(last: {failure}); {again}")
            delay = min(MAX_BACKOFF_SECONDS, 2.0 ** failures) * (0.5 + self.rand() / 2)
            self.say(f"upload interrupted ({failure}); trying again in {delay:.1f} s, from "
                     "the last byte YouTube confirms")
            self.sleep(delay)
        return response

    def _keep_session(self, request: HttpRequest, saved: str | None) -> str | None:
        """Record a session YouTube opened, the moment it exists: from then on an
        interrupted publish resumes it (even before its first byte is confirmed)."""
        if request.resumable_uri and request.resumable_uri != saved:
            saved = request.resumable_uri
            save_session(self.publication.rendered.folder, self.publication.sha256, saved)
        return saved

    def _captions(self) -> None:
        record = self.publication.record
        assert record is not None
        self.method = "captions.insert"
        request = captions_request(self.service, record["video_id"], self.publication.srt)
        response = request.execute(num_retries=REQUEST_RETRIES)
        self._finish("captions", {"id": response.get("id"), "language": CAPTION_LANGUAGE})
        self.say(f"captions added from {self.publication.srt.name}")

    def _thumbnail(self) -> None:
        record = self.publication.record
        assert record is not None
        self.method = "thumbnails.set"
        request = thumbnail_request(self.service, record["video_id"],
                                    self.publication.thumbnail)
        request.execute(num_retries=REQUEST_RETRIES)
        self._finish("thumbnail", True)
        self.say(f"thumbnail set from {self.publication.thumbnail.name}")

    def _playlist(self) -> None:
        pub = self.publication
        record = pub.record
        assert record is not None
        playlist_id = self._find_playlist(pub.playlist_title)
        if playlist_id is None:
            self.method = "playlists.insert"
            request = playlist_insert_request(self.service, pub.playlist_title,
                                              pub.lesson.course, pub.upload_privacy)
            playlist_id = request.execute(num_retries=REQUEST_RETRIES)["id"]
            self.say(f"created the playlist {pub.playlist_title!r} ({pub.upload_privacy})")
        self.method = "playlistItems.insert"
        item = playlist_item_request(self.service, playlist_id, record["video_id"])
        response = item.execute(num_retries=REQUEST_RETRIES)
        self._finish("playlist", {"title": pub.playlist_title, "id": playlist_id,
                                  "item_id": response.get("id")})
        self.say(f"added to the playlist {pub.playlist_title!r}")

    def _privacy(self) -> None:
        pub = self.publication
        record = pub.record
        assert record is not None and pub.requested_privacy is not None
        self.method = "videos.update"
        response = privacy_request(self.service, record["video_id"],
                                   pub.requested_privacy).execute(num_retries=REQUEST_RETRIES)
        privacy = response.get("status", {}).get("privacyStatus", pub.requested_privacy)
        record["privacy"] = privacy
        save_record(pub.rendered.folder, record)
        self.say(f"{video_url(record['video_id'])} is now {privacy}")
        if privacy != pub.requested_privacy:
            self.say(f"warning: you asked for {pub.requested_privacy} but YouTube kept the "
                     f"video {privacy}: {UNVERIFIED_PROJECT}")

    def _find_playlist(self, title: str) -> str | None:
        """The id of the author's playlist with this title, looking through every page."""
        self.method = "playlists.list"
        playlists = self.service.playlists()
        request: HttpRequest | None = playlists_request(self.service)
        while request is not None:
            response = request.execute(num_retries=REQUEST_RETRIES)
            for playlist in response.get("items", []):
                if playlist.get("snippet", {}).get("title") == title:
                    return str(playlist["id"])
            request = playlists.list_next(request, response)
        return None

    # --- what went wrong, in words ------------------------------------------------------------

    def _progress(self) -> str:
        record = self.publication.record
        if record is None:
            return "nothing was published"
        done = [step for step in STEPS if record["steps"].get(step)]
        return (f"{video_url(record['video_id'])} is up and {', '.join(done)} recorded in "
                f"{RECORD_NAME}; the same command finishes the rest without uploading the "
                "video again")

    def _explain(self, error: HttpError) -> YouTubeError:
        status = error.status_code
        reason, message = error_reason(error)
        slug = self.publication.lesson.slug
        method = self.method
        if reason == "quotaExceeded":
            quota = QUOTA_TEXT.get(method, f"the project's 10,000 units a day ({method} costs "
                                           f"{QUOTA_UNITS.get(method, 1)})")
            return YouTubeError(f"YouTube Data API quota exceeded at {method}: {quota}; "
                                f"{describe_reset()}. {self._progress()}")
        if reason == "uploadLimitExceeded":
            return YouTubeError("the channel has reached YouTube's limit on uploads a day "
                                "(uploadLimitExceeded, a count per channel, apart from the "
                                "API quota); try again in 24 hours. " + self._progress())
        if reason == "youtubeSignupRequired":
            return YouTubeError("the signed-in Google account has no YouTube channel: create "
                                "one at https://www.youtube.com/create_channel, then "
                                f"{sign_in_again(slug, self.token)}")
        if status == 401 or reason in ("insufficientPermissions", "authError"):
            return YouTubeError(f"YouTube did not accept the sign-in at {method} ({status} "
                                f"{reason or message}); {sign_in_again(slug, self.token)}")
        if status == 403 and method == "videos.insert":
            return YouTubeError(f"YouTube refused the upload (403 {reason}: {message}); "
                                f"{UNVERIFIED_PROJECT}")
        if status == 403 and method == "thumbnails.set":
            return YouTubeError("YouTube refused the custom thumbnail (403 "
                                f"{reason}): custom thumbnails need a verified channel; verify "
                                "it at https://www.youtube.com/verify. " + self._progress())
        return YouTubeError(f"YouTube answered {status} to {method} ({reason or 'no reason'}: "
                            f"{message}). {self._progress()}")

    def _refused_sign_in(self, error: RefreshError) -> YouTubeError:
        detail = str(error.args[0]) if error.args else "refresh failed"
        code = detail.split(":", 1)[0]
        hint = ""
        if code == "invalid_grant":
            hint = (" (revoked, or expired: while the OAuth consent screen is in 'Testing', "
                    "Google lets a sign-in last 7 days)")
        return YouTubeError(f"the saved YouTube sign-in no longer works: {code}{hint}; "
                            f"{sign_in_again(self.publication.lesson.slug, self.token)}")


def error_reason(error: HttpError) -> tuple[str, str]:
    """The first ``reason`` and the message of a Google API error body."""
    try:
        data = json.loads(error.content.decode("utf-8"))
        details = data["error"]
        errors = details.get("errors") or [{}]
        return str(errors[0].get("reason", "")), str(details.get("message", "")).strip()
    except (ValueError, KeyError, TypeError, AttributeError):
        return "", str(error.reason)


# --- the dry run ----------------------------------------------------------------------------

def _size(n: int) -> str:
    return f"{n:,} B"


def _line(request: HttpRequest) -> str:
    return f"{request.method} {unquote(request.uri)}"


def dry_run(publication: Publication, service: Resource, chunk_size: int = CHUNK_SIZE
            ) -> list[str]:
    """Every request a publish would send, with its sizes: built, never sent."""
    pub = publication
    lines = []
    message = pub.summary()
    if message:
        lines.append(message)
    video_id = pub.record["video_id"] if pub.record else "<new-video-id>"
    units = 0
    if "video" in pub.pending:
        request = video_request(service, pub.video, pub.metadata, chunk_size)
        size = pub.video.stat().st_size
        chunks = max(1, -(-size // chunk_size))
        lines.append(f"{_line(request)}\n    JSON metadata {_size(len(request.body))}: "
                     f"title {pub.metadata.title!r}, {len(pub.metadata.tags)} tags, category "
                     f"{pub.metadata.category}, privacy {pub.metadata.privacy}, description "
                     f"{_size(len(pub.metadata.description.encode()))} with "
                     f"{len(pub.rendered.scenes)} chapters  [1 of 100 uploads a day]")
        lines.append(f"PUT <upload session URL from the answer>\n    {pub.video.name} "
                     f"{_size(size)}, video/mp4, in {chunks} chunk(s) of at most "
                     f"{chunk_size / 2**20:g} MiB")
    if "captions" in pub.pending:
        request = captions_request(service, video_id, pub.srt)
        lines.append(f"{_line(request)}\n    multipart {_size(len(request.body))}: JSON "
                     f"metadata and {pub.srt.name} {_size(pub.srt.stat().st_size)}  "
                     f"[{QUOTA_UNITS['captions.insert']} units]")
        units += QUOTA_UNITS["captions.insert"]
    if "thumbnail" in pub.pending:
        request = thumbnail_request(service, video_id, pub.thumbnail)
        lines.append(f"{_line(request)}\n    {pub.thumbnail.name} {_size(len(request.body))}, "
                     f"image/png  [{QUOTA_UNITS['thumbnails.set']} units]")
        units += QUOTA_UNITS["thumbnails.set"]
    if "playlist" in pub.pending:
        listing = playlists_request(service)
        lines.append(f"{_line(listing)}\n    no body; once per page of 50 playlists, until "
                     f"one is titled {pub.playlist_title!r}  [1 unit a page]")
        insert = playlist_insert_request(service, pub.playlist_title, pub.lesson.course,
                                         pub.upload_privacy)
        lines.append(f"{_line(insert)}\n    JSON {_size(len(insert.body))}, only if no "
                     f"playlist is titled {pub.playlist_title!r}  [50 units]")
        item = playlist_item_request(service, "<playlist-id>", video_id)
        lines.append(f"{_line(item)}\n    JSON {_size(len(item.body))}  [50 units]")
        units += QUOTA_UNITS["playlists.list"] + QUOTA_UNITS["playlistItems.insert"]
    if "privacy" in pub.pending:
        assert pub.requested_privacy is not None
        update = privacy_request(service, video_id, pub.requested_privacy)
        lines.append(f"{_line(update)}\n    JSON {_size(len(update.body))}: privacy "
                     f"{pub.requested_privacy}  [{QUOTA_UNITS['videos.update']} units]")
        units += QUOTA_UNITS["videos.update"]
    if pub.pending:
        lines.append(f"quota: about {units:,} (up to {units + 50:,}) of the project's 10,000 "
                     "units a day" + (", and 1 of its 100 uploads a day"
                                      if "video" in pub.pending else ""))
    return lines


# --- the command ----------------------------------------------------------------------------

def publish_command(lesson: Lesson, rendered: RenderedLesson, *, privacy: str | None,
                    playlist: str | None, replace: bool, dry: bool, sign_in: bool,
                    client_secrets: Path | None, say: Callable[[str], None],
                    out: Callable[[str], None]) -> None:
    """``lessonreel publish youtube``: check everything, then sign in and publish, or show."""
    from google_auth_httplib2 import AuthorizedHttp

    from lessonreel.publish import youtube_auth as auth

    publication = Publication(lesson, rendered, privacy, playlist, replace)
    if not dry:
        # Each step is recorded in the render folder as it finishes: an upload whose
        # record cannot be kept would be uploaded again next time.
        probe_writable(rendered.folder, "the render folder")
    secrets = client_secrets or auth.default_client_secrets()
    token = auth.default_token()
    credentials = None
    if not dry:
        if not sign_in:
            credentials = auth.load_token(token, lesson.slug)
        if credentials is None and (sign_in or client_secrets or secrets.exists()):
            credentials = auth.sign_in(auth.load_client_config(secrets), token, lesson.slug)
            say(f"signed in; the token is kept in {token} (readable by you only)")
        if credentials is None:
            say(f"YouTube is not set up yet (no client secrets at {secrets}, no sign-in at "
                f"{token}), so this is a dry run; README.md, 'Publish to YouTube', says how "
                "to set it up")
            dry = True
    if dry:
        for line in dry_run(publication, youtube_service(httplib2.Http())):
            out(line)
        out("dry run: no request was sent and nothing was written")
        return
    http = AuthorizedHttp(credentials, http=httplib2.Http(timeout=120))
    url = Publisher(publication, youtube_service(http), say, token=token).run()
    out(url)
