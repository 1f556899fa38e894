"""From computation to learning: a tiny network computes, then one weight is nudged."""

from __future__ import annotations

from manim import *

from lessonreel import LessonScene, say, theme
from scenes.common.layout import formula, prose, readout, scene_title
from scenes.module02_derivatives import math as m

W1_START = float(m.NETWORK_WEIGHTS[m.w1])
W1_END = float(m.NUDGED_W1)


def output_for(w1_value: float) -> float:
    return float(m.network_output({m.w1: w1_value}))


def as_shown(value: float) -> float:
    """``value`` rounded as its readout shows it."""
    return float(f"{value:.{m.NETWORK_PLACES}f}")


def node(label: str, color: str) -> VGroup:
    circle = Circle(radius=0.42, color=color, stroke_width=4)
    text = MathTex(label, font_size=theme.LABEL_SIZE, color=color).move_to(circle)
    return VGroup(circle, text)


def network_diagram() -> tuple[VGroup, list[MathTex]]:
    """Two inputs, two weighted edges, a summing node, one output; and the weight labels."""
    inputs = VGroup(node(r"x_1", theme.INPUT_COLOR), node(r"x_2", theme.INPUT_COLOR))
    inputs.arrange(DOWN, buff=1.6).move_to([-5.6, -0.3, 0])
    total = node(r"\Sigma", theme.TEXT_COLOR).move_to([-2.9, -0.3, 0])
    output = node("y", theme.OUTPUT_COLOR).move_to([-0.9, -0.3, 0])
    edges = VGroup(*(Arrow(i.get_right(), total.get_left(), buff=0.1, color=theme.AXIS_COLOR)
                     for i in inputs))
    out_edge = Arrow(total.get_right(), output.get_left(), buff=0.1, color=theme.AXIS_COLOR)
    weights = [MathTex(name, font_size=theme.LABEL_SIZE, color=theme.WEIGHT_COLOR)
               .next_to(edge.get_center(), UP if k == 0 else DOWN, buff=0.2)
               for k, (name, edge) in enumerate(zip(("w_1", "w_2"), edges, strict=True))]
    return VGroup(inputs, edges, total, out_edge, output, *weights), weights


