"""Small building blocks that give every scene the same frame and type."""

from __future__ import annotations

from typing import Any

from manim import RIGHT, UP, Axes, DecimalNumber, MathTex, Text, VGroup

from lessonreel import theme


def scene_title(text: str) -> Text:
    """A heading pinned to the top edge, inside the safe margin."""
    title = Text(text, font=theme.FONT, font_size=theme.HEADING_SIZE, color=theme.TEXT_COLOR)
    return title.to_edge(UP, buff=theme.SAFE_MARGIN)


def prose(text: str, size: int = theme.BODY_SIZE, color: str = theme.TEXT_COLOR) -> Text:
    return Text(text, font=theme.FONT, font_size=size, color=color)


def formula(latex: str, size: int = theme.BODY_SIZE, color: str = theme.TEXT_COLOR) -> MathTex:
    return MathTex(latex, font_size=size, color=color)


def readout(label_latex: str, value: float, places: int, color: str) -> VGroup:
    """``label = value`` where the value is a DecimalNumber an updater can change."""
    label = MathTex(label_latex + "=", font_size=theme.LABEL_SIZE, color=color)
    number = DecimalNumber(
        value, num_decimal_places=places, font_size=theme.LABEL_SIZE, color=color
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
