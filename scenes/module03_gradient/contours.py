"""The gradient drawn over a contour map: arrows cross every contour at a right angle."""

from __future__ import annotations

import numpy as np
import sympy as sp
from manim import *

from lessonreel import theme
from lessonreel.narration import NarrationMixin
from lessonreel.spoken import say
from scenes.common.layout import formula, plane_point, prose, scene_title
from scenes.module03_gradient import math as m
from scenes.module03_gradient.contour_map import contour_map

#: Where each ring's "f = c" label sits, in degrees round the origin: in the lower-left
#: quarter that no arrow crosses, staggered so neighbouring labels never touch.
LABEL_ANGLES = (-100, -145, -115, -175)


class GradientArrowsOverContours(NarrationMixin, Scene):
    """Contours of x² + y² with ∇f arrows at six points, each meeting its circle at 90°."""

    def construct(self) -> None:
        self.camera.background_color = theme.BACKGROUND
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
            "Seen from above, the bowl becomes circles called contours. On each of them f "
            "holds steady, from {low} on the inner ring to {high} on the outer.",
            low=m.CONTOUR_LOW, high=m.CONTOUR_HIGH,
        )) as tracker:
            self.play(Write(title), Create(plane), Write(surface), run_time=tracker.duration * 0.3)
            self.play(Create(rings, lag_ratio=0.3), FadeIn(labels, lag_ratio=0.3),
                      run_time=tracker.duration * 0.4)

        dots, arrows = VGroup(), VGroup()
        for p in m.ARROW_POINTS:
            dots.add(Dot(plane_point(plane, p), radius=0.07, color=theme.HIGHLIGHT_COLOR))
            arrows.add(Arrow(plane_point(plane, p), plane_point(plane, m.arrow_tip(p)), buff=0,
                             color=theme.TANGENT_COLOR, stroke_width=5,
                             max_tip_length_to_length_ratio=0.35))
        scale_note = prose(m.ARROW_SCALE_NOTE, theme.SMALL_SIZE,
                           theme.MUTED_TEXT_COLOR).next_to(surface, DOWN, buff=0.45)

        with self.voiceover(beat="arrows", text=say(
            "Draw the gradient at a few points, at {scale:frac} of its length. Every arrow "
            "points away from the bottom of the bowl, and the arrows grow longer further out, "
            "where the bowl is steeper.",
            scale=m.ARROW_SCALE,
        )) as tracker:
            self.play(FadeIn(dots, lag_ratio=0.2), FadeIn(scale_note),
                      run_time=tracker.duration * 0.2)
            self.play(LaggedStart(*(GrowArrow(a) for a in arrows), lag_ratio=0.25),
                      run_time=tracker.duration * 0.5)

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
            "At the point {p}, the arrow meets its contour at a right angle: the gradient "
            "{g}, dotted with the contour's direction {t}, gives exactly {dot}.",
            p=p, g=m.RIGHT_ANGLE_GRADIENT, t=m.RIGHT_ANGLE_TANGENT, dot=m.RIGHT_ANGLE_DOT,
        ), hold=1.0) as tracker:
            self.play(others.animate.set_opacity(0.35), Create(along),
                      run_time=tracker.duration * 0.25)
            self.play(Create(corner), Write(gradient), FadeIn(direction),
                      run_time=tracker.duration * 0.3)
            self.play(Write(product), run_time=tracker.duration * 0.3)

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
            "Here is the intuition. Walk once around the ring through {p}: f reads {level} "
            "at every step, so moving along a contour gains nothing at all. The direction "
            "that makes f grow fastest can spend none of its effort along the ring, so it "
            "points straight across it.",
            p=p, level=level,
        )) as tracker:
            self.play(FadeIn(walker, scale=2), FadeIn(reading), run_time=tracker.duration * 0.1)
            self.play(MoveAlongPath(walker, ring), rate_func=linear,
                      run_time=tracker.duration * 0.55)
            reading.clear_updaters()
            self.play(FadeOut(walker), FadeOut(reading),
                      Indicate(corner, scale_factor=1.6, color=theme.HIGHLIGHT_COLOR),
                      run_time=tracker.duration * 0.2)

        verdict = formula(m.PERPENDICULAR_VERDICT_LATEX, theme.BODY_SIZE,
                          theme.HIGHLIGHT_COLOR).next_to(working, DOWN, buff=0.6)
        verdict.set_x(surface.get_x())

        with self.voiceover(beat="why", text=(
            "The same holds on every ring, at every point: the gradient crosses its contour "
            "square on."
        ), hold=1.0) as tracker:
            self.play(others.animate.set_opacity(1), run_time=tracker.duration * 0.3)
            self.play(FadeIn(verdict, shift=UP * 0.2), run_time=tracker.duration * 0.3)
