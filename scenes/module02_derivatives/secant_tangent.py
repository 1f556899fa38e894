"""Slope as a limit: a secant through a sliding point settles onto the tangent."""

from __future__ import annotations

import sympy as sp
from manim import *

from lessonreel import Choice, LessonScene, say, theme
from scenes.common.layout import formula, prose, readout, scene_title, themed_axes
from scenes.module02_derivatives import math as m

X0 = float(m.CURVE_X0)
curve_at = sp.lambdify(m.x, m.CURVE)
slope_at = sp.lambdify(m.h, m.SECANT_SLOPE)
tangent_at = sp.lambdify(m.x, m.TANGENT_LINE)
#: How long h rests at each value it is said to reach, so its readouts can be read.
HOLD = 1.0
#: How far the secant and the tangent reach to each side, as far as the plot lets them.
LINE_X_RANGE = (-0.3, 2.3)


def line_in_plot(axes: Axes, slope: float, color: ParsableManimColor) -> Line:
    """The line through the pinned point with ``slope``, ended where it would leave the
    plot's y range: a steep secant stops at the plot's edge, not at the frame's."""
    y0, (y_low, y_high) = curve_at(X0), axes.y_range[:2]
    low, high = LINE_X_RANGE
    if slope:
        across = sorted(X0 + (y - y0) / slope for y in (y_low, y_high))
        low, high = max(low, across[0]), min(high, across[1])
    return Line(*(axes.c2p(v, y0 + slope * (v - X0)) for v in (low, high)), color=color)


