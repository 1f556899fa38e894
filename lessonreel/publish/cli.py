"""``lessonreel publish``: one subcommand per channel a lesson can be published to."""

from __future__ import annotations

from pathlib import Path

import click

from lessonreel.render import QUALITIES


@click.group()
def publish() -> None:
    """Publish rendered lessons to a course channel (a static site, or YouTube)."""


@publish.command("youtube")
@click.argument("lesson")
@click.option("-q", "--quality", type=click.Choice(list(QUALITIES)), default=None,
              help="Publish this quality's render. Default: the highest one rendered.")
@click.option("--from", "from_dir", type=click.Path(file_okay=False, path_type=Path),
              metavar="DIR", help="The rendered lesson folder to publish, instead of build/.")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where renders are read from. Default: build/.")
@click.option("--privacy", type=click.Choice(["private", "unlisted", "public"]),
              default="private", show_default=True, help="Who can watch the video.")
@click.option("--playlist", metavar="TITLE",
              help="Add the video to this playlist, created if missing. Default: the course.")
@click.option("--replace", is_flag=True,
              help="Upload a lesson.mp4 that changed since it was published as a new video "
                   "(the published one is left on YouTube).")
@click.option("--dry-run", is_flag=True,
              help="Print every request with its size; send nothing, write nothing. "
                   "The default until YouTube is set up.")
@click.option("--sign-in", is_flag=True,
              help="Sign in to YouTube in the browser again, replacing the saved token.")
@click.option("--client-secrets", type=click.Path(dir_okay=False, path_type=Path),
              envvar="LESSONREEL_YOUTUBE_CLIENT_SECRETS", metavar="PATH",
              help="OAuth client secrets of a Desktop app. "
                   "Default: client_secret.json in lessonreel's config folder.")
def youtube(lesson: str, quality: str | None, from_dir: Path | None, build_dir: Path | None,
            privacy: str, playlist: str | None, replace: bool, dry_run: bool, sign_in: bool,
            client_secrets: Path | None) -> None:
    """Upload LESSON to your YouTube channel, with captions, thumbnail and playlist.

    Title, description (summary and chapters), tags and category come from the
    lesson's declaration. youtube.json in the rendered folder records what is
    done: the same video is never uploaded twice.
    """
    from lessonreel.errors import UsageError
    from lessonreel.lesson import get_lesson, project_root
    from lessonreel.publish import source
    from lessonreel.publish.youtube import publish_command

    if from_dir is not None and quality is not None:
        raise UsageError("give -q QUALITY or --from DIR, not both")
    chosen = get_lesson(lesson)
    rendered = (source.load(from_dir) if from_dir is not None
                else source.find(chosen.slug, build_dir or project_root() / "build", quality))
    publish_command(chosen, rendered, privacy=privacy, playlist=playlist, replace=replace,
                    dry=dry_run, sign_in=sign_in, client_secrets=client_secrets,
                    say=lambda line: click.echo(line, err=True), out=click.echo)
