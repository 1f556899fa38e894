"""``lessonreel preview``: one scene at low quality, silent, as a video, a frame or a
storyboard; ``--watch`` renders again on every save."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from lessonreel.authoring.lesson import get_lesson, project_root
from lessonreel.cli.options import cache_dir_option, cache_folder, console
from lessonreel.errors import LessonreelError, UsageError
from lessonreel.render.outputs import probe_writable

if TYPE_CHECKING:
    from lessonreel.authoring.lesson import Lesson
    from lessonreel.render.preview import Previewer


def previewer_for(lesson: str, cache_dir: Path | None) -> tuple[Lesson, Previewer]:
    """LESSON and a previewer of its scenes, on the given (or the project's) cache."""
    from lessonreel.render.preview import Previewer

    root = project_root()
    chosen = get_lesson(lesson)
    cache = cache_folder(cache_dir, root)
    return chosen, Previewer(chosen, root, cache)


@click.command()
@click.argument("lesson")
@click.argument("scene")
@click.option("--section", metavar="NAME", help="Start from this narrated beat (section).")
@click.option("--frame", metavar="last|N",
              help="Save one frame as PNG instead of a video: the last, or frame N (15 fps).")
@click.option("--storyboard", is_flag=True,
              help="Save one picture of the scene at the end of every beat, instead of a video.")
@click.option("--watch", is_flag=True, help="Render again on every save of the scene's files.")
@cache_dir_option
def preview(lesson: str, scene: str, section: str | None, frame: str | None, storyboard: bool,
            watch: bool, cache_dir: Path | None) -> None:
    """Render SCENE of LESSON fast: low quality, narration off. Prints the file's path."""
    from lessonreel.render.preview import parse_frame
    from lessonreel.render.preview import watch as watch_scene

    chosen, previewer = previewer_for(lesson, cache_dir)
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
