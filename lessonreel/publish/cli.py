"""``lessonreel publish``: one subcommand per channel a lesson can be published to."""

from __future__ import annotations

import click


@click.group()
def publish() -> None:
    """Publish rendered lessons to a course channel (a static site, or YouTube)."""
