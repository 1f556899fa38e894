"""Narration that carries the math layer's values: one text, read two ways.

A beat's narration is written once, with its numbers and formulas as fields
filled from the lesson's math layer::

    say("Watch x slide from {x0} to {x1}.", x0=NUDGE.x0, x1=NUDGE.x1)

The caption shows each value as the screen does ("2.001", "x² + 1"), the voice
reads it in words ("two point zero zero one", "x squared plus one"). Change the
value in ``math.py`` and screen, captions and voice change with it; no number
is ever typed twice. Imports no manim.

A field's format spec chooses how a number is read, never its value:

``{v}``         a decimal: "2.001", "two point zero zero one" (non-terminating
                rationals are read as fractions, "1/3", "one third")
``{v:frac}``    a fraction: "1/2", "one half"; "3/2", "three halves"
``{v:places}``  by place value: "0.005", "five thousandths"
``{e}``         an expression or equation: "f(x, 1) = x² + 1",
                "f of x and one equals x squared plus one"
``{p}``         a point or vector (a tuple, a SymPy Matrix): "(2, 2)", "two, two"

A *mark* names a moment in the narration, at the word after it, for the scene to
time an animation by (``tracker.until("go")``, see :mod:`lessonreel.authoring.narration`)::

    say("Watch x {@go}slide from {x0} to {x1}.", x0=NUDGE.x0, x1=NUDGE.x1)

A mark is never said, captioned or exported: the text above is spoken exactly as
"Watch x slide from ...". In a plain str, ``{@name}`` is a mark too; every other
brace there is read as written.

Over 400 lines because one text read two ways needs its formats, its chunks and its
marks parsed together, in one pass over the author's string.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy as sp
from num2words import num2words

from lessonreel.authoring.numbers import decimal_string
from lessonreel.errors import NarrationError
from lessonreel.voice.speech import SENTENCE_OPENERS

# A sentence ends at . ! or ? followed by space and a capital, a digit, a quote, an
# opening bracket or a field (whose reading may start in lower case), with any marks
# before it: the voice, which never sees the marks, splits the same text there.
_FIELD = "\x00"
_MARK = "\x01"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=(?:" + _MARK + r"\d+" + _MARK + r")*["
                           + SENTENCE_OPENERS + _FIELD + "])")
#: A mark's name, as written after the @: a word that reads well in scene code.
_MARK_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SUBSCRIPTS = str.maketrans("0123456789aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_SPECIAL_DENOMINATORS = {2: ("half", "halves"), 4: ("quarter", "quarters")}
STYLES = ("decimal", "frac", "places")


@dataclass(frozen=True)
class Reading:
    """One value as the caption shows it and as the voice says it."""

    caption: str
    words: str


def _exact(value: Any) -> sp.Expr:
    if isinstance(value, bool) or isinstance(value, float):
        raise NarrationError(
            f"{value!r} is a {type(value).__name__}; narrate the exact SymPy value from the "
            "math layer, so the voice says what the screen shows")
    try:
        return sp.sympify(value, strict=True)
    except (sp.SympifyError, TypeError) as error:
        raise NarrationError(f"{value!r} is not a number or a SymPy expression") from error


def integer_words(n: int) -> str:
    """"two", "minus forty-two", "one thousand"."""
    words = num2words(abs(n))
    return f"minus {words}" if n < 0 else words


def decimal_words(value: sp.Rational) -> str:
    """A terminating decimal read as it is written: whole part in words, then each
    digit after the point ("ten point zero zero five").

    num2words alone drops the sign of numbers between -1 and 0 ("-0.5" came out
    as "zero point five"), so the sign and the digits are read here.
    """
    text = decimal_string(value)
    negative = text.startswith("-")
    whole, _, fraction = text.lstrip("-").partition(".")
    words = num2words(int(whole))
    if fraction:
        words += " point " + " ".join(_DIGIT_WORDS[int(d)] for d in fraction)
    return f"minus {words}" if negative else words


def _denominator_words(q: int, plural: bool) -> str:
    if q in _SPECIAL_DENOMINATORS:
        return _SPECIAL_DENOMINATORS[q][plural]
    ordinal = num2words(q, to="ordinal")
    # "one hundredth" is how num2words says 100th; the denominator is "hundredth".
    ordinal = ordinal.removeprefix("one ")
    return ordinal + "s" if plural else ordinal


def fraction_words(value: sp.Rational) -> str:
    """"one half", "three halves", "two thirds", "minus one quarter"."""
    p, q = int(value.p), int(value.q)
    if q == 1:
        return integer_words(p)
    words = f"{num2words(abs(p))} {_denominator_words(q, abs(p) != 1)}"
    return f"minus {words}" if p < 0 else words


def _terminates(value: sp.Rational) -> bool:
    q = int(value.q)
    for prime in (2, 5):
        while q % prime == 0:
            q //= prime
    return q == 1


def place_words(value: sp.Rational) -> str:
    """A terminating decimal read by its last place: 0.005 is "five thousandths"."""
    if not _terminates(value):
        raise NarrationError(f"{value} has no last decimal place to read it by; use {{:frac}}")
    places = len(decimal_string(value).partition(".")[2])
    if places == 0:
        return integer_words(int(value))
    scaled = int(value * 10**places)
    denominator = _denominator_words(10**places, abs(scaled) != 1)
    words = f"{num2words(abs(scaled))} {denominator}"
    return f"minus {words}" if scaled < 0 else words


def read_number(value: sp.Rational, style: str = "decimal") -> Reading:
    if style == "frac":
        caption = str(value.p) if value.q == 1 else f"{value.p}/{value.q}"
        return Reading(caption, fraction_words(value))
    if style == "places":
        return Reading(decimal_string(value), place_words(value))
    if value.is_Integer:
        return Reading(str(int(value)), integer_words(int(value)))
    if _terminates(value):
        return Reading(decimal_string(value), decimal_words(value))
    # 1/3 has no decimal to read out: it is shown and said as a fraction.
    return read_number(value, "frac")


# --- expressions ----------------------------------------------------------------

def _letter(name: str) -> str:
    """A letter's name as it is written: theta is θ, eta is η, nabla is ∇; x stays x."""
    if name == "nabla":
        return "∇"
    try:
        return unicodedata.lookup(f"GREEK SMALL LETTER {name.upper()}") if len(name) > 1 else name
    except KeyError:
        return name


