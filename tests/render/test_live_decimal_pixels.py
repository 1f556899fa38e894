"""The live readout draws the same pixels as Manim's DecimalNumber, frame by frame.

Both readouts are rendered at 854x480 (low quality) through a real Scene with
the updater the lessons use, so glyphs appear, move and disappear mid-play as
they do in a lesson. The reference is ``readout()`` as it was before the live
number: a MathTex label and a ``DecimalNumber``.

The frames must be equal, not merely close: LiveDecimal's outlines agree with
DecimalNumber's to about 1e-15 scene units (1e-13 px), and cairo rounds every
coordinate to 1/256 px before drawing, so any real difference in layout shows
as whole pixel values. A glyph a quarter of a pixel out of place fails it
(``test_a_glyph_a_quarter_pixel_off_is_caught``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
from manim import (
    RIGHT,
    DecimalNumber,
    FadeIn,
    Scene,
    ValueTracker,
    VGroup,
    config,
    linear,
    tempconfig,
)
from manim.renderer.cairo_renderer import CairoRenderer
from manim.utils.testing._test_class_makers import DummySceneFileWriter

from lessonreel.authoring import theme
from scenes.common.layout import readout
from scenes.common.live_decimal import LiveDecimal

# Draws frames with Manim's Cairo renderer: the slow tier.
pytestmark = pytest.mark.render

#: Readouts built the way the lessons build theirs.
MakeReadout = Callable[..., VGroup]


def decimal_number_readout(*args: Any, **kwargs: Any) -> VGroup:
    """``readout()`` on Manim's DecimalNumber, as it was before the live number."""
    return readout(*args, **kwargs, number_type=DecimalNumber)


class FrameRecorder(DummySceneFileWriter):
    """Keeps every frame the renderer writes, instead of encoding a video."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.frames: list[np.ndarray] = []

    def write_frame(self, pixels: np.ndarray, *, repeat: int = 1) -> None:
        self.frames.extend([pixels.copy()] * repeat)
        super().write_frame(pixels, repeat=repeat)


def rendered_frames(
    make: MakeReadout, label: str, places: int, unit: str | None, path: Sequence[float],
    tamper: Callable[[VGroup], None] | None = None,
) -> list[np.ndarray]:
    """Every frame of: the readout fading in, then sliding through ``path``, holding at each value.

    The updater is attached before the fade, as in OneKnobAtATime; the fade suspends it.
    ``tamper`` runs on the readout before the last frame.
    """

    class Sweep(Scene):
        def construct(self) -> None:
            value = ValueTracker(path[0])
            read = make(label, path[0], places, theme.INPUT_COLOR, unit)
            read.move_to((-1.0, 0.5, 0.0))
            read[1].add_updater(lambda n: n.set_value(value.get_value()))
            self.play(FadeIn(read), run_time=0.2)
            for target in path[1:]:
                self.play(value.animate.set_value(target), rate_func=linear, run_time=0.8)
                self.wait(0.2)
            if tamper is not None:
                read[1].clear_updaters()
                tamper(read)
                self.wait(1 / config.frame_rate)

    with tempconfig({"quality": "low_quality", "background_color": theme.BACKGROUND,
                     "disable_caching": True, "write_to_movie": False,
                     "save_last_frame": False}):
        renderer = CairoRenderer(file_writer_class=FrameRecorder)
        Sweep(renderer=renderer).render()
        frames: list[np.ndarray] = renderer.file_writer.frames
    assert frames and frames[0].shape == (480, 854, 4)
    return frames


def assert_same_frames(expected: list[np.ndarray], actual: list[np.ndarray]) -> None:
    assert len(actual) == len(expected)
    for i, (want, got) in enumerate(zip(expected, actual, strict=True)):
        if not np.array_equal(want, got):
            differ = np.argwhere(np.any(want != got, axis=-1))
            worst = int(np.abs(want.astype(int) - got.astype(int)).max())
            raise AssertionError(
                f"frame {i} of {len(expected)}: {len(differ)} pixels differ (at most by {worst}), "
                f"first at row/column {differ[0].tolist()}"
            )


SWEEPS = {
    # SensitivityOfFiveX's x: three places, a new last digit every frame, then back to 2.001.
    "three-places": ("x", 3, None, (2.0, 2.012, 2.001)),
    # Down through zero: the minus sign comes, "-0.000" is written "0.000".
    "through-zero": ("y", 3, None, (0.5, -0.5, 0.0005)),
    # More digits in front: 9.99 becomes 10.005, then 123.4 and four-digit groups with commas.
    "growing": (r"\text{slope}", 3, None, (9.99, 10.005, 123.4, -1234.5)),
    "one-place": ("w_1", 1, None, (0.5, 0.6, -2.5)),
    # SteepestAtOneOne: whole degrees, the unit raised to the digits' top.
    "degrees": (r"\theta", 0, r"^\circ", (0.0, 360.0, -45.0)),
    "degrees-with-places": (r"\theta", 2, r"^\circ", (2.0, 10.005, -0.5)),
}


@pytest.mark.parametrize("sweep", SWEEPS, ids=SWEEPS)
def test_live_readout_draws_decimal_numbers_pixels_in_every_frame(sweep: str) -> None:
    label, places, unit, path = SWEEPS[sweep]
    expected = rendered_frames(decimal_number_readout, label, places, unit, path)
    actual = rendered_frames(readout, label, places, unit, path)
    # The sweep really changes the digits from frame to frame, or it would prove little.
    assert len({frame.tobytes() for frame in expected}) > 10
    assert_same_frames(expected, actual)


def test_the_readout_is_built_on_the_live_number() -> None:
    assert isinstance(readout("x", 2.0, 3, theme.INPUT_COLOR)[1], LiveDecimal)


def test_a_glyph_a_quarter_pixel_off_is_caught() -> None:
    """The comparison above would see a layout error far smaller than a pixel."""
    quarter_pixel = config.frame_width / 854 / 4
    path = (2.0, 2.001)

    def nudge_second_digit(read: VGroup) -> None:
        read[1][2].shift(RIGHT * quarter_pixel)

    expected = rendered_frames(decimal_number_readout, "x", 3, None, path,
                               tamper=lambda read: None)
    actual = rendered_frames(readout, "x", 3, None, path, tamper=nudge_second_digit)
    assert_same_frames(expected[:-1], actual[:-1])
    with pytest.raises(AssertionError, match="pixels differ"):
        assert_same_frames(expected[-1:], actual[-1:])
