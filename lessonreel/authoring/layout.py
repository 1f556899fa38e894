"""Layout checks for what is on screen: everything visible inside the title-safe area
(``theme.TITLE_SAFE``, 90 % of the frame's width and height, centred), and text never
overlapping and never drawn smaller than the legibility floor (``theme.SMALL_SIZE``).

Used by the test suite on every registered scene at the end of every section.
Text means anything a viewer reads: ``Text``, ``MathTex``/``Tex`` and
``DecimalNumber`` or a subclass of it (the lessons' live readouts are one), including
the numbers on axes. The title-safe rule covers every other visible mobject too (plots,
axes, arrows, shapes, images): given the scene's camera, a 3D scene's mobjects are
checked where its camera draws them (projected; fixed-in-frame ones as they are).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lessonreel.authoring import theme
from lessonreel.records import BeatLayout, SmallestText

#: Overlaps thinner than this (scene units) are glyph bounding-box slack, not collisions.
OVERLAP_TOLERANCE = 0.02
#: A text this far under the floor (font-size units) is float rounding from scaling it
#: back and forth, not a smaller size anyone chose.
SIZE_TOLERANCE = 0.5


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


def label(mobject: Any) -> str:
    """How a report names a text: its type and what it reads, ``MathTex('x^2')``."""
    # Text.text has its spaces taken out; original_text is what the author wrote.
    label = (getattr(mobject, "original_text", None) or getattr(mobject, "text", None)
             or getattr(mobject, "tex_string", None))
    if label is None and hasattr(mobject, "_get_num_string"):
        # The digits as shown ("0.500"), not the float behind them ("-0" for -0.0).
        label = mobject._get_num_string(mobject.number)
    elif label is None and hasattr(mobject, "get_value"):
        label = f"{mobject.get_value():g}"
    return f"{type(mobject).__name__}({label!r})"


def _box(mobject: Any, camera: Any = None) -> Box:
    if _projects(camera):
        points = [_drawn_points(member, camera)
                  for member in mobject.family_members_with_points()]
        return _points_box(label(mobject), points)
    return Box(
        label=label(mobject),
        left=float(mobject.get_left()[0]),
        right=float(mobject.get_right()[0]),
        bottom=float(mobject.get_bottom()[1]),
        top=float(mobject.get_top()[1]),
    )


def _projects(camera: Any) -> bool:
    """Whether ``camera`` draws points elsewhere than they are (a 3D camera)."""
    return camera is not None and hasattr(camera, "fixed_in_frame_mobjects")


def _drawn_points(member: Any, camera: Any) -> Any:
    """A mobject's own points where the camera draws them, on the frame's plane."""
    if not _projects(camera):
        return member.points
    # A 3D camera keeps the rotation of the last frame it drew; ask for the current one.
    camera.reset_rotation_matrix()
    return camera.transform_points_pre_display(member, member.points)


def _points_box(name: str, point_sets: Iterable[Any]) -> Box:
    import numpy as np

    points = np.concatenate([np.asarray(p)[:, :2] for p in point_sets])
    low, high = points.min(axis=0), points.max(axis=0)
    return Box(label=name, left=float(low[0]), right=float(high[0]),
               bottom=float(low[1]), top=float(high[1]))


def _drawn(member: Any) -> bool:
    """Whether a mobject with points paints anything: a visible fill, a visible stroke
    of some width, or an image. A ValueTracker keeps its value in a point: not drawn."""
    from manim import ImageMobject, PMobject, VMobject

    if isinstance(member, VMobject):
        stroke = member.get_stroke_opacity() > 0.05 and member.get_stroke_width() > 0
        return bool(stroke or member.get_fill_opacity() > 0.05)
    return isinstance(member, (ImageMobject, PMobject))


def _shape_name(member: Any, owner: Any) -> str:
    """A shape's type, and the type of the outermost mobject holding it (a group aside)."""
    name = type(member).__name__
    return name if owner is None or owner is member else f"{name} of {type(owner).__name__}"


