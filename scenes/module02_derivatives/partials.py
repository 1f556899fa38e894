"""Partial derivatives: many inputs need one sensitivity each, found one knob at a time."""

from __future__ import annotations

import sympy as sp
from manim import *

from lessonreel import theme
from lessonreel.narration import NarrationMixin
from lessonreel.spoken import say
from scenes.common.knobs import frozen_tag, knob
from scenes.common.layout import formula, prose, readout, scene_title
from scenes.module02_derivatives import math as m

f_at = sp.lambdify((m.x, m.y), m.SURFACE)
df_dx_at = sp.lambdify((m.x, m.y), m.PARTIAL_X)
df_dy_at = sp.lambdify((m.x, m.y), m.PARTIAL_Y)


def input_column() -> VGroup:
    """x1, x2, a vertical ellipsis and xn, stacked like the inputs of a network."""
    names = [sp.latex(m.x_1), sp.latex(m.x_2), r"\vdots", sp.latex(m.x_n)]
    items = VGroup(*(
        MathTex(name, font_size=theme.BODY_SIZE, color=theme.INPUT_COLOR) if name == r"\vdots"
        else VGroup(Circle(0.38, color=theme.INPUT_COLOR),
                    MathTex(name, font_size=theme.LABEL_SIZE, color=theme.INPUT_COLOR))
        for name in names
    ))
    for item in items:
        if isinstance(item, VGroup) and len(item) == 2:
            item[1].move_to(item[0])
    return items.arrange(DOWN, buff=0.35)


class WhyPartialDerivatives(NarrationMixin, Scene):
    """Inputs x1 … xn feed one output; each gets its own sensitivity ∂y/∂xi."""

    def construct(self) -> None:
        self.camera.background_color = theme.BACKGROUND
        title = scene_title("Many inputs, many weights")
        inputs = input_column().move_to([-5.3, -0.4, 0])
        box = VGroup(Square(1.1, color=theme.TEXT_COLOR),
                     MathTex("f", font_size=theme.HEADING_SIZE, color=theme.TEXT_COLOR))
        box.move_to([-2.7, -0.4, 0])
        output = MathTex("y", font_size=theme.HEADING_SIZE, color=theme.OUTPUT_COLOR)
        output.move_to([-1.0, -0.4, 0])
        circles = [item for item in inputs if len(item) == 2]
        arrows = VGroup(*(Arrow(c.get_right(), box.get_left(), buff=0.1, color=theme.AXIS_COLOR,
                                stroke_width=3) for c in circles))
        out_arrow = Arrow(box.get_right(), output.get_left(), buff=0.15, color=theme.AXIS_COLOR)
        rule = formula(m.MANY_INPUTS_LATEX, theme.BODY_SIZE).move_to([3.4, 2.1, 0])

        with self.voiceover(beat="many", text=say(
            "In a real network the output never hangs on a single number. It depends on "
            "{@many}many inputs and many weights at once: {@y}y is a function of {first}, "
            "{second}, and so on up to {last}.",
            first=m.x_1, second=m.x_2, last=m.x_n,
        )) as tracker:
            self.play(Write(title), run_time=1.5)
            tracker.wait_until("many")
            self.play(FadeIn(inputs, lag_ratio=0.2), Create(arrows), run_time=tracker.until("y"))
            # y and its rule as "y is a function of ..." is said.
            self.play(FadeIn(box), GrowArrow(out_arrow), FadeIn(output), Write(rule),
                      run_time=max(1.5, tracker.remaining()))

        chosen = circles[1]
        others = [c for c in circles if c is not chosen]
        note = prose("change one, freeze the rest", theme.LABEL_SIZE, theme.MUTED_TEXT_COLOR)
        note.next_to(rule, DOWN, buff=0.6)

        with self.voiceover(beat="each", text=(
            "To adjust each weight sensibly, we have to know how the output reacts to that "
            "{@one}one variable by itself, while {@other}every other variable stays exactly "
            "where it is."
        )) as tracker:
            tracker.wait_until("one")
            self.play(chosen.animate.set_color(theme.HIGHLIGHT_COLOR),
                      arrows[1].animate.set_color(theme.HIGHLIGHT_COLOR),
                      run_time=tracker.until("other"))
            # The others freeze as "every other variable stays" is said.
            self.play(*(o.animate.set_color(theme.FROZEN_COLOR) for o in others),
                      FadeIn(note, shift=UP * 0.2), run_time=max(1.0, tracker.remaining()))

        partial = formula(m.PARTIAL_I_LATEX, theme.HEADING_SIZE, theme.TANGENT_COLOR)
        partial.next_to(note, DOWN, buff=0.5)

        with self.voiceover(beat="partial", text=say(
            "A sensitivity to a single variable is called a {@partial}partial derivative. It "
            "is written with a {@rounded}rounded d: the partial of y with respect to {xi}.",
            xi=m.x_i,
        ), hold=1.0) as tracker:
            tracker.wait_until("partial")
            self.play(Write(partial), run_time=tracker.until("rounded"))
            self.play(Indicate(partial, color=theme.HIGHLIGHT_COLOR), run_time=1.0)

        every = formula(m.PARTIALS_LIST_LATEX, theme.BODY_SIZE, theme.TANGENT_COLOR)
        every.next_to(partial, DOWN, buff=0.5).set_x(rule.get_x())
        with self.voiceover(beat="one-per-variable", text=(
            "And because {@every}every variable can be nudged on its own, there is {@one}one "
            "partial derivative for each of them: one sensitivity per input, and per weight."
        )) as tracker:
            tracker.wait_until("every")
            self.play(*(c.animate.set_color(theme.INPUT_COLOR) for c in circles),
                      arrows.animate.set_color(theme.AXIS_COLOR), run_time=tracker.until("one"))
            self.play(Write(every), run_time=max(1.5, tracker.remaining()))


