"""Assembly pieces that need no render: timestamps, captions, chapters, atomic output."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import srt
from PIL import Image

from lessonreel.assemble import join as assemble_module
from lessonreel.assemble.join import PlacedScene, assemble, merge_captions, place, to_webvtt
from lessonreel.authoring.lesson import Lesson, Thumbnail, get_lesson
from lessonreel.captions.chapters import Chapter, chapter_problems, clock, ffmetadata, youtube_text
from lessonreel.captions.timeline import check_timeline
from lessonreel.errors import AssemblyError, LessonDeclarationError
from lessonreel.media import frame_count, frames_off_grid, grab_frame, probe
from lessonreel.render.outputs import MARKER
from lessonreel.render.plan import plan
from lessonreel.render.quality import QUALITIES
from lessonreel.render.run import BeatSpan, SceneOutput, _on_frame_grid
from tests.conftest import ROOT


def module02() -> Lesson:
    """Module 2 as declared, its thumbnail taken at a time: the tiny videos have no beats."""
    lesson = get_lesson("module02-derivatives")
    assert lesson.thumbnail is not None
    return dataclasses.replace(
        lesson, thumbnail=dataclasses.replace(lesson.thumbnail, beat=None, at=1.0))


def outputs_for(
    tmp_path: Path, videos: list[Path], captions: list[str | None]
) -> list[SceneOutput]:
    lesson = module02()
    tasks = plan(lesson, lesson.scenes, QUALITIES["low"], "none", ROOT, tmp_path / "cache")
    result = []
    for task, video, caption in zip(tasks, videos, captions, strict=False):
        path = None
        if caption is not None:
            path = video.with_suffix(".srt")
            path.write_text(caption)
        last_frame = video.with_suffix(".png")
        if video.exists() and not last_frame.exists() and video.stat().st_size > 10_000:
            grab_frame(video, None, last_frame)
        result.append(SceneOutput(task=task, video=video, narration=None, captions=path,
                                  last_frame=last_frame,
                                  seconds=0.0, cached=False))
    return result


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0:00"), (9.99, "0:09"), (61, "1:01"), (599, "9:59"), (3600, "1:00:00"), (3725, "1:02:05"),
])
def test_chapter_clock_uses_youtube_format(seconds: float, text: str) -> None:
    assert clock(seconds) == text


def test_captions_are_shifted_onto_the_lesson_timeline_and_clipped(tmp_path: Path) -> None:
    first = "1\n00:00:01,000 --> 00:00:03,000\nfirst scene\n"
    second = "1\n00:00:00,500 --> 00:00:20,000\nruns past the end\n"
    videos = [tmp_path / "a.mp4", tmp_path / "b.mp4"]
    outputs = outputs_for(tmp_path, videos, [first, second])[:2]
    placed = [PlacedScene(outputs[0], 0.0, 10.0), PlacedScene(outputs[1], 10.0, 5.0)]
    cues = merge_captions(placed)
    assert [(c.start, c.end, c.content) for c in cues] == [
        (timedelta(seconds=1), timedelta(seconds=3), "first scene"),
        (timedelta(seconds=10.5), timedelta(seconds=15), "runs past the end"),
    ]
    assert [c.index for c in cues] == [1, 2]
    vtt = to_webvtt(cues)
    assert "00:00:10.500 --> 00:00:15.000\nruns past the end" in vtt
    chapters = [p.chapter for p in placed]
    assert youtube_text(chapters) == (
        f"0:00 {outputs[0].title}\n0:10 {outputs[1].title}\n"
    )
    meta = ffmetadata("Lesson", "Course", chapters)
    assert f"START=10000\nEND=15000\ntitle={outputs[1].title}" in meta
    assert srt.compose(cues)


def test_webvtt_escapes_caption_text_that_would_read_as_markup() -> None:
    cue = srt.Subtitle(1, timedelta(seconds=1), timedelta(seconds=2),
                       "if x < 2 & y > 1 then <b>f</b>")
    assert to_webvtt([cue]).splitlines()[4] == (
        "if x &lt; 2 &amp; y &gt; 1 then &lt;b&gt;f&lt;/b&gt;")


def test_unreadable_scene_video_is_refused_before_anything_is_touched(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"not really a video" * 100)
    out = tmp_path / "out"
    earlier_render(out)
    lesson = module02()
    outputs = outputs_for(tmp_path, [broken] * len(lesson.scenes), [None] * len(lesson.scenes))
    with pytest.raises(AssemblyError, match="cannot read"):
        assemble(lesson, QUALITIES["low"], outputs, out, "none")
    assert (out / "lesson.mp4").read_bytes() == b"previous lesson"
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "lesson.mp4", "manifest.json"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def earlier_render(out: Path) -> None:
    """A folder as an earlier render left it (lessonreel's marker in it)."""
    out.mkdir()
    (out / "lesson.mp4").write_bytes(b"previous lesson")
    (out / "manifest.json").write_text("{}")
    (out / MARKER).write_text('{"generator": "lessonreel 0.1.0"}')


@pytest.fixture(scope="module")
def tiny_scene_videos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """One 11-second test-pattern video per Module 2 scene (long enough for a chapter),
    made once for the module: the tests read them and write elsewhere."""
    lesson = module02()
    folder = tmp_path_factory.mktemp("scene-videos")
    videos = []
    for index in range(len(lesson.scenes)):
        video = folder / f"scene{index}.mp4"
        subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                        "testsrc=size=160x90:rate=15:duration=11", "-c:v", "libx264",
                        "-pix_fmt", "yuv420p", str(video)], check=True)
        videos.append(video)
    return videos


