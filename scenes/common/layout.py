"""Small building blocks that give every scene the same frame and type."""

from __future__ import annotations

from manim import UP, LEFT, DecimalNumber, MathTex, Mobject, Text, VGroup, config

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
    number.next_to(label, direction=[1, 0, 0], buff=0.15)
    # Centre digits on the equals sign, not on the label: letters such as y
    # have descenders that would drop the number below the baseline.
    number.set_y(label[0][-1].get_y())
    return VGroup(label, number)


def fit_width(mobject: Mobject, share: float = 1.0) -> Mobject:
    """Shrink ``mobject`` so it fits ``share`` of the frame width inside the margins."""
    limit = (config.frame_width - 2 * theme.SAFE_MARGIN) * share
    if mobject.width > limit:
        mobject.scale_to_fit_width(limit)
    return mobject


def left_panel_center() -> list[float]:
    return [-config.frame_width / 4, -0.3, 0]


def right_panel_center() -> list[float]:
    return [config.frame_width / 4, -0.3, 0]


__all__ = ["scene_title", "prose", "formula", "readout", "fit_width", "LEFT", "UP"]
