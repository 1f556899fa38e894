"""One LaTeX cache for every scene, shard, preview and run.

Manim compiles each ``MathTex`` into ``<media>/Tex/<hash>.svg`` and reuses the SVG
when it is there. A render gives every shard its own media folder, so without
help every run compiled every formula again (about 26 compiles, 5 s, a scene).
Pointing every process at one folder is not enough: Manim writes the ``.tex``,
``.dvi`` and ``.svg`` in place, so a second process could read a half-written
file, or compile a ``.tex`` the first is still writing.

:func:`install` replaces Manim's ``tex_to_svg_file`` in the running process with
one that looks the SVG up in a shared folder and, on a miss, compiles in a private
temporary folder and renames the finished entry into place: a folder named by the
key holding the SVG and its record (size and SHA-256). One rename puts both in
place, so a reader sees a whole entry or none, and two processes compiling the same
formula both succeed (the second keeps the first's entry). Every read checks the SVG
against its record, as the scene and beat caches check theirs: an SVG changed since
(a digit of a path, a cut, a missing record) is compiled again with a warning, never
drawn. The key covers what decides the SVG: the whole LaTeX source (the template's
preamble included), the compilers, the output format, and the TeX installation
(the compiler and dvisvgm binaries, and the format file the compiler loads), so a
TeX upgrade starts afresh instead of serving SVGs from the old one.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lessonreel.files import file_digest, pid_folder, remove_orphans
from lessonreel.render.launch import TEX_DIR_ENV, SceneOrders
from lessonreel.stopping import private_temp_dir

if TYPE_CHECKING:
    from manim.utils.tex import TexTemplate

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
_log = logging.getLogger("lessonreel.authoring.texcache")
#: An entry: ``<folder>/<key>/`` holding these two.
SVG_NAME = "formula.svg"
RECORD_NAME = "record.json"
#: How a Manim process marks a line of its log that the renderer repeats to the user
#: as a warning: the process's own stderr is its log, which nobody reads on success.
WARNING_MARK = "lessonreel-warning: "


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
    """Use the LaTeX folder this scene process was told of, if any."""
    folder = SceneOrders.from_environment().tex_dir
    if folder is not None:
        install(folder)


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
    entry = folder / key
    problem = _problem(entry)
    if problem is None:
        with contextlib.suppress(OSError):
            os.utime(entry / RECORD_NAME)  # marks it used, for clean()
    else:
        if problem != "absent":
            warn(f"the LaTeX cache's {entry / SVG_NAME} {problem}; compiling "
                 f"{_short(expression)} again")
        _compile(folder, entry, source, compilers, template.output_format)
    return _for_this_process(entry, key)


def warn(message: str) -> None:
    """Say ``message`` on stderr, marked for the renderer to repeat it (see WARNING_MARK)."""
    print(f"{WARNING_MARK}{message}", file=sys.stderr, flush=True)


def repeat_warnings(log: Path) -> None:
    """Repeat the warnings a Manim process marked in its log (:func:`warn`) as this
    process's own, which the command line prints as ``warning:`` lines."""
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return
    # Progress bars share the log and end their lines with carriage returns.
    for line in text.replace("\r", "\n").splitlines():
        if WARNING_MARK in line:
            _log.warning("%s", line.split(WARNING_MARK, 1)[1].strip())


def _short(expression: str) -> str:
    """The formula as its author wrote it: without the markers Manim wraps each part in."""
    flat = " ".join(re.sub(r"\\special\{dvisvgm:raw [^}]*\}", " ", expression).split())
    return f'"{flat if len(flat) <= 60 else flat[:59] + "…"}"'


