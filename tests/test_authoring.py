"""Authoring a new lesson as a newcomer would: scaffold, preview, record, check, render.

Everything runs in a temporary copy of the repository, through the real
command line, so a scaffold that does not import, list, test or render fails here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import srt
from PIL import Image

from lessonreel.media import frame_count, probe, video_duration
from lessonreel.voice import speech
from lessonreel.voice.recordings import analyse, sentence_timeline
from lessonreel.voice.speech import split_sentences
from tests.conftest import ROOT, ctrl_c_as_at_a_terminal

SLUG = "module09-vectors"
TITLE = "Vectors in the Plane"
SCENE = "VectorsInThePlaneIntroduction"
RATE = 22050


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    speech.write_wav(path, np.clip(samples, -32768, 32767), rate)
    return path


def tone(seconds: float, freq: float = 440.0, level: float = 0.3, rate: int = RATE) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return level * 32767 * np.sin(2 * np.pi * freq * t)


def silence(seconds: float, rate: int = RATE) -> np.ndarray:
    return np.zeros(round(seconds * rate))


SKIPPED_IN_COPY = tuple(filter(None, ("tests/render/control_data", "build/",
                                      *os.environ.get("LR_DEV_SKIP", "").split(","))))


class Repo:
    """A copy of the project's files (tracked and new, not ignored) in a temporary folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                                 "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        for name in filter(None, listed.decode().split("\0")):
            source = ROOT / name
            if source.is_file() and not name.startswith(SKIPPED_IN_COPY):
                target = root / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        self.cache = root / ".cache-for-tests"

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "LESSONREEL_CACHE_DIR": str(self.cache)}
        env.pop("LESSONREEL_LESSONS", None)
        return subprocess.run([sys.executable, "-m", "lessonreel.cli", *args], cwd=self.root,
                              capture_output=True, text=True, env=env, timeout=timeout,
                              check=False)

    @property
    def scene_file(self) -> Path:
        return self.root / "scenes" / "module09_vectors" / "introduction.py"

    def recording(self, beat: str, suffix: str = ".wav") -> Path:
        return self.root / "assets" / "narration" / SLUG / SCENE / f"{beat}{suffix}"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """The copy, with one lesson scaffolded by ``lessonreel new``."""
    copy = Repo(tmp_path_factory.mktemp("repo"))
    result = copy.run("new", SLUG, "--title", TITLE)
    assert result.returncode == 0, result.stderr
    return copy


def test_new_writes_a_lesson_package_and_prints_the_next_three_commands(repo: Repo) -> None:
    package = repo.root / "scenes" / "module09_vectors"
    assert sorted(p.name for p in package.iterdir() if p.suffix == ".py") == [
        "__init__.py", "introduction.py", "math.py"]
    assert (repo.root / "tests" / "math" / "test_module09_vectors_math.py").is_file()
    # No staging folder is left beside the lessons.
    assert not [p for p in (repo.root / "scenes").iterdir() if p.name.startswith(".new-")]


def test_the_scaffold_is_listed_and_its_own_tests_and_linters_pass(repo: Repo) -> None:
    listed = json.loads(repo.run("list", "--json").stdout)
    lesson = next(item for item in listed["lessons"] if item["slug"] == SLUG)
    assert lesson["title"] == TITLE
    assert [s["name"] for s in lesson["scenes"]] == [SCENE]
    assert lesson["scenes"][0]["file"] == "scenes/module09_vectors/introduction.py"
    tests = subprocess.run([sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider",
                            "tests/math/test_module09_vectors_math.py",
                            "tests/math/test_math_layers.py"], cwd=repo.root,
                           capture_output=True, text=True, check=False)
    assert tests.returncode == 0, tests.stdout[-2000:]
    assert "test_the_example_rule_and_its_slope PASSED" in tests.stdout
    assert "test_math_layer_imports_no_manim[scenes.module09_vectors.math] PASSED" in tests.stdout
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "scenes/module09_vectors",
                           "tests/math/test_module09_vectors_math.py"], cwd=repo.root,
                          capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout


def test_new_prints_what_to_run_next(tmp_path: Path) -> None:
    copy = Repo(tmp_path)
    result = copy.run("new", "module04-chain-rule", "--title", "The Chain Rule")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index("next:")
    assert [line.strip() for line in lines[start + 1:]] == [
        "lessonreel list",
        "lessonreel preview module04-chain-rule ChainRuleIntroduction --frame last",
        "lessonreel render module04-chain-rule -q low",
    ]


