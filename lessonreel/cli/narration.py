"""``lessonreel narration``: the narration script exported for recording, or the
recordings checked against it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from lessonreel.authoring.lesson import project_root
from lessonreel.cli.options import cache_dir_option, jobs_option
from lessonreel.cli.preview import previewer_for
from lessonreel.errors import UsageError
from lessonreel.render.outputs import probe_writable


@click.command()
@click.argument("lesson")
@click.option("--export", "export_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write the narration script (markdown, beats as headings) into this folder.")
@click.option("--check", "check_only", is_flag=True,
              help="List beats with and without recordings; flag bad recordings (exit 1).")
@click.option("--json", "as_json", is_flag=True, help="With --check: print JSON.")
@jobs_option("Scenes read")
@cache_dir_option
def narration(lesson: str, export_dir: Path | None, check_only: bool, as_json: bool, jobs: int,
              cache_dir: Path | None) -> None:
    """Export LESSON's narration script for recording, or check the recordings."""
    from lessonreel.voice import script

    if (export_dir is None) == (not check_only):
        raise UsageError("choose one of --export DIR or --check")
    chosen, previewer = previewer_for(lesson, cache_dir)
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