def clip(path: Path, seconds: float, late: float = 0.0) -> Path:
    """A 15 fps test-pattern video (B-frames, as Manim's), its picture shifted ``late`` s."""
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                    f"testsrc=size=160x90:rate=15:duration={seconds}", "-c:v", "libx264",
                    "-pix_fmt", "yuv420p", "-output_ts_offset", str(late), str(path)],
                   check=True)
    return path


def silence(path: Path, seconds: float) -> Path:
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                    "anullsrc=r=48000:cl=mono", "-t", str(seconds), "-c:a", "pcm_s16le",
                    str(path)], check=True)
    return path


def joined_with_a_gap(tmp_path: Path, gap: float = 2 / 15) -> Path:
    """What a scene joined from a late-starting first beat was: 30 frames, every one
    after the first beat shown ``gap`` s late (the concat demuxer leaves a gap)."""
    listing = tmp_path / "pieces.txt"
    listing.write_text(f"file '{clip(tmp_path / 'first.mp4', 1, late=gap)}'\n"
                       f"file '{clip(tmp_path / 'rest.mp4', 1)}'\n")
    joined = tmp_path / "joined.mp4"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i",
                    str(listing), "-c", "copy", str(joined)], check=True)
    assert frame_count(joined) == 30
    return joined


def refused(tmp_path: Path, index: int, video: Path, narration: Path | None = None) -> str:
    """The one-line error assembling Module 2 gives with scene ``index`` made of ``video``
    and ``narration``; the output folder is left as it was."""
    lesson = module02()
    videos = [clip(tmp_path / f"scene{i}.mp4", 2) if i != index else video
              for i in range(len(lesson.scenes))]
    outputs = outputs_for(tmp_path, videos, [None] * len(videos))
    outputs[index] = dataclasses.replace(outputs[index], narration=narration)
    for output in outputs:
        if not output.last_frame.exists():
            grab_frame(output.video, None, output.last_frame)
    out = tmp_path / "out"
    earlier_render(out)
    with pytest.raises(AssemblyError) as error:
        assemble(lesson, QUALITIES["low"], outputs, out, "none")
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "lesson.mp4", "manifest.json"]
    assert (out / "lesson.mp4").read_bytes() == b"previous lesson"
    message = str(error.value)
    assert "\n" not in message
    assert f"scene {outputs[index].name}:" in message
    return message


def test_a_scene_whose_video_starts_late_is_refused_naming_it(tmp_path: Path) -> None:
    message = refused(tmp_path, 2, clip(tmp_path / "late.mp4", 2, late=2 / 15))
    assert "its video starts at 0.133 s, not 0" in message
    assert "remove " in message and "render again" in message