@cache
def _reading_dir() -> Path:
    # Named with this process's pid: a worker killed before its atexit ran leaves it
    # behind, and the next plan removes it once that pid is gone.
    folder = private_temp_dir("lessonreel-tex-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _for_this_process(entry: Path, key: str) -> Path:
    """A private name for a shared SVG: Manim writes a modified copy beside the file
    it is given (``<name>_.svg``) and deletes it, which two processes reading one
    shared SVG would do to each other's copy."""
    svg = entry / SVG_NAME
    private = _reading_dir() / f"{key}.svg"
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


def _problem(entry: Path) -> str | None:
    """What is wrong with the entry in ``entry``: None when its SVG is the one its
    record describes, "absent" when there is none. Checked on every read, not only
    for a closing tag: one digit changed in a path parses, and draws a wrong formula."""
    svg = entry / SVG_NAME
    try:
        record = json.loads((entry / RECORD_NAME).read_text())
        size, digest = record["size"], record["sha256"]
    except FileNotFoundError:
        return "absent" if not entry.exists() else "has no record"
    except (OSError, ValueError, KeyError, TypeError):
        return "has a record that cannot be read"
    try:
        actual = svg.stat().st_size
    except OSError:
        return "is missing"
    if actual != size:
        return f"is {actual} bytes, recorded {size}"
    if file_digest(svg) != digest:
        return "is not the file that was stored (checksum differs)"
    return None


def _whole(svg: Path) -> bool:
    """What dvisvgm wrote ends as an SVG does: it fails by writing nothing or a part."""
    try:
        with svg.open("rb") as data:
            data.seek(0, os.SEEK_END)
            size = data.tell()
            data.seek(max(0, size - 64))
            return size > 0 and data.read().rstrip().endswith(b"</svg>")
    except OSError:
        return False


def _compile(folder: Path, entry: Path, source: str, compilers: list[str],
             output_format: str) -> None:
    from manim.utils.tex_file_writing import make_tex_compilation_command, print_all_tex_errors

    folder.mkdir(parents=True, exist_ok=True)
    work = pid_folder(folder, _TMP_PREFIX)
    tex = work / "formula.tex"
    tex.write_text(source, encoding="utf-8")
    compiled = tex.with_suffix(output_format)
    # The tools' own temporary files (dvisvgm makes a folder) go in the compile folder,
    # which clean() removes once this process is gone, even if it was killed mid-way.
    env = {**os.environ, "TMPDIR": str(work)}
    for compiler in compilers:
        command = make_tex_compilation_command(compiler, output_format, tex, work)
        if subprocess.run(command, stdout=subprocess.DEVNULL, env=env,
                          check=False).returncode != 0:
            # Kept, with the source and log the message names, until clean() finds
            # this process gone.
            log = tex.with_suffix(".log")
            print_all_tex_errors(log, compiler, tex)
            raise ValueError(f"{compiler} error converting to {output_format[1:]}. "
                             f"See log output above or the log file: {log}")
    try:
        made = work / "entry"
        made.mkdir()
        svg = made / SVG_NAME
        subprocess.run(
            ["dvisvgm", *(["--pdf"] if output_format == ".pdf" else []), "--page=1",
             "--no-fonts", "--verbosity=0", f"--output={svg.as_posix()}",
             f"--tmpdir={work.as_posix()}", compiled.as_posix()],
            stdout=subprocess.DEVNULL, env=env, check=False)
        if not _whole(svg):
            raise ValueError(
                f"dvisvgm could not convert {compiled.suffix} to SVG; "
                "install dvisvgm 2.4 or newer (lessonreel doctor checks it)")
        (made / RECORD_NAME).write_text(json.dumps(
            {"size": svg.stat().st_size, "sha256": file_digest(svg)}))
        _put_in_place(made, entry)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _put_in_place(made: Path, entry: Path) -> None:
    """Rename the finished entry ``made`` to ``entry`` in one step. If another process
    put a whole entry there first, keep that one (readers may hold it); a damaged one
    there is moved aside and replaced."""
    for _ in range(3):
        try:
            os.rename(made, entry)
            return
        except OSError as error:
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
                raise
        if _problem(entry) is None:
            return
        aside = entry.with_name(f".{entry.name}.damaged-{uuid.uuid4().hex[:8]}")
        with contextlib.suppress(FileNotFoundError):
            os.rename(entry, aside)
        if aside.is_dir():
            shutil.rmtree(aside, ignore_errors=True)
        else:
            aside.unlink(missing_ok=True)
    raise RuntimeError(f"cannot put LaTeX cache entry {entry} in place: other processes "
                       "keep replacing it")


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
    """Remove compile folders of processes that are gone, and entries unused for
    UNUSED_DAYS."""
    if not folder.is_dir():
        return
    remove_orphans(folder, (_TMP_PREFIX,))
    now = time.time()
    for path in folder.iterdir():
        with contextlib.suppress(OSError):
            if path.name.startswith(_TMP_PREFIX):
                continue  # a live process's compile folder
            elif path.name.startswith(".") and ".damaged-" in path.name:
                shutil.rmtree(path, ignore_errors=True)  # its mover was killed mid-way
            elif path.name.startswith(".") and path.name.endswith(".tmp.svg"):
                # Left by an older lessonreel's write that never got renamed.
                if now - path.stat().st_mtime > 3600:
                    path.unlink()
            elif path.is_dir() and not path.name.startswith("."):
                used = path / RECORD_NAME if (path / RECORD_NAME).exists() else path
                if now - used.stat().st_mtime > UNUSED_DAYS * 86400:
                    shutil.rmtree(path, ignore_errors=True)
            elif path.suffix == ".svg" and now - path.stat().st_mtime > UNUSED_DAYS * 86400:
                # An older lessonreel's entry (the SVG alone), which it may still read.
                path.unlink()
