"""Partial derivatives: many weights need one sensitivity each, found one knob at a time."""

from __future__ import annotations

import sympy as sp
from manim import *

from lessonreel import LessonScene, say, theme
from scenes.common.knobs import frozen_tag, knob
from scenes.common.layout import formula, prose, scene_title
from scenes.common.live_decimal import LiveDecimal
from scenes.module02_derivatives import math as m


def input_column() -> VGroup:
    """x1, x2, a vertical ellipsis and xn, stacked like the inputs of a network."""
    names = [sp.latex(m.x1), sp.latex(m.x2), r"\vdots", sp.latex(m.x_n)]
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


def weight_label(name: str, edge: Line, below: bool = False, at: float = 0.4) -> MathTex:
    """A weight's name beside its edge, ``at`` of the way from the input."""
    label = MathTex(name, font_size=theme.LABEL_SIZE, color=theme.WEIGHT_COLOR)
    return label.next_to(edge.point_from_proportion(at), DOWN if below else UP, buff=0.12)


class WhyPartialDerivatives(LessonScene):
    """Inputs x1 … xn with weights w1 … wn feed y; d beside ∂, one ∂y/∂wi per weight."""

    def construct(self) -> None:
        title = scene_title("Many inputs, many weights")
        inputs = input_column().move_to([-5.6, -0.4, 0])
        total = VGroup(Circle(0.45, color=theme.TEXT_COLOR),
                       MathTex(r"\Sigma", font_size=theme.BODY_SIZE, color=theme.TEXT_COLOR))
        total.move_to([-2.9, -0.4, 0])
        output = MathTex("y", font_size=theme.HEADING_SIZE, color=theme.OUTPUT_COLOR)
        output.move_to([-1.2, -0.4, 0])
        circles = [item for item in inputs if len(item) == 2]
        edges = VGroup(*(Line(c.get_right(), total.get_left(), buff=0.1, color=theme.AXIS_COLOR,
                              stroke_width=3) for c in circles))
        # The weights ride on the edges: w1 and w2 above theirs, wn below its own.
        weights = VGroup(*(weight_label(sp.latex(w), edge, below=(k == 2)) for k, (w, edge)
                           in enumerate(zip((m.w1, m.w2, m.w_n), edges, strict=True))))
        out_arrow = Arrow(total.get_right(), output.get_left(), buff=0.15, color=theme.AXIS_COLOR)
        rule = formula(m.MANY_WEIGHTS_LATEX, theme.BODY_SIZE).move_to([3.4, 2.2, 0])

        with self.voiceover(beat="many", text=(
            "In a real network the output never hangs on a single number. It depends on "
            "{@many}many inputs and {@weights}many weights at once: {@y}y adds up every input "
            "times its own weight."
        )) as tracker:
            self.play(Write(title), run_time=1.5)
            tracker.wait_until("many")
            self.play(FadeIn(inputs, lag_ratio=0.2), Create(edges),
                      run_time=tracker.until("weights"))
            self.play(FadeIn(weights, lag_ratio=0.2), run_time=tracker.until("y"))
            # y and its rule as "y adds up every input times its own weight" is said.
            self.play(FadeIn(total), GrowArrow(out_arrow), FadeIn(output), Write(rule),
                      run_time=max(1.5, tracker.remaining()))

        chosen = 1
        others = [k for k in range(len(edges)) if k != chosen]
        note = prose("move one weight, freeze the rest", theme.SMALL_SIZE,
                     theme.MUTED_TEXT_COLOR)
        note.next_to(rule, DOWN, buff=0.35)

        with self.voiceover(beat="each", text=(
            "To adjust {@each}each weight sensibly, we have to know how the output reacts to "
            "{@one}that one weight alone, while {@other}every other weight stays exactly where "
            "it is."
        )) as tracker:
            tracker.wait_until("one")
            self.play(weights[chosen].animate.scale(1.25),
                      edges[chosen].animate.set_color(theme.WEIGHT_COLOR).set_stroke(width=6),
                      run_time=tracker.until("other"))
            # The other weights freeze as "every other weight stays" is said.
            self.play(*(weights[k].animate.set_color(theme.FROZEN_COLOR) for k in others),
                      *(edges[k].animate.set_opacity(0.4) for k in others),
                      FadeIn(note, shift=UP * 0.2), run_time=max(1.0, tracker.remaining()))

        # The ordinary derivative beside the partial one: what y depends on, the symbol,
        # and what is allowed to move.
        def column(heading: str, function: str, symbol: str, moves: str, color: str) -> VGroup:
            return VGroup(
                formula(rf"\text{{{heading}}}", theme.LABEL_SIZE, color),
                formula(function, theme.LABEL_SIZE),
                formula(symbol, theme.HEADING_SIZE, color),
                formula(moves, theme.SMALL_SIZE, theme.MUTED_TEXT_COLOR),
            ).arrange(DOWN, buff=0.28)

        ordinary = column("ordinary derivative", m.ORDINARY_FUNCTION_LATEX,
                          m.ORDINARY_SYMBOL_LATEX, r"\text{only } x \text{ can move}",
                          theme.TEXT_COLOR)
        partial = column("partial derivative", m.PARTIAL_FUNCTION_LATEX, m.PARTIAL_SYMBOL_LATEX,
                         r"\text{the others held fixed}", theme.TANGENT_COLOR)
        ordinary.move_to([1.3, 0, 0]).align_to(note, UP).shift(DOWN * 0.8)
        partial.move_to([4.9, 0, 0]).align_to(ordinary, UP)
        for part in range(1, 4):
            partial[part].set_y(ordinary[part].get_y())
        divider = Line(ordinary.get_corner(UR) + RIGHT * 0.3, ordinary.get_corner(DR)
                       + RIGHT * 0.3, color=theme.GRID_COLOR)
        divider.set_x((ordinary.get_right()[0] + partial.get_left()[0]) / 2)

        with self.voiceover(beat="d-and-partial", text=say(
            "With a single input we wrote its derivative d y by d x, with a straight d: "
            "{@only}x was the only thing that could move. {@many}With many variables we "
            "{@rounded}round the d, and write the partial of y with respect to {wi}: its "
            "{@partial}partial derivative, taken while {@frozen}every other variable is "
            "held fixed.",
            wi=m.w_i,
        ), hold=1.0) as tracker:
            # From the beat's first word.
            self.play(FadeIn(ordinary[:3], shift=UP * 0.2), Create(divider),
                      run_time=tracker.until("only"))
            self.play(FadeIn(ordinary[3]), run_time=tracker.until("many"))
            self.play(FadeIn(partial[:2], shift=UP * 0.2), run_time=tracker.until("rounded"))
            self.play(Write(partial[2]), run_time=tracker.until("partial"))
            self.play(Indicate(partial[2], color=theme.HIGHLIGHT_COLOR),
                      run_time=tracker.until("frozen"))
            self.play(FadeIn(partial[3]), run_time=1.0)

        every = formula(m.PARTIALS_LIST_LATEX, theme.BODY_SIZE, theme.TANGENT_COLOR)
        every.next_to(VGroup(ordinary, partial), DOWN, buff=0.45).set_x(rule.get_x())
        with self.voiceover(beat="one-per-variable", text=(
            "And because {@every}every weight can be nudged on its own, there is {@one}one "
            "partial derivative for each of them: one sensitivity per weight, and per input too."
        )) as tracker:
            tracker.wait_until("every")
            self.play(*(weights[k].animate.set_color(theme.WEIGHT_COLOR) for k in others),
                      *(edges[k].animate.set_opacity(1) for k in others),
                      weights[chosen].animate.scale(1 / 1.25),
                      edges[chosen].animate.set_color(theme.AXIS_COLOR).set_stroke(width=3),
                      run_time=tracker.until("one"))
            self.play(Write(every), run_time=max(1.5, tracker.remaining()))