def test_a_scene_joined_with_a_gap_is_refused_with_its_picture_and_frame_lengths(
    tmp_path: Path,
) -> None:
    message = refused(tmp_path, 1, joined_with_a_gap(tmp_path))
    assert "its picture runs 2.134 s (30 frames, 2.000 s at 15 fps)" in message


def test_a_scene_whose_narration_outlasts_its_picture_by_two_frames_is_refused(
    tmp_path: Path,
) -> None:
    message = refused(tmp_path, 0, clip(tmp_path / "short.mp4", 2),
                      silence(tmp_path / "long.wav", 2 + 2 / 15))
    assert "its picture runs 2.000 s" in message and "its sound 2.133 s" in message


def test_picture_and_sound_within_a_frame_of_each_other_are_placed(tmp_path: Path) -> None:
    video = clip(tmp_path / "scene.mp4", 2)
    [output] = outputs_for(tmp_path, [video], [None])
    for sound in (2 - 0.9 / 15, 2 + 0.9 / 15):
        wav = silence(tmp_path / f"{sound}.wav", sound)
        [placed] = place([dataclasses.replace(output, narration=wav)])
        assert placed.duration == pytest.approx(2)


@pytest.mark.parametrize(("gap", "snapped"), [(0.003, True), (0.6 / 15, False)])
def test_a_shard_goes_on_the_frame_grid_unless_it_drifts_half_a_frame(
    tmp_path: Path, gap: float, snapped: bool,
) -> None:
    video = joined_with_a_gap(tmp_path, gap)
    assert frames_off_grid(video, 15) == 15
    task = SimpleNamespace(quality=QUALITIES["low"], work_dir=tmp_path,
                           scene=SimpleNamespace(name="Drifting"))
    kept = _on_frame_grid(task, video, 0)  # type: ignore[arg-type]
    # Rounding 0.6 frame of drift would show the second half a frame early instead.
    assert (kept != video) is snapped
    assert frames_off_grid(kept, 15) == (0 if snapped else 15)
    assert frame_count(kept) == 30


def test_a_thumbnail_declared_by_beat_takes_the_last_frame_of_that_beat(
    tmp_path: Path, tiny_scene_videos: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    lesson = module02()
    scene = lesson.scenes[2].name
    outputs = outputs_for(tmp_path, tiny_scene_videos, [None] * len(tiny_scene_videos))
    outputs[2] = dataclasses.replace(outputs[2], beats=(BeatSpan("line", 0.0, 4.0),
                                                                 BeatSpan("zoom", 4.0, 9.0)))
    taken: list[float | None] = []

    def grab(video: Path, at: float | None, target: Path) -> Image.Image:
        taken.append(at)
        return grab_frame(video, at, target)

    monkeypatch.setattr(assemble_module, "grab_frame", grab)
    by_beat = dataclasses.replace(lesson, thumbnail=Thumbnail(scene=scene, beat="zoom"))
    assemble(by_beat, QUALITIES["low"], outputs, tmp_path / "out", "none")
    # The frame shown last before the next beat starts, at 15 fps.
    assert taken == [pytest.approx(9.0 - 1.5 / 15)]
    unknown = dataclasses.replace(lesson, thumbnail=Thumbnail(scene=scene, beat="nope"))
    with pytest.raises(AssemblyError, match=f"'nope' is not a beat of {scene}; its beats: "
                                            "line, zoom"):
        assemble(unknown, QUALITIES["low"], outputs, tmp_path / "out2", "none")
    with pytest.raises(LessonDeclarationError, match="not both"):
        dataclasses.replace(lesson, thumbnail=Thumbnail(scene=scene, at=3.0, beat="zoom"))


def test_interrupted_final_write_leaves_the_old_lesson_and_no_partial_files(
    tmp_path: Path, tiny_scene_videos: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    earlier_render(out)
    real_ffmpeg = assemble_module.run_ffmpeg

    def dies_while_writing_the_lesson(args: list[str], what: str) -> object:
        if what == "writing lesson.mp4":
            Path(args[-1]).write_bytes(b"half a video")
            raise KeyboardInterrupt
        return real_ffmpeg(args, what)

    monkeypatch.setattr(assemble_module, "run_ffmpeg", dies_while_writing_the_lesson)
    lesson = module02()
    outputs = outputs_for(tmp_path, tiny_scene_videos, [None] * len(tiny_scene_videos))
    with pytest.raises(KeyboardInterrupt):
        assemble(lesson, QUALITIES["low"], outputs, out, "none")
    assert (out / "lesson.mp4").read_bytes() == b"previous lesson"
    # The earlier render is left whole, and nothing of the new one beside it.
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "lesson.mp4", "manifest.json"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_a_lesson_with_too_short_chapters_renders_without_chapters_txt(
    tmp_path: Path, tiny_scene_videos: list[Path]
) -> None:
    short = tmp_path / "short.mp4"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc=size=160x90:rate=15:duration=4", "-c:v", "libx264",
                    "-pix_fmt", "yuv420p", str(short)], check=True)
    out = tmp_path / "out"
    lesson = module02()
    outputs = outputs_for(tmp_path, [short, *tiny_scene_videos[1:]], [None] * len(lesson.scenes))
    earlier_render(out)
    (out / "chapters.txt").write_text("0:00 from an earlier render\n")
    result = assemble(lesson, QUALITIES["low"], outputs, out, "none")
    # The lesson plays, with its chapters embedded, but YouTube would reject its list.
    assert (out / "lesson.mp4").is_file()
    assert len(probe(out / "lesson.mp4")["chapters"]) == len(lesson.scenes)
    assert not (out / "chapters.txt").exists()
    assert "chapters" not in result.manifest["files"]
    assert result.manifest["chapter_problems"] == [
        f"chapter {lesson.scenes[0].title!r} lasts 4.0 s; YouTube needs at least 10 s: "
        "lengthen its scene or merge it with another"]


