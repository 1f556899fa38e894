"""``lessonreel new``: a new lesson package that renders on the first try.

The scaffold is the smallest complete lesson in the house layout: a
declaration, a pure-SymPy ``math.py``, one narrated scene that takes its
formula from it, and a math test. The author replaces the example function and
the words; everything else already works.

The package is written into a hidden folder beside the others and renamed into
place, so an interrupted ``new`` leaves no half-lesson for discovery to trip on.
"""

from __future__ import annotations

import importlib
import keyword
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path
from string import Template

from lessonreel.authoring.lesson import SLUG_PATTERN, discover, lessons_package, project_root
from lessonreel.errors import LessonDeclarationError, UsageError
from lessonreel.files import write_atomically

#: Slugs become package names, so the first word must start with a letter.
NEW_SLUG = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_MODULE_NUMBER = re.compile(r"^module(\d+)\b")
_SMALL_WORDS = {"a", "an", "the", "of", "and", "to", "in", "on", "for"}

INIT = Template('''\
"""$title: a lesson of $course."""

from lessonreel import Lesson, SceneRef

LESSON = Lesson(
    slug=$slug_repr,
    title=$title_repr,
    course=$course_repr,
    package=__name__,
    summary=$summary_repr,
    # Scenes play in this order, and each one becomes a chapter of the lesson video.
    scenes=(
        SceneRef("introduction", $scene_repr, $chapter_repr),
    ),
)
''')

MATH = Template('''\
"""Every value $title puts on screen, computed exactly with SymPy.

No manim here: scenes convert what this module returns but never compute a
number of their own, and its tests run in milliseconds.
"""

from __future__ import annotations

import sympy as sp

x = sp.symbols("x", real=True)

#: The lesson's example function: replace it with yours.
FUNCTION = x**2
DERIVATIVE = sp.diff(FUNCTION, x)
#: Where the scene reads the slope off.
POINT = sp.Integer(3)
SLOPE_AT_POINT = DERIVATIVE.subs(x, POINT)


def derivative_latex() -> str:
    """The rule as the viewer sees it, typeset by SymPy."""
    return rf"\\frac{{d}}{{dx}}\\left({sp.latex(FUNCTION)}\\right) = {sp.latex(DERIVATIVE)}"


def slope_latex() -> str:
    return rf"f'({sp.latex(POINT)}) = {sp.latex(SLOPE_AT_POINT)}"
''')

SCENE = Template('''\
"""$title: the opening scene."""

from __future__ import annotations

from manim import *

from lessonreel import LessonScene, say, theme
from $lessons.common.cards import title_card
from $lessons.common.layout import formula, scene_title
from $lessons.$package import LESSON
from $lessons.$package import math as m


class $scene(LessonScene):
    """The title card, then the lesson's first rule and one value read off it."""

    def construct(self) -> None:
        card = title_card(LESSON.course, $module_repr, LESSON.title)

        with self.voiceover(beat="welcome", text=(
$welcome_lines
        )) as tracker:
            self.play(FadeIn(card, shift=UP * 0.2), run_time=1.0)

        title = scene_title("The first rule")
        rule = formula(m.derivative_latex())
        slope = formula(m.slope_latex(), color=theme.HIGHLIGHT_COLOR).next_to(rule, DOWN, buff=0.6)

        # Values are fields filled from the math layer: captions show "6", the voice says "six".
        # A mark ({@name}) names the moment a word is said: each picture starts on its word.
        with self.voiceover(beat="first-rule", text=say(
            "Every number in this lesson comes from the math module beside this scene. "
            "The {@rule}derivative of {f} is {df}, and where x is {point} the {@slope}slope "
            "is {slope}.",
            f=m.FUNCTION, df=m.DERIVATIVE, point=m.POINT, slope=m.SLOPE_AT_POINT,
        ), hold=1.0) as tracker:
            self.play(FadeOut(card), Write(title), run_time=1.0)
            tracker.wait_until("rule")
            self.play(Write(rule), run_time=1.5)
            tracker.wait_until("slope")
            self.play(FadeIn(slope, shift=UP * 0.2), run_time=1.0)
''')