def shown(value: float) -> float:
    """``value`` as the knobs' readouts show it."""
    return round(value, m.KNOB_PLACES)


def output_of(w1_value: float, w2_value: float) -> float:
    """y for the weights as shown, so the sum's numbers always add up."""
    return float(m.network_output({m.w1: sp.Rational(str(shown(w1_value))),
                                   m.w2: sp.Rational(str(shown(w2_value)))}))


class OneKnobAtATime(LessonScene):
    """The neuron's weights w1 and w2 as knobs: turn one with the other frozen; ∂y/∂w = x."""

    def construct(self) -> None:
        title = scene_title("One knob at a time")
        w1, w2 = (ValueTracker(float(m.KNOB_START[w])) for w in (m.w1, m.w2))

        # The neuron of "Computing is not learning", its inputs at their values.
        inputs = VGroup(*(formula(f"{sp.latex(x)} = {m.decimal_string(m.NETWORK_INPUTS[x])}",
                                  theme.BODY_SIZE, theme.INPUT_COLOR) for x in (m.x1, m.x2)))
        inputs.arrange(DOWN, buff=2.0).move_to([-5.4, 0.6, 0])
        total = VGroup(Circle(0.42, color=theme.TEXT_COLOR),
                       MathTex(r"\Sigma", font_size=theme.BODY_SIZE, color=theme.TEXT_COLOR))
        total.move_to([-2.9, 0.6, 0])
        output = MathTex("y", font_size=theme.HEADING_SIZE, color=theme.OUTPUT_COLOR)
        output.move_to([-1.2, 0.6, 0])
        edges = VGroup(*(Line(i.get_right(), total.get_left(), buff=0.15, color=theme.AXIS_COLOR,
                              stroke_width=4) for i in inputs))
        weights = VGroup(*(weight_label(sp.latex(w), edge, below=(k == 1), at=0.5)
                           for k, (w, edge) in enumerate(zip((m.w1, m.w2), edges, strict=True))))
        out_arrow = Arrow(total.get_right(), output.get_left(), buff=0.15, color=theme.AXIS_COLOR)
        neuron = VGroup(inputs, edges, weights, total, out_arrow, output)

        dial = tuple(float(v) for v in m.KNOB_RANGE)
        w1_knob = knob(sp.latex(m.w1), w1, dial, theme.WEIGHT_COLOR).move_to([3.7, 2.0, 0])
        w2_knob = knob(sp.latex(m.w2), w2, dial, theme.WEIGHT_COLOR).move_to([3.7, 0.55, 0])

        # The rule, and under it the same sum in numbers that follow the knobs: the
        # equation states what the knobs hold at every frame.
        rule = formula(m.NETWORK_LATEX, theme.BODY_SIZE).move_to([3.7, -0.75, 0])
        # Typeset whole, so TeX spaces it as a sum; the weights and y are then swapped
        # for live numbers in the same places.
        typeset = MathTex(*m.network_live_sum_parts(m.KNOB_START), font_size=theme.BODY_SIZE)
        typeset.next_to(rule, DOWN, buff=0.35)
        colors = (theme.WEIGHT_COLOR, theme.WEIGHT_COLOR, theme.OUTPUT_COLOR)
        starts = (m.KNOB_START[m.w1], m.KNOB_START[m.w2], m.KNOB_VALUES[0])
        numbers = []
        for k, (start, color) in enumerate(zip(starts, colors, strict=True)):
            number = LiveDecimal(float(start), num_decimal_places=m.KNOB_PLACES,
                                 font_size=theme.BODY_SIZE, color=color)
            numbers.append(number.move_to(typeset[2 * k]))
        live_sum = VGroup(numbers[0], typeset[1], numbers[1], typeset[3], numbers[2])
        self.live_readouts = {"w_1": numbers[0], "w_2": numbers[1], "y": numbers[2]}

        y_start, y_after_w1, y_end = m.KNOB_VALUES
        with self.voiceover(beat="setup", text=say(
            "Back to the small network from the start. Its {@inputs}inputs stay fixed at {x1} "
            "and {x2}, and each weight becomes a {@knob}knob: {w1} starts at {w1v} and {w2} at "
            "{w2v}, so the {@y}output is {y0}.",
            x1=m.NETWORK_INPUTS[m.x1], x2=m.NETWORK_INPUTS[m.x2], w1=m.w1, w2=m.w2,
            w1v=m.KNOB_START[m.w1], w2v=m.KNOB_START[m.w2], y0=y_start,
        )) as tracker:
            self.play(Write(title), run_time=1.5)
            tracker.wait_until("inputs")
            self.play(FadeIn(neuron), run_time=tracker.until("knob"))
            self.play(FadeIn(w1_knob), FadeIn(w2_knob), run_time=tracker.until("y"))
            self.play(Write(rule), FadeIn(live_sum), run_time=max(1.5, tracker.remaining()))

        numbers[0].add_updater(lambda n: n.set_value(w1.get_value()))
        numbers[1].add_updater(lambda n: n.set_value(w2.get_value()))
        numbers[2].add_updater(lambda n: n.set_value(output_of(w1.get_value(), w2.get_value())))

        partials = VGroup(*(formula(m.network_partial_latex(w), theme.BODY_SIZE,
                                    theme.TANGENT_COLOR) for w in (m.w1, m.w2)))
        partials.arrange(DOWN, buff=0.35, aligned_edge=LEFT).move_to([-3.6, -2.4, 0])

        # Each beat: the frozen knob and its edge dim as "freeze" is said, the other weight
        # turns from "turn" to the value it stops on, y's number is pointed at as its value
        # is said, and the partial derivative is written as it is named.
        turns = (
            (w2_knob, 1, w1, m.w1, m.KNOB_AFTER_W1, numbers[2], "turn-w1", say(
                "{@freeze}Freeze {other} and {@turn}turn only {w}, from {start} up to "
                "{@stop}{end}. The output climbs from {y0} to {@y}{y1}, {rise} for the {turn} "
                "that {w} moved. That rate is the {@partial}partial derivative of y with "
                "respect to {w}, and it is the input {w} multiplies: {eq}.",
                other=m.w2, w=m.w1, start=m.KNOB_START[m.w1], end=m.KNOB_AFTER_W1[m.w1],
                y0=y_start, y1=y_after_w1, rise=y_after_w1 - y_start, turn=m.KNOB_TURN,
                eq=sp.Eq(m.x1, m.NETWORK_PARTIAL_VALUES[m.w1]))),
            (w1_knob, 0, w2, m.w2, m.KNOB_AFTER_W2, numbers[2], "turn-w2", say(
                "Now {@freeze}freeze {other} and {@turn}turn {w} instead, from {start} to "
                "{@stop}{end}. This time the output only rises from {y1} to {@y}{y2}, as far "
                "as {w} moved: the {@partial}partial derivative with respect to {w} is {eq}.",
                other=m.w1, w=m.w2, start=m.KNOB_AFTER_W1[m.w2], end=m.KNOB_AFTER_W2[m.w2],
                y1=y_after_w1, y2=y_end, eq=sp.Eq(m.x2, m.NETWORK_PARTIAL_VALUES[m.w2]))),
        )
        for k, (frozen, frozen_edge, turned, weight, after, y_number, beat, text) in enumerate(
                turns):
            tag = frozen_tag(frozen).next_to(frozen[1], DOWN, buff=0.2)
            with self.voiceover(beat=beat, text=text, hold=1.0) as narration:
                narration.wait_until("freeze")
                self.play(FadeIn(tag), frozen.animate.set_opacity(0.45),
                          edges[frozen_edge].animate.set_opacity(0.35),
                          weights[frozen_edge].animate.set_color(theme.FROZEN_COLOR),
                          run_time=narration.until("turn"))
                self.play(turned.animate.set_value(float(after[weight])),
                          run_time=narration.until("stop"))
                narration.wait_until("y")
                self.play(Indicate(y_number, color=theme.HIGHLIGHT_COLOR), run_time=1.0)
                narration.wait_until("partial")
                self.play(Write(partials[k]), run_time=max(1.5, narration.remaining()))
            # The frozen knob thaws before the next turn.
            self.play(FadeOut(tag), frozen.animate.set_opacity(1),
                      edges[frozen_edge].animate.set_opacity(1),
                      weights[frozen_edge].animate.set_color(theme.WEIGHT_COLOR), run_time=0.8)
        for number in numbers:
            number.clear_updaters()

        moral = prose("Turn one knob, freeze the others.", theme.SMALL_SIZE,
                      theme.HIGHLIGHT_COLOR).move_to([3.4, -2.9, 0])
        with self.voiceover(beat="meaning", text=(
            "That is the whole idea of a {@partial}partial derivative: {@turn}turn one knob at "
            "a time while all the others stay frozen. Training a network does the same, "
            "judging the effect of each weight while the rest are held still for a moment."
        )) as tracker:
            tracker.wait_until("partial")
            self.play(Indicate(partials, color=theme.HIGHLIGHT_COLOR),
                      run_time=tracker.until("turn"))
            self.play(FadeIn(moral, shift=UP * 0.3), run_time=1.0)
