"""One LaTeX cache for every scene, shard, preview and run.

Manim compiles each ``MathTex`` into ``<media>/Tex/<hash>.svg`` and reuses the SVG
when it is there. A render gives every shard its own media folder, so without
help every run compiled every formula again (about 26 compiles, 5 s, a scene).
Pointing every process at one folder is not enough: Manim writes the ``.tex``,
``.dvi`` and ``.svg`` in place, so a second process could read a half-written
file, or compile a ``.tex`` the first is still writing.

:func:`install` replaces Manim's ``tex_to_svg_file`` in the running process with
one that looks the SVG up in a shared folder and, on a miss, compiles in a private
temporary folder and renames the finished SVG into place. A reader sees a whole
SVG or none; two processes compiling the same formula both rename an identical
file. The key covers what decides the SVG: the whole LaTeX source (the template's
preamble included), the compilers, the output format, and the TeX installation
(the compiler and dvisvgm binaries, and the format file the compiler loads), so a
TeX upgrade starts afresh instead of serving SVGs from the old one.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lessonreel.files import staged

if TYPE_CHECKING:
    from manim.utils.tex import TexTemplate

#: The shared LaTeX folder, set by lessonreel's renderer and previewer for the Manim
#: processes they start (and read from the user's environment, if set, to share one
#: folder between caches). Without it, a plain ``manim render`` of a scene file
#: keeps Manim's own behaviour.
TEX_DIR_ENV = "LESSONREEL_TEX_DIR"
#: An SVG no render has used for this long is removed by :func:`clean`.
UNUSED_DAYS = 60
#: The format file each compiler loads, found through kpsewhich for the key.
_FORMATS = {
    "latex": ("pdftex", "latex.fmt"),
    "pdflatex": ("pdftex", "pdflatex.fmt"),
    "xelatex": ("xetex", "xelatex.fmt"),
    "lualatex": ("luahbtex", "lualatex.fmt"),
}
_TMP_PREFIX = ".compiling-"


def shared_dir(cache_dir: Path) -> Path:
    """The LaTeX folder of a cache: ``$LESSONREEL_TEX_DIR`` when set (one folder for
    several projects or caches), else ``<cache>/tex``."""
    chosen = os.environ.get(TEX_DIR_ENV)
    return Path(chosen) if chosen else cache_dir / "tex"


def install(folder: Path) -> None:
    """Make every ``MathTex``/``Tex`` built from now on in this process use ``folder``."""
    from manim.mobject.text import tex_mobject

    def tex_to_svg_file(expression: str, environment: str | None = None,
                        tex_template: TexTemplate | None = None) -> Path:
        return shared_svg(folder, expression, environment, tex_template)

    tex_mobject.tex_to_svg_file = tex_to_svg_file  # type: ignore[assignment]


def install_from_env() -> None:
    folder = os.environ.get(TEX_DIR_ENV)
    if folder:
        install(Path(folder))


def shared_svg(folder: Path, expression: str, environment: str | None = None,
               tex_template: TexTemplate | None = None) -> Path:
    """The SVG of ``expression``, from ``folder`` or compiled into it atomically."""
    from manim import config

    template = tex_template if tex_template is not None else config["tex_template"]
    if environment is not None:
        source = template.get_texcode_for_expression_in_env(expression, environment)
    else:
        source = template.get_texcode_for_expression(expression)
    compilers = ([template.tex_compiler] if isinstance(template.tex_compiler, str)
                 else list(template.tex_compiler))
    key = hashlib.sha256(json.dumps(
        [source, compilers, template.output_format, toolchain(tuple(compilers))]
    ).encode()).hexdigest()[:32]
    svg = folder / f"{key}.svg"
    if _whole(svg):
        with contextlib.suppress(OSError):
            os.utime(svg)  # marks it used, for clean()
    else:
        _compile(folder, svg, source, compilers, template.output_format)
    return _for_this_process(svg)


@cache
def _reading_dir() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="lessonreel-tex-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _for_this_process(svg: Path) -> Path:
    """A private name for a shared SVG: Manim writes a modified copy beside the file
    it is given (``<name>_.svg``) and deletes it, which two processes reading one
    shared SVG would do to each other's copy."""
    private = _reading_dir() / svg.name
    with contextlib.suppress(OSError):
        if private.stat().st_ino == svg.stat().st_ino:
            return private
    # The shared file was replaced (compiled again) since: read the new one.
    private.unlink(missing_ok=True)
    try:
        os.link(svg, private)
    except OSError:  # another filesystem
        shutil.copyfile(svg, private)
    return private


