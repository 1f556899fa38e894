"""The lesson's frame: title and objectives, and the bridge to gradient descent."""

from __future__ import annotations

from manim import *

from lessonreel import LessonScene, say, theme
from scenes.common.cards import close_with_end_card, numbered_list
from scenes.common.layout import formula, plane_point, prose, scene_title
from scenes.common.objectives import Objective, TitleAndObjectives
from scenes.module03_gradient import LESSON
from scenes.module03_gradient import math as m
from scenes.module03_gradient.contour_map import contour_map


class GradientLessonTitle(TitleAndObjectives):
    """The Module 3 title card, then four learning objectives appear one at a time."""

    course = LESSON.course
    module_label = f"Module {LESSON.module}"
    title = LESSON.title
    welcome = say("Welcome back to {@course}{course}. Last time we found a partial "
                  "derivative for each input. In {@module}Module {number} we collect them "
                  "all into {@title}{topic}.",
                  course=LESSON.course, number=LESSON.module, topic=LESSON.title.lower())
    objectives = (
        Objective("aim-build", "Build the gradient from partial derivatives", "gradient",
                  "First, you will {@aim}build the gradient out of partial derivatives."),
        Objective("aim-read", "Read gradient arrows on a contour map", "contour map",
                  "Second, you will {@aim}read gradient arrows drawn on a contour map."),
        Objective("aim-steepest", "Explain why the gradient is the steepest way up",
                  "steepest",
                  "Third, you will {@aim}see why the gradient points the way a function "
                  "rises fastest."),
        Objective("aim-descent", "Turn the gradient into a downhill step", "downhill",
                  "And fourth, you will {@aim}turn it around into the downhill step a "
                  "network takes when it learns."),
    )


