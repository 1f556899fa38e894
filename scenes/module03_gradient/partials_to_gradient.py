"""From two partial derivatives to one vector: the gradient, and one of it at every point."""

from __future__ import annotations

import math

from manim import *

from lessonreel import Choice, LessonScene, say, theme
from scenes.common.layout import formula, plane_point, prose, scene_title, themed_plane
from scenes.module02_derivatives import LESSON as PREVIOUS_LESSON
from scenes.module03_gradient import math as m


class PartialsBecomeGradient(LessonScene):
    """∂f/∂x = 2x and ∂f/∂y = 2y stack into ∇f = (2x, 2y), evaluated at two points."""

    def construct(self) -> None:
        title = scene_title("From partials to the gradient")
        surface = formula(m.SURFACE_LATEX, theme.BODY_SIZE, theme.OUTPUT_COLOR)
        partials = VGroup(formula(m.PARTIAL_X_LATEX), formula(m.PARTIAL_Y_LATEX))
        partials.arrange(RIGHT, buff=1.4)
        VGroup(surface, partials).arrange(DOWN, buff=0.7).next_to(title, DOWN, buff=0.6)

        with self.voiceover(beat="partials", text=say(
            "We keep the bowl from Module {previous}: {f}, {@with}with partial "
            "derivatives {@fx}{fx} and {@fy}{fy}.",
            previous=PREVIOUS_LESSON.module, f=m.SURFACE_EQUATION, fx=m.PARTIAL_X,
            fy=m.PARTIAL_Y,
        )) as tracker:
            # The bowl's formula is written while the bowl is named and said; each partial
            # comes as it is said.
            self.play(Write(title), Write(surface), run_time=tracker.until("with"))
            tracker.wait_until("fx")
            self.play(FadeIn(partials[0], shift=DOWN * 0.2), run_time=tracker.until("fy"))
            self.play(FadeIn(partials[1], shift=DOWN * 0.2), run_time=1.0)

        gradient = MathTex(*m.GRADIENT_PARTS_LATEX, font_size=theme.BODY_SIZE,
                           color=theme.GRADIENT_COLOR)
        gradient.next_to(partials, DOWN, buff=0.7)
        name, equals, definition, equals_again, values = gradient

        with self.voiceover(beat="stack", text=say(
            "Stack the partials in a column and you get {@gradient}the gradient of f, written "
            "{@name}{name}. {@top}The top entry says how f reacts to x, the bottom how it "
            "reacts to y.",
            name=m.GRADIENT_NAME,
        ), hold=1.0) as tracker:
            # The partials stack into a column from "Stack" to "the gradient", which is
            # named as its name is said; their formulas fill the column from "The top entry".
            self.play(TransformFromCopy(partials, definition), run_time=tracker.until("gradient"))
            tracker.wait_until("name")
            self.play(FadeIn(name), FadeIn(equals), run_time=1.0)
            tracker.wait_until("top")
            self.play(FadeIn(equals_again), TransformFromCopy(definition, values), run_time=2.0)

        (x_lo, x_hi), (y_lo, y_hi) = span = ((-2, 3.5), (-0.5, 3.5))
        plane = themed_plane(*span, width=6.0).move_to([3.35, -0.75, 0])
        # Whole numbers on both axes, so each gradient the narration gives can be read off
        # the grid; none where a point sits on an axis with its own label beside it.
        on_x = {p[0] for p in m.EVALUATED_POINTS if p[1] == 0}
        on_y = {p[1] for p in m.EVALUATED_POINTS if p[0] == 0}
        for axis, (lo, hi), skip in ((plane.x_axis, (x_lo, x_hi), on_x),
                                     (plane.y_axis, (y_lo, y_hi), on_y)):
            axis.add_numbers(x_values=[v for v in range(math.ceil(lo), math.floor(hi) + 1)
                                       if v != 0 and v not in skip],
                             font_size=theme.SMALL_SIZE, num_decimal_places=0)
        column = VGroup(*(formula(m.evaluated_latex(p), theme.LABEL_SIZE, theme.GRADIENT_COLOR)
                          for p in m.EVALUATED_POINTS))
        column.arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        arrows, dots = VGroup(), VGroup()
        for p in m.EVALUATED_POINTS:
            g = m.gradient_at(p)
            tip = (p[0] + g[0], p[1] + g[1])
            where = formula(m.pair_latex(*p), theme.SMALL_SIZE, theme.HIGHLIGHT_COLOR)
            # Below the point, clear of its arrow (both arrows leave upward or sideways).
            where.next_to(plane_point(plane, p), DOWN, buff=0.2)
            where.add_background_rectangle(color=theme.BACKGROUND, opacity=1, buff=0.04)
            dots.add(VGroup(Dot(plane_point(plane, p), color=theme.HIGHLIGHT_COLOR), where))
            arrows.add(Arrow(plane_point(plane, p), plane_point(plane, tip), buff=0,
                             color=theme.GRADIENT_COLOR, stroke_width=5))

        p1, p2 = m.EVALUATED_POINTS
        g1, g2 = (m.gradient_at(p) for p in m.EVALUATED_POINTS)
        with self.voiceover(beat="evaluate", text=say(
            "Each point has its own gradient: at {@p1}{p1:frac} it is the vector {@g1}{g1:frac}, "
            "and at {@p2}{p2:frac}, the vector {@g2}{g2:frac}.",
            p1=p1, g1=g1, p2=p2, g2=g2,
        ), hold=0.5) as tracker:
            # The stage is cleared and the plane drawn while "Each point has its own
            # gradient" is said; each point comes as it is said, its arrow as its gradient is.
            self.play(FadeOut(surface), FadeOut(partials), run_time=0.6)
            self.play(gradient.animate.to_edge(LEFT, buff=0.8).set_y(1.75),
                      Create(plane), run_time=tracker.until("p1"))
            column.next_to(gradient, DOWN, buff=0.55).align_to(gradient, LEFT)
            for line, dot, arrow, (at, vector) in zip(column, dots, arrows,
                                                      (("p1", "g1"), ("p2", "g2")), strict=True):
                tracker.wait_until(at)
                self.play(Write(line), FadeIn(dot, scale=2), run_time=tracker.until(vector))
                self.play(GrowArrow(arrow), run_time=0.8)

        loss = formula(m.LOSS_GRADIENT_LATEX, theme.LABEL_SIZE, theme.GRADIENT_COLOR)
        loss.next_to(column, DOWN, buff=0.6).align_to(gradient, LEFT)
        note = prose("an entry for every weight", theme.SMALL_SIZE, theme.MUTED_TEXT_COLOR)
        note.next_to(loss, DOWN, buff=0.25).align_to(loss, LEFT)

        with self.voiceover(beat="many", text=(
            "A network's {@loss}loss works the same way: its gradient has {@entry}an entry for "
            "every weight, however many weights there are."
        )) as tracker:
            tracker.wait_until("loss")
            self.play(Write(loss), run_time=tracker.until("entry"))
            self.play(FadeIn(note, shift=UP * 0.2), run_time=1.0)

        self.ask(
            beat="quiz-gradient",
            prompt=say("Your turn. For {surface}, what is the gradient at the point {p}?",
                       surface=m.SURFACE_EQUATION, p=m.GRADIENT_QUIZ_POINT),
            choices=[
                Choice(m.GRADIENT_QUIZ_SWAPPED, mistake="the two partials in the wrong order"),
                Choice(m.GRADIENT_QUIZ_POINT, mistake="the point itself, not the slopes there"),
                Choice(m.GRADIENT_QUIZ_ANSWER),
                Choice(m.GRADIENT_QUIZ_HEIGHT, mistake="the height f there, a number, not a "
                       "vector of slopes"),
            ],
            answer=m.GRADIENT_QUIZ_ANSWER,
            explain=say("The gradient stacks the partials {fx} and {fy}; at {p} they are "
                        "{gx} and {gy}, so the gradient is {g}.",
                        fx=m.PARTIAL_X, fy=m.PARTIAL_Y, p=m.GRADIENT_QUIZ_POINT,
                        gx=m.GRADIENT_QUIZ_ANSWER[0], gy=m.GRADIENT_QUIZ_ANSWER[1],
                        g=m.GRADIENT_QUIZ_ANSWER),
        )
