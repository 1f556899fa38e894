"""The scenes a lesson's author builds on: narrated, on the course's background.

::

    from lessonreel import LessonScene, say

    class SlopeOfALine(LessonScene):
        def construct(self) -> None:
            with self.voiceover(beat="rise", text=say("It rises {r} for every step.", r=m)):
                ...

A scene written as ``class S(NarrationMixin, Scene)`` works the same; these spare every
``construct`` the background line and the order of the two bases.
"""

from __future__ import annotations

from manim import ManimColor, Scene, ThreeDScene

from lessonreel.authoring import theme
from lessonreel.authoring.asking import QuestionMixin
from lessonreel.authoring.narration import NarrationMixin


class LessonScene(QuestionMixin, NarrationMixin, Scene):
    """A narrated 2D scene (``self.voiceover`` beats, ``self.ask`` questions) on
    :data:`theme.BACKGROUND`."""

    def setup(self) -> None:
        super().setup()
        self.camera.background_color = ManimColor(theme.BACKGROUND)  # type: ignore[union-attr]


class ThreeDLessonScene(QuestionMixin, NarrationMixin, ThreeDScene):
    """A narrated 3D scene, which may ask questions too, on :data:`theme.BACKGROUND`."""

    def setup(self) -> None:
        super().setup()
        self.camera.background_color = ManimColor(theme.BACKGROUND)  # type: ignore[union-attr]