def _whole(svg: Path) -> bool:
    """An SVG is only ever renamed into place whole; this also refuses one cut short
    since (a full disk, a copy of the cache interrupted), which would be drawn wrong."""
    try:
        with svg.open("rb") as data:
            data.seek(0, os.SEEK_END)
            size = data.tell()
            data.seek(max(0, size - 64))
            return size > 0 and data.read().rstrip().endswith(b"</svg>")
    except OSError:
        return False


def _compile(folder: Path, svg: Path, source: str, compilers: list[str],
             output_format: str) -> None:
    from manim.utils.tex_file_writing import make_tex_compilation_command, print_all_tex_errors

    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{os.getpid()}-", dir=folder))
    tex = work / "formula.tex"
    tex.write_text(source, encoding="utf-8")
    compiled = tex.with_suffix(output_format)
    for compiler in compilers:
        command = make_tex_compilation_command(compiler, output_format, tex, work)
        if subprocess.run(command, stdout=subprocess.DEVNULL, check=False).returncode != 0:
            # Kept, with the source and log the message names, until clean() finds
            # this process gone.
            log = tex.with_suffix(".log")
            print_all_tex_errors(log, compiler, tex)
            raise ValueError(f"{compiler} error converting to {output_format[1:]}. "
                             f"See log output above or the log file: {log}")
    try:
        with staged(svg) as tmp:
            subprocess.run(
                ["dvisvgm", *(["--pdf"] if output_format == ".pdf" else []), "--page=1",
                 "--no-fonts", "--verbosity=0", f"--output={tmp.as_posix()}",
                 compiled.as_posix()],
                stdout=subprocess.DEVNULL, check=False)
            if not _whole(tmp):
                raise ValueError(
                    f"dvisvgm could not convert {compiled.suffix} to SVG; "
                    "install dvisvgm 2.4 or newer (lessonreel doctor checks it)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


@cache
def toolchain(compilers: tuple[str, ...]) -> list[Any]:
    """What identifies this TeX installation, by stat: no compiler is run."""
    found: list[Any] = []
    for name in (*compilers, "dvisvgm"):
        path = shutil.which(name)
        found.append(_stat(Path(path).resolve()) if path else [name, None])
        if name in _FORMATS:
            engine, fmt = _FORMATS[name]
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                where = subprocess.run(["kpsewhich", f"-engine={engine}", fmt],
                                       capture_output=True, text=True, check=False).stdout
                if where.strip():
                    found.append(_stat(Path(where.strip())))
    return found


def _stat(path: Path) -> list[Any]:
    try:
        info = path.stat()
    except OSError:
        return [str(path), None]
    return [str(path), info.st_size, info.st_mtime_ns]


def clean(folder: Path) -> None:
    """Remove compile folders of processes that are gone, and SVGs unused for UNUSED_DAYS."""
    from lessonreel.cache import pid_alive

    if not folder.is_dir():
        return
    now = time.time()
    for path in folder.iterdir():
        with contextlib.suppress(OSError):
            if path.name.startswith(_TMP_PREFIX):
                pid = path.name[len(_TMP_PREFIX):].split("-")[0]
                if pid.isdigit() and not pid_alive(int(pid)):
                    shutil.rmtree(path, ignore_errors=True)
            elif path.name.startswith(".") and path.name.endswith(".tmp.svg"):
                # A rename that never happened: its writer was killed mid-write.
                if now - path.stat().st_mtime > 3600:
                    path.unlink()
            elif path.suffix == ".svg" and now - path.stat().st_mtime > UNUSED_DAYS * 86400:
                path.unlink()
