"""The lesson's frame: title and objectives, a revision table, and a look ahead to the gradient."""

from __future__ import annotations

from manim import *

from lessonreel import LessonScene, say, theme
from scenes.common.cards import centre_below, close_with_end_card, revision_table
from scenes.common.layout import formula, scene_title
from scenes.common.objectives import Objective, TitleAndObjectives
from scenes.module02_derivatives import LESSON
from scenes.module02_derivatives import math as m
from scenes.module03_gradient import LESSON as NEXT_LESSON

KEY = theme.HIGHLIGHT_COLOR

#: The notes' four aims, paraphrased: on screen, the phrase in colour, and what is said.
OBJECTIVES: tuple[Objective, ...] = (
    Objective("aim-sensitivity", "Read a derivative as sensitivity to change",
              "sensitivity",
              "First, you will read a derivative as sensitivity: a number that says how "
              "quickly an output changes when its input moves."),
    Objective("aim-learning", "Explain why learning depends on derivatives", "learning",
              "Second, you will see why a network cannot learn without them, because they "
              "tell us which way to adjust each weight."),
    Objective("aim-partial", "Tell partial derivatives from ordinary ones",
              "partial derivatives",
              "Third, you will tell an ordinary derivative apart from a partial derivative."),
    Objective("aim-many", "Interpret partial derivatives in networks with many variables",
              "many variables",
              "And fourth, you will learn what partial derivatives mean when a network's "
              "output depends on many variables at once."),
)

#: (beat, concept, meaning, narration) for the revision table, one row per beat.
SUMMARY: tuple[tuple[str, str, str, str], ...] = (
    ("row-derivative", "Derivative", "How quickly the output reacts when one input moves",
     "A {@concept}derivative measures sensitivity. It tells you {@meaning}how quickly the "
     "output reacts when you nudge a single input: the slope of the tangent at that point."),
    ("row-multivariable", "Multivariable systems",
     "Need a partial derivative for every variable",
     "Real systems have {@concept}many variables, so we {@meaning}need a partial derivative "
     "for each one, found by moving that variable alone while the others stay frozen."),
    ("row-learning", "Learning in neural networks",
     "Guided by how sensitive the output is to each weight and bias",
     "And that is what drives {@concept}learning. A network improves by adjusting its "
     "weights and biases, {@meaning}guided by how sensitive its output is to every one of "
     "them."),
)
SUMMARY_KEYS = {"one input": KEY, "partial derivative": KEY, "weight and bias": KEY}


class LessonTitle(TitleAndObjectives):
    """The Module 2 title card, then the four learning objectives appear one at a time."""

    course = LESSON.course
    module_label = f"Module {LESSON.module}"
    title = LESSON.title
    welcome = say("Welcome back to {course}. Module {number} is about {topic}, the "
                  "mathematics that lets a network learn.",
                  course=LESSON.course, number=LESSON.module, topic=LESSON.title.lower())
    objectives = OBJECTIVES
    key_color = KEY


class QuickRevision(LessonScene):
    """A concept-and-meaning table that summarises the lesson, filled in one row at a time."""

    def construct(self) -> None:
        title = scene_title("Quick revision")
        table = revision_table(("Concept", "Meaning"), [row[1:3] for row in SUMMARY],
                               SUMMARY_KEYS)
        centre_below(table, title)
        header, rows = table[0], table[1:]

        with self.voiceover(beat="revision", text=(
            "Before moving on, let's gather the lesson into one small {@table}table: each "
            "{@idea}idea on the left, and what it {@means}means on the right."
        )) as tracker:
            self.play(Write(title), run_time=tracker.until("table"))
            self.play(Create(header[2]), run_time=tracker.until("idea"))
            self.play(FadeIn(header[0]), run_time=tracker.until("means"))
            self.play(FadeIn(header[1]), run_time=1.0)

        for (beat, _, _, speech), row in zip(SUMMARY, rows, strict=True):
            concept, meaning, rule = row
            with self.voiceover(beat=beat, text=speech) as tracker:
                # Each cell as the words it sums up are said.
                tracker.wait_until("concept")
                self.play(FadeIn(concept, shift=RIGHT * 0.2), run_time=tracker.until("meaning"))
                self.play(FadeIn(meaning, shift=RIGHT * 0.2), Create(rule), run_time=1.2)


