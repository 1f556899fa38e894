"""Every lesson's math layer stays free of Manim, so its tests run in milliseconds."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from lessonreel.authoring.lesson import discover

MATH_MODULES = [f"{lesson.package}.math" for lesson in discover().values()
                if importlib.util.find_spec(f"{lesson.package}.math") is not None]


def test_every_lesson_has_a_math_layer() -> None:
    assert len(MATH_MODULES) == len(discover())


@pytest.mark.parametrize("module", MATH_MODULES)
def test_math_layer_imports_no_manim(module: str) -> None:
    probe = (
        f"import sys; import {module}; "
        "bad = sorted(n for n in sys.modules if n == 'manim' or n.startswith('manim.')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
