"""The lesson registry: what a set of lesson packages may and may not declare."""

from __future__ import annotations

import textwrap
import uuid
from pathlib import Path

import pytest

from lessonreel.authoring.lesson import discover
from lessonreel.errors import LessonDeclarationError


def write_lessons(root: Path, scenes_by_slug: dict[str, list[str]]) -> str:
    name = f"registry_{uuid.uuid4().hex[:8]}"
    (root / name).mkdir()
    (root / name / "__init__.py").write_text("")
    for slug, scenes in scenes_by_slug.items():
        package = root / name / slug.replace("-", "_")
        package.mkdir()
        refs = ", ".join(f'SceneRef("s", "{scene}", "{scene} chapter")' for scene in scenes)
        (package / "__init__.py").write_text(textwrap.dedent(f"""
            from lessonreel.authoring.lesson import Lesson, SceneRef
            LESSON = Lesson(slug="{slug}", title="T", course="C", package=__name__,
                            scenes=({refs},))
        """))
    return name


def test_lessons_are_found_by_slug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    package = write_lessons(tmp_path, {"alpha-one": ["AlphaOpens"], "beta-two": ["BetaOpens"]})
    assert sorted(discover(package)) == ["alpha-one", "beta-two"]


def test_a_scene_name_used_by_two_lessons_is_refused(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    package = write_lessons(tmp_path, {"alpha-one": ["LessonTitle", "AlphaOnly"],
                                       "beta-two": ["LessonTitle"]})
    with pytest.raises(LessonDeclarationError) as refused:
        discover(package)
    assert str(refused.value) == (
        "lessons alpha-one and beta-two both have a scene named LessonTitle; scene class names "
        "must be unique across lessons, so rename one (name it for what the viewer sees)")
