"""``python -m lessonreel.cli``: the same command line as ``lessonreel``."""

from lessonreel.cli.app import main

main()
