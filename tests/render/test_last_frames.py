"""The last frame of every scene at 854x480, compared with committed control frames.

A scene that asks questions is compared at the end of its teaching, its questions left
out: every question's card is drawn by the same code, compared once, on a question of
its own (the last test here).

Uses Manim's own ``frames_comparison``. Control frames are refreshed only on
purpose, after looking at the new frame: ``scripts/test tests/render/test_last_frames.py
--set_test``.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
import sympy as sp
from manim import ThreeDScene
from manim.camera.three_d_camera import ThreeDCamera
from manim.renderer.cairo_renderer import CairoRenderer
from manim.utils.testing import frames_comparison as manim_frames
from manim.utils.testing.frames_comparison import frames_comparison

from lessonreel import Choice, LessonScene, say
from lessonreel.authoring.lesson import SceneRef, discover

# Manim's frames_comparison draws each scene's last frame: the slow tier.
pytestmark = pytest.mark.render

__module_test__ = "lessons"

# Manim skips frame tests on cairo older than 1.18 because *its* control frames were
# drawn with 1.18. Ours are drawn here, with the cairo scripts/setup installs (Debian
# 12 ships 1.16), so the comparison is exact on the machines that run it.
manim_frames.MIN_CAIRO_VERSION = 0

SCENES: list[SceneRef] = [s for lesson in discover().values() for s in lesson.scenes]


class ThreeDCairoRenderer(CairoRenderer):
    """frames_comparison picks the 3D camera only for ThreeDScene itself, not subclasses."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["camera_class"] = ThreeDCamera
        super().__init__(*args, **kwargs)


@pytest.fixture(autouse=True)
def silent_narration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LESSONREEL_NARRATION", "none")


def last_frame_test(ref: SceneRef) -> Any:
    cls = getattr(importlib.import_module(ref.qualified_module), ref.name)
    renderer = ThreeDCairoRenderer if issubclass(cls, ThreeDScene) else CairoRenderer

    def construct(scene: Any) -> None:
        scene.ask = lambda **question: None
        cls.construct(scene)

    construct.__name__ = f"test_{ref.name}"
    return frames_comparison(construct, base_scene=cls, renderer_class=renderer)


for _ref in SCENES:
    globals()[f"test_{_ref.name}_last_frame"] = last_frame_test(_ref)


class AsksAQuestion(LessonScene):
    """A question of four choices with a long prompt: the card's two columns, the right
    choice marked, the wrong ones dimmed, the explanation below."""

    def construct(self) -> None:
        half, quarter = sp.Rational(1, 2), sp.Rational(1, 4)
        self.ask(
            beat="quiz",
            prompt=say("A weight of {w} feeds an input of {x} into a neuron whose output is "
                       "their product. If the weight grows by {dw}, how far does the output "
                       "move?", w=half, x=sp.Integer(3), dw=quarter),
            choices=[Choice(sp.Rational(3, 4)), Choice(sp.Rational(9, 4), "the new output"),
                     Choice(quarter, "the weight's change"),
                     Choice(sp.Rational(1, 12), "divided by the input")],
            answer=3 * quarter,
            explain=say("The output moves {x} times as far as the weight: {x} times {dw} is "
                        "{dy}.", x=sp.Integer(3), dw=quarter, dy=sp.Rational(3, 4)))


@frames_comparison(base_scene=AsksAQuestion)
def test_question_card(scene: Any) -> None:
    AsksAQuestion.construct(scene)
