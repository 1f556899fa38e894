"""The ``lessonreel`` command line: one small function per subcommand."""

from __future__ import annotations

import errno
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from lessonreel import settings
from lessonreel.cache import SceneCache
from lessonreel.errors import DiskFullError, LessonreelError, PathError, UsageError
from lessonreel.lesson import discover, get_lesson, project_root
from lessonreel.outputs import check_out, probe_writable
from lessonreel.plan import plan
from lessonreel.quality import QUALITIES, get_quality
from lessonreel.render import run_plan
from lessonreel.stopping import Stopped, stop_on_signals
from lessonreel.voices import NARRATION_CHOICES

if TYPE_CHECKING:
    from lessonreel.layout import SmallestText
    from lessonreel.lesson import Lesson
    from lessonreel.preview import Previewer

console = Console(stderr=True)

CACHE_HELP = f"Cache folder. Default: {settings.CACHE_FOLDER}/ in the project."


class LessonreelGroup(click.Group):
    """Prints lessonreel's own errors as one line, ``Type: message``, with its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            # A service manager's SIGTERM or a closed terminal's SIGHUP stops a command
            # as Ctrl-C does, instead of ending this process under its workers.
            with stop_on_signals():
                return super().invoke(ctx)
        except LessonreelError as error:
            click.echo(f"{type(error).__name__}: {error}", err=True)
            ctx.exit(error.exit_code)
        except Stopped as stopped:
            # Reached only once the workers are stopped and the run's folders removed.
            click.echo(f"Stopped: {stopped.name} received; every worker is stopped and "
                       "nothing half-written is kept. Run the command again to go on from "
                       "the scenes already cached", err=True)
            ctx.exit(stopped.exit_code)
        except OSError as error:
            said: LessonreelError
            if error.errno == errno.ENOSPC:
                # A disk can fill up under any write; where no step said which folder
                # (Python's error may name the file), this still says what happened.
                said = DiskFullError(Path(error.filename).parent if error.filename else None)
            elif error.errno in _PATH_ERRORS and error.filename:
                # A path the user typed that the system refuses whatever lessonreel does.
                said = PathError(f"{error.filename}: {error.strerror}; give another path")
            else:
                raise
            click.echo(f"{type(said).__name__}: {said}", err=True)
            ctx.exit(said.exit_code)


#: What the system says of a path itself, not of lessonreel's work with it.
_PATH_ERRORS = frozenset({errno.ENAMETOOLONG, errno.ELOOP, errno.EACCES, errno.EPERM,
                          errno.EROFS, errno.ENOTDIR})


@click.group(cls=LessonreelGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lessonreel")
def cli() -> None:
    """Render narrated, captioned math lesson videos from Python scene files."""
    # The engine says what it noticed but could go on with (a damaged cache entry
    # rendered again) as warnings, one line each.
    engine_log = logging.getLogger("lessonreel")
    if not engine_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("warning: %(message)s"))
        engine_log.addHandler(handler)
        engine_log.setLevel(logging.WARNING)


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def list_lessons(as_json: bool) -> None:
    """List lessons and their scenes in order."""
    root = project_root()
    lessons = discover()
    if as_json:
        data = {"lessons": [
            {"slug": lesson.slug, "title": lesson.title, "scenes": [
                {"name": s.name, "title": s.title, "doc": s.doc,
                 "file": s.file.resolve().relative_to(root).as_posix()}
                for s in lesson.scenes
            ]}
            for lesson in lessons.values()
        ]}
        click.echo(json.dumps(data, indent=2))
        return
    out = Console()
    for lesson in lessons.values():
        out.print(f"[bold]{lesson.slug}[/bold]  {lesson.title}")
        # A grid, so a long description wraps under itself rather than under the number.
        grid = Table.grid(padding=(0, 2), pad_edge=True)
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(style="cyan", no_wrap=True)
        grid.add_column(overflow="fold")
        for number, scene in enumerate(lesson.scenes, 1):
            grid.add_row(f"{number}.", scene.name, scene.doc)
        out.print(grid)


@cli.command()
@click.argument("lesson", required=False)
@click.option("--all", "all_lessons", is_flag=True,
              help="Render every registered lesson, as one plan (instead of LESSON).")
@click.option("--scene", "scenes", multiple=True, metavar="NAME",
              help="Render only this scene (repeatable). Default: every scene.")
@click.option("-q", "--quality", type=click.Choice(list(QUALITIES)), default="high",
              show_default=True, help="480p15, 720p30, 1080p60 or 2160p60.")
@click.option("--narration", type=click.Choice(list(NARRATION_CHOICES)), default="piper",
              show_default=True, help="Speech engine; 'none' renders silent with captions.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (with --all, DIR/<lesson>/ for each lesson). "
                   "Default: build/<lesson>/<quality>/.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              envvar=settings.CACHE_ENV, help=CACHE_HELP)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1,
              show_default="number of cores", help="Scenes (or shards) rendered at once.")
@click.option("--shards", default="auto", show_default=True, metavar="auto|N",
              help="Split each scene into N parts rendered in parallel; auto splits scenes "
                   "whose last render took over a minute.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local",
              show_default=True,
              help="Who renders: this machine's process pool, or a Dask cluster.")
@click.option("--scheduler", metavar="tcp://HOST:PORT",
              help="With --executor dask: the cluster's scheduler (its workers set the "
                   "parallelism, not --jobs). Default: a LocalCluster of --jobs workers.")
def render(lesson: str | None, all_lessons: bool, scenes: tuple[str, ...], quality: str,
           narration: str, out_dir: Path | None, cache_dir: Path | None, jobs: int,
           shards: str, executor: str, scheduler: str | None) -> None:
    """Render LESSON's scenes (or every lesson's, with --all) and assemble each lesson
    into one video.

    Scenes whose code, narration and settings have not changed come from the
    cache; the others render in parallel, one Manim process per scene, on this
    machine or on a Dask cluster.
    """
    import contextlib

    from lessonreel.assemble import assemble
    from lessonreel.lesson import lessons_package
    from lessonreel.pool import Executor
    from lessonreel.progress import progress_for

    root = project_root()
    if all_lessons == (lesson is not None):
        raise UsageError("name one LESSON to render, or --all for every lesson, not both; "
                         f"known lessons: {', '.join(discover())}")
    if all_lessons and scenes:
        raise UsageError("--scene picks scenes of one LESSON; it does not go with --all")
    if scheduler is not None and executor != "dask":
        raise UsageError("--scheduler names a Dask cluster: add --executor dask")
    chosen = list(discover().values()) if lesson is None else [get_lesson(lesson)]
    selected = {each.slug: each.select(scenes) for each in chosen}
    level = get_quality(quality)
    cache = (cache_dir or settings.cache_dir(root)).resolve()
    started = time.monotonic()
    if shards != "auto" and not (shards.isascii() and shards.isdigit() and int(shards) >= 1):
        raise UsageError(f"--shards must be 'auto' or a whole number from 1, got {shards!r}")

    def target_of(each: Lesson) -> Path:
        if lesson is None:
            return (out_dir / each.slug if out_dir else root / "build" / each.slug / level.name)
        return out_dir or root / "build" / each.slug / level.name

    # Every folder the render writes is checked before the first scene renders: a
    # folder that cannot be written, or a user's own, is found out now, not after it.
    probe_writable(cache, "--cache-dir")
    for each in chosen:
        check_out(target_of(each).resolve(), "--out" if out_dir else "the build folder")

    with contextlib.ExitStack() as stack:
        runner: Executor | None = None
        workers = jobs
        if executor == "dask":
            from lessonreel.distributed import dask_pool

            runner, workers = stack.enter_context(dask_pool(
                scheduler, jobs, lessons_package(), cache,
                lambda line: console.print(line, highlight=False)))
        # One plan across lessons, so no worker waits for one lesson's slowest scene.
        tasks = [task for each in chosen for task in plan(
            each, selected[each.slug], level, narration, root, cache, jobs=workers,
            shards=None if shards == "auto" else int(shards))]
        with progress_for(tasks, console) as progress:
            outputs = run_plan(tasks, workers, progress, runner)

    for each in chosen:
        mine = [o for o in outputs if o.task.lesson == each.slug]
        result = assemble(each, level, mine, target_of(each).resolve(), narration)
        rendered = sum(not o.cached for o in mine)
        if result.reused:
            console.print(f"nothing changed: {result.video} is up to date")
        else:
            table = Table(title=f"{each.title} ({level.name})")
            for column in ("start", "chapter", "duration", "source", "smallest text",
                           "flashes"):
                table.add_column(column)
            by_name = {o.name: o for o in mine}
            for scene in result.manifest["scenes"]:
                output = by_name[scene["name"]]
                source = "cache" if output.cached else "rendered"
                table.add_row(f"{scene['start']:.1f}", scene["title"],
                              f"{scene['duration']:.1f} s", source,
                              _smallest_cell(output.smallest_text), str(len(output.flashes)))
            console.print(table)
        for output in mine:
            for flash in output.flashes:
                console.print(f"[yellow]layout:[/yellow] {output.name} {flash}",
                              highlight=False, soft_wrap=True)
        problems = result.manifest.get("chapter_problems") or []
        if problems:
            console.print("[yellow]warning:[/yellow] no chapters.txt, since the chapters "
                          f"break YouTube's rules: {'; '.join(problems)}. The video plays "
                          "with its chapters embedded; publishing to YouTube needs these fixed.")
        console.print(_pace_line(result.manifest), highlight=False)
        console.print(f"{result.video}: {result.manifest['duration']:.1f} s of video; "
                      f"{rendered} of {len(mine)} scenes rendered, "
                      f"{time.monotonic() - started:.1f} s in all")
        click.echo(str(result.video))
    # Every lesson is assembled: the cache may prune what this run took from it.
    SceneCache(cache).release()


def _smallest_cell(text: SmallestText | None) -> str:
    """Size first, so the column reads down as numbers; a long text cut to fit."""
    if text is None:
        return "-"
    from rich.markup import escape

    label = text.label if len(text.label) <= 32 else text.label[:31] + "…"
    # A text such as "[x]" would read as a style tag to the table.
    return escape(f"{text.size:.1f} {label}")


def _pace_line(manifest: dict[str, Any]) -> str:
    """The lesson's pace and its captions' figures, for the render summary."""
    pace, figures = manifest.get("pace") or {}, manifest.get("captions") or {}
    if not pace.get("words"):
        return "pace: no narration"
    low, high = pace["within"]
    verdict = "" if pace["ok"] else f" [yellow](outside {low}-{high})[/yellow]"
    line = (f"pace: {pace['words_per_minute']:.0f} words a minute{verdict} "
            f"({pace['words']} caption words in {pace['seconds'] / 60:.1f} min)")
    if figures.get("cues"):
        line += (f"; captions: {figures['cues']} cues, longest line "
                 f"{figures['longest_line']} characters, at most "
                 f"{figures['max_cps']:.1f} characters a second")
        if figures.get("problems"):
            line += f", [yellow]{figures['problems']} off the caption rules[/yellow]"
    return line


@cli.command()
def doctor() -> None:
    """Check LaTeX, dvisvgm, ffmpeg, cairo, pango, PyAV and the voice model."""
    from lessonreel.doctor import run_checks

    checks = run_checks()
    out = Console()
    for check in checks:
        mark = "[green]ok[/green]     " if check.ok else "[red]missing[/red]"
        out.print(f"{mark} {check.name}: {check.detail}")
        if not check.ok:
            out.print(f"        fix: {check.fix}")
    missing = [c.name for c in checks if not c.ok]
    if missing:
        out.print(f"[red]{len(missing)} missing:[/red] {', '.join(missing)}")
        sys.exit(1)
    out.print("[green]everything lessonreel needs is installed[/green]")


@cli.command()
@click.argument("slug")
@click.option("--title", required=True, help="The lesson's title, as viewers see it.")
@click.option("--course", help="Course name. Default: the course every existing lesson shares.")
@click.option("--summary", default="", help="One or two sentences for the lesson's description.")
@click.option("--scene", "scene_name", metavar="NAME",
              help="Class name of the first scene. Default: from the title.")
def new(slug: str, title: str, course: str | None, summary: str, scene_name: str | None) -> None:
    """Scaffold lesson SLUG: a declaration, math.py, one narrated scene and a test."""
    from lessonreel.scaffold import create

    made = create(slug, title, course=course, summary=summary, scene=scene_name)
    root = project_root()
    click.echo(f"created lesson {made.slug} in {made.package_dir.relative_to(root)}/ "
               "(__init__.py, math.py, introduction.py)")
    click.echo(f"created its math test {made.test_file.relative_to(root)}")
    click.echo("next:")
    for command in made.next_commands:
        click.echo(f"  {command}")


def _previewer(lesson: str, cache_dir: Path | None) -> tuple[Lesson, Previewer]:
    from lessonreel.preview import Previewer

    root = project_root()
    chosen = get_lesson(lesson)
    cache = (cache_dir or settings.cache_dir(root)).resolve()
    return chosen, Previewer(chosen, root, cache)


@cli.command()
@click.argument("lesson")
@click.argument("scene")
@click.option("--section", metavar="NAME", help="Start from this narrated beat (section).")
@click.option("--frame", metavar="last|N",
              help="Save one frame as PNG instead of a video: the last, or frame N (15 fps).")
@click.option("--storyboard", is_flag=True,
              help="Save one picture of the scene at the end of every beat, instead of a video.")
@click.option("--watch", is_flag=True, help="Render again on every save of the scene's files.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              envvar=settings.CACHE_ENV, help=CACHE_HELP)
def preview(lesson: str, scene: str, section: str | None, frame: str | None, storyboard: bool,
            watch: bool, cache_dir: Path | None) -> None:
    """Render SCENE of LESSON fast: low quality, narration off. Prints the file's path."""
    from lessonreel.preview import parse_frame
    from lessonreel.preview import watch as watch_scene

    chosen, previewer = _previewer(lesson, cache_dir)
    ref = chosen.select([scene])[0]
    parse_frame(frame)  # refuse a bad --frame before rendering anything
    probe_writable(previewer.cache_dir, "--cache-dir")
    if storyboard and (section or frame):
        raise UsageError("--storyboard shows the whole scene: leave out --section and --frame")

    def render_once() -> None:
        result = (previewer.storyboard(ref) if storyboard
                  else previewer.run(ref, section=section, frame=frame))
        for problem in result.layout:
            console.print(f"[yellow]layout:[/yellow] {problem}", highlight=False, soft_wrap=True)
        if result.smallest is not None:
            console.print(f"smallest text: {result.smallest}", highlight=False, soft_wrap=True,
                          markup=False)
        console.print(f"{ref.name}: {result.seconds:.1f} s"
                      + (f", {len(result.layout)} layout problems" if result.layout else ""))
        click.echo(str(result.path))

    if not watch:
        render_once()
        return

    def render_and_go_on() -> None:
        try:
            render_once()
        except LessonreelError as error:
            # The author is mid-edit: say what broke and wait for the next save.
            click.echo(f"{type(error).__name__}: {error}", err=True)
        console.print("watching for changes (Ctrl-C to stop)")

    watch_scene(previewer, ref, render_and_go_on, lambda line: console.print(line))


