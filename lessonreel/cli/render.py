"""``lessonreel render``: a lesson's scenes rendered (from the cache where unchanged) and
assembled into one video, with a summary of what was drawn."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from lessonreel.authoring.lesson import discover, get_lesson, project_root
from lessonreel.cli.options import (
    cache_dir_option,
    cache_folder,
    console,
    jobs_option,
    narration_option,
)
from lessonreel.errors import UsageError
from lessonreel.render.cache import SceneCache
from lessonreel.render.outputs import check_out, probe_writable
from lessonreel.render.plan import plan
from lessonreel.render.quality import QUALITIES, get_quality
from lessonreel.render.run import run_plan

if TYPE_CHECKING:
    from lessonreel.authoring.lesson import Lesson
    from lessonreel.records import SmallestText


@click.command()
@click.argument("lesson", required=False)
@click.option("--all", "all_lessons", is_flag=True,
              help="Render every registered lesson, as one plan (instead of LESSON).")
@click.option("--scene", "scenes", multiple=True, metavar="NAME",
              help="Render only this scene (repeatable). Default: every scene.")
@click.option("-q", "--quality", type=click.Choice(list(QUALITIES)), default="high",
              show_default=True, help="480p15, 720p30, 1080p60 or 2160p60.")
@narration_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (with --all, DIR/<lesson>/ for each lesson). "
                   "Default: build/<lesson>/<quality>/.")
@cache_dir_option
@jobs_option("Scenes (or shards) rendered")
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

    from lessonreel.assemble.join import assemble
    from lessonreel.authoring.lesson import lessons_package
    from lessonreel.render.pool import Executor
    from lessonreel.render.progress import progress_for

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
    cache = cache_folder(cache_dir, root)
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
            from lessonreel.render.distributed import dask_pool

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
