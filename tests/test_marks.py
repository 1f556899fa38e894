"""Marks in narration: animations timed to the words they illustrate.

Scenes are constructed with animations skipped (nothing drawn). With
``from_animation_number`` past every play, each skipped play still moves the
scene's clock on whole frames, as a drawn render does (see
``NarrationMixin.play``), so the clock at a play's start is the time of the
frame it would start on.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy as sp
from manim import Scene, Square, tempconfig

from lessonreel.authoring.narration import BeatTracker, NarrationMixin
from lessonreel.authoring.spoken import as_narration, say
from lessonreel.errors import MarkError, NarrationError
from lessonreel.records import read_beat_records
from lessonreel.render.beatcache import beat_keys
from lessonreel.render.launch import BEATS_FILE_ENV, NARRATION_ENV, RECORDINGS_ENV
from lessonreel.settings import CACHE_ENV
from lessonreel.voice import speech
from lessonreel.voice.services import PiperSpeech

RATE = 22050
FPS = 15  # low quality
Body = Callable[[Any, BeatTracker], None]


class MarkedScene(NarrationMixin, Scene):
    """One beat of ``TEXT``; ``BODY`` plays in it."""

    TEXT: Any = ""
    BODY: Body = staticmethod(lambda scene, tracker: None)

    def construct(self) -> None:
        self.starts: list[float] = []
        self.beat_start = 0.0
        with self.voiceover(beat="watch", text=self.TEXT) as tracker:
            self.beat_start = tracker.beat.start
            self.tracker = tracker
            type(self).BODY(self, tracker)


def construct(text: Any, body: Body, *, drawn_clock: bool = True,
              fps: int = FPS) -> MarkedScene:
    cls = type("Marked", (MarkedScene,), {"TEXT": text, "BODY": staticmethod(body)})
    settings: dict[str, Any] = {"dry_run": True, "quality": "low_quality", "frame_rate": fps}
    if drawn_clock:
        settings["from_animation_number"] = 10**6
    with tempconfig(settings):
        scene = cls(skip_animations=True)
        scene.render()
    return scene


def move(scene: Any, run_time: float) -> None:
    """A play, its start on the scene's clock kept in ``scene.starts`` (waits are not)."""
    scene.starts.append(scene.renderer.time)
    scene.play(Square().animate.shift([1, 0, 0]), run_time=run_time)


def frame_of(seconds: float) -> int:
    """The frame (at FPS) that holds the instant ``seconds`` into the scene."""
    return math.floor(seconds * FPS + 1e-9)


