"""Narration with values: what the caption shows and what the voice says, from one text."""

from __future__ import annotations

import pytest
import sympy as sp

from lessonreel.authoring.numbers import decimal_string
from lessonreel.authoring.spoken import as_narration, read, say
from lessonreel.errors import NarrationError

x, y = sp.symbols("x y", real=True)
f = sp.Function("f")


@pytest.mark.parametrize(("value", "caption", "words"), [
    (sp.Integer(2), "2", "two"),
    (sp.Integer(-42), "-42", "minus forty-two"),
    (sp.Rational(2001, 1000), "2.001", "two point zero zero one"),
    (sp.Rational(2001, 200), "10.005", "ten point zero zero five"),
    # num2words alone says "zero point five" for -0.5: the sign must not be lost.
    (sp.Rational(-1, 2), "-0.5", "minus zero point five"),
    (sp.Rational(1, 3), "1/3", "one third"),
    (sp.Integer(1000), "1000", "one thousand"),
])
def test_numbers_read_as_shown_and_said(value: sp.Rational, caption: str, words: str) -> None:
    reading = read(value)
    assert (reading.caption, reading.words) == (caption, words)


@pytest.mark.parametrize(("value", "style", "caption", "words"), [
    (sp.Rational(1, 2), "frac", "1/2", "one half"),
    (sp.Rational(3, 2), "frac", "3/2", "three halves"),
    (sp.Rational(3, 4), "frac", "3/4", "three quarters"),
    (sp.Rational(-2, 3), "frac", "-2/3", "minus two thirds"),
    (sp.Rational(1, 200), "places", "0.005", "five thousandths"),
    (sp.Rational(1, 1000), "places", "0.001", "one thousandth"),
    (sp.Rational(7, 100), "places", "0.07", "seven hundredths"),
])
def test_reading_styles(value: sp.Rational, style: str, caption: str, words: str) -> None:
    reading = read(value, style)
    assert (reading.caption, reading.words) == (caption, words)


@pytest.mark.parametrize(("expr", "caption", "words"), [
    (5 * x, "5x", "five x"),
    (x**2 + 1, "x² + 1", "x squared plus one"),
    (sp.Eq(f(x, 1), x**2 + 1), "f(x, 1) = x² + 1", "f of x and one equals x squared plus one"),
    (x**3 / 3 - x, "x³/3 - x", "x cubed over three minus x"),
    (x**2 + y**2, "x² + y²", "x squared plus y squared"),
    (sp.Eq(sp.Symbol("y"), 2 * x - 1), "y = 2x - 1", "y equals two x minus one"),
    (sp.Symbol("w_1") * sp.Symbol("x_1"), "w₁x₁", "w one x one"),
    (sp.Symbol("x_n"), "xₙ", "x n"),
    (sp.Symbol("x_q"), "x_q", "x q"),
    # Surds, Greek letters and the nabla of a gradient, as Module 3 shows them.
    (2 * sp.sqrt(2), "2√2", "two root two"),
    (sp.sqrt(x + 1), "√(x + 1)", "the square root of x plus one"),
    (sp.Symbol("theta"), "θ", "theta"),
    (sp.Symbol("eta_1"), "η₁", "eta one"),
    (sp.Mul(*sp.symbols("nabla f", commutative=False)), "∇f", "nabla f"),
])
def test_expressions_read_as_shown_and_said(expr: sp.Basic, caption: str, words: str) -> None:
    reading = read(expr)
    assert (reading.caption, reading.words) == (caption, words)


def test_points_and_vectors_read_as_their_coordinates() -> None:
    assert read((sp.Integer(1), sp.Rational(1, 2))) == read(sp.Matrix([1, sp.Rational(1, 2)]))
    assert read((sp.Integer(1), sp.Rational(1, 2))).caption == "(1, 0.5)"
    assert read((sp.Integer(1), sp.Rational(1, 2))).words == "one, zero point five"


def test_a_sentence_keeps_its_values_whole_and_pairs_caption_with_words() -> None:
    x1 = sp.Rational(2001, 1000)
    narration = say("Watch x slide from {x0} to {x1}. {n} knobs turn, e.g. this one.",
                    x0=2, x1=x1, n=2)
    first, second = narration.sentences
    assert first.caption == f"Watch x slide from 2 to {decimal_string(x1)}."
    assert first.spoken == "Watch x slide from two to two point zero zero one."
    assert first.chunks[-1] == ("2.001.", "two point zero zero one.")
    # A sentence that opens with a value is still a sentence, and is said with a capital.
    assert second.caption == "2 knobs turn, e.g. this one."
    assert second.spoken.startswith("Two knobs")
    assert narration.caption == f"{first.caption} {second.caption}"


def test_plain_text_is_read_as_written_braces_included() -> None:
    narration = as_narration("The set {1, 2} has two members.")
    assert narration.caption == narration.spoken == "The set {1, 2} has two members."


@pytest.mark.parametrize(("make", "message"), [
    (lambda: say("from {x0} to {x1}", x0=2), "given: x0"),
    (lambda: say("from {x0}", x0=2, x1=3), "never says: x1"),
    (lambda: say("at {v}", v=2.001), "float"),
    (lambda: say("at {v:percent}", v=2), "choose one of: decimal, frac, places"),
    (lambda: say("at {v:places}", v=sp.Rational(1, 3)), "frac"),
    (lambda: say("at {v!r}", v=2), "conversion"),
    (lambda: say("   "), "empty"),
])
def test_bad_narration_fields_say_what_to_fix(make, message: str) -> None:
    with pytest.raises(NarrationError, match=message):
        make()


def test_an_expression_it_cannot_read_is_an_error_not_a_guess() -> None:
    with pytest.raises(NarrationError, match="cannot read"):
        say("the area is {a}", a=sp.Integral(x, x))