@pytest.mark.parametrize("slug", ["Module3", "module_3", "3-gradient", "module03--x",
                                  "module03-", "module 03"])
def test_new_refuses_a_slug_that_is_not_lowercase_words_joined_by_hyphens(
    repo: Repo, slug: str
) -> None:
    before = sorted(p.name for p in (repo.root / "scenes").iterdir())
    result = repo.run("new", slug, "--title", "Anything")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"UsageError: lesson slug {slug!r} must be lowercase words (letters a-z and "
        "digits) joined by hyphens, starting with a letter, at most 64 characters, and not "
        "a Python keyword once hyphens become underscores (the package name), e.g. "
        "module03-gradient"]
    assert sorted(p.name for p in (repo.root / "scenes").iterdir()) == before


def test_new_refuses_to_overwrite_an_existing_lesson(repo: Repo) -> None:
    source = (repo.scene_file).read_text()
    result = repo.run("new", SLUG, "--title", "Something else")
    assert result.returncode == 2
    assert "already exists" in result.stderr and "choose another slug" in result.stderr
    assert repo.scene_file.read_text() == source
    result = repo.run("new", "module02-derivatives", "--title", "Again")
    assert result.returncode == 2 and "already exists" in result.stderr


@pytest.mark.render
def test_preview_saves_the_last_frame_at_480p(repo: Repo) -> None:
    result = repo.run("preview", SLUG, SCENE, "--frame", "last")
    assert result.returncode == 0, result.stderr[-2000:]
    png = Path(result.stdout.strip())
    assert png.name == f"{SCENE}.png" and png.is_relative_to(repo.cache)
    with Image.open(png) as image:
        assert image.size == (854, 480)
        # Not a blank frame: the formula is drawn.
        assert len(np.unique(np.asarray(image.convert("L")))) > 10


@pytest.mark.render
def test_preview_reports_text_that_overlaps_at_the_end_of_a_beat(repo: Repo) -> None:
    source = repo.scene_file.read_text()
    crowded = source.replace(".next_to(rule, DOWN, buff=0.6)", ".move_to(rule)")
    assert crowded != source
    repo.scene_file.write_text(crowded)
    try:
        result = repo.run("preview", SLUG, SCENE, "--frame", "last")
    finally:
        repo.scene_file.write_text(source)
    assert result.returncode == 0, result.stderr[-2000:]
    problems = [line for line in result.stderr.splitlines() if line.startswith("layout:")]
    assert len(problems) == 1
    assert problems[0].startswith("layout: end of beat 'first-rule': MathTex")
    assert " overlaps MathTex" in problems[0]
    assert "1 layout problems" in result.stderr
    clean = repo.run("preview", SLUG, SCENE, "--frame", "last")
    assert "layout:" not in clean.stderr
    # Every preview names the scene's smallest text, problem or not.
    assert re.search(r"^smallest text: \w+\(.+\) at font size \d+\.\d \(end of beat '",
                     clean.stderr, re.MULTILINE), clean.stderr[-2000:]


@pytest.mark.render
def test_preview_from_a_section_renders_only_the_rest_of_the_scene(repo: Repo) -> None:
    whole = repo.run("preview", SLUG, SCENE)
    assert whole.returncode == 0, whole.stderr[-2000:]
    whole_frames = frame_count(Path(whole.stdout.strip()))
    part = repo.run("preview", SLUG, SCENE, "--section", "first-rule")
    assert part.returncode == 0, part.stderr[-2000:]
    video = Path(part.stdout.strip())
    part_frames = frame_count(video)
    stream = probe(video)["streams"][0]
    assert (stream["width"], stream["height"], stream["r_frame_rate"]) == (854, 480, "15/1")
    assert 0 < part_frames < whole_frames
    frame = repo.run("preview", SLUG, SCENE, "--frame", "3")
    assert frame.returncode == 0 and Path(frame.stdout.strip()).name == f"{SCENE}-frame3.png"


@pytest.mark.render
def test_preview_storyboard_shows_the_end_of_every_beat(repo: Repo) -> None:
    result = repo.run("preview", SLUG, SCENE, "--storyboard")
    assert result.returncode == 0, result.stderr[-2000:]
    sheet = Path(result.stdout.strip())
    assert sheet.name == f"{SCENE}-storyboard.png"
    with Image.open(sheet) as image:
        # Two beats, two tiles of 480 px side by side with 24 px gaps.
        assert image.size[0] == 2 * 480 + 3 * 24
    refused = repo.run("preview", SLUG, SCENE, "--storyboard", "--frame", "last")
    assert refused.returncode == 2 and "leave out --section and --frame" in refused.stderr


