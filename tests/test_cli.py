"""The command line as a user meets it: listing, bad input, and the doctor."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from lessonreel.authoring.lesson import discover
from lessonreel.cli.app import cli
from tests.conftest import ROOT, run_lessonreel


def test_list_json_describes_lessons_and_scenes_in_order() -> None:
    result = CliRunner().invoke(cli, ["list", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    lesson = next(x for x in data["lessons"] if x["slug"] == "module02-derivatives")
    assert lesson["title"] == "Derivatives and Partial Derivatives"
    names = [s["name"] for s in lesson["scenes"]]
    assert names == [scene.name for scene in discover()["module02-derivatives"].scenes]
    sensitivity = lesson["scenes"][2]
    assert set(sensitivity) == {"name", "title", "doc", "file"}
    assert sensitivity["file"] == "scenes/module02_derivatives/sensitivity.py"
    assert all((ROOT / scene["file"]).is_file() for scene in lesson["scenes"])
    assert "2.001" in sensitivity["doc"]


def test_list_prints_each_scene_with_its_docstring_wrapped_under_itself() -> None:
    result = CliRunner().invoke(cli, ["list"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["module02-derivatives", "Derivatives", "and", "Partial",
                                "Derivatives"]
    lesson = discover()["module02-derivatives"]
    for number, scene in enumerate(lesson.scenes, 1):
        [at] = [i for i, line in enumerate(lines)
                if line.split()[:2] == [f"{number}.", scene.name]]
        column = lines[at].index(scene.doc.split()[0], len(f"{number}. {scene.name}") + 3)
        # The description, read back across its wrapped lines, and every
        # continuation starts in the description's column.
        block = [lines[at]]
        for line in lines[at + 1:]:
            if line[:column].strip():
                break
            block.append(line)
        assert " ".join(" ".join(line[column:].split()) for line in block) == scene.doc
        assert all(len(line.rstrip()) <= 80 for line in block)


def test_unknown_lesson_exits_2_and_lists_the_known_ones() -> None:
    result = CliRunner().invoke(cli, ["render", "module99-nothing", "-q", "low"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "UnknownLessonError: unknown lesson 'module99-nothing'; "
        "known lessons: module02-derivatives, module03-gradient"
    )


def test_unknown_scene_exits_2_and_lists_the_lessons_scenes() -> None:
    result = CliRunner().invoke(cli, ["render", "module02-derivatives", "--scene", "Nope"])
    assert result.exit_code == 2
    assert "has no scene 'Nope'" in result.stderr
    assert "LessonTitle, ComputationIsNotLearning, SensitivityOfFiveX" in result.stderr


def test_unknown_quality_exits_2_with_the_choices() -> None:
    result = CliRunner().invoke(cli, ["render", "module02-derivatives", "-q", "ultra"])
    assert result.exit_code == 2
    assert "'ultra' is not one of 'low', 'medium', 'high', '4k'" in result.stderr


def test_doctor_passes_on_a_set_up_machine() -> None:
    result = run_lessonreel("doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("LaTeX", "dvisvgm", "ffprobe", "cairo", "pango", "PyAV", "Piper voice"):
        assert f"ok      {name}" in result.stdout


def test_doctor_names_what_is_missing_and_how_to_install_it(tmp_path: Path) -> None:
    # lessonreel runs from its absolute interpreter path; PATH holds no latex, dvisvgm or ffmpeg.
    empty = tmp_path / "bin"
    empty.mkdir()
    result = run_lessonreel("doctor", env={"PATH": str(empty)})
    assert result.returncode == 1
    assert "missing LaTeX" in result.stdout
    assert "apt-get install -y texlive-latex-base" in result.stdout
    assert "missing ffprobe" in result.stdout