def _symbol_caption(symbol: sp.Symbol) -> str:
    name, _, sub = symbol.name.partition("_")
    written = sub.translate(_SUBSCRIPTS)
    # A subscript Unicode has no small form for stays as SymPy names it (x_q).
    if sub and all(ord(c) > 127 for c in written):
        return _letter(name) + written
    return symbol.name if sub else _letter(symbol.name)


def _symbol_words(symbol: sp.Symbol) -> str:
    name, _, sub = symbol.name.partition("_")
    if sub.isdigit():
        return f"{name} {integer_words(int(sub))}"
    return f"{name} {sub}" if sub.isalpha() else symbol.name


def _unread(expr: sp.Basic) -> NarrationError:
    return NarrationError(
        f"cannot read {expr} ({type(expr).__name__}) aloud yet; narrate it in words around "
        "its values, or teach lessonreel.authoring.spoken to read it")


def caption_of(expr: sp.Basic) -> str:
    """The expression as caption text: "x² + 1", "5x", "f(x, 1) = x² + 1"."""
    if isinstance(expr, sp.Equality):
        return f"{caption_of(expr.lhs)} = {caption_of(expr.rhs)}"
    if expr.is_Rational:
        return read_number(expr).caption
    if isinstance(expr, sp.Symbol):
        return _symbol_caption(expr)
    if isinstance(expr, sp.Add):
        text = ""
        for i, term in enumerate(expr.as_ordered_terms()):
            negative = term.could_extract_minus_sign()
            body = caption_of(-term if negative else term)
            text += (" - " if negative else " + ") + body if i else ("-" if negative else "") + body
        return text
    if isinstance(expr, sp.Mul):
        coefficient, factors = expr.as_coeff_mul()
        if coefficient < 0:
            return "-" + caption_of(-expr)
        parts = [f"({caption_of(f)})" if isinstance(f, sp.Add) else caption_of(f)
                 for f in factors]
        # 5x and w₁x₁ are written side by side, as on screen; anything else with a dot.
        joiner = "" if all(isinstance(f, (sp.Symbol, sp.Pow)) for f in factors) else "·"
        body = joiner.join(parts)
        if coefficient == 1:
            return body
        if coefficient.is_Integer or _terminates(coefficient):
            return read_number(coefficient).caption + body
        # x³/3, not 0.333333x³.
        numerator = "" if coefficient.p == 1 else str(coefficient.p)
        return f"{numerator}{body}/{coefficient.q}"
    if isinstance(expr, sp.Pow) and expr.exp == sp.S.Half:
        base = caption_of(expr.base)
        return "√" + (base if isinstance(expr.base, (sp.Symbol, sp.Integer)) else f"({base})")
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer and int(expr.exp) > 0:
        base = caption_of(expr.base)
        if not isinstance(expr.base, (sp.Symbol, sp.Integer)):
            base = f"({base})"
        return base + str(int(expr.exp)).translate(_SUPERSCRIPTS)
    if isinstance(expr, sp.core.function.AppliedUndef):
        return f"{expr.func.__name__}({', '.join(caption_of(a) for a in expr.args)})"
    raise _unread(expr)


