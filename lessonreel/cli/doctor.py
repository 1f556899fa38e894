"""``lessonreel doctor``: what this machine lacks for a render, and how to fix it."""

from __future__ import annotations

import sys

import click
from rich.console import Console


@click.command()
def doctor() -> None:
    """Check LaTeX, dvisvgm, ffmpeg, cairo, pango, PyAV and the voice model."""
    from lessonreel.render.doctor import run_checks

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
