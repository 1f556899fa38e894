"""``lessonreel publish``: one subcommand per channel a lesson can be published to."""

from __future__ import annotations

from pathlib import Path

import click

from lessonreel.cli.options import render_source


@click.group()
def publish() -> None:
    """Publish rendered lessons to a course channel (a static site, an LMS, or YouTube)."""


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} kB"


@publish.command("site")
@click.argument("lessons", nargs=-1, metavar="[LESSON]...")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The site's folder, replaced as a whole. Default: site/.")
@render_source("Publish", many=True)
@click.option("--base-url", metavar="URL",
              help="The address the site will be served from: makes its Open Graph links "
                   "absolute, which sharing previews need. Default: relative links.")
def site(lessons: tuple[str, ...], out_dir: Path | None, quality: str | None,
         from_dirs: tuple[Path, ...], build_dir: Path | None, base_url: str | None) -> None:
    """Build a static course site from rendered lessons (default: every rendered lesson).

    The site is built beside --out and swapped in whole; videos that did not
    change since the last publish are kept, not copied again.
    """
    from lessonreel.authoring.lesson import discover, project_root
    from lessonreel.publish.site import build_site, choose_lessons
    from lessonreel.render.outputs import probe_writable

    root = project_root()
    # The site is staged beside --out and renamed over it: its parent must be writable.
    site_dir = (out_dir or root / "site").absolute()
    probe_writable(site_dir.parent, "--out", named=site_dir)
    chosen, skipped = choose_lessons(lessons, discover(), (build_dir or root / "build"),
                                     quality, from_dirs)
    for note in skipped:
        click.echo(f"skipped {note}", err=True)
    report = build_site(chosen, out_dir or root / "site", base_url)
    for note in report.notes:
        click.echo(f"warning: {note}", err=True)
    for name, size in report.copied:
        click.echo(f"copied  {name} ({_megabytes(size)})", err=True)
    for name, size in report.reused:
        click.echo(f"reused  {name} ({_megabytes(size)}, unchanged since the last publish)",
                   err=True)
    count = len(report.lessons)
    click.echo(f"published {count} lesson{'s' if count != 1 else ''} to {report.out}: "
               f"{len(report.copied)} files copied "
               f"({_megabytes(sum(s for _, s in report.copied))}), "
               f"{len(report.reused)} reused", err=True)
    click.echo(str(report.out / "index.html"))


@publish.command("scorm")
@click.argument("lessons", nargs=-1, metavar="[LESSON]...")
@click.option("--out", "out_file", required=True, metavar="FILE.zip",
              type=click.Path(path_type=Path),
              help="The package to write (replaced whole if it exists).")
@render_source("Package", many=True)
def scorm(lessons: tuple[str, ...], out_file: Path, quality: str | None,
          from_dirs: tuple[Path, ...], build_dir: Path | None) -> None:
    """Package rendered lessons as one SCORM 1.2 zip for an LMS (default: every rendered
    lesson), one SCO per lesson: video, captions, chapters and questions, all offline.

    Upload the zip to Moodle (Add an activity: SCORM package) or Canvas (Import course
    content: SCORM); each lesson reports its status, score and resume point.
    """
    from lessonreel.authoring.lesson import discover, project_root
    from lessonreel.publish.scorm import build_package, check_out
    from lessonreel.publish.site import choose_lessons
    from lessonreel.render.outputs import probe_writable

    out = check_out(out_file)
    probe_writable(out.parent, "--out", named=out)
    chosen, skipped = choose_lessons(lessons, discover(), build_dir or project_root() / "build",
                                     quality, from_dirs)
    for note in skipped:
        click.echo(f"skipped {note}", err=True)
    report = build_package(chosen, out)
    count = len(report.lessons)
    click.echo(f"packaged {count} lesson{'s' if count != 1 else ''} "
               f"({', '.join(report.lessons)}) as SCORM 1.2: {len(report.files)} files, "
               f"{_megabytes(report.out.stat().st_size)}", err=True)
    click.echo(str(report.out))


@publish.command("youtube")
@click.argument("lesson")
@render_source("Publish")
@click.option("--privacy", type=click.Choice(["private", "unlisted", "public"]),
              help="Who can watch the video: private for a new one unless given; given for "
                   "a published one, it changes the video's privacy.")
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
            privacy: str | None, playlist: str | None, replace: bool, dry_run: bool,
            sign_in: bool,
            client_secrets: Path | None) -> None:
    """Upload LESSON to your YouTube channel, with captions, thumbnail and playlist.

    Title, description (summary and chapters), tags and category come from the
    lesson's declaration. youtube.json in the rendered folder records what is
    done: the same video is never uploaded twice.
    """
    from lessonreel.authoring.lesson import get_lesson, project_root
    from lessonreel.errors import UsageError
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