def words_of(expr: sp.Basic) -> str:
    """The expression as it is said: "x squared plus one", "f of x and one"."""
    if isinstance(expr, sp.Equality):
        return f"{words_of(expr.lhs)} equals {words_of(expr.rhs)}"
    if expr.is_Rational:
        return read_number(expr).words
    if isinstance(expr, sp.Symbol):
        return _symbol_words(expr)
    if isinstance(expr, sp.Add):
        text = ""
        for i, term in enumerate(expr.as_ordered_terms()):
            negative = term.could_extract_minus_sign()
            body = words_of(-term if negative else term)
            text += (" minus " if negative else " plus ") + body if i else \
                ("minus " if negative else "") + body
        return text
    if isinstance(expr, sp.Mul):
        coefficient, factors = expr.as_coeff_mul()
        if coefficient < 0:
            return "minus " + words_of(-expr)
        joiner = " " if all(isinstance(f, (sp.Symbol, sp.Pow)) for f in factors) else " times "
        body = joiner.join(words_of(f) for f in factors)
        if coefficient == 1:
            return body
        if coefficient.is_Integer or _terminates(coefficient):
            return f"{read_number(coefficient).words} {body}"
        numerator = "" if coefficient.p == 1 else integer_words(int(coefficient.p)) + " "
        return f"{numerator}{body} over {integer_words(int(coefficient.q))}"
    if isinstance(expr, sp.Pow) and expr.exp == sp.S.Half:
        # "two root two"; a longer radicand is read as "the square root of ...".
        if isinstance(expr.base, (sp.Symbol, sp.Integer)):
            return f"root {words_of(expr.base)}"
        return f"the square root of {words_of(expr.base)}"
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer and int(expr.exp) > 0:
        base = words_of(expr.base)
        power = int(expr.exp)
        if power == 2:
            return f"{base} squared"
        if power == 3:
            return f"{base} cubed"
        return f"{base} to the power {integer_words(power)}"
    if isinstance(expr, sp.core.function.AppliedUndef):
        return f"{expr.func.__name__} of {' and '.join(words_of(a) for a in expr.args)}"
    raise _unread(expr)


def read(value: Any, style: str = "") -> Reading:
    """A math-layer value (or a plain string, read as written) in both forms."""
    if isinstance(value, str):
        if style:
            raise NarrationError(f"a text field takes no format spec, not {style!r}")
        return Reading(value, value)
    if isinstance(value, (tuple, sp.MatrixBase)):
        # A point or a vector: "(2, 2)" on screen, "two, two" in the voice.
        parts = [read(v, style) for v in (value if isinstance(value, tuple) else list(value))]
        return Reading("(" + ", ".join(p.caption for p in parts) + ")",
                       ", ".join(p.words for p in parts))
    style = style or "decimal"
    if style not in STYLES:
        raise NarrationError(f"unknown reading {style!r}; choose one of: {', '.join(STYLES)}")
    exact = _exact(value)
    if exact.is_Rational:
        return read_number(exact, style)
    if style != "decimal":
        raise NarrationError(f"{{:{style}}} reads a rational number, and {exact} is not one")
    return Reading(caption_of(exact), words_of(exact))


# --- narration --------------------------------------------------------------

@dataclass(frozen=True)
class Sentence:
    """One sentence: its caption, its spoken words, and how the two line up.

    ``chunks`` pairs each caption chunk (the text between two spaces) with the
    words the voice says for it, so a caption cut inside the sentence can be timed
    by the spoken words it covers.
    """

    caption: str
    spoken: str
    chunks: tuple[tuple[str, str], ...]
    #: Each mark in the sentence: (name, index of the spoken word it stands before);
    #: an index past the last word marks the end of the sentence.
    marks: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Mark:
    """A named moment of a beat's narration: the start of the spoken word after it."""

    name: str
    #: Index of its sentence, and of the spoken word (split at spaces) in that sentence.
    sentence: int
    word: int


