"""Sensitivity of a straight line: nudge x, watch y, divide the changes."""

from __future__ import annotations

import sympy as sp
from manim import *

from lessonreel import Choice, LessonScene, say, theme
from scenes.common.layout import formula, prose, readout, scene_title, themed_axes
from scenes.module02_derivatives import math as m

NUDGE = m.SENSITIVITY
d = m.decimal_string


def line_value(x_value: float) -> float:
    return float(m.LINE.subs(m.x, x_value))


def as_shown(value: float) -> float:
    """``value`` rounded as the x readout shows it."""
    return round(value, NUDGE.x_places)


def magnified_window(axes: Axes, width: float, height: float) -> Axes:
    """Axes around the nudge at :data:`m.ZOOM` times the scale of ``axes`` on both axes.

    The same factor across and up keeps the line's slant in the window as it is outside;
    the window's ranges follow from its size and that factor, never the other way round.
    """
    span_x = width / (axes.x_axis.get_unit_size() * float(m.ZOOM))
    span_y = height / (axes.y_axis.get_unit_size() * float(m.ZOOM))
    # The nudge starts a fifth to a third of the way in, so the run, the rise and its label
    # all fit; the ranges start on a whole tick, so the nudge's ends fall on ticks and can
    # be numbered.
    step_x, step_y = float(NUDGE.dx) / 2, float(NUDGE.dy) / 2
    x_lo = step_x * np.ceil((float(NUDGE.x0) - span_x / 3) / step_x - 1e-9)
    y_lo = step_y * np.ceil((float(NUDGE.y0) - span_y / 3) / step_y - 1e-9)
    window = themed_axes(
        x_range=[x_lo, x_lo + span_x, step_x], y_range=[y_lo, y_lo + span_y, step_y],
        x_length=width, y_length=height, tips=False, numbers=False,
    )
    # Numbered only where the narration reads a value: x from x0 to x1, y from y0 to y1
    # (every tick numbered would crowd the window with five-digit numbers).
    for axis, values in ((window.x_axis, (NUDGE.x0, NUDGE.x1)),
                         (window.y_axis, (NUDGE.y0, NUDGE.y1))):
        axis.add_labels({float(v): formula(d(v), theme.SMALL_SIZE, theme.AXIS_COLOR)
                         for v in values})
    return window


def magnification(axes: Axes, window: Axes) -> sp.Integer:
    """How much ``window`` magnifies ``axes``, measured from their unit sizes, as the
    math layer's exact factor; an error if the two axes were magnified differently or
    the window shows another factor than the one the narration says."""
    across = window.x_axis.get_unit_size() / axes.x_axis.get_unit_size()
    up = window.y_axis.get_unit_size() / axes.y_axis.get_unit_size()
    if abs(across - up) > 1e-6 * across or abs(across - float(m.ZOOM)) > 1e-6 * across:
        raise ValueError(f"the window magnifies {across:g}× across and {up:g}× up; "
                         f"the lesson says {m.ZOOM}× on both")
    return m.ZOOM


