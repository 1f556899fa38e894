"""Property-based tests (Hypothesis): any input a user types and any file read back,
however damaged, gives a valid result or exactly one LessonreelError (or click's usage
error, exit 2), never another exception.

Files are valid records as lessonreel writes them, then mutated: a field deleted, or
replaced by any JSON (nested lists and objects, NaN, infinities, huge integers, text).
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lessonreel.captions.timeline import SceneBeats, beat_timeline, check_timeline, read_timeline
from lessonreel.cli.app import cli
from lessonreel.errors import LessonreelError
from lessonreel.publish import present, site, source, youtube, youtube_auth
from lessonreel.records import SceneRecord, parse_json
from lessonreel.render import beatcache, plan
from lessonreel.render.cache import SceneCache
from tests.test_input_safety import LESSON, WorkStarted, write_render

SETTINGS = settings(max_examples=200, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

LEAVES = (st.none() | st.booleans() | st.integers(-(2**70), 2**70)
          | st.floats(allow_nan=True, allow_infinity=True)
          | st.sampled_from([0, -1, 1e999, -0.0, 2**63, "", "../x", "/etc/passwd", "\0"])
          | st.text(max_size=12))
JSON = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=16)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in ``value`` a mutation can hit."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, valid: Any, most: int = 3) -> Any:
    """``valid`` with up to ``most`` fields replaced by any JSON, or deleted."""
    data = copy.deepcopy(valid)
    for _ in range(draw(st.integers(1, most))):
        where = draw(st.sampled_from(paths(data)))
        if not where:
            data = draw(JSON)
            continue
        parent = data
        try:
            for key in where[:-1]:
                parent = parent[key]
            if isinstance(parent, dict) and draw(st.booleans()):
                del parent[where[-1]]
            else:
                parent[where[-1]] = draw(JSON)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation took this path away
    return data


def dumps(data: Any) -> str:
    return json.dumps(data)  # NaN and infinities written as Python writes them


def only_lessonreel_errors(call: Any) -> Any:
    try:
        return call()
    except LessonreelError as error:
        assert "\n" not in str(error), str(error)
        return None


# --- every reader -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def render_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_render(tmp_path_factory.mktemp("render") / "low")
    (folder / "lesson.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nHi.\n")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["sizes"]["lesson.srt"] = (folder / "lesson.srt").stat().st_size
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


@SETTINGS
@given(data=st.data())
def test_any_manifest_loads_or_is_one_error(render_dir: Path, data: st.DataObject) -> None:
    valid = json.loads((render_dir / "manifest.json").read_text())
    folder = render_dir.parent / "mutated"
    if not folder.exists():
        folder.symlink_to(render_dir.name)
    damaged = data.draw(mutated(valid))
    target = render_dir / "manifest.json"
    original = target.read_text()
    try:
        target.write_text(dumps(damaged))
        rendered = only_lessonreel_errors(lambda: source.load(render_dir))
        if rendered is not None:
            # What loads is what every publisher can use.
            assert math.isfinite(rendered.duration) and rendered.title
            bounds = source.chapter_bounds(rendered.scenes)
            assert all(math.isfinite(a) and math.isfinite(b) for a, b in bounds)
            site.chapters_vtt(rendered.scenes)
            site.chapter_views(rendered.scenes, [])
            youtube.chapters_of(rendered)
            only_lessonreel_errors(lambda: present.presentation(rendered))
    finally:
        target.write_text(original)


@SETTINGS
@given(data=st.data())
def test_any_beats_file_checks_or_is_one_error(tmp_path: Path, data: st.DataObject) -> None:
    valid = beat_timeline("demo", 15, [
        SceneBeats("A", "One", 30, [("a", 1.0, "Hello."), ("b", 1.5, "Then.")]),
        SceneBeats("B", "Two", 45, [])])
    path = tmp_path / "beats.json"
    path.write_text(dumps(data.draw(mutated(valid.to_json()))))
    timeline = only_lessonreel_errors(lambda: read_timeline(path, 15, 5.0, "demo"))
    if timeline is not None:
        assert timeline.frames == 75 and check_timeline(timeline.to_json(), 15) == timeline


@SETTINGS
@given(data=st.data())
def test_any_youtube_record_loads_or_is_one_error(tmp_path: Path, data: st.DataObject) -> None:
    valid = {"lesson": LESSON, "video_id": "abc", "url": "https://youtu.be/abc",
             "sha256": "ab" * 32, "size": 10, "privacy": "private",
             "published": "2026-01-01T00:00:00+00:00",
             "steps": {"video": True, "captions": {"id": "c", "language": "en"},
                       "thumbnail": True, "playlist": {"title": "T", "id": "p"}},
             "earlier_videos": [{"video_id": "old", "sha256": "cd" * 32}]}
    (tmp_path / youtube.RECORD_NAME).write_text(dumps(data.draw(mutated(valid))))
    record = only_lessonreel_errors(lambda: youtube.load_record(tmp_path))
    if record is not None:
        youtube.pending_steps(record, "T")
        youtube.video_url(record["video_id"])


@SETTINGS
@given(data=st.data())
def test_any_token_loads_or_is_one_error(tmp_path: Path, data: st.DataObject) -> None:
    valid = {"token": "t", "refresh_token": "r", "token_uri": "https://oauth2.googleapis.com/t",
             "client_id": "i", "client_secret": "s", "scopes": list(youtube_auth.SCOPES),
             "expiry": "2026-01-01T00:00:00Z", "universe_domain": "googleapis.com",
             "account": ""}
    path = tmp_path / "token.json"
    path.write_text(dumps(data.draw(mutated(valid))))
    only_lessonreel_errors(lambda: youtube_auth.load_token(path, LESSON))


SCENE_RECORD = {
    "key": "k" * 64, "scene": "S", "lesson": "demo", "frames": 150,
    "sizes": {"video.mp4": 1}, "sha256": {"video.mp4": "0" * 64},
    "render_seconds": 3.5, "quality": "low", "fps": 15, "shards": 1,
    "animation_frames": [10, 20],
    "beats": [{"name": "a", "start": 0.0, "end": 2.0, "text": "Hi."}],
    "smallest_text": {"label": "x", "size": 24.0, "beat": "a"},
    "beat_keys": ["b" * 64], "beats_cached": 0}


def write(path: Path, data: Any) -> Path:
    path.write_text(dumps(data))
    return path


@SETTINGS
@given(data=st.data())
def test_any_scene_cache_record_reads_or_is_one_error(tmp_path: Path,
                                                      data: st.DataObject) -> None:
    cache = SceneCache(tmp_path / "cache")
    folder = cache._folder("demo", "S", "low-none", "k" * 64)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "video.mp4").write_bytes(b"v")
    (folder / "record.json").write_text(dumps(data.draw(mutated(SCENE_RECORD))))
    record = only_lessonreel_errors(lambda: SceneRecord.read(folder / "record.json"))
    if record is not None:
        for beat in record.render.beats:
            assert beat.end >= beat.start >= 0
        plan.shard_count(None, 4, record, 1)
        # Written back, the record reads the same: nothing of it is lost on the way.
        assert SceneRecord.read(write(tmp_path / "again.json", record.to_json())) == record
    latest = cache.last_record("demo", "S")
    if latest is not None:
        assert plan.estimate_seconds(None, latest) >= 0  # type: ignore[arg-type]
        if latest.render.render_seconds is not None:
            plan.estimate_cost(None, latest, 1.0)  # type: ignore[arg-type]
    cache.lookup("demo", "S", "low-none", "k" * 64)  # a damaged entry is None, not a crash


@SETTINGS
@given(data=st.data())
def test_any_beat_segment_record_reads_or_is_one_error(tmp_path: Path,
                                                       data: st.DataObject) -> None:
    valid = {"key": "k", "scene": "S", "lesson": "demo", "frames": 15, "size": 1,
             "sha256": "0" * 64, "fps": 15, "plays": [[1.0, False, False]],
             "beats": [{"name": "a", "start": 0.0, "end": None, "text": "Hi.",
                        "first_animation": 0, "duration": 1.0,
                        "sentences": [{"text": "Hi.", "start": 0.0, "end": 0.5,
                                       "words": [[0.0, 0.5]], "chunks": [["Hi.", "Hi."]]}],
                        "marks": [{"name": "hi", "at": 0.0}]}],
             "layout": []}
    path = tmp_path / "record.json"
    path.write_text(dumps(data.draw(mutated(valid))))
    record = only_lessonreel_errors(lambda: beatcache.SegmentRecord.read(path))
    if record is not None:
        beatcache.beat_frames(record.plays, record.fps)
        for beat in record.beats:
            moved = beat.moved(1.0)
            assert moved.end is None or moved.end - moved.start >= 0 or beat.end is not None
            for sentence in beat.sentences:
                assert all(isinstance(a + b, float) for a, b in sentence.words)


@SETTINGS
@given(text=st.text() | st.binary().map(lambda b: b.decode("latin-1")))
def test_any_text_parses_as_json_or_is_a_value_error(text: str) -> None:
    try:
        parse_json(text)
    except ValueError:
        pass


def test_deeply_nested_json_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="nested too deeply"):
        parse_json("[" * 100_000)


# --- the command line's numbers and names -----------------------------------------------

SPECIAL = ["", "0", "-1", "1", "²", "٣", "1e3", "auto", "last", "99999999999999999999",
           " 2", "LessonTitle", "low", "high", "-h", "--all", "class", "a" * 300]
#: What a user might type for a number or a name: anything, the usual mistakes, and
#: characters Python takes for digits (isdigit) but int() may not. Never a NUL: a
#: program's arguments are C strings, so no shell can pass one.
NAMES = (st.sampled_from(SPECIAL) | st.text(st.characters(exclude_characters="\0"), max_size=12)
         | st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=3))


def invoke(args: list[str], tmp_path: Path) -> None:
    """Run the CLI on ``args`` where nothing real can start: planning a render, reading a
    script, rendering a preview and serving are each replaced by WorkStarted."""
    def started(*_: object, **__: object) -> Any:
        raise WorkStarted
    with pytest.MonkeyPatch.context() as patch:
        for name in ("plan", "run_plan"):
            patch.setattr(f"lessonreel.cli.render.{name}", started)
        patch.setattr("lessonreel.voice.script.read_script", started)
        patch.setattr("lessonreel.render.preview.Previewer.run", started)
        patch.setattr("lessonreel.render.preview.Previewer.storyboard", started)
        patch.setattr("lessonreel.publish.present.serving", started)
        patch.setattr("lessonreel.authoring.scaffold.create", started)
        patch.chdir(tmp_path)
        result = CliRunner().invoke(cli, args)
    if isinstance(result.exception, WorkStarted):
        return
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args, repr(result.exception))
    if result.exit_code == 0:
        return
    assert result.exit_code in (1, 2), (args, result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    if lines and lines[-1].startswith("Error: "):
        assert result.exit_code == 2  # click's usage error
    else:
        assert len(lines) == 1 and ": " in lines[0], (args, lines)


RENDER = ["render", LESSON, "-q", "low", "--narration", "none"]


@SETTINGS
# Found on main: a digit Python's isdigit() accepts and int() refuses.
@example(option="--shards", value="²")
@example(option="--out", value="/" + "a" * 300)
@given(option=st.sampled_from(["--jobs", "--shards", "-q", "--scene", "--out", "--executor",
                               "--narration", "--scheduler"]), value=NAMES)
def test_render_options(tmp_path: Path, option: str, value: str) -> None:
    """One option given anything, the others valid: that option's check is reached."""
    if option == "--out":
        value = str(tmp_path / "o") + value
    invoke([*RENDER, "--cache-dir", str(tmp_path / "cache"), option, value], tmp_path)
    invoke(["render", value, "--all", "--cache-dir", str(tmp_path / "cache")], tmp_path)