TEST = Template('''\
"""Exact values behind $title. No manim here: milliseconds."""

from __future__ import annotations

from $lessons.$package import math as m


def test_the_example_rule_and_its_slope() -> None:
    assert m.DERIVATIVE == 2 * m.x
    assert m.SLOPE_AT_POINT == 6
    assert m.slope_latex() == "f'(3) = 6"
''')


@dataclass(frozen=True)
class Scaffold:
    """What ``new`` wrote, and what to run next."""

    slug: str
    package_dir: Path
    test_file: Path
    scene: str

    @property
    def next_commands(self) -> list[str]:
        return [
            "lessonreel list",
            f"lessonreel preview {self.slug} {self.scene} --frame last",
            f"lessonreel render {self.slug} -q low",
        ]


def scene_name_for(title: str) -> str:
    """A class name that says what the viewer sees first: ``GradientVectorIntroduction``."""
    words = [w for w in re.findall(r"[A-Za-z0-9]+", title)]
    kept = [w for i, w in enumerate(words) if i or w.lower() not in _SMALL_WORDS] or ["Lesson"]
    name = "".join(w[:1].upper() + w[1:] for w in kept) + "Introduction"
    return name if name[0].isalpha() else f"Lesson{name}"


def module_label(slug: str, title: str) -> str:
    match = _MODULE_NUMBER.match(slug)
    return f"Module {int(match.group(1))}" if match else "Lesson"


def _string_lines(text: str, indent: int, width: int = 72) -> str:
    """``text`` as adjacent string literals, one per line, so the scene stays within 100 columns."""
    chunks = textwrap.wrap(text, width)
    return "\n".join(" " * indent + repr(chunk + (" " if i < len(chunks) - 1 else ""))
                     for i, chunk in enumerate(chunks))


#: Characters the longest file ``new`` names adds to the package name:
#: ``test_<package>_math.py``, and the staging folder ``.new-<package>-XXXXXXXX``.
_NAME_OVERHEAD = len(".new--XXXXXXXX")
#: A slug short enough for every filesystem and for the paths built from it.
MAX_SLUG = 64


def max_slug_length(folder: Path | None = None) -> int:
    """The longest slug ``new`` accepts: MAX_SLUG, or less where the filesystem's
    names are shorter."""
    try:
        name_max = os.pathconf(folder or Path.cwd(), "PC_NAME_MAX")
    except (OSError, ValueError):
        name_max = 255
    return max(1, min(MAX_SLUG, name_max - _NAME_OVERHEAD))


def check_slug(slug: str, folder: Path | None = None) -> None:
    """Refuse a slug that cannot become a lesson package: the rule, in one line."""
    longest = max_slug_length(folder)
    rule = ("lowercase words (letters a-z and digits) joined by hyphens, starting with a "
            f"letter, at most {longest} characters, and not a Python keyword once hyphens "
            "become underscores (the package name), e.g. module03-gradient")
    if not slug.isascii() or not NEW_SLUG.match(slug) or not SLUG_PATTERN.match(slug):
        raise UsageError(f"lesson slug {slug!r} must be {rule}")
    if len(slug) > longest:
        raise UsageError(f"lesson slug {slug[:20]!r}... is {len(slug)} characters, too long; "
                         f"it must be {rule}")
    package = slug.replace("-", "_")
    if keyword.iskeyword(package):
        # ``from scenes.class import ...`` is a SyntaxError: every later command would fail.
        raise UsageError(f"lesson slug {slug!r} makes the package name {package!r}, a Python "
                         f"keyword, which cannot be imported; it must be {rule}")