def shape_boxes(mobjects: Iterable[Any], camera: Any = None) -> list[Box]:
    """The box each kind of shape covers on screen, one a kind within each mobject on
    screen (a surface's hundred patches are one box), text left out (text is checked
    on its own)."""
    from manim import Group, VGroup

    boxes: list[Box] = []
    for top in mobjects:
        found: dict[str, list[Any]] = {}

        def visit(member: Any, owner: Any, found: dict[str, list[Any]] = found) -> None:
            if _is_text(member):
                return
            if member.has_points() and _drawn(member):
                found.setdefault(_shape_name(member, owner), []).append(
                    _drawn_points(member, camera))
            if owner is None and type(member) not in (VGroup, Group):
                owner = member
            for child in member.submobjects:
                visit(child, owner)

        visit(top, None)
        for name, point_sets in found.items():
            pieces = f" ({len(point_sets)} pieces)" if len(point_sets) > 1 else ""
            boxes.append(_points_box(name + pieces, point_sets))
    return boxes


@dataclass(frozen=True)
class TextSize:
    """One text on screen and the font size it is drawn at."""

    label: str
    size: float


def drawn_size(mobject: Any) -> float | None:
    """The font size ``mobject`` is drawn at now, in Manim's ``font_size`` units.

    Every scale counts, whether applied to the text or to a group holding it. Manim's
    own ``font_size`` is the height now over the height at creation, which misreads a
    text that lost a part since (a ``text_block`` line drops its strut glyph: a line
    at 30 would read 23) or took another's outline in a Transform. Each glyph keeps
    the SVG outline it was typeset from, though: its size on screen over that
    outline's is the scale it is drawn at, and Manim's fixed typesetting scale turns
    that into a font size (LaTeX: ``SCALE_FACTOR_PER_FONT_POINT`` scene units per SVG
    unit and point; Pango draws a ``Text`` at its own size, then Manim scales it by
    ``TEXT_MOB_SCALE_FACTOR``). Width and height are summed, so a text turned a quarter
    reads the same. Font outlines have nodes at their extremes, so the box of a glyph's
    points is the box of its curve, however a Transform subdivided it. None for a text
    with no glyph outline (nothing to read).
    """
    from manim import SCALE_FACTOR_PER_FONT_POINT, Text
    from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
    from manim.mobject.text.text_mobject import TEXT_MOB_SCALE_FACTOR

    on_screen = at_size_one = 0.0

    def visit(member: Any, per_point: float) -> None:
        nonlocal on_screen, at_size_one
        if isinstance(member, Text):
            # Pango drew this text's outlines at its own size: one SVG unit is less of
            # a point the larger the text was made.
            per_point = TEXT_MOB_SCALE_FACTOR / float(member._font_size)
        # Fraction and root rules are rectangles that keep no outline: glyphs only.
        if isinstance(member, VMobjectFromSVGPath) and member.has_points():
            # Its own points: children a Transform gave it are visited on their own.
            extent = member.points.max(axis=0) - member.points.min(axis=0)
            on_screen += float(extent[0] + extent[1])
            at_size_one += _outline_extent(member.path_obj) * per_point
        for child in member.submobjects:
            visit(child, per_point)

    visit(mobject, SCALE_FACTOR_PER_FONT_POINT)
    if at_size_one <= 0:
        return None
    return float(on_screen / at_size_one)


def _outline_extent(path: Any) -> float:
    """Width plus height of an SVG outline's points, in SVG units.

    The points, not svgelements' ``bbox()``: that solves every curve for its extremes,
    a hundred times slower, and finds the nodes again.
    """
    xs: list[float] = []
    ys: list[float] = []
    for segment in path:
        for name in ("start", "control", "control1", "control2", "end"):
            point = getattr(segment, name, None)
            if point is not None:
                xs.append(point.x)
                ys.append(point.y)
    return max(xs) - min(xs) + max(ys) - min(ys) if xs else 0.0