@pytest.mark.render
def test_preview_names_the_sections_and_frames_it_has(repo: Repo) -> None:
    result = repo.run("preview", SLUG, SCENE, "--section", "nope")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"UsageError: scene {SCENE} has no section 'nope'; its sections: welcome, first-rule")
    result = repo.run("preview", SLUG, SCENE, "--frame", "100000")
    assert result.returncode == 2 and "is past the end" in result.stderr
    result = repo.run("preview", SLUG, "Nope")
    assert result.returncode == 2 and f"its scenes: {SCENE}" in result.stderr
    result = repo.run("preview", SLUG, SCENE, "--frame", "first")
    assert result.returncode == 2 and "'last' or a frame number" in result.stderr


class Watcher:
    """``preview --watch`` in a child process, its output read line by line."""

    def __init__(self, repo: Repo) -> None:
        env = {**os.environ, "LESSONREEL_CACHE_DIR": str(repo.cache), "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lessonreel.cli", "preview", SLUG, SCENE, "--frame", "last",
             "--watch"], cwd=repo.root, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, preexec_fn=ctrl_c_as_at_a_terminal)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, predicate: Any, count: int, timeout: float = 120) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in self.lines if predicate(line)]
            if len(found) >= count:
                return found
            time.sleep(0.2)
        raise AssertionError(f"waited {timeout} s; output so far:\n" + "\n".join(self.lines))


@pytest.fixture
def watcher(repo: Repo) -> Iterator[Watcher]:
    original = repo.scene_file.read_text()
    watch = Watcher(repo)
    yield watch
    watch.process.send_signal(signal.SIGINT)
    try:
        watch.process.wait(timeout=20)
    finally:
        watch.process.kill()
        repo.scene_file.write_text(original)


@pytest.mark.render
def test_watch_renders_again_on_save_and_survives_an_error(repo: Repo, watcher: Watcher) -> None:
    def is_png(line: str) -> bool:
        return line.endswith(f"{SCENE}.png")

    watcher.wait_for(is_png, 1)
    watcher.wait_for(lambda line: line.startswith("watching"), 1)
    source = repo.scene_file.read_text()
    repo.scene_file.write_text(source.replace('"The first rule"', '"The very first rule"'))
    watcher.wait_for(is_png, 2)
    repo.scene_file.write_text(source.replace("def construct(self) -> None:",
                                              "def construct(self) -> None\n"))
    watcher.wait_for(lambda line: line.startswith("SceneRenderError: scene " + SCENE), 1)
    repo.scene_file.write_text(source)
    watcher.wait_for(is_png, 3)
    assert watcher.process.poll() is None  # still watching after the error
    watcher.process.send_signal(signal.SIGINT)
    assert watcher.process.wait(timeout=20) in (0, 1, 130, -signal.SIGINT)


@pytest.mark.render
def test_narration_export_writes_the_script_with_beats_as_headings(repo: Repo,
                                                                   tmp_path: Path) -> None:
    result = repo.run("narration", SLUG, "--export", str(tmp_path / "scripts"))
    assert result.returncode == 0, result.stderr[-2000:]
    script = Path(result.stdout.strip())
    assert script == tmp_path / "scripts" / f"{SLUG}.md"
    text = script.read_text()
    assert text.startswith(f"# {TITLE}: narration script\n")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[1:] == [f"## 1. Welcome (`{SCENE}`)", "### welcome", "### first-rule"]
    # The narrator reads the values in words; the captions show them as the screen does.
    assert "The derivative of x squared is two x, and where x is three the slope is six." in text
    assert "> Captions: Every number in this lesson comes from the math module beside this " \
           "scene. The derivative of x² is 2x, and where x is 3 the slope is 6." in text
    assert f"assets/narration/{SLUG}/{SCENE}/first-rule.wav" in text