@SETTINGS
@example(option="--frame", value="²", storyboard=False)
@given(option=st.sampled_from(["--frame", "--section", "scene", "lesson"]), value=NAMES,
       storyboard=st.booleans())
def test_preview_options(tmp_path: Path, option: str, value: str, storyboard: bool) -> None:
    lesson, scene = (value if option == "lesson" else LESSON,
                     value if option == "scene" else "LessonTitle")
    extra = [option, value] if option.startswith("--") else []
    invoke(["preview", lesson, scene, *extra, *(["--storyboard"] if storyboard else []),
            "--cache-dir", str(tmp_path / "cache")], tmp_path)


@SETTINGS
@given(port=NAMES, quality=NAMES, lesson=NAMES)
def test_present_options(tmp_path: Path, port: str, quality: str, lesson: str) -> None:
    invoke(["present", lesson, "--port", port, "-q", quality, "--no-open",
            "--build-dir", str(tmp_path / "build")], tmp_path)
    invoke(["present", "--port", port, "--from", str(tmp_path / lesson), "--no-open"],
           tmp_path)


@SETTINGS
@given(slug=NAMES | st.from_regex(r"[a-z][a-z0-9-]{0,80}", fullmatch=True),
       scene=NAMES, title=NAMES)
def test_new_names(tmp_path: Path, slug: str, scene: str, title: str) -> None:
    # create() is replaced: a slug and names that pass every check would write a lesson.
    invoke(["new", slug, "--title", title, "--scene", scene], tmp_path)
    from lessonreel.authoring.scaffold import check_slug
    from lessonreel.errors import UsageError
    try:
        check_slug(slug)
    except UsageError:
        return
    package = slug.replace("-", "_")
    assert package.isidentifier() and len(slug) <= 64
    compile(f"import scenes.{package}", "<slug>", "exec")


@SETTINGS
@given(jobs=NAMES, lesson=NAMES, export=NAMES)
def test_narration_options(tmp_path: Path, jobs: str, lesson: str, export: str) -> None:
    invoke(["narration", lesson, "--jobs", jobs, "--export", str(tmp_path / "e") + export,
            "--cache-dir", str(tmp_path / "cache")], tmp_path)
    invoke(["narration", LESSON, "--check", "--jobs", jobs], tmp_path)
