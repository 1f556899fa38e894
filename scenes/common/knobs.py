"""A slider "knob": a labelled track with a handle that follows a ValueTracker."""

from __future__ import annotations

from manim import (
    LEFT,
    RIGHT,
    Dot,
    MathTex,
    Mobject,
    NumberLine,
    ValueTracker,
    VGroup,
    always_redraw,
)

from lessonreel import theme


def knob(
    name: str, tracker: ValueTracker, value_range: tuple[float, float], color: str,
    length: float = 4.0,
) -> VGroup:
    """A horizontal slider labelled ``name`` whose handle follows ``tracker``."""
    low, high = value_range
    track = NumberLine(
        x_range=[low, high, 1], length=length, color=theme.AXIS_COLOR, include_numbers=True,
        font_size=theme.SMALL_SIZE, stroke_width=4,
    )
    label = MathTex(name, font_size=theme.BODY_SIZE, color=color)
    # Beside the line itself, not the centre of line plus numbers.
    label.next_to(track.n2p(low), LEFT, buff=0.4)
    # Redrawn every frame, so it copies the track's opacity: a dimmed (frozen) knob
    # dims its handle too.
    handle = always_redraw(lambda: Dot(
        track.n2p(tracker.get_value()), radius=0.14, color=color,
        fill_opacity=track.get_stroke_opacity(),
    ))
    return VGroup(track, label, handle)


def frozen_tag(slider: Mobject) -> MathTex:
    """A "frozen" tag beside a knob that is being held fixed."""
    tag = MathTex(r"\text{frozen}", font_size=theme.SMALL_SIZE, color=theme.FROZEN_COLOR)
    return tag.next_to(slider, RIGHT, buff=0.3)
