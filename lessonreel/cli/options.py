"""What several subcommands share: the console they report on, and their common options."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from lessonreel import settings
from lessonreel.render.quality import QUALITIES
from lessonreel.voice.services import NARRATION_CHOICES

Command = TypeVar("Command", bound=Callable[..., Any])

#: Progress, summaries and warnings go to stderr; stdout carries only the result's path,
#: so a script can take it.
console = Console(stderr=True)


def cache_dir_option(command: Command) -> Command:
    """--cache-dir, also read from the environment (settings.CACHE_ENV)."""
    return click.option(
        "--cache-dir", type=click.Path(file_okay=False, path_type=Path),
        envvar=settings.CACHE_ENV,
        help=f"Cache folder. Default: {settings.CACHE_FOLDER}/ in the project.")(command)


def cache_folder(cache_dir: Path | None, root: Path) -> Path:
    """The cache folder a command uses: the one given, or the project's."""
    return (cache_dir or settings.cache_dir(root)).resolve()


def narration_option(command: Command) -> Command:
    """--narration: which speech service speaks the beats."""
    return click.option(
        "--narration", type=click.Choice(list(NARRATION_CHOICES)), default="piper",
        show_default=True, help="Speech engine; 'none' renders silent with captions.")(command)


def jobs_option(what: str) -> Callable[[Command], Command]:
    """-j/--jobs: how many of ``what`` run at once, one per core by default."""
    return click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1,
                        show_default="number of cores", help=f"{what} at once.")


def serving_options(command: Command) -> Command:
    """--port and --no-open, for the commands that serve a page on 127.0.0.1."""
    command = click.option("--no-open", is_flag=True,
                           help="Print the address; do not open a browser.")(command)
    return click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
                        help="The port on 127.0.0.1 to serve from; 0 picks a free one.")(command)


def render_source(verb: str, many: bool = False) -> Callable[[Command], Command]:
    """-q, --from and --build-dir: which render a command reads (``many``: which renders,
    --from repeatable, into ``from_dirs``)."""
    def add(command: Command) -> Command:
        source = (
            click.option("--from", "from_dirs", multiple=True, metavar="DIR",
                         type=click.Path(file_okay=False, path_type=Path),
                         help=f"A rendered lesson folder to {verb.lower()} instead of LESSON "
                              "(repeatable).")
            if many else
            click.option("--from", "from_dir", metavar="DIR",
                         type=click.Path(file_okay=False, path_type=Path),
                         help=f"The rendered lesson folder to {verb.lower()}, instead of "
                              "build/."))
        for option in reversed((
            click.option("-q", "--quality", type=click.Choice(list(QUALITIES)), default=None,
                         help=f"{verb} this quality's render. Default: the highest rendered."),
            source,
            click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path),
                         help="Where renders are read from. Default: build/."),
        )):
            command = option(command)
        return command
    return add