def test_complete_lesson_gets_chapters_thumbnail_and_contact_sheet(
    tmp_path: Path, tiny_scene_videos: list[Path]
) -> None:
    out = tmp_path / "out"
    lesson = module02()
    outputs = outputs_for(tmp_path, tiny_scene_videos, [None] * len(tiny_scene_videos))
    result = assemble(lesson, QUALITIES["low"], outputs, out, "none")
    lines = (out / "chapters.txt").read_text().splitlines()
    assert lines[:2] == [f"0:00 {lesson.scenes[0].title}", f"0:11 {lesson.scenes[1].title}"]
    assert result.manifest["complete"] is True
    with Image.open(out / "thumbnail.png") as thumbnail:
        assert thumbnail.size == (1280, 720)
    assert (out / "thumbnail.png").stat().st_size < 2 * 1024 * 1024
    with Image.open(out / "contact-sheet.png") as sheet:
        rows = -(-len(lesson.scenes) // 3)
        assert sheet.width == 3 * 480 + 4 * 24
        assert sheet.height == 80 + rows * (270 + 44 + 24) + 24


def test_the_manifest_gives_the_pace_in_caption_words_a_minute_and_the_caption_figures(
    tmp_path: Path, tiny_scene_videos: list[Path]
) -> None:
    lesson = module02()
    # Seven words a reader counts ("2.001" is one), in every 11-second scene.
    caption = "1\n00:00:01,000 --> 00:00:04,000\nWatch x slide\nfrom 2 to 2.001.\n"
    outputs = outputs_for(tmp_path, tiny_scene_videos, [caption] * len(tiny_scene_videos))
    result = assemble(lesson, QUALITIES["low"], outputs, tmp_path / "out", "none")
    pace = result.manifest["pace"]
    scenes = len(tiny_scene_videos)
    assert pace["words"] == 7 * scenes
    minutes = result.manifest["duration"] / 60
    assert pace["words_per_minute"] == pytest.approx(7 * scenes / minutes, abs=0.1)
    assert pace["within"] == [140, 165] and pace["ok"] is False
    figures = result.manifest["captions"]
    assert figures["cues"] == scenes and figures["longest_line"] == len("from 2 to 2.001.")
    assert figures["most_lines"] == 2 and figures["max_cps"] == pytest.approx(30 / 3, abs=0.01)
    # The render summary says it too.
    from lessonreel.cli.render import _pace_line

    line = _pace_line(result.manifest)
    assert line.startswith(f"pace: {pace['words_per_minute']:.0f} words a minute")
    assert "(outside 140-165)" in line and f"captions: {scenes} cues" in line


def test_a_partial_render_writes_no_chapters(tmp_path: Path, tiny_scene_videos: list[Path]) -> None:
    out = tmp_path / "out"
    earlier_render(out)
    (out / "chapters.txt").write_text("0:00 stale\n")
    lesson = module02()
    outputs = outputs_for(tmp_path, tiny_scene_videos[:1], [None])
    result = assemble(lesson, QUALITIES["low"], outputs, out, "none")
    assert result.manifest["complete"] is False
    assert "chapters" not in result.manifest["files"]
    assert not (out / "chapters.txt").exists()
    assert (out / "lesson.mp4").exists()


def chapters_of(*lengths: float, titles: list[str] | None = None) -> list[Chapter]:
    result, t = [], 0.0
    for i, length in enumerate(lengths):
        result.append(Chapter(titles[i] if titles else f"Chapter {i + 1}", t, t + length))
        t += length
    return result


def test_valid_chapters_pass() -> None:
    assert chapter_problems(chapters_of(10, 30, 12.5)) == []


@pytest.mark.parametrize(("chapters", "complaint"), [
    (chapters_of(30, 30), "YouTube needs at least 3"),
    (chapters_of(30, 9.9, 30), "lasts 9.9 s"),
    (chapters_of(30, 30, 30, titles=["A", "B" * 71, "C"]), "has 71 characters"),
    (chapters_of(30, 30, 30, titles=["A", " ", "C"]), "use 1 to 70"),
    ([Chapter("A", 5, 20), Chapter("B", 20, 40), Chapter("C", 40, 60)], "not 0:00"),
    ([Chapter("A", 0, 20), Chapter("B", 20, 40), Chapter("C", 20, 60)], "does not start after"),
])
def test_chapter_rules_say_what_to_fix(chapters: list[Chapter], complaint: str) -> None:
    problems = chapter_problems(chapters)
    assert any(complaint in p for p in problems), problems


def test_beats_json_places_every_beat_on_the_lessons_frames(
        tmp_path: Path, tiny_scene_videos: list[Path]) -> None:
    lesson = module02()
    outputs = outputs_for(tmp_path, tiny_scene_videos, [None] * len(tiny_scene_videos))
    # Scene 2 speaks two beats; its voiceovers closed at 4 s and 9 s of its 11 s.
    outputs[1] = dataclasses.replace(outputs[1], beats=(
        BeatSpan("line", 0.4, 4.0, "The line y = 5x."), BeatSpan("zoom", 4.0, 9.0, "Zoom in.")))
    result = assemble(lesson, QUALITIES["low"], outputs, tmp_path / "out", "none")
    written = tmp_path / "out" / "beats.json"
    timeline = json.loads(written.read_text())
    assert result.manifest["files"]["beats"] == "beats.json"
    assert result.manifest["sizes"]["beats.json"] == written.stat().st_size
    assert timeline["frames"] == frame_count(result.video)
    second = [b for b in timeline["beats"] if b["chapter"] == 2]
    scene_start = timeline["chapters"][1]["first_frame"]
    # A beat pauses on the frame its voiceover closed on (4 s at 15 fps); the scene's last
    # beat runs on to the scene's end (11 s), so what plays after its voiceover is shown.
    assert [(b["name"], b["text"], b["first_frame"] - scene_start, b["end_frame"] - scene_start)
            for b in second] == [("line", "The line y = 5x.", 0, 4 * 15),
                                 ("zoom", "Zoom in.", 4 * 15, 11 * 15)]
    assert second[0]["end"] == pytest.approx(scene_start / 15 + 4.0)
    # A scene without narration is one beat, named for the scene.
    first = [b for b in timeline["beats"] if b["chapter"] == 1]
    assert [(b["name"], b["first_frame"], b["end_frame"]) for b in first] == [
        (outputs[0].name, 0, 11 * 15)]
    # Read back checked, it is what was written.
    assert check_timeline(timeline, 15).to_json() == timeline