def _check_text(option: str, text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{option} holds characters that are not text (bytes that are not "
                         "UTF-8); retype it") from None


def create(slug: str, title: str, course: str | None = None, summary: str = "",
           scene: str | None = None) -> Scaffold:
    """Write a new lesson package under the lessons package, and its math test."""
    check_slug(slug)
    for option, text in (("--title", title), ("--course", course or ""),
                         ("--summary", summary), ("--scene", scene or "")):
        _check_text(option, text)
    title = " ".join(title.split())
    if not title:
        raise UsageError("--title must not be empty: it is the lesson's title on screen")
    scene = scene or scene_name_for(title)
    if (not scene.isascii() or not scene.isidentifier() or not scene[0].isupper()
            or keyword.iskeyword(scene)):
        raise UsageError(f"scene name {scene!r} must be a Python class name in CamelCase "
                         "(ASCII letters and digits, starting with a capital; not None, "
                         "True or False)")
    lessons = discover()
    if slug in lessons:
        raise UsageError(f"lesson {slug!r} already exists in {lessons[slug].package}; "
                         "choose another slug or edit that lesson")
    taken = {s.name: lesson.slug for lesson in lessons.values() for s in lesson.scenes}
    if scene in taken:
        raise UsageError(f"scene name {scene} is already used by lesson {taken[scene]}; "
                         "pass --scene with another name")
    courses = sorted({lesson.course for lesson in lessons.values()})
    course = course or (courses[0] if len(courses) == 1 else None)
    if not course:
        raise UsageError("pass --course: the course this lesson belongs to "
                         f"(existing courses: {', '.join(courses) or 'none'})")

    package = slug.replace("-", "_")
    lessons_name = lessons_package()
    root = project_root()
    lessons_dir = Path(next(iter(importlib.import_module(lessons_name).__path__))).resolve()
    target = lessons_dir / package
    if target.exists():
        raise UsageError(f"{target} already exists; choose another slug or remove that folder")
    tests_dir = root / "tests" / "math" if (root / "tests" / "math").is_dir() else root / "tests"
    test_file = tests_dir / f"test_{package}_math.py"
    if test_file.exists():
        raise UsageError(f"{test_file} already exists; choose another slug or remove that file")

    values = {
        "slug_repr": repr(slug), "title": title.replace('"""', "'''"), "title_repr": repr(title),
        "course": course.replace('"""', "'''"), "course_repr": repr(course),
        "summary_repr": repr(summary or f"{title}, step by step."),
        "scene": scene, "scene_repr": repr(scene),
        "chapter_repr": repr("Welcome"), "module_repr": repr(module_label(slug, title)),
        "lessons": lessons_name, "package": package,
        "welcome_lines": _string_lines(
            f"Welcome to {course}. This lesson is about {title.rstrip('.')}.", indent=12),
    }
    staging = Path(tempfile.mkdtemp(prefix=f".new-{package}-", dir=lessons_dir))
    try:
        (staging / "__init__.py").write_text(INIT.substitute(values), encoding="utf-8")
        (staging / "math.py").write_text(MATH.substitute(values), encoding="utf-8")
        (staging / "introduction.py").write_text(SCENE.substitute(values), encoding="utf-8")
        staging.chmod(0o755)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    tests_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(test_file, TEST.substitute(values).encode())
    _check_registered(slug, target, test_file)
    return Scaffold(slug=slug, package_dir=target, test_file=test_file, scene=scene)


def _check_registered(slug: str, target: Path, test_file: Path) -> None:
    """Discovery must find the new lesson, in a fresh interpreter as a render would."""
    code = (f"from lessonreel.authoring.lesson import get_lesson; "
            f"print(get_lesson({slug!r}).scene_names[0])")
    result = subprocess.run([sys.executable, "-c", code], cwd=project_root(),
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        test_file.unlink(missing_ok=True)
        detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise LessonDeclarationError(f"the new lesson {slug} did not register ({detail}); "
                                     "nothing was written")
