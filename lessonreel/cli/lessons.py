"""``lessonreel list``: the lessons and their scenes, in order."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from lessonreel.authoring.lesson import discover, project_root


@click.command("list")
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
