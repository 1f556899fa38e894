"""``lessonreel new``: a new lesson package, ready to render."""

from __future__ import annotations

import click

from lessonreel.authoring.lesson import project_root


@click.command()
@click.argument("slug")
@click.option("--title", required=True, help="The lesson's title, as viewers see it.")
@click.option("--course", help="Course name. Default: the course every existing lesson shares.")
@click.option("--summary", default="", help="One or two sentences for the lesson's description.")
@click.option("--scene", "scene_name", metavar="NAME",
              help="Class name of the first scene. Default: from the title.")
def new(slug: str, title: str, course: str | None, summary: str, scene_name: str | None) -> None:
    """Scaffold lesson SLUG: a declaration, math.py, one narrated scene and a test."""
    from lessonreel.authoring.scaffold import create

    made = create(slug, title, course=course, summary=summary, scene=scene_name)
    root = project_root()
    click.echo(f"created lesson {made.slug} in {made.package_dir.relative_to(root)}/ "
               "(__init__.py, math.py, introduction.py)")
    click.echo(f"created its math test {made.test_file.relative_to(root)}")
    click.echo("next:")
    for command in made.next_commands:
        click.echo(f"  {command}")