@dataclass(frozen=True)
class Narration:
    """A beat's text with its values; what :meth:`voiceover` takes besides a plain str."""

    template: str
    values: Mapping[str, Any]

    def __post_init__(self) -> None:
        self.sentences  # noqa: B018 - a bad field is an error when it is written

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        parts: list[str] = []
        readings: list[Reading] = []
        marks: list[str] = []
        used: set[str] = set()
        for literal, name, spec, conversion in string.Formatter().parse(self.template):
            if _FIELD in literal or _MARK in literal:
                raise NarrationError("narration text may not contain the control characters "
                                     "\\x00 or \\x01")
            parts.append(literal.replace("\n", " "))
            if name is None:
                continue
            if name.startswith("@"):
                marks.append(_mark_name(name, spec, conversion))
                parts.append(f"{_MARK}{len(marks) - 1}{_MARK}")
                continue
            if conversion:
                raise NarrationError(f"{{{name}!{conversion}}}: narration fields take no "
                                     "conversion; use a format spec (frac, places)")
            if name not in self.values:
                known = ", ".join(sorted(self.values)) or "(none)"
                raise NarrationError(f"narration names {{{name}}} but it was given no value "
                                     f"{name!r}; given: {known}")
            used.add(name)
            readings.append(read(self.values[name], spec or ""))
            parts.append(f"{_FIELD}{len(readings) - 1}{_FIELD}")
        unused = sorted(set(self.values) - used)
        if unused:
            raise NarrationError(f"narration was given values it never says: {', '.join(unused)}")
        text = " ".join("".join(parts).split())
        if not _MARK_REF.sub("", text).strip():
            raise NarrationError("a beat's narration text is empty: write what the narrator says")
        # A mark standing alone ("x {@go} slide") belongs to the word after it.
        text = _LONE_MARKS.sub(r"\1", text)
        return tuple(_sentence(s, readings, marks) for s in _SENTENCE_END.split(text) if s)

    @property
    def marks(self) -> tuple[Mark, ...]:
        """Every mark, in the order of the text."""
        return tuple(Mark(name, i, word) for i, sentence in enumerate(self.sentences)
                     for name, word in sentence.marks)

    @property
    def caption(self) -> str:
        return " ".join(s.caption for s in self.sentences)

    @property
    def spoken(self) -> str:
        return " ".join(s.spoken for s in self.sentences)


_FIELD_REF = re.compile(_FIELD + r"(\d+)" + _FIELD)
_MARK_REF = re.compile(_MARK + r"(\d+)" + _MARK)
_LONE_MARKS = re.compile(r"(?<!\S)((?:" + _MARK + r"\d+" + _MARK + r")+) (?=\S)")


def _mark_name(field: str, spec: str | None, conversion: str | None) -> str:
    name = field[1:]
    if not _MARK_NAME.fullmatch(name) or spec or conversion:
        raise NarrationError(f"{{{field}{'!' + conversion if conversion else ''}"
                             f"{':' + spec if spec else ''}}} is not a mark: write {{@name}}, "
                             "a name of letters, digits, _ and - starting with a letter")
    return name


def _sentence(text: str, readings: list[Reading], names: list[str]) -> Sentence:
    def caption_of_chunk(piece: str) -> str:
        return _FIELD_REF.sub(lambda m: readings[int(m.group(1))].caption, piece)

    def spoken_of_chunk(piece: str) -> str:
        return _FIELD_REF.sub(lambda m: readings[int(m.group(1))].words, piece)

    chunks = []
    marks: list[tuple[str, int]] = []
    said = 0
    for chunk in text.split(" "):
        pieces = _MARK_REF.split(chunk)
        before = ""
        for k, piece in enumerate(pieces):
            if k % 2 == 0:
                before += piece
                continue
            # A mark stands before the next word to begin: after "slide" in "slide{@go},"
            # that is the next chunk's, but after an opening "(" it is this chunk's own.
            begun = spoken_of_chunk(before).split()
            if begun and not any(c.isalnum() for c in begun[-1]):
                begun.pop()
            marks.append((names[int(piece)], said + len(begun)))
        if not before:
            continue
        caption, spoken = caption_of_chunk(before), spoken_of_chunk(before)
        chunks.append((caption, spoken))
        said += len(spoken.split())
    caption = " ".join(c for c, _ in chunks)
    spoken = " ".join(s for _, s in chunks)
    # A sentence that opens with a value is read in lower case ("two knobs ..."); the
    # voice's sentence splitter, like a reader, wants a capital after a full stop.
    spoken = spoken[:1].upper() + spoken[1:]
    first_caption, first_spoken = chunks[0]
    chunks[0] = (first_caption, first_spoken[:1].upper() + first_spoken[1:])
    return Sentence(caption, spoken, tuple(chunks), tuple(marks))


def say(template: str, /, **values: Any) -> Narration:
    """Narration with fields filled from the math layer (see the module's docstring)."""
    return Narration(template, values)


_MARK_FIELD = re.compile(r"(\{@[^{}]*\})")


def as_narration(text: str | Narration) -> Narration:
    """A plain str is narration without fields: its braces are read as written, except
    in a mark (``{@name}``)."""
    if isinstance(text, Narration):
        return text
    parts = _MARK_FIELD.split(text)
    return Narration("".join(part if k % 2 else part.replace("{", "{{").replace("}", "}}")
                             for k, part in enumerate(parts)), {})
