"""Sensitivity of a straight line: nudge x, watch y, divide the changes."""

from __future__ import annotations

from manim import *

from lessonreel import theme
from lessonreel.narration import NarrationMixin
from scenes.common.layout import formula, prose, readout, scene_title, themed_axes
from scenes.module02_derivatives import math as m

NUDGE = m.SENSITIVITY
d = m.decimal_string


def line_value(x_value: float) -> float:
    return float(m.LINE.subs(m.x, x_value))


class SensitivityOfFiveX(NarrationMixin, Scene):
    """The line y = 5x: x moves from 2 to 2.001, y from 10 to 10.005, and Δy/Δx = 5."""

    def construct(self) -> None:
        self.camera.background_color = theme.BACKGROUND
        title = scene_title("How sensitive is y to x?")
        axes = themed_axes(
            x_range=[0, 3, 1], y_range=[0, 15, 5], x_length=5.2, y_length=4.2,
        ).move_to([-3.55, 0.2, 0])
        graph = axes.plot(lambda v: line_value(v), x_range=[0, 3], color=theme.CURVE_COLOR)
        graph_label = formula(m.LINE_LATEX, theme.LABEL_SIZE).next_to(
            axes.c2p(1.1, 12), LEFT, buff=0.1)
        point = Dot(axes.c2p(float(NUDGE.x0), float(NUDGE.y0)), color=theme.HIGHLIGHT_COLOR)

        with self.voiceover(beat="line", text=(
            "Start with the simplest rule there is: a straight line, y equals five x. "
            "Pick the input x equals two, and the output is ten."
        )) as tracker:
            self.play(Write(title), Create(axes), run_time=tracker.duration * 0.4)
            self.play(Create(graph), FadeIn(graph_label), run_time=tracker.duration * 0.3)
            self.play(FadeIn(point, scale=2), run_time=tracker.duration * 0.2)

        # A window a thousand times closer around (2, 10), so a change of 0.001 is visible.
        zoom = themed_axes(
            x_range=[float(NUDGE.x0) - 0.0003, float(NUDGE.x1) + 0.0009, 0.0005],
            y_range=[float(NUDGE.y0) - 0.0012, float(NUDGE.y1) + 0.0012, 0.0025],
            x_length=5.0, y_length=3.4, tips=False, numbers=False,
        ).move_to([3.35, 0.45, 0])
        frame = SurroundingRectangle(zoom, color=theme.MUTED_TEXT_COLOR, buff=0.15)
        zoom_note = prose("zoomed in 1000×", theme.SMALL_SIZE, theme.MUTED_TEXT_COLOR)
        zoom_note.next_to(frame, UP, buff=0.1)
        lens = Square(0.3, color=theme.MUTED_TEXT_COLOR).move_to(point)
        # Clip the line to the window: it leaves through the top long before the right edge.
        visible_x = [max(zoom.x_range[0], zoom.y_range[0] / float(m.LINE_SLOPE)),
                     min(zoom.x_range[1], zoom.y_range[1] / float(m.LINE_SLOPE))]
        zoom_line = zoom.plot(line_value, color=theme.CURVE_COLOR, x_range=visible_x)

        with self.voiceover(beat="zoom", text=(
            "Now we nudge x by a tiny amount. The change is far too small to see at this "
            "scale, so let's look through a window that magnifies the neighbourhood of "
            "that point a thousand times."
        )) as tracker:
            self.play(Create(lens), run_time=tracker.duration * 0.25)
            self.play(TransformFromCopy(lens, frame), FadeIn(zoom), FadeIn(zoom_note),
                      run_time=tracker.duration * 0.35)
            self.play(Create(zoom_line), run_time=tracker.duration * 0.3)

        x_tracker = ValueTracker(float(NUDGE.x0))
        start = Dot(zoom.c2p(float(NUDGE.x0), float(NUDGE.y0)), color=theme.HIGHLIGHT_COLOR)
        mover = always_redraw(lambda: Dot(
            zoom.c2p(x_tracker.get_value(), line_value(x_tracker.get_value())),
            color=theme.HIGHLIGHT_COLOR))
        x_read = readout("x", float(NUDGE.x0), 3, theme.INPUT_COLOR)
        y_read = readout("y", float(NUDGE.y0), 3, theme.OUTPUT_COLOR)
        readouts = VGroup(x_read, y_read).arrange(RIGHT, buff=0.8).next_to(frame, DOWN, buff=0.2)

        corner = zoom.c2p(float(NUDGE.x1), float(NUDGE.y0))
        run = Line(start.get_center(), corner, color=theme.INPUT_COLOR, stroke_width=6)
        rise = Line(corner, zoom.c2p(float(NUDGE.x1), float(NUDGE.y1)),
                    color=theme.OUTPUT_COLOR, stroke_width=6)
        run_label = formula(rf"\Delta x = {d(NUDGE.dx)}", theme.LABEL_SIZE, theme.INPUT_COLOR)
        run_label.next_to(run, DOWN, buff=0.12)
        rise_label = formula(rf"\Delta y = {d(NUDGE.dy)}", theme.LABEL_SIZE, theme.OUTPUT_COLOR)
        rise_label.next_to(rise, RIGHT, buff=0.12)

        with self.voiceover(beat="nudge", text=(
            "Watch x slide from two to two point zero zero one. "
            "Over the same moment, y climbs from ten to ten point zero zero five."
        )) as tracker:
            self.play(FadeIn(start), FadeIn(readouts), run_time=tracker.duration * 0.15)
            self.add(mover)
            x_read[1].add_updater(lambda n: n.set_value(x_tracker.get_value()))
            y_read[1].add_updater(lambda n: n.set_value(line_value(x_tracker.get_value())))
            self.play(x_tracker.animate.set_value(float(NUDGE.x1)),
                      run_time=tracker.duration * 0.45)
            self.play(Create(run), Write(run_label), run_time=tracker.duration * 0.15)
            self.play(Create(rise), Write(rise_label), run_time=tracker.duration * 0.15)
        # The nudge is over: without updaters the readouts no longer count as moving, so Manim
        # can draw them once per animation instead of every frame.
        for number in (x_read[1], y_read[1], mover):
            number.clear_updaters()

        ratio = formula(NUDGE.ratio_latex(), theme.BODY_SIZE).to_edge(DOWN, buff=0.6)
        parts = ratio[0]

        with self.voiceover(beat="ratio", text=(
            "Now compare the two changes. Divide the change in y, five thousandths, by the "
            "change in x, one thousandth, and the answer is exactly five."
        )) as tracker:
            self.play(Write(parts), run_time=tracker.duration * 0.7)
            self.play(Indicate(parts[-1], color=theme.HIGHLIGHT_COLOR),
                      run_time=tracker.duration * 0.2)

        takeaway = prose(
            f"Change x by 1 and y changes by {d(NUDGE.ratio)}.", theme.BODY_SIZE,
            theme.HIGHLIGHT_COLOR,
        ).move_to(ratio)

        with self.voiceover(beat="meaning", text=(
            "So the output is five times as sensitive as the input: move x one whole unit "
            "and y moves five. A line has the same ratio everywhere, and measuring that kind "
            "of sensitivity is exactly the job of a derivative."
        )) as tracker:
            self.play(FadeOut(ratio, shift=DOWN * 0.3), FadeIn(takeaway, shift=UP * 0.3),
                      run_time=tracker.duration * 0.3)
