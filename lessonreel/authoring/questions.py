"""A question a lesson asks its learner, checked before anything is drawn. Imports no manim.

A scene asks with ``self.ask`` (:mod:`lessonreel.authoring.asking`); its choices are values
from the lesson's math layer, each wrong one with the mistake it stands for::

    self.ask(beat="nudge-quiz",
             prompt=say("On y = 5x, x moves from {x0} to {x1}. How far does y move?", ...),
             choices=[Choice(q.y1, mistake="the new value of y, not its change"),
                      Choice(q.dy),
                      Choice(q.dx, mistake="the change in x, not in y")],
             answer=q.dy,
             explain=say("y moves {k} times as far as x: {dy}.", ...))

The right choice is found by SymPy, not by position: the one choice equal to ``answer``.
A question whose answer is not among its choices, two choices SymPy finds equal, a wrong
choice that names no mistake or a right one that names one, is a :class:`QuestionError`
when the scene is built, so a question can never teach a wrong answer.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

import sympy as sp

from lessonreel.authoring.spoken import Narration, as_narration, read
from lessonreel.errors import NarrationError, QuestionError
from lessonreel.records import LETTERS, MAX_CHOICES, MIN_CHOICES


@dataclass(frozen=True)
class Choice:
    """One choice of a question: a math-layer value (or a few words from the math layer,
    such as a slope's sign), read as narration reads a field (``style``: "", "frac" or
    "places"), and for a wrong choice the mistake that leads to it."""

    value: Any
    mistake: str | None = None
    style: str = ""


@dataclass(frozen=True)
class Question:
    """A checked question: its prompt, choices, which one is right, and its explanation."""

    prompt: Narration
    choices: tuple[Choice, ...]
    correct: int
    explain: Narration

    @property
    def captions(self) -> tuple[str, ...]:
        """Each choice as the screen and the captions show it."""
        return tuple(read(c.value, c.style).caption for c in self.choices)

    @property
    def prompt_values(self) -> tuple[str, ...]:
        """Each value of the prompt as the screen shows it ("f(x, y) = x² + y²"): a card
        never wraps a line inside one."""
        return tuple(read(self.prompt.values[name], spec or "").caption
                     for _, name, spec, _ in string.Formatter().parse(self.prompt.template)
                     if name and not name.startswith("@"))

    @property
    def letters(self) -> str:
        return LETTERS[:len(self.choices)]

    def asking(self) -> Narration:
        """What the narrator says to ask: the prompt, then each choice by its letter,
        marked ``choice-A``, ``choice-B``... so each appears as it is read."""
        names = [f"lessonreel_choice_{letter.lower()}" for letter in self.letters]
        clash = sorted(set(names) & set(self.prompt.values))
        if clash:
            raise QuestionError(f"a question's prompt may not name the values {clash}")
        readings = [
            f"{{@choice-{letter}}}{letter}: {{{name}{':' + c.style if c.style else ''}}}"
            for letter, name, c in zip(self.letters, names, self.choices, strict=True)]
        listed = "; ".join(readings[:-1]) + f"; or {readings[-1]}?"
        return Narration(f"{self.prompt.template} Is it {listed}",
                         {**self.prompt.values,
                          **{name: c.value for name, c in zip(names, self.choices, strict=True)}})


def _same(a: Any, b: Any) -> bool:
    """Whether two choice values are the same answer: equal as SymPy sees it, or the same
    words whatever their case and spacing."""
    if isinstance(a, str) or isinstance(b, str):
        return (isinstance(a, str) and isinstance(b, str)
                and " ".join(a.split()).casefold() == " ".join(b.split()).casefold())
    if isinstance(a, tuple) or isinstance(b, tuple):
        return (isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b)
                and all(_same(u, v) for u, v in zip(a, b, strict=True)))
    try:
        left, right = sp.sympify(a), sp.sympify(b)
        if isinstance(left, sp.MatrixBase) or isinstance(right, sp.MatrixBase):
            return (isinstance(left, sp.MatrixBase) and isinstance(right, sp.MatrixBase)
                    and left.shape == right.shape
                    and all(sp.simplify(u - v) == 0 for u, v in zip(left, right, strict=True)))
        if isinstance(left, sp.Equality) or isinstance(right, sp.Equality):
            return (isinstance(left, sp.Equality) and isinstance(right, sp.Equality)
                    and sp.simplify((left.lhs - left.rhs) - (right.lhs - right.rhs)) == 0)
        return bool(sp.simplify(left - right) == 0)
    except (sp.SympifyError, TypeError) as error:
        raise QuestionError(f"cannot compare the choices {a!r} and {b!r}: {error}; give "
                            "SymPy values from the math layer, or words") from error


def question(where: str, prompt: str | Narration, choices: list[Choice] | tuple[Choice, ...],
             answer: Any, explain: str | Narration) -> Question:
    """The question ``where`` (a scene and beat, for errors) asks, checked (see the module)."""
    choices = tuple(choices)
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        raise QuestionError(f"{where}: a question offers {MIN_CHOICES} to {MAX_CHOICES} "
                            f"choices (lettered {LETTERS}), not {len(choices)}")
    for index, choice in enumerate(choices):
        if not isinstance(choice, Choice):
            raise QuestionError(f"{where}: choice {LETTERS[index]} is {choice!r}; write "
                                f"Choice(value) or Choice(value, mistake='...')")
        if isinstance(choice.value, float) or isinstance(answer, float):
            raise QuestionError(f"{where}: choice {LETTERS[index]} or the answer is a float; "
                                "give the exact SymPy value from the math layer")
    for i, first in enumerate(choices):
        for j in range(i + 1, len(choices)):
            if _same(first.value, choices[j].value):
                raise QuestionError(f"{where}: choices {LETTERS[i]} and {LETTERS[j]} are the "
                                    f"same answer ({first.value} and {choices[j].value}); "
                                    "make every choice different")
    right = [i for i, c in enumerate(choices) if _same(c.value, answer)]
    if not right:
        raise QuestionError(f"{where}: the answer {answer} is not among the choices "
                            f"({', '.join(str(c.value) for c in choices)}); add it")
    correct = right[0]
    for index, choice in enumerate(choices):
        mistake = (choice.mistake or "").strip()
        if index == correct and mistake:
            raise QuestionError(f"{where}: choice {LETTERS[index]} is the right answer but "
                                f"names a mistake ({mistake!r}); drop mistake=")
        if index != correct and not mistake:
            raise QuestionError(f"{where}: wrong choice {LETTERS[index]} ({choice.value}) "
                                "names no mistake; say which mistake leads to it, "
                                "Choice(value, mistake='...')")
    for index, choice in enumerate(choices):
        try:
            read(choice.value, choice.style)
        except NarrationError as error:
            raise QuestionError(f"{where}: choice {LETTERS[index]} cannot be read: "
                                f"{error}") from error
    asked = Question(as_narration(prompt), choices, correct, as_narration(explain))
    captions = asked.captions
    if len(set(captions)) != len(captions):
        raise QuestionError(f"{where}: two choices read the same on screen "
                            f"({', '.join(captions)}); show them with more places")
    asked.asking()  # a field of the prompt that clashes with a choice's is an error now
    return asked
