"""A question asked in the video: ``self.ask(...)`` in a scene (see the README's "Questions").

A question is two beats. The first, named as the author names it, clears the screen, shows
the prompt, reads the choices and letters each as it is read, then counts down a pause to
think (:data:`lessonreel.settings.THINK_SECONDS`) while nothing is said. The second,
``<beat>-answer``, marks the right choice, dims the others and says and shows the
explanation. A linear player (YouTube) shows both; the course site and the presenter stop
at the pause (``think_frame`` in ``beats.json``) and ask the learner themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from manim import (
    BOLD,
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Circle,
    Dot,
    FadeIn,
    FadeOut,
    Mobject,
    RoundedRectangle,
    Text,
    VGroup,
    config,
)

from lessonreel import settings
from lessonreel.authoring import theme
from lessonreel.authoring.questions import Choice, Question, question
from lessonreel.authoring.spoken import Narration
from lessonreel.authoring.textblock import text_block
from lessonreel.records import QuestionRecord

if TYPE_CHECKING:
    pass

#: The right choice, once revealed: the course's "look here" accent.
RIGHT_COLOR = theme.HIGHLIGHT_COLOR
#: The card's width: the title-safe area less a margin, so nothing runs to its edge.
CARD_WIDTH = config.frame_width - 2 * theme.SAFE_MARGIN_X - 0.6


class QuestionCard(VGroup):
    """What a question shows: a label, the prompt, lettered choices, the countdown's dots,
    and the explanation's place below the choices."""

    def __init__(self, asked: Question, think: int) -> None:
        super().__init__()
        self.label = Text("Question", font=theme.FONT, font_size=theme.LABEL_SIZE,
                          color=RIGHT_COLOR, weight=BOLD)
        self.prompt = text_block(asked.prompt.caption, theme.BODY_SIZE, theme.TEXT_COLOR,
                                 max_width=CARD_WIDTH, highlights=dict.fromkeys(
                                     asked.prompt_values, theme.TEXT_COLOR))
        self.prompt.next_to(self.label, DOWN, buff=0.3, aligned_edge=LEFT)
        self.rows = VGroup(*(self._row(letter, caption)
                             for letter, caption in zip(asked.letters, asked.captions,
                                                        strict=True)))
        self.rows.arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        if self.prompt.height > 1.5 and len(self.rows) > 2:
            # A long prompt leaves too little height for a column: two columns, A B / C D.
            self.rows.arrange_in_grid(cols=2, buff=(1.6, 0.3), col_alignments="ll")
        self.rows.next_to(self.prompt, DOWN, buff=0.5, aligned_edge=LEFT).shift(RIGHT * 0.3)
        self.pause_note = Text("Pause the video and think", font=theme.FONT,
                               font_size=theme.SMALL_SIZE, color=theme.MUTED_TEXT_COLOR)
        self.dots = VGroup(*(Dot(radius=0.12, color=RIGHT_COLOR) for _ in range(think)))
        self.dots.arrange(RIGHT, buff=0.25)
        self.countdown = VGroup(self.pause_note, self.dots).arrange(RIGHT, buff=0.4)
        self.countdown.next_to(self.rows, DOWN, buff=0.5).align_to(self.label, LEFT)
        #: Shown in the answer beat, where the countdown was.
        self.explanation = text_block(asked.explain.caption, theme.BODY_SIZE,
                                      theme.TEXT_COLOR, max_width=CARD_WIDTH)
        self.explanation.next_to(self.rows, DOWN, buff=0.5).align_to(self.label, LEFT)
        self.add(self.label, self.prompt, self.rows, self.countdown)
        # The card, with whichever of the countdown and the explanation is taller, in the
        # middle of the frame: both are shown in turn in the same place.
        whole = VGroup(self, self.explanation)
        whole.move_to(ORIGIN)
        if whole.height > config.frame_height - 2 * theme.SAFE_MARGIN_Y:
            whole.scale_to_fit_height(config.frame_height - 2 * theme.SAFE_MARGIN_Y)

    @staticmethod
    def _row(letter: str, caption: str) -> VGroup:
        badge = VGroup(Circle(radius=0.27, color=theme.MUTED_TEXT_COLOR, stroke_width=3),
                       Text(letter, font=theme.FONT, font_size=theme.LABEL_SIZE,
                            color=theme.TEXT_COLOR, weight=BOLD))
        value = Text(caption, font=theme.FONT, font_size=theme.BODY_SIZE,
                     color=theme.TEXT_COLOR)
        value.next_to(badge, RIGHT, buff=0.35)
        return VGroup(badge, value)

    def marker(self, correct: int) -> RoundedRectangle:
        """A frame round the right choice."""
        row = self.rows[correct]
        frame = RoundedRectangle(corner_radius=0.15, width=row.width + 0.4,
                                 height=row.height + 0.25, color=RIGHT_COLOR, stroke_width=4)
        return frame.move_to(row)


