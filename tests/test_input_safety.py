"""What a user or a file can get wrong ends in one line, before any work, touching
nothing: a user's folder given as --out, a folder that cannot be written, a full
disk, a slug that cannot be a package, and files read back that break their schema."""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import shutil
import subprocess
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from lessonreel.captions.timeline import SceneBeats, beat_timeline
from lessonreel.cli.app import cli
from lessonreel.errors import (
    DiskFullError,
    FolderError,
    LessonreelError,
    RecordError,
    SignInError,
    YouTubeRecordError,
)
from lessonreel.publish import present, source, youtube, youtube_auth
from lessonreel.records import SceneRender
from lessonreel.render import outputs
from lessonreel.render.cache import SceneCache
from lessonreel.render.pool import last_error_line

LESSON = "module02-derivatives"


class WorkStarted(Exception):
    """Raised where a command would begin its real work (rendering, reading a script)."""


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    def started(*_: object, **__: object) -> Any:
        raise WorkStarted
    for name in ("plan", "run_plan"):
        monkeypatch.setattr(f"lessonreel.cli.render.{name}", started)
    monkeypatch.setattr("lessonreel.voice.script.read_script", started)
    monkeypatch.setattr("lessonreel.render.preview.Previewer.run", started)


def one_line(result: Result, exit_code: int = 2) -> str:
    assert not isinstance(result.exception, WorkStarted), "the work started"
    assert result.exit_code == exit_code, (result.exit_code, result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in result.output
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# --- render --out: a user's folder is never touched ---------------------------------------

def users_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "my-notes"
    folder.mkdir()
    (folder / "chapters.txt").write_text("my own chapters\n")
    (folder / "manifest.json").write_text('{"mine": true}\n')
    (folder / "thumbnail.png").write_bytes(b"my picture")
    return folder


def test_render_out_refuses_a_folder_lessonreel_did_not_write_before_rendering(
        tmp_path: Path, no_work: None) -> None:
    folder = users_folder(tmp_path)
    before = snapshot(folder)
    result = CliRunner().invoke(cli, ["render", LESSON, "-q", "low", "--out", str(folder),
                                      "--cache-dir", str(tmp_path / "cache")])
    line = one_line(result)
    assert line.startswith("FolderError: --out ") and outputs.MARKER in line
    assert "nothing was changed" in line
    assert snapshot(folder) == before


def test_render_all_out_refuses_a_users_lesson_folder(tmp_path: Path, no_work: None) -> None:
    folder = tmp_path / "all"
    users_folder(tmp_path).rename(folder / LESSON) if folder.mkdir() is None else None
    result = CliRunner().invoke(cli, ["render", "--all", "-q", "low", "--out", str(folder),
                                      "--cache-dir", str(tmp_path / "cache")])
    assert str(folder / LESSON) in one_line(result)


def test_an_empty_folder_a_render_and_a_render_from_before_the_marker_are_accepted(
        tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    outputs.check_out(tmp_path / "empty")
    outputs.check_out(tmp_path / "new" / "deeper")
    ours = tmp_path / "ours"
    ours.mkdir()
    (ours / outputs.MARKER).write_text('{"generator": "lessonreel 0.1.0"}')
    (ours / "lesson.mp4").write_bytes(b"x")
    outputs.check_out(ours)
    old = tmp_path / "old"
    old.mkdir()
    (old / "manifest.json").write_text(json.dumps(
        {"assembly_key": "ab" * 32, "versions": {"lessonreel": "0.1.0"}}))
    outputs.check_out(old)
    (tmp_path / "file").write_text("x")
    with pytest.raises(FolderError, match="is a file"):
        outputs.check_out(tmp_path / "file")


def test_a_render_folder_is_replaced_whole_and_kept_whole_when_writing_fails(
        tmp_path: Path) -> None:
    out = tmp_path / "out"
    with outputs.replacing(out, "demo") as staging:
        (staging / "manifest.json").write_text("{}")
        (staging / "chapters.txt").write_text("first")
    assert (out / outputs.MARKER).is_file() and (out / "chapters.txt").read_text() == "first"
    before = snapshot(out)
    with pytest.raises(RuntimeError), outputs.replacing(out, "demo") as staging:
        (staging / "manifest.json").write_text("{}")
        raise RuntimeError("assembly failed")
    assert snapshot(out) == before
    with outputs.replacing(out, "demo") as staging:
        (staging / "manifest.json").write_text('{"second": 1}')
    # Replaced as a whole: nothing of the first render is left over.
    assert not (out / "chapters.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# --- a full disk ------------------------------------------------------------------------

def test_a_full_disk_while_assembling_keeps_the_previous_render(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with outputs.replacing(out, "demo") as staging:
        (staging / "manifest.json").write_text("{}")
    before = snapshot(out)
    with pytest.raises(DiskFullError) as full, outputs.replacing(out, "demo") as staging:
        (staging / "lesson.mp4").write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device", str(staging / "lesson.mp4"))
    assert f"the disk holding {tmp_path} is full" in str(full.value)
    assert "\n" not in str(full.value)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_disk_without_room_for_the_lesson_is_refused_before_writing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage",
                        lambda _: usage._replace(free=3_000_000))
    with pytest.raises(DiskFullError, match=r"about 12\.0 MB needed, 3\.0 MB free"):
        with outputs.replacing(tmp_path / "out", "demo", needed=12_000_000):
            pytest.fail("nothing may be written")
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_anywhere_is_one_line_naming_the_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x" / "a.md"))
    monkeypatch.setattr("lessonreel.voice.script.read_script", lambda *_: [])
    monkeypatch.setattr("lessonreel.voice.script.export", full)
    result = CliRunner().invoke(cli, ["narration", LESSON, "--export", str(tmp_path / "x"),
                                      "--cache-dir", str(tmp_path / "cache")])
    line = one_line(result, 1)
    assert line.startswith(f"DiskFullError: the disk holding {tmp_path / 'x'} is full")


def test_a_scene_that_filled_the_disk_says_so_not_a_progress_bar(tmp_path: Path) -> None:
    log = tmp_path / "scene.log"
    log.write_text("Animation 3: Write(MathTex):  42%|####  | 12/30 \r"
                   "OSError: [Errno 28] No space left on device\n")
    assert last_error_line(log) == "the disk is full: No space left on device"


# --- folders that cannot be written: refused before the work starts -------------------------

@contextlib.contextmanager
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder no one can write to: a read-only mount as root (whom permission bits do
    not stop), else a folder without write permission."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() == 0:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs",
                                  str(folder)], capture_output=True, text=True)
        if mounted.returncode != 0:
            pytest.skip(f"as root, a read-only folder needs a mount: {mounted.stderr.strip()}")
        try:
            yield folder
        finally:
            subprocess.run(["umount", str(folder)], check=False)
    else:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)


