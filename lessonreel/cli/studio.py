"""``lessonreel studio``: a lesson's scenes, words, beats and findings on one page, rendered
again on every save."""

from __future__ import annotations

from pathlib import Path

import click

from lessonreel.authoring.lesson import get_lesson, project_root
from lessonreel.cli.options import cache_dir_option, cache_folder, narration_option, serving_options
from lessonreel.render.outputs import probe_writable


@click.command()
@click.argument("lesson")
@click.option("--scene", "scene_name", metavar="NAME",
              help="The scene to open first. Default: the lesson's first.")
@narration_option
@serving_options
@cache_dir_option
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
    cache = cache_folder(cache_dir, root)
    probe_writable(cache, "--cache-dir")
    with running(chosen, root, cache, narration, port, first) as opened:
        click.echo(f"studio of {chosen.title} at {opened.url} (rendering at low quality, "
                   f"narration {narration}); Ctrl-C stops", err=True)
        click.echo(opened.url)
        if not no_open:
            webbrowser.open(opened.url)
        serve_until_stopped()
        click.echo("stopping the studio", err=True)
