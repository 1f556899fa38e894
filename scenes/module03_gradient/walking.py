"""Following the gradient uphill and stepping against it downhill, with the values read out."""

from __future__ import annotations

from manim import *

from lessonreel import theme
from lessonreel.narration import NarrationMixin
from lessonreel.spoken import say
from scenes.common.cards import text_block
from scenes.common.layout import formula, plane_point, scene_title
from scenes.module03_gradient import math as m
from scenes.module03_gradient.contour_map import contour_map

#: What each readout shows, and in which colour: where the walker is, f there, ∇f there.
READOUTS = (
    (m.WalkStep.point_latex, theme.INPUT_COLOR),
    (m.WalkStep.value_latex, theme.OUTPUT_COLOR),
    (m.WalkStep.gradient_latex, theme.TANGENT_COLOR),
)


def readouts_for(step: m.WalkStep) -> list[MathTex]:
    return [formula(text(step), theme.LABEL_SIZE, color) for text, color in READOUTS]


class WalkUphillAndDownhill(NarrationMixin, Scene):
    """A point steps along +∇f, then −∇f, while (x, y), f and ∇f update at every step."""

    def show(self, readouts: list[MathTex], step: m.WalkStep) -> list[Animation]:
        """Swap each readout for the exact values at ``step``, keeping its left edge.

        A cross-fade, not a Transform: morphing one set of digits into another shows
        unreadable glyph soup halfway through.
        """
        changes: list[Animation] = []
        for i, new in enumerate(readouts_for(step)):
            new.move_to(readouts[i], aligned_edge=LEFT)
            changes += [FadeOut(readouts[i], shift=UP * 0.15), FadeIn(new, shift=UP * 0.15)]
            readouts[i] = new
        return changes

    def walk(self, walk: tuple[m.WalkStep, ...], dot: Dot, readouts: list[MathTex], trail: VGroup,
             run_time: float) -> None:
        """Step the dot from each point of ``walk`` to the next, one arrow η∇f at a time."""
        for here, there in zip(walk, walk[1:], strict=False):
            start, end = plane_point(self.plane, here.point), plane_point(self.plane, there.point)
            step = Arrow(start, end, buff=0, color=theme.TANGENT_COLOR, stroke_width=5,
                         max_tip_length_to_length_ratio=0.3)
            trail.add(step, Dot(start, radius=0.05, color=theme.HIGHLIGHT_COLOR))
            self.add(trail[-1])
            self.play(GrowArrow(step), run_time=run_time * 0.4)
            self.play(dot.animate.move_to(end), *self.show(readouts, there),
                      run_time=run_time * 0.6)

    def construct(self) -> None:
        self.camera.background_color = theme.BACKGROUND
        title = scene_title("Walking with the gradient")
        self.plane, rings = contour_map((-0.5, 2.5), (-0.5, 1.5), width=6.2, center=(-3.45, -0.6),
                                       step=0.5)
        start = m.UPHILL[0]
        dot = Dot(plane_point(self.plane, start.point), radius=0.1, color=theme.HIGHLIGHT_COLOR)
        readouts = readouts_for(start)
        column = VGroup(*readouts).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
        column.move_to([3.3, -1.1, 0])
        rule = formula(m.UPHILL_RULE_LATEX, theme.LABEL_SIZE, theme.TANGENT_COLOR)
        rate = formula(m.WALK_STEP_LATEX, theme.LABEL_SIZE)
        VGroup(rule, rate).arrange(DOWN, buff=0.3).move_to([3.35, 1.75, 0])
        column.set_x(rule.get_x())

        with self.voiceover(beat="start", text=say(
            "Put a point at {p}, where f is {f}. Each step moves it by {step:frac} of the "
            "gradient it finds there.",
            p=start.point, f=start.value, step=m.WALK_STEP,
        )) as tracker:
            self.play(Write(title), Create(self.plane), Create(rings),
                      run_time=tracker.duration * 0.3)
            self.play(FadeIn(dot, scale=2), FadeIn(column, lag_ratio=0.3),
                      run_time=tracker.duration * 0.3)
            self.play(Write(rule), FadeIn(rate), run_time=tracker.duration * 0.3)

        trail = VGroup()
        with self.voiceover(beat="uphill", text=say(
            "Step with the gradient and the point climbs: in {n} steps, f rises from {f0} "
            "to {f1}.",
            n=m.UPHILL_STEPS, f0=m.UPHILL[0].value, f1=m.UPHILL[-1].value,
        )) as tracker:
            self.walk(m.UPHILL, dot, readouts, trail, tracker.duration * 0.9 / (len(m.UPHILL) - 1))

        downhill = formula(m.DOWNHILL_RULE_LATEX, theme.LABEL_SIZE, theme.TANGENT_COLOR)
        downhill.move_to(rule)
        _, f1, f2, f3 = (s.value for s in m.DOWNHILL)
        with self.voiceover(beat="downhill", text=say(
            "Start again, stepping against the gradient. Each step goes {stride:frac} of "
            "the way to the centre, and f falls to {f1}, then {f2}, then {f3}.",
            stride=m.DOWNHILL_STRIDE, f1=f1, f2=f2, f3=f3,
        )) as tracker:
            self.play(FadeOut(trail), dot.animate.move_to(plane_point(self.plane, start.point)),
                      *self.show(readouts, start), Transform(rule, downhill),
                      run_time=tracker.duration * 0.15)
            trail = VGroup()
            self.walk(m.DOWNHILL, dot, readouts, trail,
                      tracker.duration * 0.75 / (len(m.DOWNHILL) - 1))

        # The same start with other learning rates, drawn faint over the walk just taken.
        big = formula(m.OVERSHOOT_RATE_LATEX, theme.LABEL_SIZE, theme.SECANT_COLOR).move_to(rate)
        small = formula(m.CRAWL_RATE_LATEX, theme.LABEL_SIZE, theme.INPUT_COLOR).move_to(rate)
        chosen = formula(m.WALK_STEP_LATEX, theme.LABEL_SIZE).move_to(rate)
        leaps = VGroup(*(Arrow(plane_point(self.plane, a.point), plane_point(self.plane, b.point),
                               buff=0.06, color=theme.SECANT_COLOR, stroke_width=4,
                               max_tip_length_to_length_ratio=0.15)
                         for a, b in zip(m.OVERSHOOT, m.OVERSHOOT[1:], strict=False)))
        landings = VGroup(*(Dot(plane_point(self.plane, s.point), radius=0.06,
                                color=theme.SECANT_COLOR) for s in m.OVERSHOOT[1:]))
        creeps = VGroup(*(Dot(plane_point(self.plane, s.point), radius=0.05,
                              color=theme.INPUT_COLOR) for s in m.CRAWL[1:]))

        with self.voiceover(beat="rate", text=say(
            "How big should each step be? That is the job of {eta}, the learning rate. Raise "
            "it to {big:frac} and the first step leaps right past the centre to the far side, "
            "so the walk bounces back and forth across it; above {limit}, each leap would "
            "land higher than the last. "
            "Drop it to {small:frac} and each step covers only {crawl:frac} of the way: the "
            "point crawls.",
            eta=m.eta, big=m.OVERSHOOT_RATE, limit=m.DIVERGE_ABOVE, small=m.CRAWL_RATE,
            crawl=m.CRAWL_STRIDE,
        )) as tracker:
            # The walk just taken steps back, so the new walks stand out along its line.
            trail.save_state()
            self.play(FadeTransform(rate, big), trail.animate.set_opacity(0.3),
                      run_time=tracker.duration * 0.08)
            for leap, landing in zip(leaps, landings, strict=True):
                self.play(GrowArrow(leap), FadeIn(landing), run_time=tracker.duration * 0.14)
            self.wait(tracker.duration * 0.25)
            self.play(FadeTransform(big, small), leaps.animate.set_opacity(0.3),
                      landings.animate.set_opacity(0.3), run_time=tracker.duration * 0.08)
            self.play(LaggedStart(*(FadeIn(c, scale=2) for c in creeps), lag_ratio=0.6),
                      run_time=tracker.duration * 0.14)
            self.wait(tracker.duration * 0.1)
            self.play(FadeTransform(small, chosen), run_time=tracker.duration * 0.08)
        rate = chosen

        # Two lines: on one it ran past the title-safe area's right edge, and the plane
        # leaves no room to move it left.
        lesson = text_block("the step a learning system takes", theme.LABEL_SIZE,
                            theme.HIGHLIGHT_COLOR, max_width=5.6, align="center",
                            ).next_to(rate, DOWN, buff=0.45)
        with self.voiceover(beat="learner", text=(
            "Stepping against the gradient is exactly what a learning system does with its "
            "error: it nudges its weights downhill, a little at a time."
        )) as tracker:
            self.play(FadeOut(leaps), FadeOut(landings), FadeOut(creeps),
                      Restore(trail),
                      Circumscribe(rule, color=theme.HIGHLIGHT_COLOR), FadeIn(lesson),
                      run_time=tracker.duration * 0.5)