class SecantBecomesTangent(LessonScene):
    """A second point slides toward x = 1 on y = x²; the secant's slope h + 2 tends to 2."""

    def construct(self) -> None:
        title = scene_title("From secant to tangent")
        axes = themed_axes(
            x_range=[-0.5, 2.5, 1], y_range=[-1, 6, 1], x_length=5.6, y_length=5.0,
        ).move_to([-3.4, -0.45, 0])
        curve = axes.plot(curve_at, x_range=[-0.5, 2.4], color=theme.CURVE_COLOR)
        curve_label = formula(m.CURVE_LATEX, theme.LABEL_SIZE).next_to(
            axes.c2p(2.1, 5.5), LEFT, buff=0.3)
        h = ValueTracker(float(m.SECANT_STEPS[0]))
        fixed = Dot(axes.c2p(X0, curve_at(X0)), color=theme.HIGHLIGHT_COLOR)
        moving = always_redraw(lambda: Dot(
            axes.c2p(X0 + h.get_value(), curve_at(X0 + h.get_value())),
            color=theme.SECANT_COLOR))

        # The run from the pinned point across to the second point's x (its length is h),
        # and the rise up to the second point: they follow h as it shrinks.
        def corner() -> np.ndarray:
            return axes.c2p(X0 + h.get_value(), curve_at(X0))

        run = always_redraw(lambda: Line(fixed.get_center(), corner(), color=theme.INPUT_COLOR))
        rise = always_redraw(lambda: Line(corner(), moving.get_center(),
                                          color=theme.OUTPUT_COLOR))
        h_label = formula("h", theme.LABEL_SIZE, theme.INPUT_COLOR)
        h_label.add_updater(lambda label: label.next_to(run, DOWN, buff=0.1))

        with self.voiceover(beat="curve", text=say(
            "Here is the curve {@curve}{curve}, with one point {@pinned}pinned at {at}. "
            "A {@second}second point sits a {@h}distance h further to the right.",
            curve=m.CURVE_EQUATION, at=m.CURVE_POINT,
        )) as tracker:
            self.play(Write(title), Create(axes), run_time=tracker.until("curve"))
            self.play(Create(curve), FadeIn(curve_label), run_time=1.2)
            tracker.wait_until("pinned")
            self.play(FadeIn(fixed, scale=2), run_time=tracker.until("second"))
            self.play(FadeIn(moving, scale=2), run_time=tracker.until("h"))
            self.play(Create(run), FadeIn(h_label), run_time=1.0)

        secant = always_redraw(
            lambda: line_in_plot(axes, slope_at(h.get_value()), theme.SECANT_COLOR))
        # Δy/Δx apart from the rest: it is the Δ that turns into d once h has gone to 0.
        definition = MathTex(*m.SECANT_SLOPE_PARTS, font_size=theme.BODY_SIZE,
                             color=theme.SECANT_COLOR)
        definition.move_to([3.55, 2.2, 0])
        h_read = readout("h", float(m.SECANT_STEPS[0]), m.SECANT_PLACES, theme.INPUT_COLOR)
        slope_read = readout(r"\text{slope}", slope_at(float(m.SECANT_STEPS[0])), m.SECANT_PLACES,
                             theme.SECANT_COLOR)
        readouts = VGroup(h_read, slope_read).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        readouts.next_to(definition, DOWN, buff=0.6)

        with self.voiceover(beat="secant", text=say(
            "Join both points with a straight line. That line is a {@secant}secant, and its "
            "slope is {@rise}rise over {@run}run. For this curve {@ratio}the ratio simplifies "
            "to {@slope}{slope}.",
            slope=m.SECANT_SLOPE,
        ), hold=1.0) as tracker:
            self.play(Create(secant), run_time=tracker.until("secant"))
            tracker.wait_until("rise")
            self.play(Create(rise), run_time=tracker.until("run"))
            self.play(Indicate(run, color=theme.INPUT_COLOR), run_time=1.0)
            tracker.wait_until("ratio")
            self.play(Write(definition), run_time=tracker.until("slope"))
            self.play(FadeIn(readouts), run_time=1.0)

        steps = m.SECANT_STEPS[1:]
        said = ("h1", "h2", "h3")
        with self.voiceover(beat="shrink", text=say(
            "Now let the second point {@slide}slide toward the first. As h shrinks to "
            "{@h1}{h1}, then {@h2}{h2}, then {@h3}{h3} and {@beyond}beyond, the secant's "
            "slope creeps down toward {limit}.",
            h1=steps[0], h2=steps[1], h3=steps[2], limit=m.TANGENT_SLOPE,
        )) as tracker:
            # The slope of the h shown, so the two readouts always agree (slope = h + 2).
            self.live_readouts = {"h": h_read[1], "slope": slope_read[1]}
            h_read[1].add_updater(lambda n: n.set_value(h.get_value()))
            slope_read[1].add_updater(
                lambda n: n.set_value(slope_at(round(h.get_value(), m.SECANT_PLACES))))
            # h reaches each value as it is said and rests there long enough to be read;
            # past the last one said, it runs on through the rest "beyond".
            tracker.wait_until("slide")
            for k, (step, mark) in enumerate(zip(steps, said, strict=False)):
                if k:
                    self.wait(HOLD)
                # "h" would crowd the pinned point as the run shrinks: h's readout says it.
                fade = [FadeOut(h_label)] if not k else []
                self.play(h.animate.set_value(float(step)), *fade, run_time=tracker.until(mark))
            tracker.wait_until("beyond")
            unsaid = steps[len(said):]
            for k, step in enumerate(unsaid):
                self.play(h.animate.set_value(float(step)),
                          run_time=tracker.remaining() / (len(unsaid) - k))
        # h has stopped: without updaters the readouts no longer count as moving, so Manim
        # can draw them once per animation instead of every frame.
        for number in (h_read[1], slope_read[1]):
            number.clear_updaters()

        tangent = line_in_plot(axes, float(m.TANGENT_SLOPE), theme.TANGENT_COLOR)
        limit = formula(m.LIMIT_LATEX, theme.BODY_SIZE, theme.TANGENT_COLOR)
        limit.next_to(readouts, DOWN, buff=0.6).set_x(definition.get_x())

        with self.voiceover(beat="limit", text=say(
            "In the limit, as h goes to {zero}, the secant stops moving and {@rest}comes to "
            "rest on a line that just touches the curve: the {@tangent}tangent. Its slope is "
            "the {@limit}limit of {slope}, which is {limit}.",
            zero=m.H_LIMIT, slope=m.SECANT_SLOPE, limit=m.TANGENT_SLOPE,
        ), hold=1.5) as tracker:
            tracker.wait_until("rest")
            # The secant settles as "comes to rest" is said and is the tangent on "tangent".
            self.play(ReplacementTransform(secant, tangent), FadeOut(moving), FadeOut(run),
                      FadeOut(rise), run_time=tracker.until("tangent"))
            tracker.wait_until("limit")
            self.play(Write(limit), run_time=2.0)

        # Leibniz's dy/dx, then f'(1), then the value, each as it is said.
        name = MathTex(*m.LEIBNIZ_PARTS, font_size=theme.HEADING_SIZE, color=theme.TANGENT_COLOR)
        name.next_to(limit, DOWN, buff=0.5).set_x(definition.get_x())
        tangent_label = formula(m.TANGENT_LATEX, theme.LABEL_SIZE, theme.TANGENT_COLOR)
        tangent_label.next_to(axes.c2p(2.2, tangent_at(2.2)), DOWN + RIGHT, buff=0.1)

        with self.voiceover(beat="derivative", text=say(
            "That limiting slope has a name: the {@derivative}derivative. The delta of a real "
            "step {@d}becomes a plain d once the step has shrunk to nothing, so we write it "
            "{@dydx}d y by d x, or {@prime}f prime. At {at} it is {@value}{value}: how fast y "
            "changes as x changes, right at that single {@point}point.",
            at=m.CURVE_POINT, value=m.DERIVATIVE_AT_X0,
        ), hold=1.0) as tracker:
            self.play(FadeIn(tangent_label), run_time=tracker.until("derivative"))
            tracker.wait_until("d")
            # The Δy/Δx of the secant's slope becomes dy/dx as "becomes a plain d" is said.
            self.play(Indicate(definition[0], color=theme.HIGHLIGHT_COLOR),
                      run_time=tracker.until("dydx"))
            self.play(TransformFromCopy(definition[0], name[0]), run_time=tracker.until("prime"))
            self.play(Write(name[1]), run_time=tracker.until("value"))
            self.play(Write(name[2]), run_time=1.0)
            tracker.wait_until("point")
            self.play(Indicate(fixed, color=theme.HIGHLIGHT_COLOR, scale_factor=2), run_time=1.0)