@cli.command()
@click.argument("lesson")
@click.option("--export", "export_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write the narration script (markdown, beats as headings) into this folder.")
@click.option("--check", "check_only", is_flag=True,
              help="List beats with and without recordings; flag bad recordings (exit 1).")
@click.option("--json", "as_json", is_flag=True, help="With --check: print JSON.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1,
              show_default="number of cores", help="Scenes read at once.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              envvar=settings.CACHE_ENV, help=CACHE_HELP)
def narration(lesson: str, export_dir: Path | None, check_only: bool, as_json: bool, jobs: int,
              cache_dir: Path | None) -> None:
    """Export LESSON's narration script for recording, or check the recordings."""
    from lessonreel import script

    if (export_dir is None) == (not check_only):
        raise UsageError("choose one of --export DIR or --check")
    chosen, previewer = _previewer(lesson, cache_dir)
    # Reading the script renders each scene's beats: refuse an unwritable folder first.
    probe_writable(previewer.cache_dir, "--cache-dir")
    if export_dir is not None:
        probe_writable(export_dir.resolve(), "--export")
    beats = script.read_script(chosen, previewer, jobs)
    root = project_root()
    if export_dir is not None:
        click.echo(str(script.export(chosen, beats, root, export_dir.resolve())))
        return
    result = script.check(chosen, beats, root)
    if as_json:
        click.echo(json.dumps({"beats": script.check_rows(result), "orphans": [
            {"file": str(path), "problem": why} for path, why in result.orphans]}, indent=2))
    else:
        out = Console()
        table = Table(title=f"{chosen.title}: recorded narration")
        for column in ("scene", "beat", "recording", "length", "problems"):
            table.add_column(column)
        for row in script.check_rows(result):
            length = (f"{row['seconds']:.1f} s of ~{row['expected']:.0f} s"
                      if row["seconds"] is not None else f"~{row['expected']:.0f} s")
            table.add_row(row["scene"], row["beat"], row["recording"] or "[dim]synthetic[/dim]",
                          length, "[red]" + "; ".join(row["problems"]) + "[/red]"
                          if row["problems"] else "")
        out.print(table)
        for path, why in result.orphans:
            out.print(f"[red]unused recording[/red] {path.relative_to(root)}: {why}")
        out.print(f"{len(result.recorded)} of {len(result.beats)} beats recorded, "
                  f"{len(result.flagged)} flagged, {len(result.orphans)} unused files")
    if not result.ok:
        sys.exit(1)


@cli.command()
@click.argument("lesson")
@click.option("--scene", "scene_name", metavar="NAME",
              help="The scene to open first. Default: the lesson's first.")
@click.option("--narration", type=click.Choice(list(NARRATION_CHOICES)), default="piper",
              show_default=True, help="Speech engine; 'none' renders silent with captions.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="The port on 127.0.0.1 to serve from; 0 picks a free one.")
@click.option("--no-open", is_flag=True, help="Print the address; do not open a browser.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              envvar=settings.CACHE_ENV, help=CACHE_HELP)
def studio(lesson: str, scene_name: str | None, narration: str, port: int, no_open: bool,
           cache_dir: Path | None) -> None:
    """Open LESSON in the studio: a page on 127.0.0.1 with the outline, a player of a
    scene's latest low-quality render with narration and captions, and its timeline
    (beats, words, marks, layout findings). Saving a file the scene imports renders
    again what changed; Ctrl-C stops.
    """
    import webbrowser

    from lessonreel.stopping import serve_until_stopped
    from lessonreel.studio.app import running

    chosen = get_lesson(lesson)
    first = chosen.select([scene_name])[0] if scene_name else None
    root = project_root()
    cache = (cache_dir or settings.cache_dir(root)).resolve()
    probe_writable(cache, "--cache-dir")
    with running(chosen, root, cache, narration, port, first) as opened:
        click.echo(f"studio of {chosen.title} at {opened.url} (rendering at low quality, "
                   f"narration {narration}); Ctrl-C stops", err=True)
        click.echo(opened.url)
        if not no_open:
            webbrowser.open(opened.url)
        serve_until_stopped()
        click.echo("stopping the studio", err=True)


from lessonreel.publish.cli import present, publish  # noqa: E402  (after the core commands)

cli.add_command(publish)
cli.add_command(present)


def main() -> None:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    cli(prog_name="lessonreel")


if __name__ == "__main__":
    main()
