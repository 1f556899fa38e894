"""The shared decimal formatter: exact values in, the decimals a viewer reads out."""

from __future__ import annotations

import pytest
import sympy as sp

from lessonreel.authoring.numbers import decimal_string


@pytest.mark.parametrize(("value", "places", "text"), [
    (sp.Rational(2001, 200), 6, "10.005"),
    (sp.Rational(5, 64), 6, "0.078125"),
    (sp.Integer(-3), 6, "-3"),
    (2 * sp.sqrt(2), 2, "2.83"),
    (sp.sqrt(2) / 2, 3, "0.707"),
    (1 + sp.sqrt(3), 2, "2.73"),
    (-2 * sp.sqrt(2), 6, "-2.828427"),
    (sp.sqrt(4), 6, "2"),
    (sp.cos(sp.pi / 3), 6, "0.5"),
])
def test_surds_and_rationals_read_as_decimals(value: sp.Expr, places: int, text: str) -> None:
    assert decimal_string(value, places) == text


def test_a_float_is_refused_because_its_exact_value_is_already_lost() -> None:
    with pytest.raises(TypeError, match="exact SymPy value"):
        decimal_string(0.1)


@pytest.mark.parametrize("value", [sp.I, sp.oo, sp.Symbol("x")])
def test_values_without_a_decimal_are_refused(value: sp.Expr) -> None:
    with pytest.raises(ValueError, match="not a finite real number"):
        decimal_string(value)