class QuestionMixin:
    """Adds :meth:`ask` to a narrated scene (:class:`lessonreel.LessonScene` has it)."""

    def pin(self, *mobjects: Mobject) -> None:
        """Fix ``mobjects`` flat in the frame of a 3D scene, as the camera turns (no-op in
        2D), without showing them yet: the Write or FadeIn that shows them adds them,
        instead of wiping them off and drawing them again (a flash). A question's card
        is pinned so; so may a scene's own labels be."""
        scene: Any = self
        if hasattr(scene, "add_fixed_in_frame_mobjects"):
            scene.add_fixed_in_frame_mobjects(*mobjects)
            scene.remove(*mobjects)

    def ask(self, *, beat: str, prompt: str | Narration, choices: list[Choice],
            answer: Any, explain: str | Narration,
            think: int = settings.THINK_SECONDS) -> None:
        """Ask the learner a question (see the module): ``choices`` are math-layer values
        (:class:`~lessonreel.authoring.questions.Choice`), ``answer`` the one that is right,
        found among them by SymPy; ``explain`` is said and shown as the answer is revealed.
        Everything on screen before is cleared."""
        scene: Any = self
        where = f"{type(self).__name__} beat {beat!r}"
        asked = question(where, prompt, choices, answer, explain)
        if think < 1:
            raise ValueError(f"{where}: think={think}; give the pause to think in whole "
                             "seconds, at least 1")
        card = QuestionCard(asked, think)
        self.pin(card)
        before = [m for m in scene.mobjects if m is not card]
        with scene.voiceover(beat=beat, text=asked.asking()) as tracker:
            first = f"choice-{asked.letters[0]}"
            shown = [FadeOut(m) for m in before] + [FadeIn(card.label), FadeIn(card.prompt)]
            scene.play(*shown, run_time=min(1.0, tracker.until(first)))
            for letter, row in zip(asked.letters, card.rows, strict=True):
                tracker.wait_until(f"choice-{letter}")
                scene.play(FadeIn(row, shift=RIGHT * 0.2), run_time=0.4)
            # The pause starts when the question has been read, however short the last
            # choice's fade left the rest of it (Manim refuses a wait of no time).
            if tracker.remaining() > 1e-3:
                scene.wait(tracker.remaining())
            think_at = scene.time - tracker.beat.start
            tracker.beat.question = QuestionRecord(
                asked.prompt.caption, asked.captions,
                tuple(None if i == asked.correct else (c.mistake or "").strip()
                      for i, c in enumerate(asked.choices)),
                asked.correct, asked.explain.caption, think_at)
            scene.play(FadeIn(card.countdown), run_time=0.3)
            # One dot goes out a second; the last with the end of the pause.
            for dot in card.dots:
                scene.play(dot.animate.set_opacity(0.15), run_time=1.0)
        explanation = card.explanation
        marker = card.marker(asked.correct)
        self.pin(explanation, marker)
        wrong = [row for i, row in enumerate(card.rows) if i != asked.correct]
        with scene.voiceover(beat=f"{beat}-answer", text=asked.explain) as tracker:
            scene.play(FadeOut(card.countdown), FadeIn(marker),
                       *(row.animate.fade(0.65) for row in wrong),
                       card.rows[asked.correct].animate.set_color(RIGHT_COLOR),
                       run_time=min(0.8, max(tracker.duration, 0.1)))
            scene.play(FadeIn(explanation, shift=UP * 0.2), run_time=0.6)
