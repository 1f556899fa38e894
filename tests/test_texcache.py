"""The shared LaTeX folder: formulas compiled once for every process, never read half-written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lessonreel.authoring import texcache
from lessonreel.render.launch import TEX_DIR_ENV

pytest.importorskip("manim")

from manim import MathTex  # noqa: E402
from manim.mobject.text import tex_mobject  # noqa: E402

BUILD = """
import sys
from pathlib import Path
from lessonreel.authoring import texcache
texcache.install(Path(sys.argv[1]))
from manim import MathTex
for latex in sys.argv[2:]:
    print(len(MathTex(latex).family_members_with_points()))
"""


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This process's MathTex reads ``tmp_path/tex`` until the test ends."""
    folder = tmp_path / "tex"
    monkeypatch.setattr(tex_mobject, "tex_to_svg_file",
                        lambda expression, environment=None, tex_template=None:
                        texcache.shared_svg(folder, expression, environment, tex_template))
    return folder


def svgs(folder: Path) -> dict[str, bytes]:
    """Every cached SVG, by its path in the folder (not the compile folders')."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.svg")
            if not any(part.startswith(".") for part in p.relative_to(folder).parts)}


def leftovers(folder: Path) -> list[str]:
    """What a compile or a replacement left behind: nothing, when it finished."""
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def damaged(data: bytes, how: str) -> bytes:
    if how == "one digit":
        # A digit of the first path's coordinates: still an SVG that parses, and
        # draws a wrong glyph.
        found = re.search(rb"<path[^>]*? d=['\"][^'\"]*?([0-8])", data)
        assert found is not None
        at = found.start(1)
        return data[:at] + bytes([data[at] + 1]) + data[at + 1:]
    if how == "cut short":
        return data[: len(data) // 2]
    # Garbled: the middle overwritten, the closing tag kept.
    middle = len(data) // 3
    return data[:middle] + b"\x00#garbage#" * 20 + data[middle + 240:]


def latex_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The compilers texcache runs from now on, by name."""
    ran: list[str] = []
    real = texcache.subprocess.run

    def counted(command: list[str], *args: object, **kwargs: object) -> object:
        ran.append(Path(command[0]).name)
        return real(command, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(texcache.subprocess, "run", counted)
    return ran


def test_a_formula_compiled_once_is_read_again_without_running_latex(
        shared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = MathTex(r"\frac{\Delta y}{\Delta x} = 5")
    assert len(svgs(shared)) == 1

    def no_tools(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a cached formula ran {args[0]}")

    monkeypatch.setattr(texcache.subprocess, "run", no_tools)
    again = MathTex(r"\frac{\Delta y}{\Delta x} = 5")
    assert len(again.family_members_with_points()) == len(first.family_members_with_points())
    assert again.width == pytest.approx(first.width)


def test_nothing_but_whole_svgs_is_left_in_the_folder(shared: Path) -> None:
    MathTex("x^2 + 1")
    MathTex(r"\partial f / \partial x")
    assert leftovers(shared) == []
    assert len(svgs(shared)) == 2
    assert all(data.rstrip().endswith(b"</svg>") for data in svgs(shared).values())


@pytest.mark.parametrize("how", ["one digit", "cut short", "garbled"])
def test_a_damaged_svg_is_compiled_again_with_a_warning_never_drawn(
        shared: Path, how: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    clean = MathTex(r"\frac{\Delta y}{\Delta x} = 5")
    (name, data), = svgs(shared).items()
    (shared / name).write_bytes(damaged(data, how))
    capsys.readouterr()
    ran = latex_runs(monkeypatch)

    again = MathTex(r"\frac{\Delta y}{\Delta x} = 5")
    assert "latex" in ran, "the damaged SVG was used, not compiled again"
    warning = capsys.readouterr().err
    assert "warning: " in warning and str(shared / name) in warning
    # A clean compile, in place: dvisvgm may order the glyphs differently each time,
    # so it is compared by what Manim draws from it, not byte for byte.
    assert list(svgs(shared)) == [name]
    assert again.file_name is not None
    assert Path(again.file_name).read_bytes() == (shared / name).read_bytes()
    assert np.array_equal(again.get_all_points(), clean.get_all_points())
    assert len(again.family_members_with_points()) == len(clean.family_members_with_points())
    assert leftovers(shared) == []


def test_an_svg_without_its_record_is_compiled_again_with_a_warning(
        shared: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    MathTex("y = 5x")
    [name] = svgs(shared)
    (shared / name).with_name(texcache.RECORD_NAME).unlink()
    capsys.readouterr()
    ran = latex_runs(monkeypatch)
    MathTex("y = 5x")
    assert "latex" in ran
    assert "has no record" in capsys.readouterr().err
    assert list(svgs(shared)) == [name]
    assert (shared / name).with_name(texcache.RECORD_NAME).is_file()


def test_an_entry_another_process_stored_meanwhile_is_kept_not_replaced(
        shared: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    MathTex("z = 2")
    (name, data), = svgs(shared).items()
    first = (shared / name).stat().st_ino
    # This process looked before the other's rename landed: it compiles too, and its
    # rename meets the other's whole entry.
    looked = texcache._problem
    raced: list[Path] = []

    def before_the_other(entry: Path) -> str | None:
        if not raced:
            raced.append(entry)
            return "absent"
        return looked(entry)

    monkeypatch.setattr(texcache, "_problem", before_the_other)
    capsys.readouterr()
    MathTex("z = 2")
    assert (shared / name).stat().st_ino == first, "a whole entry was replaced under readers"
    assert svgs(shared) == {name: data}
    assert leftovers(shared) == []
    assert "warning" not in capsys.readouterr().err


def test_another_template_or_compiler_is_another_entry(shared: Path) -> None:
    from manim import TexTemplate

    MathTex("x")
    template = TexTemplate()
    template.add_to_preamble(r"\usepackage{bm}")
    MathTex("x", tex_template=template)
    assert len(svgs(shared)) == 2


def test_a_latex_error_names_a_log_that_exists(shared: Path) -> None:
    with pytest.raises(ValueError, match="error converting to dvi") as raised:
        MathTex(r"\nosuchmacro x")
    log = Path(str(raised.value).rsplit("log file: ", 1)[1])
    assert log.is_file() and log.is_relative_to(shared)
    assert svgs(shared) == {}


def test_many_processes_compiling_the_same_formulas_at_once_all_succeed(tmp_path: Path) -> None:
    folder = tmp_path / "tex"
    formulas = ["x^2 + y^2", r"\frac{d}{dx} x^2 = 2x", "f(x, 1) = x^2 + 1"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    runs = [subprocess.Popen([sys.executable, "-c", BUILD, str(folder), *formulas], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(4)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0] * 4, [err[-1500:] for _, err in outputs]
    # Every process drew the same glyphs from the same, whole, files.
    assert len({out for out, _ in outputs}) == 1
    assert len(svgs(folder)) == len(formulas)
    assert leftovers(folder) == []


def test_cleaning_removes_what_killed_compiles_left_and_keeps_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "tex"
    folder.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (folder / f".compiling-{dead.pid}-abc").mkdir()
    (folder / f".compiling-{os.getpid()}-def").mkdir()
    (folder / ".89ab.damaged-1234").mkdir()
    kept = folder / "0123.svg"
    kept.write_text("<svg></svg>")
    old = folder / "4567.svg"
    old.write_text("<svg></svg>")
    long_ago = old.stat().st_mtime - (texcache.UNUSED_DAYS + 1) * 86400
    os.utime(old, (long_ago, long_ago))
    for entry in ("cdef", "ef01"):
        (folder / entry).mkdir()
        (folder / entry / texcache.SVG_NAME).write_text("<svg></svg>")
        (folder / entry / texcache.RECORD_NAME).write_text("{}")
    os.utime(folder / "ef01" / texcache.RECORD_NAME, (long_ago, long_ago))

    texcache.clean(folder)
    assert sorted(p.name for p in folder.iterdir()) == [f".compiling-{os.getpid()}-def",
                                                       "0123.svg", "cdef"]


def test_the_folder_can_be_shared_between_caches_by_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TEX_DIR_ENV, raising=False)
    assert texcache.shared_dir(tmp_path / "cache") == tmp_path / "cache" / "tex"
    monkeypatch.setenv(TEX_DIR_ENV, str(tmp_path / "everyone"))
    assert texcache.shared_dir(tmp_path / "cache") == tmp_path / "everyone"


@pytest.mark.render
def test_a_second_render_elsewhere_runs_no_latex_at_all(tmp_path: Path) -> None:
    """Two previews in two caches, one LaTeX folder: the second compiles nothing.

    ``latex`` is a logging wrapper first on PATH, so every compile of every
    process Manim starts is counted.
    """
    from tests.conftest import run_lessonreel

    tools = tmp_path / "bin"
    tools.mkdir()
    calls = tmp_path / "latex-calls"
    real = subprocess.run(["sh", "-c", "command -v latex"], capture_output=True, text=True,
                          check=True).stdout.strip()
    (tools / "latex").write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexec {real} "$@"\n')
    (tools / "latex").chmod(0o755)
    env = {"PATH": f"{tools}{os.pathsep}{os.environ['PATH']}",
           TEX_DIR_ENV: str(tmp_path / "tex")}

    for cache in ("first", "second"):
        result = run_lessonreel("preview", "module02-derivatives", "SensitivityOfFiveX",
                                "--frame", "last", "--cache-dir", str(tmp_path / cache),
                                env=env)
        assert result.returncode == 0, result.stderr[-2000:]
        if cache == "first":
            compiled = calls.read_text().splitlines()
            assert compiled, "the first preview compiled no formula: the wrapper saw nothing"
    assert calls.read_text().splitlines() == compiled
    assert len(svgs(tmp_path / "tex")) == len(compiled)
