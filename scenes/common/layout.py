"""Small building blocks that give every scene the same frame and type."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from manim import RIGHT, UP, Axes, MathTex, NumberPlane, Text, VGroup, VMobject

from lessonreel import theme
from scenes.common.live_decimal import LiveDecimal


def scene_title(text: str) -> Text:
    """A heading pinned to the top edge, inside the safe margin."""
    title = Text(text, font=theme.FONT, font_size=theme.HEADING_SIZE, color=theme.TEXT_COLOR)
    return title.to_edge(UP, buff=theme.SAFE_MARGIN)


def prose(text: str, size: int = theme.BODY_SIZE, color: str = theme.TEXT_COLOR) -> Text:
    return Text(text, font=theme.FONT, font_size=size, color=color)


def formula(latex: str, size: int = theme.BODY_SIZE, color: str = theme.TEXT_COLOR) -> MathTex:
    return MathTex(latex, font_size=size, color=color)


def readout(
    label_latex: str, value: float, places: int, color: str, unit: str | None = None,
    *, number_type: Callable[..., VMobject] = LiveDecimal,
) -> VGroup:
    """``label = value`` where the value is a number an updater can change.

    ``unit`` is LaTeX set after the digits, e.g. ``r"^\\circ"`` for degrees. The
    number is a LiveDecimal: it looks like Manim's DecimalNumber, but its
    ``set_value`` moves glyphs typeset once instead of typesetting every frame.
    ``number_type=DecimalNumber`` gives the readout as it was before, for the
    pixel test and the benchmark that compare the two (scenes may not name
    DecimalNumber: tests/scenes/test_live_decimal.py).
    """
    label = MathTex(label_latex + "=", font_size=theme.LABEL_SIZE, color=color)
    number = number_type(
        value, num_decimal_places=places, font_size=theme.LABEL_SIZE, color=color, unit=unit
    )
    number.next_to(label, RIGHT, buff=0.15)
    # Centre digits on the equals sign, not on the label: letters such as y
    # have descenders that would drop the number below the baseline.
    number.set_y(label[0][-1].get_y())
    return VGroup(label, number)


def themed_axes(*, numbers: bool = True, **kwargs: Any) -> Axes:
    """Axes in the theme's axis colour, numbered at a size that reads at 480p."""
    axis_config: dict[str, Any] = {"color": theme.AXIS_COLOR}
    if numbers:
        axis_config |= {"include_numbers": True, "font_size": theme.SMALL_SIZE}
    return Axes(axis_config=axis_config, **kwargs)


def themed_plane(
    x_range: tuple[float, float], y_range: tuple[float, float], width: float,
    *, step: float = 1.0, numbers: bool = False,
) -> NumberPlane:
    """A grid ``width`` wide in the theme's colours, with the same unit on both axes.

    Equal units keep right angles right and circles round. Tick numbers are off by
    default: contour lines and arrows would run through them; the grid gives the scale.
    """
    (x0, x1), (y0, y1) = x_range, y_range
    unit = width / (x1 - x0)
    axis_config: dict[str, Any] = {"color": theme.AXIS_COLOR}
    if numbers:
        axis_config |= {"include_numbers": True, "font_size": theme.SMALL_SIZE}
    return NumberPlane(
        x_range=[x0, x1, step], y_range=[y0, y1, step], x_length=width,
        y_length=unit * (y1 - y0), axis_config=axis_config,
        background_line_style={"stroke_color": theme.GRID_COLOR, "stroke_width": 1},
    )


def contour_lines(
    plane: NumberPlane, func: Callable[[float, float], float], levels: Sequence[float],
    color: str, stroke_width: float = 2.5,
) -> VGroup:
    """The curves ``func(x, y) = level``, one per level, clipped to the plane's ranges.

    Drawn where the plane is now: build them after placing the plane, or move both together.
    """
    return VGroup(*(
        plane.plot_implicit_curve(lambda u, v, c=float(level): func(u, v) - c,
                                  color=color, stroke_width=stroke_width)
        for level in levels
    ))


def plane_point(plane: NumberPlane, point: Sequence[Any]) -> np.ndarray:
    """Where an exact (x, y) from a math layer sits on ``plane``, in scene coordinates."""
    return plane.c2p(float(point[0]), float(point[1]))
