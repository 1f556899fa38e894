"""The lesson's frame: title and objectives, and the bridge to gradient descent."""

from __future__ import annotations

from manim import *

from lessonreel import LessonScene, say, theme
from scenes.common.cards import close_with_end_card, numbered_list
from scenes.common.layout import formula, plane_point, prose, scene_title
from scenes.common.objectives import Objective, TitleAndObjectives
from scenes.module03_gradient import LESSON
from scenes.module03_gradient import math as m
from scenes.module03_gradient.contour_map import axis_labels, contour_map


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


#: What the course takes up next, as the last chapter's narration says: the end card names it.
NEXT_TITLE = "Choosing the Learning Rate"


class BridgeToGradientDescent(LessonScene):
    """The update (x, y) ← (x, y) − η∇f on x² + 3y², its iterates curving from (2, 1) to the
    minimum where ∇f = 0; the same rule for a network's weights; the recipe; end card."""

    def construct(self) -> None:
        title = scene_title("Gradient descent")
        plane, rings = contour_map((-0.5, 2.5), (-0.5, 1.5), width=5.8, center=(-3.45, -0.6),
                                   levels=m.DESCENT_LEVELS, surface=m.LONG_SURFACE, step=0.5)
        ticks = axis_labels(plane, (1, 2), (1,))
        rule = formula(m.DOWNHILL_RULE_LATEX, theme.BODY_SIZE, theme.GRADIENT_COLOR)
        rate = formula(m.DESCENT_RATE_LATEX, theme.LABEL_SIZE)
        VGroup(rule, rate).arrange(DOWN, buff=0.3).move_to([3.35, 2.05, 0])
        surface = formula(m.LONG_SURFACE_LATEX, theme.LABEL_SIZE, theme.FUNCTION_COLOR)
        surface.next_to(plane, UP, buff=0.12).align_to(plane, RIGHT)

        with self.voiceover(beat="rule", text=say(
            "Back on the stretched bowl, {@bowl}{f}. Written as a rule, the downhill step is "
            "{@descent}gradient descent: {@move}move against the gradient, scaled by "
            "{@eta}{eta}, the learning rate, which sets the step size.",
            f=m.LONG_SURFACE_EQUATION, eta=m.eta,
        ), hold=1.0) as tracker:
            # The title and the map are in place as the bowl is named, its formula as it is
            # said; the rule is written as it is read out, and pointed at on its η.
            self.play(Write(title), Create(plane), Create(rings), FadeIn(ticks),
                      run_time=tracker.until("bowl"))
            self.play(Write(surface), run_time=tracker.until("descent"))
            tracker.wait_until("move")
            self.play(Write(rule), run_time=tracker.until("eta"))
            self.play(Indicate(rule, scale_factor=1.05, color=theme.HIGHLIGHT_COLOR),
                      run_time=1.0)

        table = self.iterates(plane, rate)
        self.stops_at_the_bottom(plane, table)
        self.network(rule, rate, table)
        close_with_end_card(self, LESSON.course, NEXT_TITLE, (
            "Choosing that learning rate well is where we pick up {@next}next time. See you in "
            "the next lesson."
        ))

    def iterates(self, plane: NumberPlane, rate: MathTex) -> VGroup:
        """The descent from (2, 1) step by step, with its table."""
        header = VGroup(*(formula(h, theme.LABEL_SIZE, theme.MUTED_TEXT_COLOR)
                          for h in ("k", "(x, y)", "f")))
        rows = [header] + [
            VGroup(*(formula(cell, theme.LABEL_SIZE, color) for cell, color in zip(
                m.descent_row_latex(k), (theme.MUTED_TEXT_COLOR, theme.POSITION_COLOR,
                                         theme.FUNCTION_COLOR), strict=True)))
            for k in range(len(m.DESCENT))
        ]
        table = descent_table(rows).next_to(rate, DOWN, buff=0.5)
        dots = VGroup(*(Dot(plane_point(plane, s.point), radius=0.07,
                            color=theme.HIGHLIGHT_COLOR) for s in m.DESCENT))
        hops = VGroup(*(Arrow(plane_point(plane, a.point), plane_point(plane, b.point), buff=0.08,
                              color=theme.GRADIENT_COLOR, stroke_width=4,
                              max_tip_length_to_length_ratio=0.3)
                        for a, b in zip(m.DESCENT, m.DESCENT[1:], strict=False)))
        # The rest of the way, too small to draw as arrows: a faint line through the points.
        rest = VMobject(color=theme.GRADIENT_COLOR, stroke_width=3, stroke_opacity=0.6)
        rest.set_points_as_corners([plane_point(plane, s.point)
                                    for s in m.DESCENT_PATH[len(m.DESCENT) - 1:]])

        with self.voiceover(beat="iterates", text=say(
            "With {@eta}{eta} at {rate:frac}, {@start}starting from {start}, {@step}each step "
            "multiplies x by {fx:frac}, {@but}but y by {fy:frac}: y shrinks faster, "
            "{@bends}so the path bends, down towards the long axis of the bowl {@along}and "
            "then along it.",
            eta=m.eta, rate=m.DESCENT_RATE, start=m.DESCENT_START,
            fx=m.DESCENT_X_FACTOR, fy=m.DESCENT_Y_FACTOR,
        ), hold=0.5) as tracker:
            # The rate's value as it is said; the first row and point on "starting from"; a
            # hop and its row on each of "each step", "but" and "bends", and the rest of the
            # way on "along".
            tracker.wait_until("eta")
            self.play(FadeIn(rate, shift=UP * 0.2), run_time=tracker.until("start"))
            self.play(FadeIn(table[0]), FadeIn(dots[0], scale=2), FadeIn(table[1]),
                      run_time=1.0)
            for hop, dot, row, mark in zip(hops, dots[1:], table[2:], ("step", "but", "bends"),
                                           strict=True):
                tracker.wait_until(mark)
                self.play(GrowArrow(hop), FadeIn(row, shift=LEFT * 0.2), run_time=0.8)
                self.play(FadeIn(dot, scale=1.5), run_time=0.3)
            tracker.wait_until("along")
            self.play(Create(rest), run_time=max(1.0, tracker.remaining()))
        self.plane, self.dots = plane, dots
        return table

    def stops_at_the_bottom(self, plane: NumberPlane, table: VGroup) -> None:
        """At the minimum ∇f = (0, 0), so a step from there goes nowhere."""
        bottom = Dot(plane_point(plane, m.MINIMUM), radius=0.09, color=theme.TEXT_COLOR)
        zero = formula(m.MINIMUM_GRADIENT_LATEX, theme.LABEL_SIZE, theme.GRADIENT_COLOR)
        zero.next_to(table, DOWN, buff=0.5).align_to(table, LEFT)

        with self.voiceover(beat="bottom", text=say(
            "Why does it stop at the bottom? {@there}There the gradient is {@zero}{g}, so "
            "the step, {eta} times the gradient, is {@nothing}nothing: the point stays put.",
            g=m.MINIMUM_GRADIENT, eta=m.eta,
        ), hold=0.5) as tracker:
            # The bottom is marked as it is named, its gradient written as it is said, and
            # the bottom pointed at on "nothing".
            tracker.wait_until("there")
            self.play(FadeIn(bottom, scale=2), run_time=tracker.until("zero"))
            self.play(Write(zero), run_time=tracker.until("nothing"))
            self.play(Indicate(bottom, scale_factor=1.8, color=theme.HIGHLIGHT_COLOR),
                      run_time=1.0)
        self.zero = zero

    def network(self, rule: MathTex, rate: MathTex, table: VGroup) -> None:
        """The same rule for a network's weights, what each part becomes, and the recipe."""
        network = formula(m.NETWORK_RULE_LATEX, theme.BODY_SIZE, theme.GRADIENT_COLOR)
        network.next_to(rate, DOWN, buff=0.45)
        note = prose("every weight, every step", theme.SMALL_SIZE, theme.MUTED_TEXT_COLOR)
        note.next_to(network, DOWN, buff=0.2)

        with self.voiceover(beat="network", text=(
            "A network does {@exactly}exactly this with its loss: {@every}every weight steps "
            "against its own partial derivative, all together, again and again."
        ), hold=0.5) as tracker:
            # The table and the bottom's gradient make way as "exactly this" is said; the
            # network's rule is written until "every weight", which brings the note.
            self.play(FadeOut(table), FadeOut(self.zero), run_time=tracker.until("exactly"))
            self.play(Write(network), run_time=tracker.until("every"))
            self.play(FadeIn(note), run_time=1.0)

        parts = VGroup(*(formula(text, theme.LABEL_SIZE, color) for text, color in (
            (m.NETWORK_POINT_LATEX, theme.WEIGHT_COLOR),
            (m.NETWORK_HEIGHT_LATEX, theme.FUNCTION_COLOR),
            (m.LOSS_GRADIENT_LATEX, theme.GRADIENT_COLOR),
        ))).arrange(DOWN, buff=0.35).next_to(note, DOWN, buff=0.5)

        with self.voiceover(beat="weights", text=(
            "In a network, {@weights}the point being moved is the whole list of its weights, "
            "and {@loss}the height of the landscape is the loss on the training examples. "
            "{@backprop}Backpropagation works out every partial derivative of that loss, and "
            "this update moves {@all}all the weights at once."
        )) as tracker:
            # Each part of the picture becomes its network's part as it is said: the point
            # the list of weights, the height the loss, the arrow the loss's gradient; the
            # rule is ringed on "all the weights".
            tracker.wait_until("weights")
            self.play(FadeIn(parts[0], shift=UP * 0.2),
                      Indicate(self.dots[-1], scale_factor=2), run_time=tracker.until("loss"))
            self.play(FadeIn(parts[1], shift=UP * 0.2), run_time=tracker.until("backprop"))
            self.play(Write(parts[2]), run_time=tracker.until("all"))
            self.play(Circumscribe(network, color=theme.HIGHLIGHT_COLOR), run_time=1.5)

        steps = numbered_list(
            ["Start at any point", "Work out the gradient there",
             "Step against it, scaled by the learning rate",
             "Repeat until the gradient is about zero"],
            [{}, {"gradient": theme.GRADIENT_COLOR}, {"against": theme.GRADIENT_COLOR},
             {"gradient": theme.GRADIENT_COLOR}],
            size=theme.LABEL_SIZE, max_width=5.6, buff=0.4,
        )
        steps.move_to([3.25, -0.4, 0])  # its longest line ends inside title-safe
        right_side = VGroup(rule, rate, network, note, parts)

        with self.voiceover(beat="recap", text=(
            "To recap gradient descent: {@s1}start at any point. {@s2}Work out the gradient "
            "where you stand. {@s3}Take a step against it, scaled by the learning rate. "
            "{@s4}Then repeat from where you land, until the gradient, and so the steps, "
            "are too small to matter."
        ), hold=0.5) as tracker:
            # The stage clears while "To recap gradient descent" is said; each step of the
            # recipe comes as it is said.
            self.play(FadeOut(right_side, shift=UP * 0.2), run_time=tracker.until("s1"))
            for k, step in enumerate(steps, start=1):
                tracker.wait_until(f"s{k}")
                self.play(FadeIn(step, shift=RIGHT * 0.3), run_time=1.0)


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
