"""The theme keeps text readable: WCAG contrast of at least 4.5:1 on the background."""

from __future__ import annotations

import pytest

from lessonreel.authoring import theme


@pytest.mark.parametrize("name", sorted(theme.TEXT_COLORS))
def test_text_colours_have_at_least_4_5_to_1_contrast(name: str) -> None:
    assert theme.contrast_ratio(theme.TEXT_COLORS[name]) >= 4.5


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert theme.contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert theme.contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
