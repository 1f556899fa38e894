"""What a learner reads and hears holds only the math layer's numbers, never a typed one."""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections.abc import Iterator
from typing import Any

import sympy as sp

from lessonreel.authoring.lesson import SceneRef, discover
from lessonreel.authoring.numbers import decimal_string
from tests.scenes.conftest import ConstructedScene

#: A numeral as captions write it: 2, -3, 10.005, 1/3.
NUMERAL = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:/\d+)?(?![\w.]*\d)")
#: Words that spell a number. "one" is left out (it is also a pronoun: "one knob at a
#: time"), and so are ordinals that only count items ("First, ... Third, ...").
NUMBER_WORDS = frozenset("""
    zero two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy
    eighty ninety hundred thousand million half halves quarter quarters thirds tenth
    tenths hundredth hundredths thousandth thousandths squared cubed
""".split())
FIELD = re.compile(r"\{[^{}]*\}")


def _values(value: Any, seen: dict[int, Any]) -> Iterator[sp.Basic]:
    """Every SymPy value reachable from a math-layer attribute.

    ``seen`` holds each value visited by its id, and the value itself: a property computes
    a new value at each read, and once freed its id could be handed to another value,
    which would then be skipped as seen (a nudge's end point went missing so).
    """
    if id(value) in seen:
        return
    seen[id(value)] = value
    if isinstance(value, sp.MatrixBase):
        for entry in value:
            yield from _values(entry, seen)
    elif isinstance(value, sp.Basic):
        yield value
        yield from value.atoms(sp.Number)
        if isinstance(value, sp.Equality):
            yield from _values(value.rhs, seen)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        yield sp.Integer(value)
    elif isinstance(value, (tuple, list, set, frozenset)):
        for item in value:
            yield from _values(item, seen)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _values(key, seen)
            yield from _values(item, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _values(getattr(value, f.name), seen)
        # Derived values (a nudge's end point, its ratio) are properties of the dataclass.
        for name, attribute in vars(type(value)).items():
            if isinstance(attribute, property) and not name.startswith("_"):
                yield from _values(getattr(value, name), seen)


def math_numerals(ref: SceneRef) -> set[str]:
    """Every numeral the scene's math layer can put in a caption, as captions write it."""
    math = importlib.import_module(f"{ref.package}.math")
    numerals: set[str] = set()
    seen: dict[int, Any] = {}
    for name, attribute in vars(math).items():
        if name.startswith("_"):
            continue
        for value in _values(attribute, seen):
            if value.is_Rational:
                numerals.add(decimal_string(value))
                numerals.add(f"{value.p}/{value.q}")
                numerals.update((str(value.p), str(value.q)))
    return numerals


def declared_exceptions(ref: SceneRef) -> set[str]:
    """Numbers a lesson declares outside its math layer: its module number."""
    lesson = next(lesson for lesson in discover().values() if ref in lesson.scenes)
    return {str(lesson.module)} if lesson.module is not None else set()


def test_every_numeral_in_a_caption_is_a_value_of_the_math_layer(
        constructed: ConstructedScene, request: Any) -> None:
    ref: SceneRef = request.node.callspec.params["constructed"]
    allowed = math_numerals(ref) | declared_exceptions(ref)
    strays = {(numeral, cue.content) for cue in constructed.subcaptions
              for numeral in NUMERAL.findall(cue.content) if numeral not in allowed}
    assert not strays, (f"{ref.name}: numerals in captions that {ref.package}.math does not "
                        f"hold: {sorted(strays)}")


def test_no_narration_spells_out_a_number(constructed: ConstructedScene) -> None:
    spelled = []
    for beat in constructed.scene.beats:
        # The words the author typed: fields are filled from the math layer.
        typed = FIELD.sub(" ", beat.narration.template.replace("{{", "").replace("}}", ""))
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", typed)}
        found = sorted(words & NUMBER_WORDS)
        if found:
            spelled.append((beat.name, found))
    assert not spelled, f"numbers typed in words; write them as say() fields: {spelled}"


def test_the_numeral_check_sees_a_typed_number() -> None:
    caption = "Watch x slide from 2 to 2.001, then 10.005 and 1/3 of -7."
    assert NUMERAL.findall(caption) == ["2", "2.001", "10.005", "1/3", "-7"]
    # Subscripts and superscripts are part of a symbol, not numbers in their own right.
    assert NUMERAL.findall("w₁x₁ + x² and x_2") == []
