"""The opening scene every lesson shares: its title card, then its objectives one at a time.

A lesson subclasses :class:`TitleAndObjectives` and sets the class attributes;
the subclass's own one-line docstring is what ``lessonreel list`` shows.

The words can place what appears (see README, "Timing to the words"): the welcome may
mark ``{@course}``, ``{@module}`` and ``{@title}``, and each part of the card comes as its
mark is said; an objective's speech may mark ``{@aim}``, and its point comes on that
word. A part whose mark the text leaves out follows straight on from the one before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from manim import DOWN, RIGHT, UP, FadeIn, FadeOut, GrowFromCenter, Write

from lessonreel import BeatTracker, LessonScene, Narration, theme
from scenes.common.cards import centre_below, numbered_list, title_card
from scenes.common.layout import scene_title

#: Seconds each part of the card takes to appear, and an objective's point.
CARD_PART_TIME, CARD_TITLE_TIME, POINT_TIME = 1.0, 2.0, 1.0
#: Seconds the title card takes to give way to the objectives' heading, unless the first
#: objective marks where its point comes.
HEADING_TIME = 0.8


def on_mark(tracker: BeatTracker, name: str) -> None:
    """Wait for mark ``name`` if the beat's text has it, so the next play starts on it."""
    if name in tracker.marks:
        tracker.wait_until(name)


@dataclass(frozen=True)
class Objective:
    """One learning objective: its beat, its line on screen, the phrase to colour, the speech."""

    beat: str
    text: str
    key: str
    speech: str | Narration


class TitleAndObjectives(LessonScene):
    """Base scene: a title card, then numbered objectives. Subclass it; do not register it."""

    course: ClassVar[str]
    #: The card's accent line, e.g. "Module 3".
    module_label: ClassVar[str]
    title: ClassVar[str]
    #: What the narrator says over the title card.
    welcome: ClassVar[str | Narration]
    objectives: ClassVar[tuple[Objective, ...]]
    heading: ClassVar[str] = "By the end of this lesson you can"
    key_color: ClassVar[str] = theme.HIGHLIGHT_COLOR

    def construct(self) -> None:
        card = title_card(self.course, self.module_label, self.title)
        course, module, title, rule = card

        with self.voiceover(beat="welcome", text=self.welcome) as tracker:
            on_mark(tracker, "course")
            self.play(FadeIn(course, shift=DOWN * 0.2), run_time=CARD_PART_TIME)
            on_mark(tracker, "module")
            self.play(FadeIn(module, shift=DOWN * 0.2), run_time=CARD_PART_TIME)
            on_mark(tracker, "title")
            self.play(Write(title), GrowFromCenter(rule), run_time=CARD_TITLE_TIME)

        heading = scene_title(self.heading)
        points = numbered_list([aim.text for aim in self.objectives],
                               [{aim.key: self.key_color} for aim in self.objectives])
        centre_below(points, heading)

        for i, aim in enumerate(self.objectives):
            with self.voiceover(beat=aim.beat, text=aim.speech) as tracker:
                if i == 0:
                    # The card gives way to the heading while the first aim is introduced
                    # ("First, you will"), and the point comes on its verb.
                    self.play(FadeOut(card, shift=UP * 0.3), FadeIn(heading),
                              run_time=tracker.until("aim") if "aim" in tracker.marks
                              else HEADING_TIME)
                on_mark(tracker, "aim")
                # Earlier aims step back so the one being spoken about stands out.
                earlier = [p.animate.set_opacity(0.45) for p in points[:i]]
                self.play(*earlier, FadeIn(points[i], shift=RIGHT * 0.3), run_time=POINT_TIME)
        self.play(*(p.animate.set_opacity(1) for p in points[:-1]), run_time=0.8)
        self.wait(0.5)