@pytest.mark.parametrize("option", ["--out", "--cache-dir", "--export", "publish-site-out",
                                    "publish-scorm-out", "preview-cache-dir"])
def test_a_folder_that_cannot_be_written_is_refused_before_the_work_starts(
        tmp_path: Path, no_work: None, option: str) -> None:
    with read_only_folder(tmp_path) as locked:
        target = locked / "sub"
        cache = ["--cache-dir", str(tmp_path / "cache")]
        args = {
            "--out": ["render", LESSON, "-q", "low", "--out", str(target), *cache],
            "--cache-dir": ["render", LESSON, "-q", "low", "--out", str(tmp_path / "o"),
                            "--cache-dir", str(target)],
            "--export": ["narration", LESSON, "--export", str(target), *cache],
            "publish-site-out": ["publish", "site", "--out", str(target)],
            "publish-scorm-out": ["publish", "scorm", "--out", str(target)],
            "preview-cache-dir": ["preview", LESSON, "LessonTitle", "--cache-dir",
                                  str(target)],
        }[option]
        line = one_line(CliRunner().invoke(cli, args))
        assert line.startswith("FolderError: ") and str(target) in line
        assert "cannot be written" in line


def test_a_cache_dir_under_a_file_is_refused(tmp_path: Path, no_work: None) -> None:
    (tmp_path / "file").write_text("x")
    result = CliRunner().invoke(cli, ["render", LESSON, "-q", "low", "--out",
                                      str(tmp_path / "o"), "--cache-dir",
                                      str(tmp_path / "file" / "cache")])
    assert "is a file, not a folder" in one_line(result)


