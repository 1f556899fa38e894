"""Layout checks for text on screen: inside the frame with a margin, and never overlapping.

Used by the test suite on every registered scene at the end of every section.
Text means anything a viewer reads: ``Text``, ``MathTex``/``Tex`` and
``DecimalNumber`` or a subclass of it (the lessons' live readouts are one), including
the numbers on axes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: Overlaps thinner than this (scene units) are glyph bounding-box slack, not collisions.
OVERLAP_TOLERANCE = 0.02


@dataclass(frozen=True)
class Box:
    label: str
    left: float
    right: float
    bottom: float
    top: float

    def overlap(self, other: Box) -> tuple[float, float]:
        width = min(self.right, other.right) - max(self.left, other.left)
        height = min(self.top, other.top) - max(self.bottom, other.bottom)
        return width, height


def _is_text(mobject: Any) -> bool:
    from manim import DecimalNumber, MathTex, SingleStringMathTex, Tex, Text

    return isinstance(mobject, (Text, MathTex, Tex, SingleStringMathTex, DecimalNumber))


def text_mobjects(mobjects: Iterable[Any]) -> list[Any]:
    """Outermost readable mobjects on screen: a formula counts once, not per glyph."""
    found: list[Any] = []

    def visit(mobject: Any) -> None:
        if _is_text(mobject):
            if mobject.has_points() or mobject.submobjects:
                found.append(mobject)
            return
        for child in mobject.submobjects:
            visit(child)

    for mobject in mobjects:
        visit(mobject)
    return [m for m in found if _visible(m)]


def _visible(mobject: Any) -> bool:
    family = mobject.family_members_with_points()
    return any(
        max(m.get_fill_opacity(), m.get_stroke_opacity()) > 0.05 for m in family
    )


def _box(mobject: Any) -> Box:
    label = getattr(mobject, "text", None) or getattr(mobject, "tex_string", None)
    if label is None and hasattr(mobject, "get_value"):
        label = f"{mobject.get_value():g}"
    return Box(
        label=f"{type(mobject).__name__}({label!r})",
        left=float(mobject.get_left()[0]),
        right=float(mobject.get_right()[0]),
        bottom=float(mobject.get_bottom()[1]),
        top=float(mobject.get_top()[1]),
    )


def layout_problems(
    mobjects: Iterable[Any], frame_width: float, frame_height: float, margin: float
) -> list[str]:
    """Everything wrong with the text on screen, one sentence per problem."""
    boxes = [_box(m) for m in text_mobjects(mobjects)]
    problems = []
    half_w, half_h = frame_width / 2 - margin, frame_height / 2 - margin
    for box in boxes:
        if (box.left < -half_w - 1e-6 or box.right > half_w + 1e-6
                or box.bottom < -half_h - 1e-6 or box.top > half_h + 1e-6):
            problems.append(
                f"{box.label} leaves the safe area (x {box.left:.2f}..{box.right:.2f}, "
                f"y {box.bottom:.2f}..{box.top:.2f}; allowed ±{half_w:.2f}, ±{half_h:.2f})"
            )
    for i, first in enumerate(boxes):
        for second in boxes[i + 1:]:
            width, height = first.overlap(second)
            if width > OVERLAP_TOLERANCE and height > OVERLAP_TOLERANCE:
                problems.append(
                    f"{first.label} overlaps {second.label} by {width:.2f} x {height:.2f}"
                )
    return problems