class ComputationIsNotLearning(LessonScene):
    """A two-input network computes y = w1·x1 + w2·x2; nudging w1 moves y by x1 times as much."""

    def construct(self) -> None:
        title = scene_title("Computing is not learning")
        diagram, _ = network_diagram()
        rule = formula(m.NETWORK_LATEX, theme.BODY_SIZE).move_to([3.6, 2.0, 0])

        with self.voiceover(beat="compute", text=(
            "Last time, everything a network computed came down to vectors and dot "
            "products. {@here}Here is about the smallest network there is: each input is "
            "{@multiplied}multiplied by its own weight, and the products are added into a single "
            "output."
        )) as tracker:
            self.play(Write(title), run_time=1.5)
            tracker.wait_until("here")
            self.play(Create(diagram), run_time=tracker.until("multiplied"))
            # The rule is written as the products and their sum are described.
            self.play(Write(rule), run_time=max(1.5, tracker.remaining()))

        numbers = formula(m.network_sum_latex(), theme.BODY_SIZE).next_to(rule, DOWN, buff=0.5)
        with self.voiceover(beat="evaluate", text=say(
            "Feed it the inputs {@x1}{x1} and {x2}, with weights of {w1} and {w2}. "
            "The weighted sum, which is a dot product, comes to {@y}{y}.",
            x1=m.NETWORK_INPUTS[m.x1], x2=m.NETWORK_INPUTS[m.x2],
            w1=m.NETWORK_WEIGHTS[m.w1], w2=m.NETWORK_WEIGHTS[m.w2], y=m.NETWORK_OUTPUT,
        ), hold=1.0) as tracker:
            # Written from the first input said to the sum, which ends it as it is said.
            tracker.wait_until("x1")
            self.play(Write(numbers), run_time=tracker.until("y"))

        w1 = ValueTracker(W1_START)
        w1_read = readout("w_1", W1_START, m.NETWORK_PLACES, theme.WEIGHT_COLOR)
        y_read = readout("y", output_for(W1_START), m.NETWORK_PLACES, theme.OUTPUT_COLOR)
        readouts = VGroup(w1_read, y_read).arrange(RIGHT, buff=0.9).next_to(numbers, DOWN, buff=0.6)
        learn = prose("Learning = adjusting the weights", theme.BODY_SIZE, theme.HIGHLIGHT_COLOR)
        learn.to_edge(DOWN, buff=0.6)

        with self.voiceover(beat="learning", text=(
            "Computing an answer, though, is not learning. A network {@learns}learns by "
            "changing its {@weights}weights, a little at a time, until its answers get better."
        )) as tracker:
            tracker.wait_until("learns")
            self.play(FadeIn(learn, shift=UP * 0.3), run_time=tracker.until("weights"))
            self.play(FadeIn(readouts), run_time=1.0)

        with self.voiceover(beat="nudge", text=say(
            "So let's nudge a single weight. {@raise}Raise {w} from {w_from} to {@w_to}{w_to}, "
            "and watch the output climb from {y_from} to {@y_to}{y_to}.",
            w=m.w1, w_from=m.NETWORK_WEIGHTS[m.w1], w_to=m.NUDGED_W1,
            y_from=m.NETWORK_OUTPUT, y_to=m.NUDGED_OUTPUT,
        )) as tracker:
            #: What the readouts check (tests/scenes/test_readouts_agree.py): y of the w1 shown.
            self.live_readouts = {"w_1": w1_read[1], "y": y_read[1]}
            w1_read[1].add_updater(lambda n: n.set_value(w1.get_value()))
            # y of the weight the viewer reads, not of the one between: never 0.5 beside 2.6.
            y_read[1].add_updater(lambda n: n.set_value(output_for(as_shown(w1.get_value()))))
            tracker.wait_until("raise")
            nudged = formula(m.network_sum_latex({m.w1: m.NUDGED_W1}),
                             theme.BODY_SIZE).move_to(numbers)
            # The sum turns into the nudged one as the readouts move: an equation left
            # stating 0.5 and 2.5 beside readouts at 0.6 and 2.7 would contradict them.
            # The weight rises from "Raise" and reaches its new value as it is said.
            self.play(w1.animate.set_value(W1_END), ReplacementTransform(numbers, nudged),
                      run_time=tracker.until("w_to"))
            tracker.wait_until("y_to")
            self.play(Indicate(y_read, color=theme.HIGHLIGHT_COLOR), run_time=1.0)
        for number in (w1_read[1], y_read[1]):
            number.clear_updaters()

        # At body size the question ran to 0.37 from the frame's sides: outside title-safe.
        question = prose("How does the output change when a weight changes?",
                         theme.LABEL_SIZE, theme.TEXT_COLOR).move_to(learn)
        # Said in the words the learner has here: no derivative has been named yet, so the
        # ratio is written as "change in y over change in w1", as the narration says it.
        ratio = MathTex(*m.NETWORK_RATIO_PARTS, font_size=theme.BODY_SIZE,
                        color=theme.TANGENT_COLOR)
        ratio.next_to(readouts, DOWN, buff=0.5)

        with self.voiceover(beat="question", text=say(
            "{@moved}The output moved {times} times as far as the weight did, {@because}because "
            "{w} multiplies the input {x}, which is {@x_value}{x_value}. To learn, a network has "
            "to know {@how}how its output responds whenever a weight changes, and that "
            "sensitivity is exactly what a {@derivative}derivative measures.",
            times=m.OUTPUT_MOVE_PER_WEIGHT_MOVE, w=m.w1, x=m.x1, x_value=m.NETWORK_INPUTS[m.x1],
        ), hold=1.0) as tracker:
            # The change in y over the change in w1 as "moved ... as far as" is said; that it
            # is x1 as its reason is said, ending on the input's value.
            tracker.wait_until("moved")
            self.play(Write(ratio[0]), run_time=tracker.until("because"))
            self.play(Write(ratio[1]), run_time=tracker.until("x_value"))
            tracker.wait_until("how")
            self.play(ReplacementTransform(learn, question), run_time=1.2)
            tracker.wait_until("derivative")
            self.play(Indicate(ratio, color=theme.HIGHLIGHT_COLOR), run_time=1.0)
