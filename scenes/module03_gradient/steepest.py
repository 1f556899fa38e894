"""At (1, 1): the gradient's length and direction, and why no other direction climbs faster."""

from __future__ import annotations

import numpy as np
import sympy as sp
from manim import *

from lessonreel import LessonScene, say, theme
from scenes.common.layout import formula, plane_point, prose, readout, scene_title, themed_axes
from scenes.module03_gradient import math as m
from scenes.module03_gradient.contour_map import contour_map

rate_at = sp.lambdify(m.theta, m.DIRECTIONAL)
#: The unit direction is a choice the viewer turns, like an input knob.
DIRECTION_COLOR = theme.INPUT_COLOR


class SteepestAtOneOne(LessonScene):
    """∇f(1,1) = (2,2), length 2√2; a unit u turns round while D_u f = ∇f·u peaks at 45°."""

    def construct(self) -> None:
        title = scene_title("Why the gradient is steepest")
        plane, ring = contour_map((-0.5, 2.5), (-0.5, 2.5), width=5.2, center=(-3.8, -0.4),
                                  levels=(m.value_at(m.STEEP_POINT),), step=0.5)
        here = plane_point(plane, m.STEEP_POINT)
        g = m.STEEP_GRADIENT
        tip = (m.STEEP_POINT[0] + m.STEEP_ARROW_SCALE * g[0],
               m.STEEP_POINT[1] + m.STEEP_ARROW_SCALE * g[1])
        arrow = Arrow(here, plane_point(plane, tip), buff=0, color=theme.TANGENT_COLOR,
                      stroke_width=6)
        dot = Dot(here, radius=0.09, color=theme.HIGHLIGHT_COLOR)
        level = m.value_at(m.STEEP_POINT)
        # On the contour, low on the right, outside the circle u will sweep.
        level_label = formula(m.level_latex(level), theme.SMALL_SIZE, theme.OUTPUT_COLOR)
        level_label.move_to(plane.c2p(*(float(sp.sqrt(level)) * np.array(
            [np.cos(np.radians(-10)), np.sin(np.radians(-10))]))))
        level_label.add_background_rectangle(color=theme.BACKGROUND, opacity=1, buff=0.04)
        half = prose(m.STEEP_ARROW_NOTE, theme.SMALL_SIZE, theme.MUTED_TEXT_COLOR)
        half.next_to(plane, DOWN, buff=0.15)
        lines = VGroup(*(formula(text, theme.LABEL_SIZE, color) for text, color in (
            (m.STEEP_GRADIENT_LATEX, theme.TANGENT_COLOR),
            (m.STEEP_LENGTH_LATEX, theme.TEXT_COLOR),
            (m.STEEP_DIRECTION_LATEX, theme.TEXT_COLOR),
        ))).arrange(DOWN, aligned_edge=LEFT, buff=0.45).move_to([3.2, 1.3, 0])

        with self.voiceover(beat="vector", text=say(
            "Back at {p}, {@gradient}the gradient is {g}. {@length}Its length is {length}, "
            "about {approx}. {@divided}Divided by that length it becomes a unit vector "
            "pointing at {@angle}{angle} degrees.",
            p=m.STEEP_POINT, g=m.STEEP_GRADIENT, length=m.STEEP_LENGTH,
            approx=m.STEEP_LENGTH_APPROX, angle=m.STEEP_DIRECTION_DEGREES,
        ), hold=0.5) as tracker:
            # The map and the point while "Back at (1, 1)" is said; the arrow and its value
            # from "the gradient", its length from "Its length", the unit vector from
            # "Divided" to its angle.
            self.play(Write(title), Create(plane), Create(ring), FadeIn(level_label),
                      FadeIn(dot, scale=2), run_time=tracker.until("gradient"))
            self.play(GrowArrow(arrow), FadeIn(half), Write(lines[0]),
                      run_time=tracker.until("length"))
            self.play(Write(lines[1]), run_time=tracker.until("divided"))
            self.play(Write(lines[2]), run_time=tracker.until("angle"))

        angle = ValueTracker(0.0)
        unit = plane.x_axis.get_unit_size()
        circle = DashedVMobject(Circle(radius=unit, color=theme.MUTED_TEXT_COLOR, stroke_width=2),
                                num_dashes=40).move_to(here)
        u = always_redraw(lambda: Arrow(
            here, here + unit * np.array([np.cos(angle.get_value()), np.sin(angle.get_value()), 0]),
            buff=0, color=DIRECTION_COLOR, stroke_width=5, max_tip_length_to_length_ratio=0.2))
        length = lines[1]
        rate_lines = VGroup(*(formula(text, theme.LABEL_SIZE, color) for text, color in (
            (m.UNIT_DIRECTION_LATEX, DIRECTION_COLOR),
            (m.DIRECTIONAL_LATEX, theme.TEXT_COLOR),
        ))).arrange(DOWN, aligned_edge=LEFT, buff=0.35)

        with self.voiceover(beat="compare", text=say(
            "Is that really the steepest way up? {@take}Take any unit direction u, at "
            "{@angle}an angle {theta}. How fast f changes along u is {@directional}the "
            "directional derivative: the gradient dotted with u.",
            theta=m.theta,
        ), hold=0.5) as tracker:
            # The right side is cleared while the question is asked; u and its circle come
            # on "Take any unit direction", u's formula on "an angle", and the rate's
            # formula is written from "the directional derivative" to the end.
            self.play(FadeOut(lines[0]), FadeOut(lines[2]),
                      length.animate.move_to([3.2, 2.3, 0]), run_time=tracker.until("take"))
            rate_lines.next_to(length, DOWN, buff=0.4).align_to(length, LEFT)
            first = u.copy()
            self.play(Create(circle), GrowArrow(first), run_time=tracker.until("angle"))
            self.remove(first)
            self.add(u)
            self.play(FadeIn(rate_lines[0]), run_time=1.0)
            tracker.wait_until("directional")
            self.play(Write(rate_lines[1]), run_time=max(1.0, tracker.remaining()))

        turn, tick, low = (float(m.degrees(m.FULL_TURN)), float(m.SWEEP_TICK_DEGREES[0]),
                           -float(m.SWEEP_RATE_LIMIT))
        # 4.7 long, so the 360° under its right end stays inside the title-safe area.
        axes = themed_axes(x_range=[0, turn, tick], y_range=[low, -low, 1], x_length=4.7,
                           y_length=2.2, numbers=False, tips=False)
        axes.next_to(rate_lines, DOWN, buff=0.95).align_to(length, LEFT).shift(RIGHT * 0.3)
        degree_ticks = VGroup(*(
            formula(rf"{m.latex(d)}^\circ", theme.SMALL_SIZE, theme.MUTED_TEXT_COLOR).next_to(
                axes.c2p(float(d), low), DOWN, buff=0.12) for d in m.SWEEP_TICK_DEGREES))
        # The rate's graph in three pieces, so u can keep time with the words: to the
        # contour (flat), on to the 270° tick, passing "facing the centre" on the way, and
        # round to a full turn. (Not a stop facing the centre: the last stretch would start
        # from a readout of -2.83 beside ||∇f|| ≈ 2.83, which the flash check reports.)
        flat, facing = (float(m.degrees(a)) for a in (m.FLAT_ANGLE, m.STEEPEST_DESCENT_ANGLE))
        stops = [0.0, flat, float(m.SWEEP_TICK_DEGREES[2]), turn]
        curve = VGroup(*(axes.plot(lambda d: rate_at(np.radians(d)), x_range=[a, b],
                                   color=theme.TANGENT_COLOR)
                         for a, b in zip(stops, stops[1:], strict=False)))
        theta_read = readout(r"\theta", 0, m.ANGLE_PLACES, DIRECTION_COLOR, unit=r"^\circ")
        rate_read = readout(r"D_u f", rate_at(0), m.APPROX_PLACES, theme.TANGENT_COLOR)
        reads = VGroup(theta_read, rate_read).arrange(RIGHT, buff=0.8)
        reads.next_to(rate_lines, DOWN, buff=0.3).align_to(length, LEFT)
        marker = always_redraw(lambda: Dot(
            axes.c2p(np.degrees(angle.get_value()), rate_at(angle.get_value())),
            radius=0.07, color=DIRECTION_COLOR))

        with self.voiceover(beat="sweep", text=say(
            "Turn u full circle and watch that rate. {@along}Along the x axis it is {start}. "
            "{@drops}It drops to {flat} along the contour, at {@flat_angle}{flat_angle} degrees, "
            "and goes negative {@facing}facing the centre.",
            start=m.ALONG_X_RATE, flat=m.FLAT_RATE, flat_angle=m.FLAT_DEGREES,
        )) as tracker:
            # The graph and the readouts are set up by "Along the x axis", where u starts;
            # u sets off on "It drops", is along the contour as its angle is said and passes
            # facing the centre on "facing", then finishes the turn.
            self.play(Create(axes), FadeIn(degree_ticks), FadeIn(reads), FadeIn(marker),
                      run_time=tracker.until("along"))
            theta_read[1].add_updater(lambda n: n.set_value(np.degrees(angle.get_value())))
            rate_read[1].add_updater(lambda n: n.set_value(rate_at(angle.get_value())))
            tracker.wait_until("drops")
            self.play(angle.animate.set_value(float(m.FLAT_ANGLE)), Create(curve[0]),
                      rate_func=linear, run_time=tracker.until("flat_angle"))
            # At an even pace from the contour's angle on, u faces the centre on "facing".
            to_facing = tracker.mark("facing") - tracker.mark("flat_angle")
            self.play(angle.animate.set_value(np.radians(stops[2])), Create(curve[1]),
                      rate_func=linear,
                      run_time=to_facing * (stops[2] - flat) / (facing - flat))
            self.play(angle.animate.set_value(float(m.FULL_TURN)), Create(curve[2]),
                      rate_func=linear, run_time=1.0)

        best = float(m.STEEPEST_ANGLE)
        peak = axes.c2p(np.degrees(best), float(m.STEEPEST_RATE))
        guide = DashedLine(axes.c2p(np.degrees(best), low), peak, color=theme.HIGHLIGHT_COLOR)
        # The exact value from SymPy takes the place of the live (float) readouts.
        peak_label = formula(m.sweep_latex(m.STEEPEST_ANGLE), theme.LABEL_SIZE,
                             theme.HIGHLIGHT_COLOR).move_to(reads, aligned_edge=LEFT)
        proof = formula(m.DIRECTIONAL_SLOPE_LATEX, theme.SMALL_SIZE)
        proof.next_to(degree_ticks, DOWN, buff=0.25).align_to(length, LEFT)

        with self.voiceover(beat="peak", text=say(
            "It peaks at {@angle}{angle} degrees, {@own}the gradient's own direction, with the "
            "gradient's own length, {@rate}{rate}. {@there}There the rate's derivative is "
            "{slope}, {@so}so no direction climbs faster.",
            angle=m.STEEPEST_DEGREES, rate=m.STEEPEST_RATE, slope=m.STEEPEST_SLOPE,
        ), hold=1.0) as tracker:
            # A full turn is no turn: restart the angle at 0 so the readout says 45°, not 405°.
            angle.set_value(0.0)
            # u turns to the peak as its angle is said; the gradient's arrow is pointed at
            # on "the gradient's own direction", the exact peak comes as its rate is said,
            # and the proof is written from "There" to "so".
            self.play(angle.animate.set_value(best), run_time=tracker.until("angle"))
            theta_read[1].clear_updaters()
            rate_read[1].clear_updaters()
            tracker.wait_until("own")
            self.play(Create(guide), Indicate(arrow, scale_factor=1.1, color=theme.HIGHLIGHT_COLOR),
                      run_time=1.5)
            tracker.wait_until("rate")
            self.play(FadeOut(reads), FadeIn(peak_label), run_time=1.0)
            tracker.wait_until("there")
            self.play(Write(proof), run_time=tracker.until("so"))

        cosine = formula(m.COSINE_LATEX, theme.LABEL_SIZE, theme.TEXT_COLOR)
        cosine.move_to(rate_lines[1], aligned_edge=LEFT)
        down_label = formula(m.sweep_latex(m.STEEPEST_DESCENT_ANGLE), theme.LABEL_SIZE,
                             theme.SECANT_COLOR).move_to(peak_label, aligned_edge=LEFT)

        with self.voiceover(beat="cosine", text=say(
            "There is a neater way to see it. {@rate}The rate equals the gradient's length, "
            "{length}, times the cosine of the angle between u and the gradient. A cosine is "
            "at most {most}, {@line}when u and the gradient line up. {@right}At a right angle, "
            "along the contour, the rate is {@flat}{flat}. {@turned}And turned to {down_angle} "
            "degrees, facing straight against the gradient, u finds {@down}the steepest way "
            "down: a rate of {down}.",
            length=m.STEEP_LENGTH, most=m.COSINE_MAX, flat=m.FLAT_RATE,
            down_angle=m.STEEPEST_DESCENT_DEGREES, down=m.STEEPEST_DESCENT_RATE,
        ), hold=1.0) as tracker:
            # The rate's formula turns into the cosine form as it is said; the gradient is
            # pointed at as u and it "line up"; u turns to the contour from "At a right
            # angle", there as its rate is said, then to face the gradient from "turned",
            # there on "the steepest way down", and its rate comes as that is said.
            tracker.wait_until("rate")
            self.play(FadeTransform(rate_lines[1], cosine), run_time=2.0)
            tracker.wait_until("line")
            self.play(Indicate(arrow, scale_factor=1.1, color=theme.HIGHLIGHT_COLOR),
                      run_time=1.2)
            tracker.wait_until("right")
            self.play(angle.animate.set_value(float(m.FLAT_ANGLE)), run_time=tracker.until("flat"))
            tracker.wait_until("turned")
            self.play(angle.animate.set_value(float(m.STEEPEST_DESCENT_ANGLE)),
                      run_time=tracker.until("down"))
            self.play(FadeTransform(peak_label, down_label), run_time=1.0)