@pytest.fixture
def silent(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv(NARRATION_ENV, "none")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(RECORDINGS_ENV, raising=False)
    monkeypatch.delenv(BEATS_FILE_ENV, raising=False)
    yield tmp_path


# --- the syntax ---------------------------------------------------------------

def test_a_mark_is_never_said_captioned_or_keyed_into_the_speech() -> None:
    marked = say("Watch x {@go}slide from {x0} to {@end}{x1}.",
                 x0=sp.Integer(2), x1=sp.Rational(2001, 1000))
    plain = say("Watch x slide from {x0} to {x1}.", x0=sp.Integer(2), x1=sp.Rational(2001, 1000))
    assert marked.caption == plain.caption == "Watch x slide from 2 to 2.001."
    assert marked.spoken == plain.spoken
    assert [s.chunks for s in marked.sentences] == [s.chunks for s in plain.sentences]
    # The voice's cache is keyed by the spoken text: cached speech stays valid.
    assert PiperSpeech(Path("/nonexistent")).cache_key(marked.spoken) == \
        PiperSpeech(Path("/nonexistent")).cache_key(plain.spoken)
    assert [(m.name, m.sentence, m.word) for m in marked.marks] == [("go", 0, 2), ("end", 0, 6)]


def test_marks_in_plain_text_and_alone_between_words_stand_before_the_next_word() -> None:
    text = as_narration("Here is {a set}. {@then} Then x {@go} slides, (and {@y}(y) too{@end}.")
    assert text.caption == "Here is {a set}. Then x slides, (and (y) too."
    assert [(m.name, m.sentence, m.word) for m in text.marks] == [
        ("then", 1, 0), ("go", 1, 2), ("y", 1, 4), ("end", 1, 6)]


@pytest.mark.parametrize("bad", ["{@}", "{@1st}", "{@go:frac}", "{@go!r}"])
def test_a_malformed_mark_is_refused_saying_how_to_write_one(bad: str) -> None:
    with pytest.raises(NarrationError, match=r"write \{@name\}"):
        say(f"Watch {bad}this.")


# --- times, from each kind of narration ------------------------------------------

def test_a_play_timed_to_a_mark_starts_on_the_frame_of_its_recorded_word(
        silent: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A recording made of words at known samples: silence, "Here we go." as one tone, a
    pause, then four words as tones of lengths in proportion to their letters (the share
    each word gets of its sentence in a recording), each at its own pitch."""
    words = [("Watch", 0.5), ("x", 0.1), ("slide", 0.5), ("now.", 0.3)]
    pieces = [np.zeros(round(0.35 * RATE)), 0.3 * 32767 * np.sin(np.arange(RATE) / RATE * 900),
              np.zeros(round(0.6 * RATE))]
    first_sample = {}
    for k, (word, seconds) in enumerate(words):
        first_sample[word] = sum(len(p) for p in pieces)
        t = np.arange(round(seconds * RATE)) / RATE
        pieces.append(0.3 * 32767 * np.sin(2 * np.pi * (300 + 90 * k) * t))
    pieces.append(np.zeros(round(0.4 * RATE)))
    folder = silent / "recordings"
    folder.mkdir()
    speech.write_wav(folder / "watch.wav", np.concatenate(pieces).astype(np.int16), RATE)
    monkeypatch.setattr(MarkedScene, "_recording",
                        lambda self, beat: folder / f"{beat}.wav")

    def body(scene: Any, tracker: BeatTracker) -> None:
        move(scene, 0.4)
        move(scene, tracker.until("slide"))  # ends on "slide"
        move(scene, 0.2)
        tracker.wait_until("x2")
        move(scene, 0.3)  # starts on "now"

    scene = construct("Here we go. Watch {@x}x {@slide}slide {@x2}now.", body)
    slide, now = (scene.beat_start + first_sample[w] / RATE for w in ("slide", "now."))
    # Recorded words are known to the pause the sentence starts after (10 ms windows).
    assert scene.tracker.mark("slide") == pytest.approx(first_sample["slide"] / RATE, abs=0.011)
    assert abs(frame_of(scene.starts[2]) - frame_of(slide)) <= 1
    assert abs(frame_of(scene.starts[3]) - frame_of(now)) <= 1
    # "x" is the mark the word after it is said at: 0.1 s after the sentence starts
    # would mean the mark were the sentence's, not its word's.
    assert scene.tracker.mark("x") == pytest.approx(first_sample["x"] / RATE, abs=0.011)


def test_a_play_timed_to_a_mark_starts_on_the_frame_of_pipers_aligned_word(
        silent: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NARRATION_ENV, "piper")
    text = "Here is a straight line. Now watch the point {@go}slide to the right."

    def body(scene: Any, tracker: BeatTracker) -> None:
        move(scene, 0.5)
        move(scene, tracker.until("go"))
        move(scene, 0.5)

    scene = construct(text, body)
    # The word's start, as the speech record in the cache keeps Piper's alignment.
    records = list((silent / "cache" / "audio").glob("*.json"))
    assert len(records) == 1
    second = json.loads(records[0].read_text())["sentences"][1]
    assert second["text"].split()[4] == "slide"
    slide = scene.beat_start + second["words"][4][0]
    assert abs(frame_of(scene.starts[2]) - frame_of(slide)) <= 1
    assert scene.tracker.mark("go") == second["words"][4][0]


def test_silent_narration_times_a_mark_by_its_estimated_word(silent: Path) -> None:
    def body(scene: Any, tracker: BeatTracker) -> None:
        tracker.wait_until("go")
        move(scene, 0.5)

    scene = construct("Watch the point {@go}slide.", body, drawn_clock=False)
    words = scene.beats[0].speech.sentences[0].words
    assert scene.starts[0] - scene.beat_start == pytest.approx(words[3][0])


def test_words_added_before_a_mark_move_its_play_by_the_speech_added_and_nothing_else(
        silent: Path) -> None:
    def body(scene: Any, tracker: BeatTracker) -> None:
        move(scene, 0.6)
        move(scene, tracker.until("go"))
        move(scene, 0.8)
        move(scene, 0.4)

    short = construct("Here is a line. Watch the point {@go}slide along it.", body,
                      drawn_clock=False)
    longer = construct("Here is a line, drawn slowly and with some care. "
                       "Watch the point {@go}slide along it.", body, drawn_clock=False)
    added = longer.beats[0].speech.sentences[0].end - short.beats[0].speech.sentences[0].end
    assert added > 1.0
    shift = [b - a for a, b in zip(short.starts, longer.starts, strict=True)]
    assert shift[0] == pytest.approx(0)
    assert shift[2] == pytest.approx(added)
    # The marked play and everything after it move together: same run times.
    run_times = [p[0] for p in short.plays]
    assert [p[0] for p in longer.plays][2:] == pytest.approx(run_times[2:])
    assert longer.plays[0][0] == pytest.approx(run_times[0])


# --- errors -------------------------------------------------------------------------

def test_an_unknown_mark_is_one_line_naming_the_beat_and_its_marks(silent: Path) -> None:
    with pytest.raises(MarkError) as raised:
        construct("Watch {@go}this {@stop}stop.",
                  lambda scene, tracker: move(scene, tracker.until("og")))
    message = str(raised.value)
    assert "\n" not in message
    assert "beat 'watch' has no mark 'og'; its marks: go, stop" in message


def test_a_mark_already_passed_is_an_error_saying_by_how_much(silent: Path) -> None:
    def body(scene: Any, tracker: BeatTracker) -> None:
        move(scene, tracker.mark("go") + 0.5)
        move(scene, tracker.until("go"))

    with pytest.raises(MarkError) as raised:
        construct("Watch {@go}this slide slowly along the line.", body, drawn_clock=False)
    message = str(raised.value)
    assert "\n" not in message
    assert "beat 'watch': mark 'go' was passed 0.50 s ago" in message


def test_waiting_for_a_mark_already_passed_is_an_error_too(silent: Path) -> None:
    def body(scene: Any, tracker: BeatTracker) -> None:
        move(scene, tracker.mark("go") + 0.5)
        tracker.wait_until("go")

    with pytest.raises(MarkError, match="mark 'go' was passed 0.50 s ago"):
        construct("Watch {@go}this slide slowly along the line.", body, drawn_clock=False)


def test_a_mark_passed_by_less_than_half_a_frame_is_on_time(silent: Path) -> None:
    def body(scene: Any, tracker: BeatTracker) -> None:
        move(scene, tracker.mark("go") + 0.4 / FPS)
        tracker.wait_until("go")
        move(scene, tracker.until("go"))  # the shortest play there is: one frame

    scene = construct("Watch {@go}this slide slowly along the line.", body, drawn_clock=False)
    # plays: two moves, then the wait to the end of the beat.
    assert scene.plays[1][0] == pytest.approx(1 / FPS)


@pytest.mark.parametrize("fps", [FPS, 1])
def test_frames_a_second_long_do_not_make_a_beat_that_fits_its_words_an_error(
        silent: Path, fps: int) -> None:
    """Manim's last-frame tests draw at 1 frame a second: every play ends on a whole
    second, later than asked. Marks under 2 s apart, each reached and then held for 1 s,
    fit the words as asked; only the frames are too coarse to show it."""
    text = "As h shrinks to {@a}one half, then to {@b}one quarter, then to {@c}one tenth at last."

    arrivals: list[float] = []

    def body(scene: Any, tracker: BeatTracker) -> None:
        for k, mark in enumerate("abc"):
            if k:
                scene.wait(1.0)
            move(scene, tracker.until(mark))
            arrivals.append(scene.renderer.time - tracker.beat.start)
        move(scene, 0.5)

    scene = construct(text, body, fps=fps)
    marks = scene.tracker.marks
    assert 1.0 < marks["b"] - marks["a"] < 2 and 1.0 < marks["c"] - marks["b"] < 2
    for arrival, mark in zip(arrivals, "abc", strict=True):
        # Never before its word; at a real frame rate, on the frame that holds it.
        assert marks[mark] <= arrival + 1e-9
        if fps == FPS:
            assert frame_of(arrival) - frame_of(marks[mark]) <= 1


def test_a_mark_named_twice_in_a_beat_is_an_error(silent: Path) -> None:
    with pytest.raises(MarkError, match=r"beat 'watch' marks \{@go\} twice"):
        construct("Watch {@go}this {@go}slide.", lambda scene, tracker: None)


# --- what crosses to the host, and the beat key ------------------------------------

def test_the_beat_record_carries_its_marks_and_no_mark_reaches_its_text(
        silent: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    beats_file = silent / "beats.json"
    monkeypatch.setenv(BEATS_FILE_ENV, str(beats_file))
    scene = construct(say("Watch x {@go}slide to {@to}{x1}.", x1=sp.Rational(1, 4)),
                      lambda scene, tracker: move(scene, tracker.until("go")))
    (record,) = json.loads(beats_file.read_text())
    assert record["text"] == "Watch x slide to 0.25."
    assert record["spoken"] == "Watch x slide to zero point two five."
    assert [m["name"] for m in record["marks"]] == ["go", "to"]
    assert [m["at"] for m in record["marks"]] == [
        scene.tracker.mark("go"), scene.tracker.mark("to")]
    captions = [c.content for c in scene._get_manager().file_writer.subcaptions]
    assert captions == ["Watch x slide to 0.25."]
    assert "@" not in json.dumps(record["sentences"])


def test_moving_a_mark_changes_its_beats_key(silent: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def keys(text: str) -> list[str]:
        beats_file = silent / f"beats-{len(list(silent.glob('beats-*')))}.json"
        monkeypatch.setenv(BEATS_FILE_ENV, str(beats_file))
        construct(text, lambda scene, tracker: move(scene, tracker.until("go")))
        return beat_keys("code", read_beat_records(beats_file))

    before = keys("Watch the point {@go}slide along the line.")
    assert keys("Watch the point {@go}slide along the line.") == before
    assert keys("Watch the point slide {@go}along the line.") != before


def test_moving_a_mark_leaves_the_code_key_alone_so_only_its_beat_renders_again() -> None:
    """The beat cache keys a scene's code with its narration blanked, and each beat by
    its record (which carries its marks): a moved mark changes one beat's key, not the
    key of every beat of the scene. The scene cache keys the file's own text."""
    from lessonreel.render.beatcache import without_narration

    source = '''
with self.voiceover(beat="b", text=say("Watch {@go}{x} slide.", x=X)) as tracker:
    self.play(Create(dot), run_time=tracker.until("go"))
'''
    moved = source.replace("{@go}{x} slide", "{x} {@go}slide")
    assert moved != source
    assert without_narration(moved) == without_narration(source)
    assert without_narration(source.replace('until("go")', 'until("stop")')) != \
        without_narration(source)
