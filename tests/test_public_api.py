"""What a scene author imports comes from ``lessonreel`` alone, and costs nothing until used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import lessonreel
from lessonreel.authoring import theme

#: What costs a command its start-up: each takes a quarter of a second or more to import.
HEAVY = ("manim", "sympy", "scipy", "pyloudnorm")


def loaded_after(statement: str) -> set[str]:
    """Which of the heavy libraries a fresh interpreter has loaded after ``statement``."""
    code = f"{statement}\nimport sys\nprint(sorted({set(HEAVY)!r} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    return set(eval(out))  # noqa: S307 - our own print of a list of names


def test_importing_lessonreel_or_declaring_a_lesson_loads_neither_manim_nor_sympy() -> None:
    assert loaded_after("import lessonreel") == set()
    assert loaded_after("from lessonreel import Lesson, SceneRef, Thumbnail, theme") == set()


def test_the_command_line_and_the_render_plan_load_no_heavy_library() -> None:
    # SciPy came in through the loudness measure once and tripled the CLI's start-up.
    assert loaded_after("import lessonreel.cli, lessonreel.render.plan, lessonreel.render.run") \
        == set()


def test_a_name_that_needs_them_loads_them_when_asked_for() -> None:
    assert loaded_after("from lessonreel import say") == {"sympy"}
    assert {"pyloudnorm", "scipy"} <= loaded_after(
        "import numpy as np; from lessonreel.voice.loudness import loudness\n"
        "loudness(np.random.default_rng(0).normal(0, 0.1, 48000), 48000)")
    assert "manim" in loaded_after("from lessonreel import LessonScene")


def test_every_public_name_resolves_and_an_unknown_one_lists_them() -> None:
    assert sorted(lessonreel.__all__) == sorted([*lessonreel._PUBLIC, "theme"])
    for name in lessonreel.__all__:
        assert getattr(lessonreel, name) is not None
    with pytest.raises(AttributeError, match="it offers: BeatTracker, Choice, Lesson, LessonScene"):
        lessonreel.Scene  # noqa: B018


@pytest.mark.parametrize("name", ["LessonScene", "ThreeDLessonScene"])
def test_a_lesson_scene_is_narrated_and_drawn_on_the_courses_background(name: str) -> None:
    from manim import ManimColor, tempconfig

    base = getattr(lessonreel, name)

    class Empty(base):  # type: ignore[misc, valid-type]
        def construct(self) -> None:
            self.wait(0.1)

    with tempconfig({"dry_run": True, "quality": "low_quality"}):
        scene = Empty(skip_animations=True)
        scene.render()
    assert isinstance(scene, lessonreel.NarrationMixin)
    assert ManimColor(scene.camera.background_color) == ManimColor(theme.BACKGROUND)
    assert ManimColor(theme.BACKGROUND) != ManimColor("#000000")  # not Manim's own default


def test_bases_in_the_wrong_order_are_refused_not_left_to_drop_the_narration() -> None:
    from manim import Scene

    with pytest.raises(TypeError, match="write NarrationMixin before the Scene class"):
        class Backwards(Scene, lessonreel.NarrationMixin):  # noqa: F841
            pass


def test_both_modules_and_the_scaffold_import_from_lessonreel_alone() -> None:
    """Scene code names no engine module, so the engine's modules may move."""
    from lessonreel.authoring import scaffold

    root = Path(__file__).resolve().parents[1]
    sources = {str(path.relative_to(root)): path.read_text(encoding="utf-8")
               for path in sorted((root / "scenes").rglob("*.py"))}
    sources.update({f"scaffold.{name}": getattr(scaffold, name).template
                    for name in ("INIT", "MATH", "SCENE", "TEST")})
    inside = [f"{where}: {line.strip()}" for where, text in sources.items()
              for line in text.splitlines()
              if line.lstrip().startswith(("from lessonreel.", "import lessonreel."))]
    assert inside == []
    assert any("from lessonreel import" in text for text in sources.values())