def text_sizes(mobjects: Iterable[Any]) -> list[TextSize]:
    """Each readable text on screen with the font size it is drawn at."""
    return _sizes(text_mobjects(mobjects))


def _sizes(texts: list[Any]) -> list[TextSize]:
    sizes = []
    for mobject in texts:
        size = drawn_size(mobject)
        if size is not None:
            sizes.append(TextSize(label(mobject), size))
    return sizes


def smallest_text(mobjects: Iterable[Any]) -> TextSize | None:
    """The text on screen drawn smallest, or None when there is no text."""
    return min(text_sizes(mobjects), key=lambda text: text.size, default=None)


def smallest_in_report(entries: Iterable[BeatLayout]) -> SmallestText | None:
    """The smallest text of a scene's layout report, or None when no beat ends with
    text on screen."""
    found = [SmallestText(e.smallest[0], e.smallest[1], e.beat)
             for e in entries if e.smallest is not None]
    return min(found, key=lambda text: text.size, default=None)


def flashes_in_report(entries: Iterable[BeatLayout]) -> list[str]:
    """The flashes of a scene's layout report (:mod:`.flashes`), each named with its beat.

    A beat's entry counts once: every shard of a split scene runs the beats before its own.
    """
    return [f"in beat {entry.beat!r}: flash {flash}"
            for entry in once_a_beat(entries) for flash in entry.flashes]


def once_a_beat(entries: Iterable[BeatLayout]) -> list[BeatLayout]:
    """Each beat's first entry: every shard of a split scene runs the beats before its
    own, and checks them again."""
    kept: dict[str, BeatLayout] = {}
    for entry in entries:
        kept.setdefault(entry.beat, entry)
    return list(kept.values())


def safe_area(frame_width: float, frame_height: float,
              safe: float = theme.TITLE_SAFE) -> tuple[float, float]:
    """Half the width and half the height of the title-safe area, centred in the frame."""
    if not 0 < safe <= 1:
        raise ValueError(f"the safe area is a share of the frame, 0 to 1, not {safe}")
    return frame_width * safe / 2, frame_height * safe / 2


def layout_problems(
    mobjects: Iterable[Any], frame_width: float, frame_height: float,
    *, safe: float = theme.TITLE_SAFE, min_size: float = theme.SMALL_SIZE,
    camera: Any = None,
) -> list[str]:
    """Everything wrong with what is on screen, one sentence per problem.

    ``safe`` is the share of the frame's width and height everything visible keeps
    inside (the title-safe area); ``min_size`` is the legibility floor: smaller text is
    a problem, whatever drew it. ``camera``, the scene's, places a 3D scene's mobjects
    where it draws them; without it, points are where they are (a 2D scene).
    """
    mobjects = list(mobjects)
    texts = text_mobjects(mobjects)
    boxes = [_box(m, camera) for m in texts]
    problems = []
    half_w, half_h = safe_area(frame_width, frame_height, safe)
    for box in [*boxes, *shape_boxes(mobjects, camera)]:
        if (box.left < -half_w - 1e-6 or box.right > half_w + 1e-6
                or box.bottom < -half_h - 1e-6 or box.top > half_h + 1e-6):
            problems.append(
                f"{box.label} leaves the title-safe area (x {box.left:.2f}..{box.right:.2f}, "
                f"y {box.bottom:.2f}..{box.top:.2f}; allowed ±{half_w:.2f}, ±{half_h:.2f})"
            )
    for i, first in enumerate(boxes):
        for second in boxes[i + 1:]:
            width, height = first.overlap(second)
            if width > OVERLAP_TOLERANCE and height > OVERLAP_TOLERANCE:
                problems.append(
                    f"{first.label} overlaps {second.label} by {width:.2f} x {height:.2f}"
                )
    for text in _sizes(texts):
        if text.size < min_size - SIZE_TOLERANCE:
            problems.append(f"{text.label} is drawn at font size {text.size:.1f}, "
                            f"under the legibility floor of {min_size:g}")
    return problems
