"""One colour per concept across every scene: the concept's colour is named in theme.py."""

from __future__ import annotations

import re

import pytest

from lessonreel import theme
from tests.scenes.conftest import SCENES, ConstructedScene, construct

#: A text that states a concept, by what it reads, and the theme's colour for it.
CONCEPTS = {
    # The function studied, written out: f(x, y) = x^2 + y^2.
    re.compile(r"^MathTex\('f\(x, y\) ="): theme.FUNCTION_COLOR,
    # A slope's sign or size stated: "slope > 0: increasing", "slope < 0: ...".
    re.compile(r"^Text\('slope [<>≈]"): theme.SLOPE_COLOR,
}


def test_every_text_that_states_a_concept_has_the_concept_colour_in_every_scene(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, set[str]] = {}
    wrong = []
    for ref in SCENES:
        constructed: ConstructedScene = construct(ref, monkeypatch)
        for moment, label, colour in constructed.texts:
            for pattern, expected in CONCEPTS.items():
                if pattern.search(label):
                    seen.setdefault(pattern.pattern, set()).add(ref.name)
                    if colour != expected.upper():
                        wrong.append(f"{ref.name}, {moment}: {label} in {colour}, "
                                     f"not {expected}")
    # Each concept is found (in several scenes for the function), so the test tests.
    assert set(seen) == {p.pattern for p in CONCEPTS}, seen
    assert not wrong, "\n".join(sorted(set(wrong)))
