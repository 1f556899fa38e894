"""The contour map of f(x, y) = x² + y² that several scenes draw on."""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp
from manim import NumberPlane, VGroup

from lessonreel import theme
from scenes.common.layout import contour_lines, themed_plane
from scenes.module03_gradient import math as m

f_at = sp.lambdify((m.x, m.y), m.SURFACE)
#: Contours are levels of f, an output: they take the output colour, a little quieter
#: than the arrows and points drawn over them.
RING_OPACITY = 0.75


def contour_map(
    x_range: tuple[float, float], y_range: tuple[float, float], width: float,
    center: Sequence[float], levels: Sequence[sp.Expr] = m.CONTOUR_LEVELS, step: float = 1.0,
) -> tuple[NumberPlane, VGroup]:
    """A plane centred at ``center``, grid lines ``step`` apart, and the contours of f over it."""
    plane = themed_plane(x_range, y_range, width, step=step).move_to([*center[:2], 0])
    rings = contour_lines(plane, f_at, [float(v) for v in levels], theme.OUTPUT_COLOR)
    rings.set_stroke(opacity=RING_OPACITY)
    return plane, rings