sign_curve_at = sp.lambdify(m.x, m.SIGN_CURVE)
sign_slope_at = sp.lambdify(m.x, m.SIGN_DERIVATIVE)
#: What each verdict means for a weight we want to raise the output with.
ADVICE = {
    "increasing": ("slope > 0: increasing", "raise the input, the output rises"),
    "decreasing": ("slope < 0: decreasing", "raise the input, the output falls"),
    "nearly flat": ("slope ≈ 0: nearly flat", "changing the input has little effect"),
}
# Every verdict states the tangent's slope: the slope's colour, whatever its sign (the
# secant's pink for "slope < 0" tied it to the secant of the scene before).
VERDICT_COLORS = dict.fromkeys(("increasing", "decreasing", "nearly flat"), theme.SLOPE_COLOR)


class SlopeTellsDirection(LessonScene):
    """A tangent slides along y = x³/3 − x while its live slope turns positive, negative, flat."""

    def construct(self) -> None:
        title = scene_title("What the slope's sign tells us")
        axes = themed_axes(
            x_range=[-2.6, 2.6, 1], y_range=[-2, 2.4, 1], x_length=6.0, y_length=4.2,
        ).move_to([-3.2, 0.35, 0])
        start, end = (float(v) for v in m.SIGN_DOMAIN)
        curve = axes.plot(sign_curve_at, x_range=[start, end], color=theme.CURVE_COLOR)
        at = ValueTracker(start)

        def tangent() -> VGroup:
            x0 = at.get_value()
            point = axes.c2p(x0, sign_curve_at(x0))
            direction = axes.c2p(x0 + 1, sign_curve_at(x0) + sign_slope_at(x0)) - point
            direction = direction / np.linalg.norm(direction)
            # Up to 1.1 each way, but never past the plot's top or bottom: a steep tangent
            # would otherwise run out of the plot.
            low, high = -1.1, 1.1
            if abs(direction[1]) > 1e-9:
                bottom, top = (axes.c2p(0, v)[1] for v in axes.y_range[:2])
                across = sorted((edge - point[1]) / direction[1] for edge in (bottom, top))
                low, high = max(low, across[0]), min(high, across[1])
            line = Line(point + low * direction, point + high * direction,
                        color=theme.TANGENT_COLOR, stroke_width=5)
            return VGroup(line, Dot(point, color=theme.HIGHLIGHT_COLOR))

        touching = always_redraw(tangent)
        # The slope under the name it was just given: dy/dx.
        slope_read = readout(r"\text{slope } dy/dx", sign_slope_at(start), 2,
                             theme.TANGENT_COLOR)
        slope_read.next_to(axes, DOWN, buff=0.3)

        with self.voiceover(beat="tangent", text=(
            "Geometrically, the derivative is the slope of the {@tangent}tangent line. Let's "
            "slide a tangent along this {@curve}curve and keep an eye on its {@slope}slope, "
            "d y by d x."
        )) as tracker:
            self.play(Write(title), Create(axes), run_time=tracker.until("tangent"))
            self.play(FadeIn(touching), run_time=tracker.until("curve"))
            self.play(Create(curve), run_time=tracker.until("slope"))
            self.play(FadeIn(slope_read), run_time=1.0)

        slope_read[1].add_updater(lambda n: n.set_value(sign_slope_at(at.get_value())))
        verdicts = VGroup()
        texts = [
            "Here the slope is {@sign}positive. {@advice}Raising the input raises the output, "
            "so to get a larger output we would turn this parameter up.",
            "Now the slope is {@sign}negative. {@advice}Raising the input lowers the output, so "
            "the parameter should move the other way.",
            "Here the tangent is almost {@sign}flat. {@advice}A small change of the input "
            "barely moves the output, so adjusting it has little effect.",
        ]
        rows = [VGroup(prose(ADVICE[verdict][0], theme.LABEL_SIZE, VERDICT_COLORS[verdict]),
                       prose(ADVICE[verdict][1], theme.SMALL_SIZE, theme.MUTED_TEXT_COLOR)
                       ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
                for _, _, verdict in m.slope_signs()]
        # The whole column is laid out before its first row shows, so the rows already
        # shown stay put as the next is added; it ends inside the title-safe area.
        VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.45).move_to([3.15, 0.4, 0])
        for (point, _, verdict), text, row in zip(m.slope_signs(), texts, rows, strict=True):
            verdicts.add(row)
            with self.voiceover(beat=verdict.replace(" ", "-"), text=text) as tracker:
                # The tangent arrives as its sign is said; the verdict's heading appears on
                # it, its advice as the advice is said.
                self.play(at.animate.set_value(float(point)), run_time=tracker.until("sign"))
                self.play(FadeIn(row[0], shift=LEFT * 0.3), run_time=tracker.until("advice"))
                self.play(FadeIn(row[1], shift=LEFT * 0.3), run_time=1.0)
        slope_read[1].clear_updaters()

        with self.voiceover(beat="update", text=(
            "That is exactly what a learning system needs when it updates a weight: the "
            "{@sign}sign of the slope says which way to move it, and the {@size}size says how "
            "much the output cares."
        )) as tracker:
            tracker.wait_until("sign")
            # A close ring: Circumscribe's own margin would cross the title-safe edge.
            self.play(Circumscribe(verdicts, color=theme.HIGHLIGHT_COLOR, buff=0.06),
                      run_time=tracker.until("size"))
            # The size: the slope's value, read off its readout.
            self.play(Indicate(slope_read, color=theme.HIGHLIGHT_COLOR), run_time=1.2)

        self.ask(
            beat="quiz-sign",
            prompt=say("Your turn. At x = {x0} on this curve, the slope is {slope}. If we "
                       "raise x a little, what does y do?",
                       x0=m.SIGN_QUIZ_X, slope=m.SIGN_QUIZ_SLOPE),
            choices=[
                Choice(m.SIGN_EFFECT["increasing"],
                       mistake="reads the sign backwards: a negative slope means down"),
                Choice(m.SIGN_EFFECT["decreasing"]),
                Choice(m.SIGN_EFFECT["nearly flat"],
                       mistake="takes a slope this steep for a flat one"),
            ],
            answer=m.SIGN_QUIZ_ANSWER,
            explain=say("The slope is negative, so raising x lowers y: y falls. For a weight, "
                        "that says turn it up to bring the output down.")
        )
