"""Every question a scene asks: after what it tests, with its answer beat right after it,
its card inside the frame, and its prompt, choices and explanation in the captions."""

from __future__ import annotations

import ast
from typing import Any

import pytest

from lessonreel.authoring.lesson import discover
from tests.scenes.conftest import SCENES, construct, on_its_worker

#: The fewest questions each lesson asks (issue 24: three in Module 2, two in Module 3).
FEWEST = {"module02-derivatives": 3, "module03-gradient": 2}


def asks_in(lesson: Any) -> list[tuple[str, str]]:
    """(scene, beat) of every ``self.ask(beat=...)`` in a lesson's scene classes, read
    from their source."""
    found = []
    for ref in lesson.scenes:
        tree = ast.parse(ref.file.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name == ref.name:
                for call in ast.walk(node):
                    if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                            and call.func.attr == "ask"):
                        beat = next(k.value for k in call.keywords if k.arg == "beat")
                        found.append((ref.name, ast.literal_eval(beat)))
    return found


@pytest.mark.parametrize(("slug", "fewest"), sorted(FEWEST.items()))
def test_each_lesson_asks_its_questions_in_more_than_one_chapter(slug: str,
                                                                 fewest: int) -> None:
    asked = asks_in(discover()[slug])
    assert len(asked) >= fewest, asked
    assert len({scene for scene, _ in asked}) >= min(fewest, 2)


ASKING = sorted({scene for lesson in discover().values() for scene, _ in asks_in(lesson)})


@pytest.mark.parametrize("ref", on_its_worker([r for r in SCENES if r.name in ASKING]))
def test_a_scene_asks_after_it_teaches_and_answers_right_after(
        ref: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    constructed = construct(ref, monkeypatch)
    beats = constructed.scene.beats
    asking = [i for i, beat in enumerate(beats) if beat.question is not None]
    assert len(asking) == sum(1 for lesson in discover().values()
                              for scene, _ in asks_in(lesson) if scene == ref.name)
    for index in asking:
        beat = beats[index]
        assert beats[index + 1].name == f"{beat.name}-answer"
        # After the section it tests: nothing but other questions follow it.
        assert all(b.question is not None or b.name.endswith("-answer")
                   for b in beats[index:]), [b.name for b in beats]
        q = beat.question
        assert q.mistakes[q.correct] is None
        assert all(m for i, m in enumerate(q.mistakes) if i != q.correct)
        # The pause to think starts when the question has been read, not before.
        assert q.think >= beat.speech.duration - 1e-6
        cues = " ".join(c.content for c in constructed.subcaptions)
        assert q.prompt in cues and q.explanation in cues
        for letter, choice in zip("ABCD", q.choices, strict=False):
            assert f"{letter}: {choice}" in cues
        for section in (beat.name, f"{beat.name}-answer"):
            assert constructed.layout[f"end of section {section!r}"] == []
