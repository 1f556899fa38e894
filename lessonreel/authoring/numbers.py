"""Exact numbers written the way a viewer reads them. Imports no manim.

Every lesson's math layer formats its on-screen decimals here, so a value
reads the same in every module: terminating decimals in full, others rounded.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import sympy as sp

#: Significant digits carried before rounding an irrational value for the screen.
_WORKING_DIGITS = 50


def decimal_string(value: sp.Expr | int, max_places: int = 6, min_places: int = 0) -> str:
    """Format an exact real number as the decimal a viewer reads.

    Terminating decimals are written in full ("10.005", never
    "10.004999999"); others, rationals such as 1/3 or surds such as 2√2, are
    rounded to ``max_places`` digits. Trailing zeros are dropped, down to
    ``min_places``, and negative zero is written as "0".
    """
    if isinstance(value, float):
        # A float has already lost the exact value this helper exists to show.
        raise TypeError(f"{value!r} is a float; pass the exact SymPy value from the math layer")
    exact = sp.sympify(value)
    if not (exact.is_real and exact.is_finite):
        raise ValueError(f"{value!r} is not a finite real number, so it has no decimal")
    with localcontext() as ctx:
        ctx.prec = _WORKING_DIGITS
        if exact.is_Rational:
            number = Decimal(int(exact.p)) / Decimal(int(exact.q))
        else:
            number = Decimal(str(sp.N(exact, _WORKING_DIGITS)))
        rounded = number.quantize(Decimal(1).scaleb(-max_places))
    text = format(rounded.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    text = "0" if text in {"-0", ""} else text
    places = decimal_places_of(text)
    if places < min_places:
        # Padded to line up with a neighbour that has more places (2.000 beside 2.001).
        text += ("." if places == 0 else "") + "0" * (min_places - places)
    return text


def decimal_places_of(text: str) -> int:
    return len(text.partition(".")[2])


def decimal_places(*values: sp.Expr | int) -> int:
    """The most places any of ``values`` needs when written in full: 3 for 2 and 2.001."""
    return max(decimal_places_of(decimal_string(v)) for v in values)
