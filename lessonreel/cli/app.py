"""The ``lessonreel`` command group: every subcommand added, and lessonreel's errors
printed as one line with their exit code."""

from __future__ import annotations

import errno
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from lessonreel.cli.doctor import doctor
from lessonreel.cli.lessons import list_lessons
from lessonreel.cli.narration import narration
from lessonreel.cli.new import new
from lessonreel.cli.present import present
from lessonreel.cli.preview import preview
from lessonreel.cli.publish import publish
from lessonreel.cli.render import render
from lessonreel.cli.studio import studio
from lessonreel.errors import DiskFullError, LessonreelError, PathError
from lessonreel.stopping import Stopped, stop_on_signals


class LessonreelGroup(click.Group):
    """Prints lessonreel's own errors as one line, ``Type: message``, with its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            # A service manager's SIGTERM or a closed terminal's SIGHUP stops a command
            # as Ctrl-C does, instead of ending this process under its workers.
            with stop_on_signals():
                return super().invoke(ctx)
        except LessonreelError as error:
            click.echo(f"{type(error).__name__}: {error}", err=True)
            ctx.exit(error.exit_code)
        except Stopped as stopped:
            # Reached only once the workers are stopped and the run's folders removed.
            click.echo(f"Stopped: {stopped.name} received; every worker is stopped and "
                       "nothing half-written is kept. Run the command again to go on from "
                       "the scenes already cached", err=True)
            ctx.exit(stopped.exit_code)
        except OSError as error:
            said: LessonreelError
            if error.errno == errno.ENOSPC:
                # A disk can fill up under any write; where no step said which folder
                # (Python's error may name the file), this still says what happened.
                said = DiskFullError(Path(error.filename).parent if error.filename else None)
            elif error.errno in _PATH_ERRORS and error.filename:
                # A path the user typed that the system refuses whatever lessonreel does.
                said = PathError(f"{error.filename}: {error.strerror}; give another path")
            else:
                raise
            click.echo(f"{type(said).__name__}: {said}", err=True)
            ctx.exit(said.exit_code)


#: What the system says of a path itself, not of lessonreel's work with it.
_PATH_ERRORS = frozenset({errno.ENAMETOOLONG, errno.ELOOP, errno.EACCES, errno.EPERM,
                          errno.EROFS, errno.ENOTDIR})


@click.group(cls=LessonreelGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lessonreel")
def cli() -> None:
    """Render narrated, captioned math lesson videos from Python scene files."""
    # The engine says what it noticed but could go on with (a damaged cache entry
    # rendered again) as warnings, one line each.
    engine_log = logging.getLogger("lessonreel")
    if not engine_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("warning: %(message)s"))
        engine_log.addHandler(handler)
        engine_log.setLevel(logging.WARNING)


for command in (list_lessons, render, doctor, new, preview, narration, studio, publish,
                present):
    cli.add_command(command)


def main() -> None:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    cli(prog_name="lessonreel")
