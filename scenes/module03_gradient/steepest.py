"""At (1, 1): the gradient's length and direction, and why no other direction climbs faster."""

from __future__ import annotations

import numpy as np
import sympy as sp
from manim import *

from lessonreel import LessonScene, say, theme
from scenes.common.layout import formula, plane_point, prose, readout, scene_title, themed_axes
from scenes.module03_gradient import math as m
from scenes.module03_gradient.contour_map import axis_labels, contour_map

rate_at = sp.lambdify(m.theta, m.DIRECTIONAL)
#: The unit direction is a choice the viewer turns in the input plane, like a position.
DIRECTION_COLOR = theme.POSITION_COLOR
#: The rate along u, D_u f, is a slope: every statement of it in the slope's colour.
RATE_COLOR = theme.SLOPE_COLOR
#: Left edge of the formulas on the right of the map.
COLUMN_LEFT = 0.3


class SteepestAtOneOne(LessonScene):
    """∇f(1,1) = (2,2), length 2√2; a unit u turns round while D_u f = ∇f·u peaks at 45°."""

    def construct(self) -> None:
        title = scene_title("Why the gradient is steepest")
        plane, ring = contour_map((-0.5, 2.5), (-0.5, 2.5), width=5.2, center=(-3.8, -0.4),
                                  levels=(m.value_at(m.STEEP_POINT),), step=0.5)
        here = plane_point(plane, m.STEEP_POINT)
        ticks = axis_labels(plane, (1, 2), (1, 2))
        g = m.STEEP_GRADIENT
        tip = (m.STEEP_POINT[0] + m.STEEP_ARROW_SCALE * g[0],
               m.STEEP_POINT[1] + m.STEEP_ARROW_SCALE * g[1])
        arrow = Arrow(here, plane_point(plane, tip), buff=0, color=theme.GRADIENT_COLOR,
                      stroke_width=6)
        dot = Dot(here, radius=0.09, color=theme.HIGHLIGHT_COLOR)
        level = m.value_at(m.STEEP_POINT)
        # On the contour, low on the right, outside the circle u will sweep.
        level_label = formula(m.level_latex(level), theme.SMALL_SIZE, theme.OUTPUT_COLOR)
        level_label.move_to(plane.c2p(*(float(sp.sqrt(level)) * np.array(
            [np.cos(np.radians(-10)), np.sin(np.radians(-10))]))))
        level_label.add_background_rectangle(color=theme.BACKGROUND, opacity=1, buff=0.04)
        half = prose(m.STEEP_ARROW_NOTE, theme.SMALL_SIZE, theme.MUTED_TEXT_COLOR)
        half.next_to(plane, DOWN, buff=0.15).align_to(plane, LEFT)
        lines = VGroup(*(formula(text, theme.LABEL_SIZE, color) for text, color in (
            (m.STEEP_GRADIENT_LATEX, theme.GRADIENT_COLOR),
            (m.STEEP_LENGTH_LATEX, theme.TEXT_COLOR),
            (m.STEEP_DIRECTION_LATEX, DIRECTION_COLOR),
        ))).arrange(DOWN, aligned_edge=LEFT, buff=0.45).move_to([3.2, 1.3, 0])

        unit = plane.x_axis.get_unit_size()
        heading = np.array([float(v) for v in m.STEEP_DIRECTION] + [0.0])
        unit_arrow = Arrow(here, here + unit * heading, buff=0, color=DIRECTION_COLOR,
                           stroke_width=6, max_tip_length_to_length_ratio=0.25)
        level_ray = DashedLine(here, here + unit * RIGHT, color=theme.MUTED_TEXT_COLOR)
        turn = Arc(radius=0.45 * unit, start_angle=0, angle=float(m.STEEPEST_ANGLE),
                   arc_center=here, color=DIRECTION_COLOR, stroke_width=3)
        turn_label = formula(rf"{m.latex(m.STEEP_DIRECTION_DEGREES)}^\circ", theme.SMALL_SIZE,
                             DIRECTION_COLOR).next_to(turn, RIGHT, buff=0.08).shift(UP * 0.05)

        with self.voiceover(beat="vector", text=say(
            "Back at {p}, {@gradient}the gradient is {g}. {@length}Its length is {length}, "
            "about {approx}. {@divided}Divided by that length it becomes {@unit}a unit vector, "
            "of length one, pointing at {@angle}{angle} degrees.",
            p=m.STEEP_POINT, g=m.STEEP_GRADIENT, length=m.STEEP_LENGTH,
            approx=m.STEEP_LENGTH_APPROX, angle=m.STEEP_DIRECTION_DEGREES,
        ), hold=0.5) as tracker:
            # The map and the point while "Back at (1, 1)" is said; the arrow and its value
            # from "the gradient", its length from "Its length", the unit vector from
            # "Divided" to its angle.
            self.play(Write(title), Create(plane), FadeIn(ticks), Create(ring), FadeIn(level_label),
                      FadeIn(dot, scale=2), run_time=tracker.until("gradient"))
            self.play(GrowArrow(arrow), FadeIn(half), Write(lines[0]),
                      run_time=tracker.until("length"))
            self.play(Write(lines[1]), run_time=tracker.until("divided"))
            self.play(Write(lines[2]), run_time=tracker.until("unit"))
            self.play(TransformFromCopy(arrow, unit_arrow), run_time=tracker.until("angle"))
            self.play(Create(level_ray), Create(turn), FadeIn(turn_label), run_time=1.0)

        angle = ValueTracker(float(m.COMPARE_ANGLE))
        circle = DashedVMobject(Circle(radius=unit, color=theme.MUTED_TEXT_COLOR, stroke_width=2),
                                num_dashes=40).move_to(here)

        def towards(a: float, radius: float = 1.0) -> np.ndarray:
            return here + radius * unit * np.array([np.cos(a), np.sin(a), 0])

        u = always_redraw(lambda: Arrow(
            here, towards(angle.get_value()), buff=0, color=DIRECTION_COLOR, stroke_width=5,
            max_tip_length_to_length_ratio=0.2))
        # θ from the x axis (the dashed ray), a small arc kept off zero so it is never empty.
        theta_arc = always_redraw(lambda: Arc(
            radius=0.3 * unit, start_angle=0, angle=max(angle.get_value(), 1e-3),
            arc_center=here, color=DIRECTION_COLOR, stroke_width=3))
        theta_label = formula(r"\theta", theme.SMALL_SIZE, DIRECTION_COLOR).move_to(
            towards(float(m.COMPARE_ANGLE) / 2, 0.55))
        u_line = formula(m.UNIT_DIRECTION_LATEX, theme.LABEL_SIZE, DIRECTION_COLOR)
        u_line.move_to([0, 2.3, 0]).set_x(COLUMN_LEFT, LEFT)
        step_lines = VGroup(formula(m.SMALL_STEP_LATEX, theme.SMALL_SIZE),
                            formula(m.SMALL_STEP_DOT_LATEX, theme.SMALL_SIZE))
        step_lines.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        step_lines.next_to(u_line, DOWN, buff=0.4).set_x(COLUMN_LEFT, LEFT)
        step_lines[1].shift(RIGHT * 1.0)
        rate_line = formula(m.DIRECTIONAL_LATEX, theme.LABEL_SIZE, RATE_COLOR)
        rate_line.next_to(u_line, DOWN, buff=0.4).set_x(COLUMN_LEFT, LEFT)

        with self.voiceover(beat="compare", text=say(
            "Is that really the steepest way up? {@take}Take any unit direction u, at "
            "{@angle}an angle {theta} from the x axis. {@step}A small step h along u moves x by "
            "h times u's first entry and y by h times its second, so f changes by about h "
            "times {@dot}the gradient dotted with u. {@directional}Per unit of step, that is "
            "the directional derivative.",
            theta=m.theta,
        ), hold=0.5) as tracker:
            # The right side is cleared while the question is asked; u and its circle come
            # on "Take any unit direction", its angle on "an angle"; the small step's change
            # is written as it is said, and becomes the rate's formula on "directional".
            self.play(FadeOut(lines), FadeOut(unit_arrow), FadeOut(turn), FadeOut(turn_label),
                      run_time=tracker.until("take"))
            first = u.copy()
            self.play(Create(circle), GrowArrow(first), FadeIn(u_line),
                      run_time=tracker.until("angle"))
            self.remove(first)
            self.add(u)
            self.play(Create(theta_arc), FadeIn(theta_label), run_time=1.0)
            tracker.wait_until("step")
            self.play(Write(step_lines[0]), run_time=tracker.until("dot"))
            self.play(Write(step_lines[1]), run_time=1.0)
            tracker.wait_until("directional")
            self.play(FadeTransform(step_lines, rate_line), run_time=max(1.0, tracker.remaining()))

        turn_degrees, tick, low = (float(m.degrees(m.FULL_TURN)), float(m.SWEEP_TICK_DEGREES[0]),
                                   -float(m.SWEEP_RATE_LIMIT))
        # 4.7 long, so the 360° under its right end stays inside the title-safe area.
        axes = themed_axes(x_range=[0, turn_degrees, tick], y_range=[low, -low, 1], x_length=4.7,
                           y_length=2.2, numbers=False, tips=False)
        axes.next_to(rate_line, DOWN, buff=1.0).set_x(COLUMN_LEFT + 0.9, LEFT)
        degree_ticks = VGroup(*(
            formula(rf"{m.latex(d)}^\circ", theme.SMALL_SIZE, theme.MUTED_TEXT_COLOR).next_to(
                axes.c2p(float(d), low), DOWN, buff=0.12) for d in m.SWEEP_TICK_DEGREES))
        rate_ticks = VGroup(*(
            formula(m.latex(sp.Integer(v)), theme.SMALL_SIZE, theme.MUTED_TEXT_COLOR).next_to(
                axes.c2p(0, v), LEFT, buff=0.12) for v in (low, 0, -low)))
        # The axes' names: the angle of u along, the rate up.
        axis_names = VGroup(
            formula(r"\theta", theme.SMALL_SIZE, DIRECTION_COLOR).next_to(
                axes.c2p(turn_degrees, 0), RIGHT, buff=0.12),
            formula(r"D_u f", theme.SMALL_SIZE, RATE_COLOR).next_to(
                axes.c2p(0, -low), UP, buff=0.1))
        # The rate's graph in pieces, so u can keep time with the words: to the contour,
        # where it stops while its angle is said; on to face the centre, where it stops
        # again; and round to a full turn.
        flat, facing = (float(m.degrees(a)) for a in (m.FLAT_ANGLE, m.STEEPEST_DESCENT_ANGLE))
        stops = [0.0, flat, facing, turn_degrees]
        curve = VGroup(*(axes.plot(lambda d: rate_at(np.radians(d)), x_range=[a, b],
                                   color=RATE_COLOR)
                         for a, b in zip(stops, stops[1:], strict=False)))
        theta_read = readout(r"\theta", 0, m.ANGLE_PLACES, DIRECTION_COLOR, unit=r"^\circ")
        rate_read = readout(r"D_u f", rate_at(0), m.APPROX_PLACES,
                            RATE_COLOR)
        reads = VGroup(theta_read, rate_read).arrange(RIGHT, buff=0.8)
        reads.next_to(rate_line, DOWN, buff=0.3).set_x(COLUMN_LEFT, LEFT)
        marker = always_redraw(lambda: Dot(
            axes.c2p(np.degrees(angle.get_value()), rate_at(angle.get_value())),
            radius=0.07, color=DIRECTION_COLOR))

        with self.voiceover(beat="sweep", text=say(
            "Turn u full circle and watch that rate. {@along}Along the x axis it is {start}. "
            "{@drops}It drops to {@flat}{flat} along the contour, at {flat_angle} degrees, "
            "{@negative}then goes negative, lowest {@facing}facing the centre, {@back}and climbs "
            "back.",
            start=m.ALONG_X_RATE, flat=m.FLAT_RATE, flat_angle=m.FLAT_DEGREES,
        )) as tracker:
            # The graph and the readouts are set up, and u turned back to the x axis, by
            # "Along the x axis"; u sets off on "It drops", reaches the contour on its rate
            # and stays while its angle is said, sets off again on "negative", faces the
            # centre on "facing" and finishes the turn on "climbs back".
            # The readout gives θ from here on: its arc fades where it stands.
            theta_arc.clear_updaters()
            self.play(Create(axes), FadeIn(degree_ticks), FadeIn(rate_ticks),
                      FadeIn(axis_names), FadeOut(theta_label), FadeOut(theta_arc),
                      angle.animate.set_value(0.0),
                      run_time=1.0)
            self.play(FadeIn(reads), FadeIn(marker), run_time=tracker.until("along"))
            theta_read[1].add_updater(lambda n: n.set_value(np.degrees(angle.get_value())))
            rate_read[1].add_updater(lambda n: n.set_value(rate_at(angle.get_value())))
            tracker.wait_until("drops")
            self.play(angle.animate.set_value(float(m.FLAT_ANGLE)), Create(curve[0]),
                      rate_func=linear, run_time=tracker.until("flat"))
            tracker.wait_until("negative")
            self.play(angle.animate.set_value(float(m.STEEPEST_DESCENT_ANGLE)), Create(curve[1]),
                      rate_func=linear, run_time=tracker.until("facing"))
            tracker.wait_until("back")
            self.play(angle.animate.set_value(float(m.FULL_TURN)), Create(curve[2]),
                      rate_func=linear, run_time=max(1.0, tracker.remaining()))

        best = float(m.STEEPEST_ANGLE)
        peak = axes.c2p(np.degrees(best), float(m.STEEPEST_RATE))
        guide = DashedLine(axes.c2p(np.degrees(best), low), peak, color=theme.HIGHLIGHT_COLOR)
        # The exact value from SymPy takes the place of the live (float) readouts.
        peak_label = formula(m.sweep_latex(m.STEEPEST_ANGLE), theme.LABEL_SIZE,
                             RATE_COLOR).move_to(reads, aligned_edge=LEFT)

        with self.voiceover(beat="peak", text=say(
            "It peaks at {@angle}{angle} degrees, {@own}the gradient's own direction, with the "
            "gradient's own length, {@rate}{rate}.",
            angle=m.STEEPEST_DEGREES, rate=m.STEEPEST_RATE,
        ), hold=1.0) as tracker:
            # A full turn is no turn: restart the angle at 0 so the readout says 45°, not 405°.
            angle.set_value(0.0)
            # u turns to the peak as its angle is said; the gradient's arrow is pointed at
            # on "the gradient's own direction", the exact peak comes as its rate is said.
            self.play(angle.animate.set_value(best), run_time=tracker.until("angle"))
            theta_read[1].clear_updaters()
            rate_read[1].clear_updaters()
            tracker.wait_until("own")
            self.play(Create(guide), Indicate(arrow, scale_factor=1.1, color=theme.HIGHLIGHT_COLOR),
                      run_time=tracker.until("rate"))
            self.play(FadeOut(reads), FadeIn(peak_label), run_time=1.0)

        self.cosine_argument(graph=(axes, degree_ticks, rate_ticks, axis_names, curve,
                                            marker, guide, peak_label),
                             angle=angle, here=here, unit=unit, rate_line=rate_line)

    def cosine_argument(self, graph: tuple[Mobject, ...], angle: ValueTracker,
                        here: np.ndarray, unit: float, rate_line: MathTex) -> None:
        """The proof: ∇f · u = ‖∇f‖ cos α, largest at α = 0, smallest at α = π."""
        best = float(m.STEEPEST_ANGLE)
        cosine = formula(m.COSINE_GENERAL_LATEX, theme.LABEL_SIZE, RATE_COLOR)
        cosine.move_to(rate_line, aligned_edge=LEFT)
        cases = VGroup(*(formula(m.cosine_case_latex(a), theme.LABEL_SIZE, RATE_COLOR)
                         for a in m.COSINE_ANGLES))
        cases.arrange(DOWN, aligned_edge=LEFT, buff=0.4).next_to(cosine, DOWN, buff=0.6)
        cases.set_x(COLUMN_LEFT, LEFT)

        def alpha_arc() -> Arc:
            turn = angle.get_value() - best
            return Arc(radius=0.6 * unit, start_angle=best,
                       angle=turn if abs(turn) > 1e-3 else 1e-3, arc_center=here,
                       color=theme.HIGHLIGHT_COLOR, stroke_width=3)

        arc = always_redraw(alpha_arc)
        alpha_label = formula(r"\alpha", theme.SMALL_SIZE, theme.HIGHLIGHT_COLOR)
        alpha_label.add_updater(lambda lab: lab.move_to(here + 0.85 * unit * np.array(
            [np.cos((angle.get_value() + best) / 2), np.sin((angle.get_value() + best) / 2), 0])))
        shown_at = best + float(m.ALPHA_SHOWN)

        with self.voiceover(beat="cosine", text=say(
            "{@why}Why is that the top? {@dot}A dot product is the product of both lengths "
            "times the cosine of {@alpha}the angle alpha between the arrows. u has length "
            "{one}, so {@rate}the rate is the gradient's length times cos alpha. "
            "{@most}A cosine is at most {most}, when alpha is {zero} and u lines up with the "
            "gradient: no direction climbs faster. {@right}At a right angle, along the "
            "contour, the rate is {flat}. "
            "{@least}And at its least, {least}, when alpha is pi, u faces straight against the "
            "gradient: {@down}the steepest way down, a rate of {down}.",
            one=m.length(m.STEEP_DIRECTION), most=m.COSINE_MAX, zero=m.COSINE_ANGLES[0],
            flat=m.FLAT_RATE,
            least=-m.COSINE_MAX, down=m.STEEPEST_DESCENT_RATE,
        ), hold=1.0) as tracker:
            # The graph has made its point and clears as the question is asked; the rate's
            # formula becomes the cosine form as the dot product is explained, the angle α
            # is drawn (u turned off the gradient to open it) as it is named; then u turns
            # to each angle the words name, and that case is written as it is said.
            self.play(*(FadeOut(p) for p in graph), run_time=tracker.until("dot"))
            self.play(FadeTransform(rate_line, cosine), run_time=tracker.until("alpha"))
            self.add(arc)
            self.play(angle.animate.set_value(shown_at), FadeIn(alpha_label),
                      run_time=tracker.until("rate"))
            self.play(Indicate(cosine, scale_factor=1.05, color=theme.HIGHLIGHT_COLOR),
                      run_time=1.0)
            tracker.wait_until("most")
            self.play(angle.animate.set_value(best), FadeOut(alpha_label), Write(cases[0]),
                      run_time=1.5)
            tracker.wait_until("right")
            self.play(angle.animate.set_value(float(m.FLAT_ANGLE)), Write(cases[1]),
                      run_time=1.5)
            tracker.wait_until("least")
            self.play(angle.animate.set_value(float(m.STEEPEST_DESCENT_ANGLE)),
                      run_time=tracker.until("down"))
            self.play(Write(cases[2]), run_time=1.0)
