"""The gradient drawn over the contour map of a bowl that is not round: every arrow crosses
its contour at a right angle, yet does not point straight away from the bottom."""

from __future__ import annotations

import numpy as np
import sympy as sp
from manim import *

from lessonreel import LessonScene, say, theme
from scenes.common.layout import formula, plane_point, prose, readout, scene_title
from scenes.module03_gradient import math as m
from scenes.module03_gradient.contour_map import axis_labels, contour_map

#: Where each contour's "f = c" label sits: the angle t of the traced ellipse
#: (sqrt(c) cos t, sqrt(c/3) sin t), in degrees. Low on the right, the quarter no arrow
#: crosses; the labels step down and out along one diagonal, so none touches the next.
LABEL_ANGLE = -60
#: Left edge of the formulas beside the map.
COLUMN_LEFT = 0.55


class GradientArrowsOverContours(LessonScene):
    """Contours of x² + 3y² with ∇f arrows at six points, each meeting its ellipse at 90°."""

    def construct(self) -> None:
        title = scene_title("The gradient on a contour map")
        self.plane, rings = contour_map((-3.4, 3.4), (-2.3, 3.3), width=6.4, center=(-3.15, -0.35),
                                        levels=m.CONTOUR_LEVELS, surface=m.LONG_SURFACE)
        plane = self.plane
        # The x axis's numbers above it: the contours' labels sit below it on the right.
        ticks = axis_labels(plane, (1, 2), (1, 2), x_side=UP)
        labels = VGroup()
        t = np.radians(LABEL_ANGLE)
        for level, (a, b) in zip(m.CONTOUR_LEVELS, m.CONTOUR_AXES, strict=True):
            label = formula(m.level_latex(level), theme.SMALL_SIZE, theme.OUTPUT_COLOR)
            # On the contour itself, over a patch of background the line passes behind.
            label.move_to(plane.c2p(float(a) * np.cos(t), float(b) * np.sin(t)))
            label.add_background_rectangle(color=theme.BACKGROUND, opacity=1, buff=0.04)
            labels.add(label)
        surface = formula(m.LONG_SURFACE_LATEX, theme.BODY_SIZE, theme.FUNCTION_COLOR)
        surface.move_to([0, 2.45, 0]).set_x(COLUMN_LEFT, LEFT)

        with self.voiceover(beat="contours", text=say(
            "Now a bowl that is not round: {@f}{f}, {k} times as steep across y as along x. "
            "{@becomes}Seen from above it becomes ovals called contours. On each of them f "
            "{@steady}holds steady, from {@low}{low} on the inner one to {high} on the "
            "{@outer}outer.",
            f=m.LONG_SURFACE_EQUATION, k=m.LONG_STRETCH, low=m.CONTOUR_LOW, high=m.CONTOUR_HIGH,
        )) as tracker:
            # The map is drawn while the new bowl is announced and its formula written as it
            # is said; the ovals from "becomes" on; their levels are read out from the inner
            # one, and the last is in place as "outer" is said.
            self.play(Write(title), Create(plane), FadeIn(ticks), run_time=tracker.until("f"))
            self.play(Write(surface), run_time=tracker.until("becomes"))
            self.play(Create(rings, lag_ratio=0.3), run_time=tracker.until("steady"))
            tracker.wait_until("low")
            self.play(FadeIn(labels, lag_ratio=0.3), run_time=tracker.until("outer"))

        gradient = formula(m.LONG_GRADIENT_LATEX, theme.BODY_SIZE, theme.GRADIENT_COLOR)
        gradient.next_to(surface, DOWN, buff=0.35).set_x(COLUMN_LEFT, LEFT)
        dots, arrows = VGroup(), VGroup()
        for p in m.ARROW_POINTS:
            dots.add(Dot(plane_point(plane, p), radius=0.07, color=theme.HIGHLIGHT_COLOR))
            arrows.add(Arrow(plane_point(plane, p), plane_point(plane, m.arrow_tip(p)), buff=0,
                             color=theme.GRADIENT_COLOR, stroke_width=5,
                             max_tip_length_to_length_ratio=0.3))
        scale_note = prose(m.ARROW_SCALE_NOTE, theme.SMALL_SIZE, theme.MUTED_TEXT_COLOR)
        scale_note.next_to(gradient, DOWN, buff=0.3).set_x(COLUMN_LEFT, LEFT)

        with self.voiceover(beat="arrows", text=say(
            "Its gradient is {@grad}{g}. Draw it at {@points}a few points, at {@scale}{scale:frac} "
            "of its length. {@every}Every arrow points uphill, and they grow longer further "
            "out, where the bowl is steeper.",
            g=tuple(m.LONG_GRADIENT), scale=m.ARROW_SCALE,
        )) as tracker:
            # The gradient's formula as it is said; the points come as they are mentioned;
            # the arrows grow, at the scale the note gives, as that scale is said.
            tracker.wait_until("grad")
            self.play(Write(gradient), run_time=tracker.until("points"))
            self.play(FadeIn(dots, lag_ratio=0.2), run_time=tracker.until("scale"))
            self.play(FadeIn(scale_note),
                      LaggedStart(*(GrowArrow(a) for a in arrows), lag_ratio=0.25),
                      run_time=tracker.until("every"))

        p = m.RIGHT_ANGLE_POINT
        start = plane_point(plane, p)
        tangent = np.array([float(v) for v in m.contour_tangent(p)] + [0.0])
        tangent /= np.linalg.norm(tangent)
        along = Line(start - 0.7 * tangent, start + 0.7 * tangent, color=theme.HIGHLIGHT_COLOR,
                     stroke_width=5)
        corner = RightAngle(Line(start, start + tangent), Line(start, arrows[1].get_end()),
                            length=0.22, color=theme.HIGHLIGHT_COLOR, stroke_width=3)
        worked = VGroup(*(
            formula(line, theme.LABEL_SIZE, color) for line, color in zip(
                m.perpendicular_latex(p),
                (theme.GRADIENT_COLOR, theme.HIGHLIGHT_COLOR, theme.TEXT_COLOR), strict=True)))
        worked.arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        worked.next_to(scale_note, DOWN, buff=0.5).set_x(COLUMN_LEFT, LEFT)
        others = VGroup(*(VGroup(d, a) for k, (d, a) in enumerate(zip(dots, arrows, strict=True))
                          if k != 1))

        with self.voiceover(beat="right-angle", text=say(
            "At the point {p}, the arrow meets {@contour}its contour at {@right}a right angle. "
            "{@gradient}The gradient is {g}. {@direction}The contour's direction is {t}. "
            "{@dot}Their dot product is exactly {dot}.",
            p=p, g=m.RIGHT_ANGLE_GRADIENT, t=m.RIGHT_ANGLE_TANGENT, dot=m.RIGHT_ANGLE_DOT,
        ), hold=1.0) as tracker:
            # The other arrows step back as the point is named; the contour's direction is
            # drawn on "its contour", the corner on "a right angle", and each line of the
            # working as it is read out.
            self.play(others.animate.set_opacity(0.35), run_time=tracker.until("contour"))
            self.play(Create(along), run_time=tracker.until("right"))
            self.play(Create(corner), run_time=tracker.until("gradient"))
            self.play(Write(worked[0]), run_time=tracker.until("direction"))
            self.play(FadeIn(worked[1]), run_time=1.0)
            tracker.wait_until("dot")
            self.play(Write(worked[2]), run_time=1.5)

        self.not_at_the_bottom(arrows[1], worked)
        self.around_and_across(along, corner, others, worked)

    def not_at_the_bottom(self, arrow: Arrow, worked: VGroup) -> None:
        """The line straight out from the bottom through (1, 1) beside the gradient there."""
        plane, p = self.plane, m.RIGHT_ANGLE_POINT
        origin, start = plane.c2p(0, 0), plane_point(plane, p)
        out = (start - origin) / np.linalg.norm(start - origin)
        away = DashedLine(origin, start + 1.4 * out, color=theme.MUTED_TEXT_COLOR, stroke_width=3)
        bottom = Dot(origin, radius=0.08, color=theme.TEXT_COLOR)
        angles = VGroup(
            formula(m.angle_latex("out from the bottom:", m.AWAY_DEGREES_APPROX),
                    theme.LABEL_SIZE, theme.MUTED_TEXT_COLOR),
            formula(m.GRADIENT_ANGLE_LATEX, theme.LABEL_SIZE, theme.GRADIENT_COLOR),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        angles.next_to(worked, DOWN, buff=0.5).set_x(COLUMN_LEFT, LEFT)

        with self.voiceover(beat="aim", text=say(
            "But look where it points. {@out}Straight out from the bottom of the bowl, through "
            "{p}, is {away} degrees; {@grad}the gradient points at about {grad} degrees. "
            "{@square}It crosses the contour square on, {@not}not straight out from the centre, "
            "so a step against it does not head straight for the bottom.",
            p=p, away=m.AWAY_DEGREES_APPROX, grad=m.GRADIENT_DEGREES_APPROX,
        ), hold=0.5) as tracker:
            # The line from the bottom is drawn as it is named, with its angle; the
            # gradient's angle as it is said; the arrow is pointed at on "square on", the
            # line from the bottom on "not straight out".
            tracker.wait_until("out")
            self.play(FadeIn(bottom, scale=2), Create(away), FadeIn(angles[0]),
                      run_time=tracker.until("grad"))
            self.play(FadeIn(angles[1]), Indicate(arrow, color=theme.HIGHLIGHT_COLOR),
                      run_time=1.2)
            tracker.wait_until("not")
            self.play(Indicate(away, color=theme.HIGHLIGHT_COLOR), run_time=1.2)
        self.away = VGroup(away, bottom, angles)

    def around_and_across(self, along: Line, corner: RightAngle, others: VGroup,
                          worked: VGroup) -> None:
        """A walker round the contour through (1, 1) reads one f all the way; then the verdict."""
        plane, p = self.plane, m.RIGHT_ANGLE_POINT
        level = m.long_value_at(p)
        a, b = (float(v) for v in dict(zip(m.CONTOUR_LEVELS, m.CONTOUR_AXES, strict=True))[level])
        t0 = float(m.contour_parameter(p))
        oval = ParametricFunction(
            lambda s: plane.c2p(a * np.cos(t0 + s), b * np.sin(t0 + s)), t_range=[0, TAU])
        walker = Dot(plane_point(plane, p), radius=0.09, color=theme.POSITION_COLOR)
        f_at = sp.lambdify((m.x, m.y), m.LONG_SURFACE)
        # The walker's reading of f, in the free corner low on the left of the map: carried
        # beside the walker it would pass over the contours' own labels.
        reading = readout("f", float(level), 0, theme.OUTPUT_COLOR)
        reading.move_to(plane.c2p(-2.6, -1.95))

        def read(number: Mobject) -> None:
            number.set_value(f_at(*plane.p2c(walker.get_center())[:2]))

        with self.voiceover(beat="around", text=say(
            "Here is the intuition. {@walk}Walk once around the contour through {p}: f reads "
            "{level} at every step, so moving along a contour gains nothing at all. "
            "{@direction}The direction that makes f grow fastest can spend none of its effort "
            "{@along}along the contour, so it {@across}points straight across it.",
            p=p, level=level,
        )) as tracker:
            # The line from the bottom has made its point and steps back; the walker is set
            # down while "Here is the intuition" is said, sets off on "Walk" with its
            # reading of f, and is round as the sentence ends; the contour's direction is
            # pointed at on "along the contour" and the right angle on "straight across".
            self.play(FadeOut(self.away), FadeIn(walker, scale=2), FadeIn(reading),
                      run_time=tracker.until("walk"))
            reading[1].add_updater(read)
            self.play(MoveAlongPath(walker, oval), rate_func=linear,
                      run_time=tracker.until("direction"))
            reading[1].clear_updaters()
            self.play(FadeOut(walker), FadeOut(reading), run_time=0.8)
            tracker.wait_until("along")
            self.play(Indicate(along, scale_factor=1.2, color=theme.HIGHLIGHT_COLOR),
                      run_time=tracker.until("across"))
            self.play(Indicate(corner, scale_factor=1.6, color=theme.HIGHLIGHT_COLOR),
                      run_time=1.2)

        verdict = formula(m.PERPENDICULAR_VERDICT_LATEX, theme.BODY_SIZE, theme.HIGHLIGHT_COLOR)
        verdict.next_to(worked, DOWN, buff=0.6).set_x(COLUMN_LEFT, LEFT)

        with self.voiceover(beat="why", text=(
            "The same holds on {@every}every contour, at every point: {@crosses}the gradient "
            "crosses its contour square on."
        ), hold=1.0) as tracker:
            tracker.wait_until("every")
            self.play(others.animate.set_opacity(1), run_time=tracker.until("crosses"))
            self.play(FadeIn(verdict, shift=UP * 0.2), run_time=1.0)
