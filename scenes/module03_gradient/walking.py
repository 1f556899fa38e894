"""Following the gradient uphill and stepping against it downhill, with the values read out."""

from __future__ import annotations

from manim import *

from lessonreel import BeatTracker, Choice, LessonScene, say, text_block, theme
from scenes.common.layout import formula, plane_point, scene_title
from scenes.module03_gradient import math as m
from scenes.module03_gradient.contour_map import axis_labels, contour_map

#: The learning rates tried beside the chosen one, too large and too small, and their steps:
#: the colour of a finite step, not of a position (the walker) or of the gradient.
OVERSHOOT_COLOR = CRAWL_COLOR = theme.STEP_COLOR
#: How far each overshooting leap bows off the straight line, in radians.
LEAP_ARC = -0.6
#: Seconds a step's arrow takes to grow before the point follows it.
ARROW_TIME = 0.5
#: What each readout shows, and in which colour: where the walker is, f there, ∇f there.
READOUTS = (
    (m.WalkStep.point_latex, theme.POSITION_COLOR),
    (m.WalkStep.value_latex, theme.OUTPUT_COLOR),
    (m.WalkStep.gradient_latex, theme.GRADIENT_COLOR),
)


def readouts_for(step: m.WalkStep) -> list[MathTex]:
    return [formula(text(step), theme.LABEL_SIZE, color) for text, color in READOUTS]