class SensitivityOfFiveX(LessonScene):
    """The line y = 5x: x moves from 2 to 2.001, y from 10 to 10.005, and Δy/Δx = 5."""

    def construct(self) -> None:
        title = scene_title("How sensitive is y to x?")
        (x_lo, x_hi), (y_lo, y_hi) = (map(float, r) for r in (m.LINE_X_RANGE, m.LINE_Y_RANGE))
        axes = themed_axes(
            x_range=[x_lo, x_hi, 1], y_range=[y_lo, y_hi, 5], x_length=5.2, y_length=4.2,
        ).move_to([-3.55, 0.2, 0])
        graph = axes.plot(lambda v: line_value(v), x_range=[x_lo, x_hi], color=theme.CURVE_COLOR)
        graph_label = formula(m.LINE_LATEX, theme.LABEL_SIZE).next_to(
            axes.c2p(1.1, 12), LEFT, buff=0.1)
        point = Dot(axes.c2p(float(NUDGE.x0), float(NUDGE.y0)), color=theme.HIGHLIGHT_COLOR)

        with self.voiceover(beat="line", text=say(
            "Begin with the plainest rule there is, a {@line}straight line: {@rule}{line}. "
            "Feed it the input {@x0}{x0}, and out comes {@y0}{y0}.",
            line=m.LINE_EQUATION, x0=NUDGE.x0, y0=NUDGE.y0,
        )) as tracker:
            self.play(Write(title), Create(axes), run_time=tracker.until("line"))
            self.play(Create(graph), run_time=tracker.until("rule"))
            self.play(FadeIn(graph_label), run_time=1.0)
            tracker.wait_until("x0")
            # The point appears as its input is said and is in place when its output is.
            self.play(FadeIn(point, scale=2), run_time=tracker.until("y0"))

        zoom = magnified_window(axes, width=4.6, height=3.4).move_to([3.25, 0.45, 0])
        frame = SurroundingRectangle(zoom, color=theme.MUTED_TEXT_COLOR, buff=0.15)
        zoom_note = prose(f"magnified {d(magnification(axes, zoom))}×", theme.SMALL_SIZE,
                          theme.MUTED_TEXT_COLOR)
        zoom_note.next_to(frame, UP, buff=0.1)
        lens = Square(0.3, color=theme.MUTED_TEXT_COLOR).move_to(point)
        # Clip the line to the window: it leaves through the top long before the right edge.
        visible_x = [max(zoom.x_range[0], zoom.y_range[0] / float(m.LINE_SLOPE)),
                     min(zoom.x_range[1], zoom.y_range[1] / float(m.LINE_SLOPE))]
        zoom_line = zoom.plot(line_value, color=theme.CURVE_COLOR, x_range=visible_x)

        with self.voiceover(beat="zoom", text=say(
            "Now we give x a tiny nudge. At this scale the change would be invisible, "
            "so we {@look}look through a window that {@blow}blows up the area around the "
            "point {@zoom}{zoom} times, {@alike}across and up alike.",
            zoom=m.ZOOM,
        )) as tracker:
            tracker.wait_until("look")
            self.play(Create(lens), run_time=tracker.until("blow"))
            self.play(TransformFromCopy(lens, frame), FadeIn(zoom), run_time=tracker.until("zoom"))
            self.play(FadeIn(zoom_note), run_time=tracker.until("alike"))
            self.play(Create(zoom_line), run_time=1.5)

        x_tracker = ValueTracker(float(NUDGE.x0))
        start = Dot(zoom.c2p(float(NUDGE.x0), float(NUDGE.y0)), color=theme.HIGHLIGHT_COLOR)
        mover = always_redraw(lambda: Dot(
            zoom.c2p(x_tracker.get_value(), line_value(x_tracker.get_value())),
            color=theme.HIGHLIGHT_COLOR))
        x_read = readout("x", float(NUDGE.x0), NUDGE.x_places, theme.INPUT_COLOR)
        y_read = readout("y", float(NUDGE.y0), NUDGE.y_places, theme.OUTPUT_COLOR)
        readouts = VGroup(x_read, y_read).arrange(RIGHT, buff=0.8).next_to(frame, DOWN, buff=0.2)

        corner = zoom.c2p(float(NUDGE.x1), float(NUDGE.y0))
        run = Line(start.get_center(), corner, color=theme.INPUT_COLOR, stroke_width=6)
        rise = Line(corner, zoom.c2p(float(NUDGE.x1), float(NUDGE.y1)),
                    color=theme.OUTPUT_COLOR, stroke_width=6)
        run_label = formula(rf"\Delta x = {d(NUDGE.dx)}", theme.LABEL_SIZE, theme.INPUT_COLOR)
        run_label.next_to(run, DOWN, buff=0.12)
        rise_label = formula(rf"\Delta y = {d(NUDGE.dy)}", theme.LABEL_SIZE, theme.OUTPUT_COLOR)
        rise_label.next_to(rise, RIGHT, buff=0.12)

        with self.voiceover(beat="nudge", text=say(
            "Watch x {@slide}slide from {x0} to {@x1}{x1}. "
            "In that same moment, y {@rise}rises from {y0} to {@y1}{y1}.",
            x0=NUDGE.x0, x1=NUDGE.x1, y0=NUDGE.y0, y1=NUDGE.y1,
        )) as tracker:
            self.play(FadeIn(start), FadeIn(readouts), run_time=tracker.until("slide"))
            self.add(mover)
            x_read[1].add_updater(lambda n: n.set_value(x_tracker.get_value()))
            # y of the x the viewer reads, so the two readouts never disagree: 2.000 beside
            # 10.002 would say 5 · 2 is not 10.
            self.live_readouts = {"x": x_read[1], "y": y_read[1]}
            y_read[1].add_updater(
                lambda n: n.set_value(line_value(as_shown(x_tracker.get_value()))))
            # x slides as "slide" is said and reaches x1 as x1 is said.
            self.play(x_tracker.animate.set_value(float(NUDGE.x1)), run_time=tracker.until("x1"))
            self.play(Create(run), Write(run_label), run_time=1.0)
            tracker.wait_until("rise")
            self.play(Create(rise), Write(rise_label), run_time=tracker.until("y1"))
        # The nudge is over: without updaters the readouts no longer count as moving, so Manim
        # can draw them once per animation instead of every frame.
        for number in (x_read[1], y_read[1], mover):
            number.clear_updaters()

        ratio = formula(NUDGE.ratio_latex(), theme.BODY_SIZE).to_edge(DOWN, buff=0.6)
        # The formula itself goes on screen, not its glyphs: the layout and legibility
        # checks, and the probes of what a learner sees, find text by its formula.
        result = ratio[0][-1]

        with self.voiceover(beat="ratio", text=say(
            "Now set the changes side by side. {@dy}The change in y, {dy:places}, "
            "divided by the change in x, {dx:places}, is exactly {@ratio}{ratio}.",
            dy=NUDGE.dy, dx=NUDGE.dx, ratio=NUDGE.ratio,
        ), hold=1.5) as tracker:
            tracker.wait_until("dy")
            self.play(Write(ratio), run_time=tracker.until("ratio"))
            self.play(Indicate(result, color=theme.HIGHLIGHT_COLOR), run_time=1.2)

        takeaway = prose(
            f"y moves {d(NUDGE.ratio)} times as far as x.", theme.BODY_SIZE,
            theme.HIGHLIGHT_COLOR,
        ).move_to(ratio)

        with self.voiceover(beat="meaning", text=say(
            "So y is {ratio} times as {@sensitive}sensitive as x: whatever step x takes, y "
            "takes a step "
            "{ratio} times as long. On a line that ratio never changes, and measuring this "
            "kind of sensitivity is the whole job of a derivative.",
            ratio=NUDGE.ratio,
        )) as tracker:
            self.play(FadeOut(ratio, shift=DOWN * 0.3), FadeIn(takeaway, shift=UP * 0.3),
                      run_time=tracker.until("sensitive"))

        quiz = m.NUDGE_QUIZ
        self.ask(
            beat="quiz-step",
            prompt=say("Your turn. On the same line, x now moves from {x0} to {x1}. How far "
                       "does y move?", x0=quiz.x0, x1=quiz.x1),
            choices=[
                Choice(m.NUDGE_QUIZ_NEW_VALUE, mistake="the new value of y, not how far it moved"),
                Choice(m.NUDGE_QUIZ_ANSWER, style="places"),
                Choice(m.NUDGE_QUIZ_X_CHANGE, style="places", mistake="how far x moved, not y"),
                Choice(m.NUDGE_QUIZ_DIVIDED, style="places",
                       mistake="the step divided by the slope instead of multiplied"),
            ],
            answer=m.NUDGE_QUIZ_ANSWER,
            explain=say("On this line y always moves {k} times as far as x, so it moves {k} "
                        "times {dx:places}, which is {dy:places}.",
                        k=m.LINE_SLOPE, dx=quiz.dx, dy=quiz.dy),
        )