# --- new: slugs that cannot become a package ---------------------------------------------

@pytest.fixture
def lessons_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty lessons package of one lesson in a temporary project, so ``new`` writes
    nothing into this one."""
    name = f"new_lessons_{uuid.uuid4().hex[:8]}"
    (tmp_path / name / "first").mkdir(parents=True)
    (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / name / "first" / "__init__.py").write_text(textwrap.dedent('''
        from lessonreel.authoring.lesson import Lesson, SceneRef
        LESSON = Lesson(slug="first", title="First", course="Tests", package=__name__,
                        scenes=(SceneRef("a", "FirstScene", "First"),))
    '''))
    (tmp_path / name / "first" / "a.py").write_text(
        'class FirstScene:\n    """The first."""\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("LESSONREEL_LESSONS", name)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path),
                                                     os.environ.get("PYTHONPATH", "")]))
    return tmp_path


@pytest.mark.parametrize("slug", ["class", "import", "not", "lambda", "none-x" * 0 + "async",
                                  "with", "x" * 65, "a-" * 40 + "b"])
def test_new_refuses_a_slug_that_cannot_be_a_package_and_list_still_works(
        lessons_package: Path, slug: str) -> None:
    before = snapshot(lessons_package)
    line = one_line(CliRunner().invoke(cli, ["new", slug, "--title", "A lesson"]))
    assert line.startswith("UsageError: lesson slug ")
    assert "not a Python keyword" in line and "at most 64 characters" in line
    assert snapshot(lessons_package) == before
    listed = CliRunner().invoke(cli, ["list", "--json"])
    assert listed.exit_code == 0, listed.output


def test_new_refuses_a_scene_name_that_is_a_keyword(lessons_package: Path) -> None:
    line = one_line(CliRunner().invoke(cli, ["new", "second", "--title", "A lesson",
                                             "--scene", "None"]))
    assert "scene name 'None'" in line


# --- files read back: one error naming the file and the field -------------------------------

def write_render(folder: Path, change: Any = None) -> Path:
    """A small render folder (files not real media: only the manifest is read here)."""
    (folder / "scenes").mkdir(parents=True, exist_ok=True)
    for name in ("lesson.mp4", "lesson.srt", "lesson.vtt", "thumbnail.png",
                 "contact-sheet.png", "scenes/A.mp4", "scenes/B.mp4"):
        (folder / name).write_bytes(b"1")
    timeline = beat_timeline("demo-lesson", 15, [SceneBeats("A", "One", 30, []),
                                                  SceneBeats("B", "Two", 45, [])])
    (folder / "beats.json").write_text(json.dumps(timeline.to_json()))
    manifest: dict[str, Any] = {
        "lesson": "demo-lesson", "title": "Demo", "course": "C", "quality": "low",
        "width": 854, "height": 480, "fps": 15, "duration": 5.0, "complete": True,
        "files": {"video": "lesson.mp4", "srt": "lesson.srt", "vtt": "lesson.vtt",
                  "thumbnail": "thumbnail.png", "beats": "beats.json"},
        "scenes": [{"name": "A", "title": "One", "file": "scenes/A.mp4", "start": 0.0,
                    "duration": 2.0},
                   {"name": "B", "title": "Two", "file": "scenes/B.mp4", "start": 2.0,
                    "duration": 3.0}],
        "assembly_key": "ab" * 32, "versions": {"lessonreel": "0.1.0"}}
    if change is not None:
        change(manifest)
    names = [*manifest["files"].values(), "scenes/A.mp4", "scenes/B.mp4"]
    manifest["sizes"] = {n: (folder / n).stat().st_size for n in names}
    # JSON's own way to write a number too large for a float.
    (folder / "manifest.json").write_text(json.dumps(manifest).replace('"1e999"', "1e999"))
    return folder


MANIFEST_DAMAGE = {
    "no title": (lambda m: m.pop("title"), "title is missing"),
    "duration as text": (lambda m: m.update(duration="5"), "duration is text"),
    "infinite duration": (lambda m: m.update(duration="1e999"), "duration is inf"),
    "Infinity": (lambda m: m.update(duration=float("inf")), "Infinity is not a JSON number"),
    "scenes not a list": (lambda m: m.update(scenes={"a": 1}), "scenes is an object"),
    "scene as a number": (lambda m: m["scenes"].__setitem__(0, 3), "scenes[0] is a number"),
    "scene start missing": (lambda m: m["scenes"][1].pop("start"), "scenes[1].start is missing"),
    "scene past the video": (lambda m: m["scenes"][1].update(duration=300.0),
                             "past the end of the 5.000 s video"),
    "negative start": (lambda m: m["scenes"][0].update(start=-4.0), "scenes[0].start"),
    "complete as text": (lambda m: m.update(complete="yes"), "complete is text"),
    "unknown quality": (lambda m: m.update(quality="ultra"), "quality is 'ultra'"),
    "fps zero": (lambda m: m.update(fps=0), "fps is 0, below 1"),
    "chapter problems not texts": (lambda m: m.update(chapter_problems=[1]),
                                   "chapter_problems[0]"),
}


@pytest.mark.parametrize("damage", MANIFEST_DAMAGE.values(), ids=MANIFEST_DAMAGE.keys())
def test_a_manifest_that_breaks_its_schema_is_one_line_naming_the_field(
        tmp_path: Path, damage: Any) -> None:
    change, expected = damage
    folder = write_render(tmp_path / "render", change)
    result = CliRunner().invoke(cli, ["publish", "site", "--from", str(folder), "--out",
                                      str(tmp_path / "site")])
    line = one_line(result)
    assert str(folder / "manifest.json") in line and expected in line, line
    assert not (tmp_path / "site").exists()


def test_a_manifest_nested_too_deeply_is_one_line(tmp_path: Path) -> None:
    folder = write_render(tmp_path / "render")
    (folder / "manifest.json").write_text("[" * 100_000 + "]" * 100_000)
    line = one_line(CliRunner().invoke(cli, ["present", "--from", str(folder), "--no-open"]))
    assert "nested too deeply" in line


@pytest.mark.parametrize(("damage", "expected"), [
    (lambda t: t.update(frames=t["frames"] * 100), "frames is 7500"),
    (lambda t: t.update(duration=float("nan")), "not valid JSON (NaN is not a JSON number)"),
    (lambda t: t["beats"][0].update(first_frame="0"), "beats[0].first_frame is text"),
    (lambda t: t["chapters"][0].update(start=-1), "chapters[0].start"),
    (lambda t: t.update(chapters="x"), "chapters is text"),
    (lambda t: t["chapters"][0].update(first_beat=99), "chapters[0].first_beat is 99"),
])
def test_a_beats_file_that_breaks_its_schema_or_outlasts_the_video_is_refused(
        tmp_path: Path, damage: Any, expected: str) -> None:
    folder = write_render(tmp_path / "render")
    timeline = json.loads((folder / "beats.json").read_text())
    if damage(timeline) is None and expected.startswith("frames"):
        # Scaled to stay a consistent timeline: only its length is wrong.
        for entry in [*timeline["chapters"], *timeline["beats"]]:
            entry.update(first_frame=entry["first_frame"] * 100,
                         end_frame=entry["end_frame"] * 100,
                         start=entry["start"] * 100, end=entry["end"] * 100)
        timeline["duration"] = timeline["frames"] / 15
    (folder / "beats.json").write_text(json.dumps(timeline))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["sizes"]["beats.json"] = (folder / "beats.json").stat().st_size
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(LessonreelError) as refused:
        present.presentation(source.load(folder))
    assert str(folder / "beats.json") in str(refused.value)
    assert expected in str(refused.value)


@pytest.mark.parametrize(("record", "expected"), [
    ([], "is a list, not an object"),
    ({"video_id": "x", "sha256": "ab" * 32, "steps": {"playlist": True}},
     "steps.playlist records no playlist title"),
    ({"video_id": 3, "sha256": "ab" * 32}, "video_id is a number"),
    ({"video_id": "x", "sha256": "not a hash"}, "sha256 is not a SHA-256"),
    ({"video_id": "x", "sha256": "ab" * 32, "earlier_videos": [1]}, "earlier_videos[0]"),
])
def test_a_damaged_youtube_record_names_its_field(tmp_path: Path, record: Any,
                                                  expected: str) -> None:
    (tmp_path / youtube.RECORD_NAME).write_text(json.dumps(record))
    with pytest.raises(YouTubeRecordError) as refused:
        youtube.load_record(tmp_path)
    assert str(tmp_path / youtube.RECORD_NAME) in str(refused.value)
    assert expected in str(refused.value)


@pytest.mark.parametrize(("token", "expected"), [
    ("[]", "is a list, not an object"),
    ('{"refresh_token": 1, "client_id": "a", "client_secret": "b"}',
     "refresh_token is a number"),
    ('{"refresh_token": "r", "client_id": "a", "client_secret": "b", "expiry": 5}',
     "expiry is a number"),
    ('{"refresh_token": "r", "client_id": "a", "client_secret": "b", "expiry": "soon"}',
     "expiry is not a time"),
    ('{"refresh_token": "secret-value", "client_id": "a"}', "client_secret is missing"),
])
def test_a_damaged_token_names_its_field_never_its_values(tmp_path: Path, token: str,
                                                          expected: str) -> None:
    path = tmp_path / "youtube-token.json"
    path.write_text(token)
    with pytest.raises(SignInError) as refused:
        youtube_auth.load_token(path, LESSON)
    assert isinstance(refused.value, RecordError) and expected in str(refused.value)
    assert "--sign-in" in str(refused.value) and "secret-value" not in str(refused.value)


def test_a_cache_record_of_wrong_types_is_a_damaged_entry_not_a_crash(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = SceneCache(tmp_path)
    folder = cache._folder("demo", "Scene", "low-none", "k" * 64)
    folder.mkdir(parents=True)
    (folder / "video.mp4").write_bytes(b"v")
    (folder / "record.json").write_text(json.dumps({
        "key": "k" * 64, "frames": 3, "fps": 15, "sizes": {"video.mp4": 1},
        "sha256": {"video.mp4": "0" * 64}, "beats": [{"name": "a", "start": "x", "end": 1}]}))
    with caplog.at_level(logging.WARNING, logger="lessonreel"):
        assert cache.lookup("demo", "Scene", "low-none", "k" * 64) is None
    assert "beats[0].start is text" in caplog.text
    assert cache.last_record("demo", "Scene") is None


def test_a_full_disk_while_storing_a_scene_names_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source_video = tmp_path / "video.mp4"
    source_video.write_bytes(b"v" * 1000)

    def full(source: Path, target: Path) -> None:
        Path(target).write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(shutil, "copyfile", full)
    cache = SceneCache(tmp_path / "cache")
    with pytest.raises(DiskFullError, match=f"the disk holding {tmp_path / 'cache'} is full "
                                            r"\(about 0\.0 MB needed\)"):
        cache.store("demo", "Scene", "low-none", "k" * 64, {"video.mp4": source_video},
                    SceneRender())
    assert list((tmp_path / "cache").rglob("*.mp4")) == []


def test_publish_youtube_refuses_a_render_folder_it_cannot_record_into(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))

    def signing_in(*_: object, **__: object) -> None:
        raise WorkStarted
    monkeypatch.setattr(youtube_auth, "load_token", signing_in)
    titles = [f"Part {n}" for n in range(1, 4)]

    def lesson_of_three(m: dict[str, Any]) -> None:
        m["lesson"] = LESSON
        m["scenes"] = [{"name": f"S{n}", "title": title, "file": "scenes/A.mp4",
                        "start": 20.0 * n, "duration": 20.0}
                       for n, title in enumerate(titles)]
        m["duration"] = 60.0
    with read_only_folder(tmp_path) as locked:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(locked)], check=True)
            write_render(locked, lesson_of_three)
            subprocess.run(["mount", "--bind", str(locked), str(locked)], check=True)
            subprocess.run(["mount", "-o", "remount,ro,bind", str(locked)], check=True)
        else:
            locked.chmod(0o755)
            write_render(locked, lesson_of_three)
            locked.chmod(0o555)
        line = one_line(CliRunner().invoke(cli, ["publish", "youtube", LESSON,
                                                 "--from", str(locked)]))
        assert line.startswith(f"FolderError: the render folder {locked} cannot be written")
