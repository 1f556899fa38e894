"""``lessonreel present``: a rendered lesson served for a live class, beat by beat."""

from __future__ import annotations

from pathlib import Path

import click

from lessonreel.cli.options import render_source, serving_options


@click.command()
@click.argument("lesson", required=False)
@render_source("Present")
@serving_options
def present(lesson: str | None, quality: str | None, from_dir: Path | None,
            build_dir: Path | None, port: int, no_open: bool) -> None:
    """Present LESSON live, beat by beat, from its render: serves it on 127.0.0.1
    until Ctrl-C. Press N in the page for the speaker's notes.

    Keys: → Space PageDown play the next beat; ← PageUp back to a beat's start; Home,
    End; a chapter's number then Enter; M sound; C captions; F full screen.
    """
    import webbrowser

    from lessonreel.authoring.lesson import get_lesson, project_root
    from lessonreel.errors import UsageError
    from lessonreel.publish import source
    from lessonreel.publish.present import serving
    from lessonreel.stopping import serve_until_stopped

    if from_dir is not None and quality is not None:
        raise UsageError("give -q QUALITY or --from DIR, not both")
    if from_dir is not None:
        rendered = source.load(from_dir)
        if lesson is not None and lesson != rendered.slug:
            raise UsageError(f"{from_dir} holds a render of {rendered.slug!r}, not {lesson!r}")
    elif lesson is None:
        raise UsageError("name the LESSON to present (lessonreel list shows them), "
                         "or give --from DIR")
    else:
        chosen = get_lesson(lesson)
        rendered = source.find(chosen.slug, build_dir or project_root() / "build", quality)
    with serving(rendered, port) as presenter:
        click.echo(f"presenting {rendered.title} ({rendered.quality}) at {presenter.url}",
                   err=True)
        click.echo(f"speaker notes: {presenter.notes_url} (or press N in the page); "
                   "Ctrl-C stops", err=True)
        click.echo(presenter.url)
        if not no_open:
            webbrowser.open(presenter.url)
        # Ctrl-C or a plain kill stops the server and removes its folder.
        serve_until_stopped()
        click.echo("stopped", err=True)