class OneKnobAtATime(NarrationMixin, Scene):
    """Knobs for x and y feed f(x, y) = x² + y²; turning one while the other is frozen."""

    def construct(self) -> None:
        self.camera.background_color = theme.BACKGROUND
        title = scene_title("One knob at a time")
        x, y = (ValueTracker(float(m.KNOB_START[v])) for v in (m.x, m.y))
        dial = tuple(float(v) for v in m.KNOB_RANGE)
        x_knob = knob("x", x, dial, theme.INPUT_COLOR).move_to([-3.2, 1.0, 0])
        y_knob = knob("y", y, dial, theme.INPUT_COLOR).move_to([-3.2, -1.4, 0])
        rule = formula(m.SURFACE_LATEX, theme.BODY_SIZE, theme.FUNCTION_COLOR)
        rule.move_to([3.4, 2.0, 0])
        value = readout("f", f_at(x.get_value(), y.get_value()), m.KNOB_PLACES,
                        theme.OUTPUT_COLOR)
        value.next_to(rule, DOWN, buff=0.6)
        value[1].add_updater(lambda n: n.set_value(f_at(x.get_value(), y.get_value())))

        f_start, f_after_x, f_end = m.KNOB_VALUES
        with self.voiceover(beat="setup", text=say(
            "Picture a knob for x and a {@y}knob for y, both feeding the function {@f}{f}. "
            "Each knob starts at {x0}, so f is {@f0}{f0}.",
            f=m.SURFACE_EQUATION, x0=m.KNOB_START[m.x], f0=f_start,
        )) as tracker:
            self.play(Write(title), FadeIn(x_knob), run_time=tracker.until("y"))
            self.play(FadeIn(y_knob), run_time=tracker.until("f"))
            self.play(Write(rule), run_time=1.5)
            tracker.wait_until("f0")
            self.play(FadeIn(value), run_time=1.0)

        # Each beat: the frozen knob dims as "freeze" is said, the other turns from "turn"
        # to the word its turn ends on (``stop``), and the readouts of f and of its rate are
        # pointed at as their values are said (``said``: the marks in the order spoken).
        for frozen, tracker_of, end, rate_latex, rate_at, beat, stop, said, text in (
            (y_knob, x, m.KNOB_X_END, m.PARTIAL_X_LATEX, df_dx_at, "turn-x", "x1",
             ("f", "rate"), say(
                "{@freeze}Freeze y and {@turn}turn only x, from {x0} up to {@x1}{x1}. The value "
                "of f climbs from {f0} to {@f}{f1}, and at every moment it grows at the rate "
                "{@rate}{rate}: that rate is the partial derivative of f with respect to x.",
                x0=m.KNOB_START[m.x], x1=m.KNOB_X_END, f0=f_start, f1=f_after_x,
                rate=m.PARTIAL_X)),
            (x_knob, y, m.KNOB_Y_END, m.PARTIAL_Y_LATEX, df_dy_at, "turn-y", "rate",
             ("rate", "f"), say(
                "Now {@freeze}freeze x and {@turn}turn y instead. This time f responds at the "
                "rate {@rate}{rate}, the partial derivative with respect to y, and it ends at "
                "{@f}{f2}.",
                rate=m.PARTIAL_Y, f2=f_end)),
        ):
            tag = frozen_tag(frozen)
            rate = readout(rate_latex, rate_at(x.get_value(), y.get_value()), m.KNOB_PLACES,
                           theme.TANGENT_COLOR).next_to(value, DOWN, buff=0.6)
            rate[1].add_updater(
                lambda n, r=rate_at: n.set_value(r(x.get_value(), y.get_value())))
            with self.voiceover(beat=beat, text=text) as narration:
                narration.wait_until("freeze")
                self.play(FadeIn(tag), FadeIn(rate), frozen.animate.set_opacity(0.45),
                          run_time=narration.until("turn"))
                self.play(tracker_of.animate.set_value(float(end)),
                          run_time=narration.until(stop))
                rate[1].clear_updaters()
                shown = {"f": value, "rate": rate}
                for mark in said:
                    narration.wait_until(mark)
                    self.play(Indicate(shown[mark], color=theme.HIGHLIGHT_COLOR), run_time=1.0)
                # The frozen knob thaws as the sentence ends.
                if narration.remaining() > 0.8:
                    self.wait(narration.remaining() - 0.8)
                self.play(FadeOut(tag), FadeOut(rate), frozen.animate.set_opacity(1),
                          run_time=0.8)
        value[1].clear_updaters()

        moral = prose("Turn one knob, freeze all the others.", theme.BODY_SIZE,
                      theme.HIGHLIGHT_COLOR).to_edge(DOWN, buff=0.6)
        both = VGroup(formula(m.PARTIAL_X_LATEX, theme.BODY_SIZE, theme.TANGENT_COLOR),
                      formula(m.PARTIAL_Y_LATEX, theme.BODY_SIZE, theme.TANGENT_COLOR))
        both.arrange(DOWN, buff=0.4).next_to(value, DOWN, buff=0.6)
        with self.voiceover(beat="meaning", text=(
            "That is the whole idea of a {@partial}partial derivative: {@turn}turn one knob at "
            "a time while all the others stay frozen. Training a network does the same, "
            "judging the effect of each weight while the rest are held still for a moment."
        )) as tracker:
            tracker.wait_until("partial")
            self.play(Write(both), run_time=tracker.until("turn"))
            self.play(FadeIn(moral, shift=UP * 0.3), run_time=1.0)
