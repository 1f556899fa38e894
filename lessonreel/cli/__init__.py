"""The ``lessonreel`` command line: one module per subcommand, shared options in
:mod:`.options`."""

from lessonreel.cli.app import main

__all__ = ["main"]
