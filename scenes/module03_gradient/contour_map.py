"""The contour maps the scenes draw on: the round bowl x² + y², or the long one x² + 3y²."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sympy as sp
from manim import DOWN, LEFT, RIGHT, UP, NumberPlane, VGroup

from lessonreel import theme
from scenes.common.layout import contour_lines, formula, themed_plane
from scenes.module03_gradient import math as m

#: Contours are levels of f, an output: they take the output colour, a little quieter
#: than the arrows and points drawn over them.
RING_OPACITY = 0.75


def contour_map(
    x_range: tuple[float, float], y_range: tuple[float, float], width: float,
    center: Sequence[float], levels: Sequence[sp.Expr] = m.ROUND_LEVELS, step: float = 1.0,
    surface: sp.Expr = m.SURFACE, numbers: bool = False,
) -> tuple[NumberPlane, VGroup]:
    """A plane centred at ``center``, grid lines ``step`` apart, and the contours of
    ``surface`` (the round bowl unless told) over it."""
    plane = themed_plane(x_range, y_range, width, step=step, numbers=numbers)
    plane.move_to([*center[:2], 0])
    f_at = sp.lambdify((m.x, m.y), surface)
    rings = contour_lines(plane, f_at, [float(v) for v in levels], theme.OUTPUT_COLOR)
    rings.set_stroke(opacity=RING_OPACITY)
    return plane, rings


def axis_labels(plane: NumberPlane, xs: Sequence[int], ys: Sequence[int],
                x_side: np.ndarray = DOWN) -> VGroup:
    """Tick numbers at ``xs`` and ``ys`` and the axes' names x and y, for a map whose
    points are read out: on ``x_side`` of the x axis (under it unless a contour's label
    sits there) and left of the y axis, each on a patch of background so a contour
    passing behind it does not cut the digits."""
    labels = VGroup()
    for v in xs:
        labels.add(formula(str(v), theme.SMALL_SIZE, theme.AXIS_COLOR).next_to(
            plane.c2p(v, 0), x_side + LEFT * 0.4, buff=0.08))
    for v in ys:
        labels.add(formula(str(v), theme.SMALL_SIZE, theme.AXIS_COLOR).next_to(
            plane.c2p(0, v), LEFT + DOWN * 0.4, buff=0.08))
    x_end, y_end = plane.x_axis.get_end(), plane.y_axis.get_end()
    labels.add(formula("x", theme.SMALL_SIZE, theme.AXIS_COLOR).next_to(x_end, UP, buff=0.1)
               .shift(LEFT * 0.15))
    labels.add(formula("y", theme.SMALL_SIZE, theme.AXIS_COLOR).next_to(y_end, RIGHT, buff=0.1)
               .shift(DOWN * 0.15))
    for label in labels:
        label.add_background_rectangle(color=theme.BACKGROUND, opacity=1, buff=0.03)
    return labels
