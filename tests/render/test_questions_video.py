"""Module 2's questions as a linear player shows them: the card on the frames beats.json
gives, a countdown that runs out, the answer revealed, and all of it in the captions."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import srt

from lessonreel import theme
from lessonreel.captions.timeline import read_timeline
from lessonreel.media import grab_frame
from tests.conftest import run_lessonreel

pytestmark = pytest.mark.render


@pytest.fixture(scope="module")
def questions(module02_low: Path) -> list[dict[str, Any]]:
    manifest = json.loads((module02_low / "manifest.json").read_text())
    timeline = read_timeline(module02_low / "beats.json", manifest["fps"], manifest["duration"])
    written = json.loads((module02_low / "beats.json").read_text())["questions"]
    # The manifest carries the same questions as beats.json, which reads back checked.
    assert manifest["questions"] == written
    assert [q.to_json() for q in timeline.questions] == written
    assert manifest["mastery_score"] == 80
    return written


def accent_pixels(image: Any) -> int:
    """How many pixels are the accent the card's label, countdown and answer wear."""
    rgb = np.asarray(image, dtype=np.int16)
    accent = np.array([int(theme.HIGHLIGHT_COLOR[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(rgb - accent).max(axis=2) < 40).sum())


def frame(video: Path, number: int, fps: int, tmp: Path) -> Any:
    # The middle of the frame's time, so the seek cannot land on its neighbour.
    return grab_frame(video, (number + 0.5) / fps, tmp / f"frame-{number}.png")


def test_module02_asks_three_questions_in_three_chapters(questions: list[dict[str, Any]]
                                                         ) -> None:
    assert len(questions) >= 3
    assert len({q["chapter"] for q in questions}) >= 3
    assert all(q["mistakes"][q["correct"]] is None for q in questions)


def test_each_question_shows_its_card_counts_down_and_reveals_on_its_frames(
        module02_low: Path, questions: list[dict[str, Any]], tmp_path: Path) -> None:
    fps = json.loads((module02_low / "manifest.json").read_text())["fps"]
    video = module02_low / "lesson.mp4"
    for q in questions:
        ask, think, answer = q["ask_frame"], q["think_frame"], q["answer_frame"]
        taught = frame(video, ask - 1, fps, tmp_path)
        listed = frame(video, think - 1, fps, tmp_path)
        counting = frame(video, think + 2 * fps, fps, tmp_path)
        run_out = frame(video, answer - 1, fps, tmp_path)
        revealed = frame(video, answer + 2 * fps, fps, tmp_path)
        # The card replaces the lesson's picture by the time the choices are all read.
        change = np.abs(np.asarray(listed, float) - np.asarray(taught, float)).mean()
        assert change > 3, (q["name"], change)
        # The countdown's dots light up with the pause, then go out one by one.
        assert accent_pixels(counting) > accent_pixels(listed) + 200, q["name"]
        assert accent_pixels(run_out) < accent_pixels(counting) - 200, q["name"]
        # The answer is marked in the accent: a frame round it, its letter and value (half
        # as much accent again as the label and spent dots, for a one-digit answer).
        assert accent_pixels(revealed) > 1.5 * accent_pixels(run_out), q["name"]


def test_the_captions_ask_list_the_choices_and_explain_in_their_beats(
        module02_low: Path, questions: list[dict[str, Any]]) -> None:
    cues = list(srt.parse((module02_low / "lesson.srt").read_text(encoding="utf-8")))
    for q in questions:
        def said(start: float, end: float) -> str:
            return " ".join(" ".join(c.content.split()) for c in cues
                            if start - 1e-3 <= c.start.total_seconds() < end)

        asked = said(q["ask"], q["think"])
        assert q["prompt"] in asked, (q["prompt"], asked)
        for letter, choice in zip("ABCD", q["choices"], strict=False):
            assert f"{letter}: {choice}" in asked
        # Nothing is said while the learner thinks; the explanation comes with the answer.
        assert said(q["think"], q["answer"]) == ""
        assert q["explanation"] in said(q["answer"], q["answer"] + 60)


@pytest.mark.parametrize(("choices", "answer", "says"), [
    ("[Choice(sp.Integer(2), mistake='half'), Choice(sp.Integer(8), mistake='double')]",
     "sp.Integer(4)", "the answer 4 is not among the choices (2, 8); add it"),
    ("[Choice(sp.Integer(4)), Choice(sp.sqrt(16), mistake='same')]", "sp.Integer(4)",
     "choices A and B are the same answer (4 and 4); make every choice different"),
], ids=["answer-missing", "same-choices"])
def test_a_question_that_cannot_be_asked_stops_the_render_in_one_line(
        tmp_path: Path, choices: str, answer: str, says: str) -> None:
    package = tmp_path / "quiz_lessons" / "demo"
    package.mkdir(parents=True)
    (tmp_path / "quiz_lessons" / "__init__.py").write_text("")
    (package / "__init__.py").write_text(textwrap.dedent("""
        from lessonreel import Lesson, SceneRef
        LESSON = Lesson(slug="demo", title="Demo", course="Tests", package=__name__,
                        scenes=(SceneRef("quiz", "AsksBadly", "It asks badly"),))
    """))
    (package / "quiz.py").write_text(textwrap.dedent(f'''
        import sympy as sp
        from lessonreel import Choice, LessonScene

        class AsksBadly(LessonScene):
            """A question its author got wrong."""
            def construct(self):
                self.ask(beat="quiz", prompt="What is two times two?", choices={choices},
                         answer={answer}, explain="Two twos are four.")
    '''))
    out = tmp_path / "out"
    result = run_lessonreel("render", "demo", "-q", "low", "--narration", "none",
                            "--out", str(out), "--cache-dir", str(tmp_path / "cache"),
                            env={"LESSONREEL_LESSONS": "quiz_lessons",
                                 "PYTHONPATH": str(tmp_path)})
    assert result.returncode == 1
    assert f"AsksBadly beat 'quiz': {says}" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("SceneRenderError: scene AsksBadly")
    assert not out.exists() or not any(out.iterdir())