class BridgeToGradientDescent(LessonScene):
    """The update (x, y) ← (x, y) − η∇f, its iterates from (2, 1) to the minimum; end card."""

    def construct(self) -> None:
        title = scene_title("Gradient descent")
        plane, rings = contour_map((-0.5, 2.5), (-0.5, 1.5), width=5.8, center=(-3.6, -0.6))
        rule = formula(m.DOWNHILL_RULE_LATEX, theme.BODY_SIZE, theme.TANGENT_COLOR)
        rate = formula(m.DESCENT_RATE_LATEX, theme.LABEL_SIZE)
        VGroup(rule, rate).arrange(DOWN, buff=0.3).move_to([3.35, 2.05, 0])

        with self.voiceover(beat="rule", text=say(
            "Written as a rule, that downhill step is {@descent}gradient descent: {@move}move "
            "against the gradient, scaled by {@eta}{eta}, the learning rate, which sets the "
            "step size.",
            eta=m.eta,
        ), hold=1.0) as tracker:
            # The title is in place as its name is said; the rule is written as it is read
            # out, up to the learning rate, which comes on its own name.
            self.play(Write(title), Create(plane), Create(rings),
                      run_time=tracker.until("descent"))
            tracker.wait_until("move")
            self.play(Write(rule), run_time=tracker.until("eta"))
            self.play(FadeIn(rate, shift=UP * 0.2), run_time=1.0)

        header = VGroup(*(formula(h, theme.LABEL_SIZE, theme.MUTED_TEXT_COLOR)
                          for h in ("k", "(x, y)", "f")))
        rows = [header] + [
            VGroup(*(formula(cell, theme.LABEL_SIZE, color) for cell, color in zip(
                m.descent_row_latex(k), (theme.MUTED_TEXT_COLOR, theme.INPUT_COLOR,
                                         theme.OUTPUT_COLOR), strict=True)))
            for k in range(len(m.DESCENT))
        ]
        table = descent_table(rows).next_to(rate, DOWN, buff=0.5)
        dots = VGroup(*(Dot(plane_point(plane, s.point), radius=0.07, color=theme.HIGHLIGHT_COLOR)
                        for s in m.DESCENT))
        hops = VGroup(*(Arrow(plane_point(plane, a.point), plane_point(plane, b.point), buff=0.08,
                              color=theme.TANGENT_COLOR, stroke_width=4,
                              max_tip_length_to_length_ratio=0.3)
                        for a, b in zip(m.DESCENT, m.DESCENT[1:], strict=False)))

        with self.voiceover(beat="iterates", text=say(
            "With {eta} at {rate:frac}, {@start}starting from {start}, {@step}each step goes "
            "{stride:frac} of the way to the minimum and {@shrink}multiplies f by {shrink:frac}.",
            eta=m.eta, rate=m.DESCENT_RATE, start=m.DESCENT_START, stride=m.DESCENT_STRIDE,
            shrink=m.DESCENT_SHRINK,
        ), hold=0.5) as tracker:
            tracker.wait_until("start")
            self.play(FadeIn(table[0]), FadeIn(dots[0], scale=2), FadeIn(table[1]),
                      run_time=1.0)
            # The first hop is taken as "each step" is said, the second as f's shrinking
            # is; the last follows on through the rest of the sentence.
            for k, (hop, dot, row) in enumerate(zip(hops, dots[1:], table[2:], strict=True)):
                if k < 2:
                    tracker.wait_until(("step", "shrink")[k])
                self.play(GrowArrow(hop), FadeIn(dot), FadeIn(row, shift=LEFT * 0.2),
                          run_time=1.0 if k < 2 else max(1.0, tracker.remaining()))

        network = formula(m.NETWORK_RULE_LATEX, theme.BODY_SIZE, theme.TANGENT_COLOR)
        network.next_to(table, DOWN, buff=0.45)
        note = prose("every weight, every step", theme.SMALL_SIZE, theme.MUTED_TEXT_COLOR)
        note.next_to(network, DOWN, buff=0.2)

        with self.voiceover(beat="network", text=(
            "A network does exactly this with its loss: {@every}every weight steps against "
            "its own partial derivative, all together, again and again."
        ), hold=0.5) as tracker:
            # Its rule is written from "A network" until "every weight", which brings the note.
            self.play(Write(network), run_time=tracker.until("every"))
            self.play(FadeIn(note), run_time=1.0)

        with self.voiceover(beat="weights", text=(
            "In a network, the point being moved is the {@weights}whole list of its weights, "
            "and the height of the landscape is the loss on the training examples. "
            "Backpropagation works out every partial derivative of that loss, and this update "
            "moves {@all}all the weights at once."
        )) as tracker:
            # The rule's w is that list of weights; the note says "every weight".
            tracker.wait_until("weights")
            self.play(Indicate(network, scale_factor=1.08, color=theme.HIGHLIGHT_COLOR),
                      run_time=1.5)
            tracker.wait_until("all")
            self.play(Circumscribe(note, color=theme.HIGHLIGHT_COLOR), run_time=1.5)

        steps = numbered_list(
            ["Start at any point", "Work out the gradient there",
             "Step against it, scaled by the learning rate", "Repeat from the new point"],
            [{}, {"gradient": theme.TANGENT_COLOR}, {"against": theme.TANGENT_COLOR}, {}],
            size=theme.LABEL_SIZE, max_width=5.6, buff=0.4,
        )
        steps.move_to([3.25, -0.4, 0])  # its longest line ends inside title-safe
        right_side = VGroup(rule, rate, table, network, note)

        with self.voiceover(beat="recap", text=(
            "To recap gradient descent: {@s1}start at any point. {@s2}Work out the gradient "
            "where you stand. {@s3}Take a step against it, scaled by the learning rate. "
            "{@s4}Then repeat from where you land, until the steps become too small to matter."
        ), hold=0.5) as tracker:
            # The stage clears while "To recap gradient descent" is said; each step of the
            # recipe comes as it is said.
            self.play(FadeOut(right_side, shift=UP * 0.2), Indicate(dots[-1], scale_factor=2),
                      run_time=tracker.until("s1"))
            for k, step in enumerate(steps, start=1):
                tracker.wait_until(f"s{k}")
                self.play(FadeIn(step, shift=RIGHT * 0.3), run_time=1.0)

        close_with_end_card(self, LESSON.course, "Gradient Descent", (
            "Choosing that learning rate well is where we pick up {@next}next time. See you in "
            "the next lesson."
        ))


def descent_table(rows: list[VGroup]) -> VGroup:
    """Rows of three cells in columns: the index, the point, the value of f."""
    widths = [max(row[i].width for row in rows) for i in range(3)]
    gaps = (0.6, 0.6)
    lefts = [0.0, widths[0] + gaps[0], widths[0] + gaps[0] + widths[1] + gaps[1]]
    table = VGroup()
    for n, row in enumerate(rows):
        for cell, left in zip(row, lefts, strict=True):
            cell.move_to([left + cell.width / 2, -0.55 * n, 0])
        table.add(row)
    return table
