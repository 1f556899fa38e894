"""Module 2's pictures say what the narration asks the viewer to read, inside their plots."""

from __future__ import annotations

from collections import Counter

import pytest

from scenes.module02_derivatives import math as m
from tests.scenes.conftest import SCENES, construct


def test_the_secant_and_the_tangent_end_at_the_plots_edge() -> None:
    # Issue 23: "The secant line runs out of the plot to the frame's edge."
    from scenes.common.layout import themed_axes
    from scenes.module02_derivatives.secant_tangent import line_in_plot, slope_at

    axes = themed_axes(x_range=[-0.5, 2.5, 1], y_range=[-1, 6, 1], x_length=5.6, y_length=5.0)
    slopes = [slope_at(float(h)) for h in m.SECANT_STEPS] + [float(m.TANGENT_SLOPE)]
    for slope in slopes:
        line = line_in_plot(axes, slope, "#FFFFFF")
        ys = [axes.p2c(end)[1] for end in (line.get_start(), line.get_end())]
        assert all(-1 - 1e-9 <= y <= 6 + 1e-9 for y in ys), (slope, ys)
        # Still a line through the pinned point with that slope.
        (x0, y0), (x1, y1) = (axes.p2c(end) for end in (line.get_start(), line.get_end()))
        assert (y1 - y0) / (x1 - x0) == pytest.approx(slope)


@pytest.mark.xdist_group("NextUpGradient")  # on the worker that constructs it
def test_the_gradient_grid_is_numbered_so_the_arrow_can_be_read(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 23: "ticks without numbers in ... the gradient grid (values cannot be read off)".
    # The arrow runs from (1, 1) to (3, 3): both axes numbered 1 to 3.
    ref = next(s for s in SCENES if s.name == "NextUpGradient")
    shown = Counter(label for moment, label, _ in construct(ref, monkeypatch).texts
                    if moment == "end of section 'evaluate'")
    tip = [p + g for p, g in zip((m.GRADIENT_POINT[m.x], m.GRADIENT_POINT[m.y]),
                                 m.GRADIENT_AT_POINT, strict=True)]
    for value in range(1, max(tip) + 1):
        assert shown[f"DecimalNumber('{value}')"] == 2, shown