class WalkUphillAndDownhill(LessonScene):
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
             tracker: BeatTracker, arrivals: tuple[str, ...]) -> None:
        """Step the dot from each point of ``walk`` to the next, one arrow η∇f at a time.

        Each step's arrow grows, then the dot follows it and the readouts change, landing
        on the word after its mark in ``arrivals`` (one mark a step).
        """
        steps = list(zip(walk, walk[1:], strict=False))
        if len(arrivals) != len(steps):
            raise ValueError(f"{len(steps)} steps need {len(steps)} marks, not {arrivals}")
        for (here, there), arrival in zip(steps, arrivals, strict=True):
            start, end = plane_point(self.plane, here.point), plane_point(self.plane, there.point)
            step = Arrow(start, end, buff=0, color=theme.GRADIENT_COLOR, stroke_width=5,
                         max_tip_length_to_length_ratio=0.3)
            trail.add(step, Dot(start, radius=0.05, color=theme.HIGHLIGHT_COLOR))
            self.add(trail[-1])
            self.play(GrowArrow(step), run_time=ARROW_TIME)
            self.play(dot.animate.move_to(end), *self.show(readouts, there),
                      run_time=tracker.until(arrival))

    def construct(self) -> None:
        title = scene_title("Walking with the gradient")
        self.plane, rings = contour_map((-0.5, 2.5), (-0.5, 1.5), width=6.2, center=(-3.25, -0.6),
                                       step=0.5)
        ticks = axis_labels(self.plane, (1, 2), (1,))
        start = m.UPHILL[0]
        dot = Dot(plane_point(self.plane, start.point), radius=0.1, color=theme.HIGHLIGHT_COLOR)
        readouts = readouts_for(start)
        column = VGroup(*readouts).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
        column.move_to([3.3, -1.1, 0])
        rule = formula(m.UPHILL_RULE_LATEX, theme.LABEL_SIZE, theme.GRADIENT_COLOR)
        rate = formula(m.WALK_STEP_LATEX, theme.LABEL_SIZE)
        VGroup(rule, rate).arrange(DOWN, buff=0.3).move_to([3.35, 1.35, 0])
        column.set_x(rule.get_x())

        surface = formula(m.SURFACE_LATEX, theme.LABEL_SIZE, theme.FUNCTION_COLOR)
        surface.move_to([3.35, 2.45, 0])

        with self.voiceover(beat="start", text=say(
            "Back on the round bowl, {@bowl}{f}, where every step is easy to follow: put a "
            "point at {@p}{p}, where f is {@f}{f0}. {@each}Each step moves it by the learning "
            "rate {eta}, here {@step}{step:frac}, times the {@gradient}gradient it finds there.",
            f=m.SURFACE_EQUATION, p=start.point, f0=start.value, eta=m.eta, step=m.WALK_STEP,
        )) as tracker:
            # The round map is drawn while it is announced, its formula as it is said; the
            # point and each of its readouts come as they are said, the rule (with η) from
            # "Each step" to the rate's value, which comes as it is said, and the gradient's
            # readout on "gradient".
            self.play(Write(title), Create(self.plane), Create(rings), FadeIn(ticks),
                      run_time=tracker.until("bowl"))
            self.play(Write(surface), run_time=tracker.until("p"))
            self.play(FadeIn(dot, scale=2), FadeIn(column[0]), run_time=1.0)
            tracker.wait_until("f")
            self.play(FadeIn(column[1]), run_time=1.0)
            tracker.wait_until("each")
            self.play(Write(rule), run_time=tracker.until("step"))
            self.play(FadeIn(rate), run_time=tracker.until("gradient"))
            self.play(FadeIn(column[2]), run_time=1.0)

        trail = VGroup()
        with self.voiceover(beat="uphill", text=say(
            "Step with the gradient and the point {@climbs}climbs: in {n} steps, f rises from "
            "{f0} to {@f1}{f1}.",
            n=m.UPHILL_STEPS, f0=m.UPHILL[0].value, f1=m.UPHILL[-1].value,
        )) as tracker:
            # The first step is taken as the beat opens and lands on "climbs"; the second
            # lands as f's new value is said.
            self.walk(m.UPHILL, dot, readouts, trail, tracker, ("climbs", "f1"))

        downhill = formula(m.DOWNHILL_RULE_LATEX, theme.LABEL_SIZE, theme.GRADIENT_COLOR)
        downhill.move_to(rule)
        _, f1, f2, f3 = (s.value for s in m.DOWNHILL)
        with self.voiceover(beat="downhill", text=say(
            "Start again, {@against}stepping against the gradient. {@each}Each step goes "
            "{stride:frac} of the way to the centre, and f falls to {@f1}{f1}, then {@f2}{f2}, "
            "then {@f3}{f3}.",
            stride=m.DOWNHILL_STRIDE, f1=f1, f2=f2, f3=f3,
        )) as tracker:
            # Back to the start on "Start again", the rule turned round on "against"; each
            # step lands as the value of f it reaches is said.
            self.play(FadeOut(trail), dot.animate.move_to(plane_point(self.plane, start.point)),
                      *self.show(readouts, start), run_time=tracker.until("against"))
            self.play(Transform(rule, downhill), run_time=1.0)
            trail = VGroup()
            tracker.wait_until("each")
            self.walk(m.DOWNHILL, dot, readouts, trail, tracker, ("f1", "f2", "f3"))

        # The same start with other learning rates, drawn faint over the walk just taken.
        big = formula(m.OVERSHOOT_RATE_LATEX, theme.LABEL_SIZE, OVERSHOOT_COLOR).move_to(rate)
        small = formula(m.CRAWL_RATE_LATEX, theme.LABEL_SIZE, CRAWL_COLOR).move_to(rate)
        chosen = formula(m.WALK_STEP_LATEX, theme.LABEL_SIZE).move_to(rate)
        # Bowed, each to its own left: the return leap runs back along the first leap's line,
        # and drawn straight it would lie on top of it.
        leaps = VGroup(*(Arrow(plane_point(self.plane, a.point), plane_point(self.plane, b.point),
                               buff=0.06, color=OVERSHOOT_COLOR, stroke_width=4,
                               max_tip_length_to_length_ratio=0.15, path_arc=LEAP_ARC)
                         for a, b in zip(m.OVERSHOOT, m.OVERSHOOT[1:], strict=False)))
        landings = VGroup(*(Dot(plane_point(self.plane, s.point), radius=0.06,
                                color=OVERSHOOT_COLOR) for s in m.OVERSHOOT[1:]))
        creeps = VGroup(*(Dot(plane_point(self.plane, s.point), radius=0.05,
                              color=CRAWL_COLOR) for s in m.CRAWL[1:]))

        with self.voiceover(beat="rate", text=say(
            "How big should each step be? That is the job of {@eta}{eta}, the learning rate. "
            "{@raise}Raise it to {big:frac} and {@leaps}the first step leaps right past the "
            "centre to the far side, so {@bounces}the walk bounces back and forth across it; "
            "above {limit}, each leap would land higher than the last. "
            "{@drop}Drop it to {small:frac} and {@covers}each step covers only {crawl:frac} of "
            "the way: the point {@crawls}crawls.",
            eta=m.eta, big=m.OVERSHOOT_RATE, limit=m.DIVERGE_ABOVE, small=m.CRAWL_RATE,
            crawl=m.CRAWL_STRIDE,
        )) as tracker:
            # The walk just taken steps back, so the new walks stand out along its line.
            # The rate is pointed at as it is named and each new rate comes as it is said;
            # the first leap on "leaps", the second on "bounces", and the crawl's steps
            # from "each step covers" to "crawls".
            trail.save_state()
            tracker.wait_until("eta")
            self.play(Indicate(rate, color=theme.HIGHLIGHT_COLOR), run_time=1.2)
            # The readouts belong to the walk at 1/4: they leave with it, so no value of
            # another walk stands beside these.
            tracker.wait_until("raise")
            self.play(FadeTransform(rate, big), trail.animate.set_opacity(0.3),
                      FadeOut(dot), *(FadeOut(r) for r in readouts), run_time=1.0)
            for leap, landing, mark in zip(leaps, landings, ("leaps", "bounces"), strict=True):
                tracker.wait_until(mark)
                # The landing is marked once the leap has arrived there.
                self.play(GrowArrow(leap), run_time=0.9)
                self.play(FadeIn(landing, scale=2), run_time=0.3)
            tracker.wait_until("drop")
            self.play(FadeTransform(big, small), leaps.animate.set_opacity(0.3),
                      landings.animate.set_opacity(0.3), run_time=1.0)
            tracker.wait_until("covers")
            self.play(LaggedStart(*(FadeIn(c, scale=2) for c in creeps), lag_ratio=0.6),
                      run_time=tracker.until("crawls"))

        # Two lines: on one it ran past the title-safe area's right edge, and the plane
        # leaves no room to move it left.
        lesson = text_block("the step a learning system takes", theme.LABEL_SIZE,
                            theme.HIGHLIGHT_COLOR, max_width=5.6, align="center",
                            ).next_to(VGroup(*readouts), DOWN, buff=0.45)
        with self.voiceover(beat="learner", text=(
            "Stepping against the gradient is exactly what {@system}a learning system does "
            "with its error: it nudges its weights downhill, a little at a time."
        )) as tracker:
            # The walk against the gradient comes back, at its own rate, as it is named;
            # the rule is ringed and the note comes on "a learning system".
            self.play(FadeOut(leaps), FadeOut(landings), FadeOut(creeps),
                      FadeTransform(small, chosen), Restore(trail), FadeIn(dot),
                      *(FadeIn(r) for r in readouts), run_time=tracker.until("system"))
            self.play(Circumscribe(rule, color=theme.HIGHLIGHT_COLOR), FadeIn(lesson),
                      run_time=1.5)

        self.ask(
            beat="quiz-step",
            prompt=say("Your turn. At {p}, the gradient of f is {g}. Take one step against "
                       "it with a learning rate of {rate}. Where do you land?",
                       p=m.GRADIENT_QUIZ_POINT, g=m.GRADIENT_QUIZ_ANSWER, rate=m.STEP_QUIZ_RATE),
            choices=[
                Choice(m.STEP_QUIZ_UPHILL, mistake="a step with the gradient: uphill, not down"),
                Choice(m.STEP_QUIZ_ANSWER),
                Choice(m.STEP_QUIZ_NO_RATE, mistake="the whole gradient subtracted, without "
                       "the learning rate"),
                Choice(m.STEP_QUIZ_STEP, mistake="the step itself, not where it lands"),
            ],
            answer=m.STEP_QUIZ_ANSWER,
            explain=say("The step is the rate times the gradient, {step}, taken away from "
                        "{p}: you land at {answer}, further down the bowl.",
                        step=m.STEP_QUIZ_STEP, p=m.GRADIENT_QUIZ_POINT,
                        answer=m.STEP_QUIZ_ANSWER),
        )
