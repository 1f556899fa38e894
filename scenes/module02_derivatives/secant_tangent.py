"""Slope as a limit: a secant through a sliding point settles onto the tangent."""

from __future__ import annotations

import sympy as sp
from manim import *

from lessonreel import theme
from lessonreel.narration import NarrationMixin
from scenes.common.layout import formula, readout, scene_title
from scenes.module02_derivatives import math as m

X0 = float(m.CURVE_X0)
curve_at = sp.lambdify(m.x, m.CURVE)
slope_at = sp.lambdify(m.h, m.SECANT_SLOPE)
tangent_at = sp.lambdify(m.x, m.TANGENT_LINE)


class SecantBecomesTangent(NarrationMixin, Scene):
    """A second point slides toward x = 1 on y = x²; the secant's slope h + 2 tends to 2."""

    def construct(self) -> None:
        self.camera.background_color = theme.BACKGROUND
        title = scene_title("From secant to tangent")
        axes = Axes(
            x_range=[-0.5, 2.5, 1], y_range=[-1, 6, 1], x_length=5.6, y_length=5.0,
            axis_config={"color": theme.AXIS_COLOR, "include_numbers": True,
                         "font_size": theme.SMALL_SIZE},
        ).move_to([-3.4, -0.45, 0])
        curve = axes.plot(curve_at, x_range=[-0.5, 2.4], color=theme.CURVE_COLOR)
        curve_label = formula(m.CURVE_LATEX, theme.LABEL_SIZE).next_to(
            axes.c2p(2.1, 5.5), LEFT, buff=0.3)
        h = ValueTracker(float(m.SECANT_STEPS[0]))
        fixed = Dot(axes.c2p(X0, curve_at(X0)), color=theme.HIGHLIGHT_COLOR)
        moving = always_redraw(lambda: Dot(
            axes.c2p(X0 + h.get_value(), curve_at(X0 + h.get_value())),
            color=theme.SECANT_COLOR))

        with self.voiceover(beat="curve", text=(
            "Here is the curve y equals x squared, with one point pinned at x equals one. "
            "A second point sits a distance h further to the right."
        )) as tracker:
            self.play(Write(title), Create(axes), run_time=tracker.duration * 0.35)
            self.play(Create(curve), FadeIn(curve_label), run_time=tracker.duration * 0.3)
            self.play(FadeIn(fixed, scale=2), FadeIn(moving, scale=2),
                      run_time=tracker.duration * 0.2)

        def secant_line() -> Line:
            slope = slope_at(h.get_value())
            ends = [axes.c2p(v, curve_at(X0) + slope * (v - X0)) for v in (-0.3, 2.3)]
            return Line(*ends, color=theme.SECANT_COLOR)

        secant = always_redraw(secant_line)
        definition = formula(m.SECANT_SLOPE_LATEX, theme.BODY_SIZE, theme.SECANT_COLOR)
        definition.move_to([3.55, 2.2, 0])
        h_read = readout("h", float(m.SECANT_STEPS[0]), 3, theme.INPUT_COLOR)
        slope_read = readout(r"\text{slope}", slope_at(float(m.SECANT_STEPS[0])), 3,
                             theme.SECANT_COLOR)
        readouts = VGroup(h_read, slope_read).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        readouts.next_to(definition, DOWN, buff=0.6)

        with self.voiceover(beat="secant", text=(
            "Draw the straight line through both points. It is called a secant, and its "
            "slope is rise over run. For this curve that ratio simplifies to h plus two."
        )) as tracker:
            self.play(Create(secant), run_time=tracker.duration * 0.35)
            self.play(Write(definition), FadeIn(readouts), run_time=tracker.duration * 0.45)

        steps = m.SECANT_STEPS[1:]
        with self.voiceover(beat="shrink", text=(
            "Now let the second point slide toward the first. As h shrinks to a half, "
            "a quarter, a tenth and beyond, the slope of the secant creeps down toward two."
        )) as tracker:
            h_read[1].add_updater(lambda n: n.set_value(h.get_value()))
            slope_read[1].add_updater(lambda n: n.set_value(slope_at(h.get_value())))
            for step in steps:
                self.play(h.animate.set_value(float(step)),
                          run_time=tracker.duration * 0.9 / len(steps))
        # h has stopped: frozen readouts stop rebuilding their digits every frame.
        for number in (h_read[1], slope_read[1]):
            number.clear_updaters()

        tangent = Line(*(axes.c2p(v, tangent_at(v)) for v in (-0.3, 2.3)),
                       color=theme.TANGENT_COLOR)
        limit = formula(m.LIMIT_LATEX, theme.BODY_SIZE, theme.TANGENT_COLOR)
        limit.next_to(readouts, DOWN, buff=0.6).set_x(definition.get_x())

        with self.voiceover(beat="limit", text=(
            "In the limit, as h goes to zero, the secant stops changing and settles onto a "
            "line that just touches the curve: the tangent. Its slope is the limit of h "
            "plus two, which is two."
        )) as tracker:
            self.play(ReplacementTransform(secant, tangent), FadeOut(moving),
                      run_time=tracker.duration * 0.4)
            self.play(Write(limit), run_time=tracker.duration * 0.4)

        name = formula(m.DERIVATIVE_LATEX, theme.HEADING_SIZE, theme.TANGENT_COLOR)
        name.next_to(limit, DOWN, buff=0.5).set_x(definition.get_x())
        tangent_label = formula(m.TANGENT_LATEX, theme.LABEL_SIZE, theme.TANGENT_COLOR)
        tangent_label.next_to(axes.c2p(2.2, tangent_at(2.2)), DOWN + RIGHT, buff=0.1)

        with self.voiceover(beat="derivative", text=(
            "That limiting slope has a name: the derivative at x equals one. It says how "
            "fast y changes as x changes, right at that single point."
        )) as tracker:
            self.play(FadeIn(tangent_label), run_time=tracker.duration * 0.3)
            self.play(Write(name), run_time=tracker.duration * 0.4)
            self.play(Circumscribe(name, color=theme.TANGENT_COLOR),
                      run_time=tracker.duration * 0.2)