class NextUpGradient(LessonScene):
    """2x and 2y stack into ∇f, drawn at (1, 1) as (2, 2) across contours; then the end card."""

    def construct(self) -> None:
        title = scene_title("Coming up: the gradient")
        plane = NumberPlane(
            x_range=[-3.5, 3.5, 1], y_range=[-3.5, 3.5, 1], x_length=6.0, y_length=6.0,
            background_line_style={"stroke_color": theme.GRID_COLOR, "stroke_width": 1},
            axis_config={"color": theme.AXIS_COLOR},
        ).move_to([-3.25, -0.4, 0])
        # Numbered so the arrow's (2, 2) can be read off, from (1, 1) to (3, 3); each
        # number on a patch of background, as the rings run through some of them.
        for axis in (plane.x_axis, plane.y_axis):
            axis.add_numbers([1, 2, 3], font_size=theme.SMALL_SIZE, color=theme.AXIS_COLOR)
            for number in axis.numbers:
                number.add_background_rectangle(color=theme.BACKGROUND, opacity=1, buff=0.04)
        unit = plane.x_axis.get_unit_size()
        # Contours of f are circles about the origin: f is the same all round each one.
        rings = VGroup(*(Circle(radius=float(r) * unit, color=theme.OUTPUT_COLOR,
                                stroke_width=2, stroke_opacity=0.8).move_to(plane.c2p(0, 0))
                         for r in m.GRADIENT_CONTOUR_RADII))
        surface = formula(m.SURFACE_LATEX, theme.BODY_SIZE, theme.OUTPUT_COLOR)
        partials = VGroup(formula(m.PARTIAL_X_LATEX), formula(m.PARTIAL_Y_LATEX))
        partials.arrange(RIGHT, buff=0.7)
        panel_x = 3.75
        surface.move_to([panel_x, 2.35, 0])
        partials.move_to([panel_x, 1.05, 0])

        with self.voiceover(beat="partials", text=say(
            "One last look ahead. For {@f}{f}, the partial derivatives are {@fx}{fx} and {fy}.",
            f=m.SURFACE_EQUATION, fx=m.PARTIAL_X, fy=m.PARTIAL_Y,
        )) as tracker:
            self.play(Write(title), Create(plane), run_time=tracker.until("f"))
            self.play(Create(rings), Write(surface), run_time=tracker.until("fx"))
            self.play(Write(partials), run_time=max(1.5, tracker.remaining()))

        gradient = formula(m.GRADIENT_LATEX, theme.BODY_SIZE, theme.TANGENT_COLOR)
        gradient.move_to([panel_x, -0.45, 0])

        with self.voiceover(beat="collect", text=(
            "Stack them into a single vector and you have the {@gradient}gradient, written "
            "with an upside-down triangle called {@nabla}nabla."
        )) as tracker:
            # The partials stack into the gradient from "Stack" to "gradient"; its ∇ is
            # pointed at as "nabla" is said.
            self.play(TransformFromCopy(partials, gradient), run_time=tracker.until("gradient"))
            tracker.wait_until("nabla")
            self.play(Indicate(gradient[0][0], color=theme.HIGHLIGHT_COLOR), run_time=1.0)

        px, py = float(m.GRADIENT_POINT[m.x]), float(m.GRADIENT_POINT[m.y])
        gx, gy = (float(v) for v in m.GRADIENT_AT_POINT)
        point = Dot(plane.c2p(px, py), color=theme.HIGHLIGHT_COLOR)
        arrow = Arrow(plane.c2p(px, py), plane.c2p(px + gx, py + gy), buff=0,
                      color=theme.TANGENT_COLOR, stroke_width=6)
        value = formula(m.GRADIENT_AT_POINT_LATEX, theme.BODY_SIZE, theme.TANGENT_COLOR)
        value.move_to([panel_x, -2.35, 0])
        where = formula(rf"({m.latex(m.GRADIENT_POINT[m.x])}, {m.latex(m.GRADIENT_POINT[m.y])})",
                        theme.LABEL_SIZE, theme.HIGHLIGHT_COLOR)
        where.next_to(point, DOWN + RIGHT, buff=0.12)
        # A contour ring runs through the point; the label sits on a patch of background.
        where.add_background_rectangle(color=theme.BACKGROUND, opacity=1, buff=0.05)
        ray = DashedLine(plane.c2p(0, 0), plane.c2p(px, py), color=theme.MUTED_TEXT_COLOR)

        with self.voiceover(beat="evaluate", text=say(
            "At the point {@point}{point}, the gradient is the vector {@value}{value}. "
            "{@drawn}Drawn from that point, it {@aims}aims straight away from the origin, "
            "crossing the circles where f stays constant.",
            point=(m.GRADIENT_POINT[m.x], m.GRADIENT_POINT[m.y]), value=m.GRADIENT_AT_POINT,
        ), hold=1.0) as tracker:
            tracker.wait_until("point")
            self.play(FadeIn(point, scale=2), FadeIn(where), run_time=tracker.until("value"))
            self.play(TransformFromCopy(gradient, value), run_time=tracker.until("drawn"))
            self.play(GrowArrow(arrow), run_time=tracker.until("aims"))
            self.play(Create(ray), run_time=1.2)

        with self.voiceover(beat="steepest", text=(
            "That is no accident: the gradient always {@points}points the way f climbs fastest."
        )) as tracker:
            tracker.wait_until("points")
            self.play(Indicate(arrow, color=theme.HIGHLIGHT_COLOR, scale_factor=1.1),
                      run_time=max(1.0, tracker.remaining()))

        close_with_end_card(self, LESSON.course, NEXT_LESSON.title, (
            "Collecting every partial derivative into that one vector is where we pick up "
            "next time. See you in the next lesson."
        ))