@pytest.mark.render
def test_narration_check_flags_silent_and_unused_recordings(repo: Repo) -> None:
    silent = write_wav(repo.recording("welcome"), silence(4.0))
    good = write_wav(repo.recording("first-rule"),
                     np.concatenate([tone(3.5), silence(0.5), tone(3.0, 330)]))
    typo = write_wav(repo.recording("first-rules"), tone(2.0))
    try:
        result = repo.run("narration", SLUG, "--check", "--json")
        assert result.returncode == 1, result.stderr[-2000:]
        report = json.loads(result.stdout)
        rows = {row["beat"]: row for row in report["beats"]}
        assert rows["welcome"]["recording"] == "welcome.wav"
        assert rows["welcome"]["problems"] and "silent" in rows["welcome"]["problems"][0]
        assert rows["first-rule"]["problems"] == []
        assert rows["first-rule"]["seconds"] == pytest.approx(7.0, abs=0.01)
        assert [Path(o["file"]).name for o in report["orphans"]] == ["first-rules.wav"]
        assert "its beats: welcome, first-rule" in report["orphans"][0]["problem"]
        typo.unlink()
        silent.unlink()
        result = repo.run("narration", SLUG, "--check")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "1 of 2 beats recorded, 0 flagged, 0 unused files" in " ".join(result.stdout.split())
    finally:
        for path in (silent, good, typo):
            path.unlink(missing_ok=True)


def test_check_flags_clipping_and_a_length_far_from_the_text(tmp_path: Path) -> None:
    text = "Seven words are spoken in this beat."
    clipped = write_wav(tmp_path / "clipped.wav", np.sign(tone(2.5)) * 32767)
    assert any(p.startswith("clipped") for p in analyse(clipped, text).problems)
    long = write_wav(tmp_path / "long.wav", tone(20.0))
    [problem] = analyse(long, text).problems
    found = re.fullmatch(r"20\.0 s long, expected about (\d+\.\d) s", problem)
    # Seven words take a speaker two to three seconds, whatever the voice's exact rate.
    assert found and 1.5 <= float(found[1]) <= 3.5, problem
    fine = write_wav(tmp_path / "fine.wav", tone(3.0))
    assert analyse(fine, text).problems == []


def test_sentence_captions_snap_to_the_pauses_of_a_recording() -> None:
    sentences = split_sentences("A short one. Then a much longer second sentence follows here. "
                                "And a third.")
    # Speech 0.4-2.0, pause, 2.6-6.0, pause, 6.5-7.5, trailing silence.
    samples = np.concatenate([silence(0.4), tone(1.6), silence(0.6), tone(3.4), silence(0.5),
                              tone(1.0), silence(0.8)])
    timeline = sentence_timeline(sentences, samples, RATE)
    assert [s.text for s in timeline] == sentences
    assert [t for s in timeline for t in (s.start, s.end)] == pytest.approx(
        [0.4, 2.0, 2.6, 6.0, 6.5, 7.5], abs=0.02)


@pytest.mark.render
def test_a_recording_replaces_the_voice_and_sets_the_beats_timing(repo: Repo) -> None:
    out = repo.root / "build-recorded"
    recording = write_wav(repo.recording("first-rule"),
                          np.concatenate([tone(5.0), silence(0.6), tone(4.0, 330)]))
    try:
        result = repo.run("render", SLUG, "-q", "low", "--out", str(out))
        assert result.returncode == 0, result.stderr[-3000:]
    finally:
        recording.unlink()
    cues = list(srt.parse((out / "lesson.srt").read_text()))
    first, second = (c for c in cues if c.content.startswith(("Every number", "The derivative")))
    start = first.start.total_seconds()
    # The two sentences sit on the two tones, split at the recording's pause.
    assert first.end.total_seconds() - start == pytest.approx(5.0, abs=0.05)
    assert second.start.total_seconds() - start == pytest.approx(5.6, abs=0.05)
    assert second.end.total_seconds() - start == pytest.approx(9.6, abs=0.05)
    # The scene waits out the recording (plus the gap after a beat).
    assert video_duration(out / "lesson.mp4") >= start + 9.6 + 0.3
    # And the soundtrack plays the recording there: 440 Hz, then 330 Hz.
    assert dominant_frequency(out / "lesson.mp4", start + 1.0, 3.0) == pytest.approx(440, abs=5)
    assert dominant_frequency(out / "lesson.mp4", start + 6.0, 3.0) == pytest.approx(330, abs=5)


def dominant_frequency(video: Path, start: float, seconds: float) -> float:
    raw = subprocess.run(["ffmpeg", "-v", "error", "-ss", str(start), "-t", str(seconds),
                          "-i", str(video), "-map", "0:a", "-ac", "1", "-ar", "48000",
                          "-f", "s16le", "-"], capture_output=True, check=True).stdout
    samples = np.frombuffer(raw, dtype=np.int16).astype(np.float64)
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / 48000)[int(spectrum.argmax())])
