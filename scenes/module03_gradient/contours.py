"""The gradient drawn over a contour map: arrows cross every contour at a right angle."""

from __future__ import annotations

import numpy as np
import sympy as sp
from manim import *

from lessonreel import LessonScene, say, theme
from scenes.common.layout import formula, plane_point, prose, scene_title
from scenes.module03_gradient import math as m
from scenes.module03_gradient.contour_map import contour_map

#: Where each ring's "f = c" label sits, in degrees round the origin: in the lower-left
#: quarter that no arrow crosses, staggered so neighbouring labels never touch.
LABEL_ANGLES = (-100, -145, -115, -175)


class GradientArrowsOverContours(LessonScene):
    """Contours of x² + y² with ∇f arrows at six points, each meeting its circle at 90°."""

    def construct(self) -> None:
        title = scene_title("The gradient on a contour map")
        plane, rings = contour_map((-3.2, 3.2), (-3.2, 3.2), width=6.2, center=(-3.35, -0.5))
        labels = VGroup()
        for level, radius, angle in zip(m.CONTOUR_LEVELS, m.CONTOUR_RADII, LABEL_ANGLES,
                                        strict=True):
            direction = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])
            label = formula(m.level_latex(level), theme.SMALL_SIZE, theme.OUTPUT_COLOR)
            # On the ring itself, over a patch of background the line passes behind.
            label.move_to(plane.c2p(*(float(radius) * direction)))
            label.add_background_rectangle(color=theme.BACKGROUND, opacity=1, buff=0.04)
            labels.add(label)
        surface = formula(m.SURFACE_LATEX, theme.BODY_SIZE, theme.OUTPUT_COLOR)
        surface.move_to([3.6, 2.2, 0])

        with self.voiceover(beat="contours", text=say(
            "Seen from above, the bowl {@becomes}becomes circles called contours. On each of "
            "them f {@steady}holds steady, from {@low}{low} on the inner ring to {high} on the "
            "{@outer}outer.",
            low=m.CONTOUR_LOW, high=m.CONTOUR_HIGH,
        )) as tracker:
            # The rings are drawn from "becomes circles" on; their levels are read out from
            # the inner ring, and the last is in place as "outer" is said.
            self.play(Write(title), Create(plane), Write(surface),
                      run_time=tracker.until("becomes"))
            self.play(Create(rings, lag_ratio=0.3), run_time=tracker.until("steady"))
            tracker.wait_until("low")
            self.play(FadeIn(labels, lag_ratio=0.3), run_time=tracker.until("outer"))

        dots, arrows = VGroup(), VGroup()
        for p in m.ARROW_POINTS:
            dots.add(Dot(plane_point(plane, p), radius=0.07, color=theme.HIGHLIGHT_COLOR))
            arrows.add(Arrow(plane_point(plane, p), plane_point(plane, m.arrow_tip(p)), buff=0,
                             color=theme.TANGENT_COLOR, stroke_width=5,
                             max_tip_length_to_length_ratio=0.35))
        scale_note = prose(m.ARROW_SCALE_NOTE, theme.SMALL_SIZE,
                           theme.MUTED_TEXT_COLOR).next_to(surface, DOWN, buff=0.45)

        with self.voiceover(beat="arrows", text=say(
            "Draw the gradient at {@points}a few points, at {@scale}{scale:frac} of its "
            "length. {@every}Every arrow points away from the bottom of the bowl, and the "
            "arrows grow longer further out, where the bowl is steeper.",
            scale=m.ARROW_SCALE,
        )) as tracker:
            # The points come as they are mentioned; the arrows grow, at the scale the note
            # gives, as that scale is said.
            tracker.wait_until("points")
            self.play(FadeIn(dots, lag_ratio=0.2), run_time=tracker.until("scale"))
            self.play(FadeIn(scale_note),
                      LaggedStart(*(GrowArrow(a) for a in arrows), lag_ratio=0.25),
                      run_time=tracker.until("every"))

        p = m.RIGHT_ANGLE_POINT
        start = plane_point(plane, p)
        tangent = np.array([float(v) for v in m.contour_tangent(p)] + [0.0])
        tangent /= np.linalg.norm(tangent)
        along = Line(start - 0.6 * tangent, start + 0.6 * tangent, color=theme.HIGHLIGHT_COLOR,
                     stroke_width=5)
        corner = RightAngle(Line(start, start + tangent), Line(start, arrows[0].get_end()),
                            length=0.22, color=theme.HIGHLIGHT_COLOR, stroke_width=3)
        gradient, direction, product = (
            formula(line, theme.LABEL_SIZE, color) for line, color in zip(
                m.perpendicular_latex(p),
                (theme.TANGENT_COLOR, theme.HIGHLIGHT_COLOR, theme.TEXT_COLOR), strict=True))
        working = VGroup(gradient, direction, product).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        working.next_to(scale_note, DOWN, buff=0.7).set_x(surface.get_x())
        others = VGroup(*(VGroup(d, a) for d, a in zip(dots[1:], arrows[1:], strict=True)))

        with self.voiceover(beat="right-angle", text=say(
            "At the point {p}, the arrow meets {@contour}its contour at {@right}a right angle: "
            "{@gradient}the gradient {g}, dotted with {@direction}the contour's direction {t}, "
            "gives {@dot}exactly {dot}.",
            p=p, g=m.RIGHT_ANGLE_GRADIENT, t=m.RIGHT_ANGLE_TANGENT, dot=m.RIGHT_ANGLE_DOT,
        ), hold=1.0) as tracker:
            # The other arrows step back as the point is named; the contour's direction is
            # drawn on "its contour", the corner on "a right angle", and each line of the
            # working as it is read out.
            self.play(others.animate.set_opacity(0.35), run_time=tracker.until("contour"))
            self.play(Create(along), run_time=tracker.until("right"))
            self.play(Create(corner), run_time=tracker.until("gradient"))
            self.play(Write(gradient), run_time=tracker.until("direction"))
            self.play(FadeIn(direction), run_time=1.0)
            tracker.wait_until("dot")
            self.play(Write(product), run_time=1.5)

        # A walker once round the ring through p, its reading of f carried beside it.
        level = m.value_at(p)
        origin = plane.c2p(0, 0)
        ring = Arc(radius=float(m.length(p)) * plane.x_axis.get_unit_size(),
                   start_angle=float(sp.atan2(p[1], p[0])), angle=TAU, arc_center=origin)
        walker = Dot(start, radius=0.09, color=theme.INPUT_COLOR)
        reading = formula(m.level_latex(level), theme.SMALL_SIZE, theme.INPUT_COLOR)
        reading.add_background_rectangle(color=theme.BACKGROUND, opacity=1, buff=0.04)

        def follow(label: Mobject) -> None:
            outward = walker.get_center() - origin
            outward /= np.linalg.norm(outward)
            label.move_to(walker.get_center() + 0.45 * outward)

        reading.add_updater(follow)

        with self.voiceover(beat="around", text=say(
            "Here is the intuition. {@walk}Walk once around the ring through {p}: f reads "
            "{level} at every step, so moving along a contour gains nothing at all. "
            "{@direction}The direction that makes f grow fastest can spend none of its effort "
            "along the ring, so it {@across}points straight across it.",
            p=p, level=level,
        )) as tracker:
            # The walker is set down while "Here is the intuition" is said, sets off on
            # "Walk" and is round as the sentence ends; the right angle is pointed at on
            # "points straight across".
            self.play(FadeIn(walker, scale=2), FadeIn(reading), run_time=tracker.until("walk"))
            self.play(MoveAlongPath(walker, ring), rate_func=linear,
                      run_time=tracker.until("direction"))
            reading.clear_updaters()
            self.play(FadeOut(walker), FadeOut(reading), run_time=0.8)
            tracker.wait_until("across")
            self.play(Indicate(corner, scale_factor=1.6, color=theme.HIGHLIGHT_COLOR),
                      run_time=1.2)

        verdict = formula(m.PERPENDICULAR_VERDICT_LATEX, theme.BODY_SIZE,
                          theme.HIGHLIGHT_COLOR).next_to(working, DOWN, buff=0.6)
        verdict.set_x(surface.get_x())

        with self.voiceover(beat="why", text=(
            "The same holds on {@every}every ring, at every point: {@crosses}the gradient "
            "crosses its contour square on."
        ), hold=1.0) as tracker:
            tracker.wait_until("every")
            self.play(others.animate.set_opacity(1), run_time=tracker.until("crosses"))
            self.play(FadeIn(verdict, shift=UP * 0.2), run_time=1.0)
