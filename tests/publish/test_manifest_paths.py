"""A rendered folder's manifest is read from disk, so publishing checks every path in it.

A manifest that names a file outside its folder (absolute, or through ``..``)
or a lesson slug that is not one, whether damaged or crafted, is refused by
``publish site --from`` and ``publish youtube --from`` before any file is read,
copied, uploaded or written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lessonreel.cli.app import cli
from lessonreel.publish.youtube import RECORD_NAME
from tests.publish.test_site import make_render

SECRET = "the author's private notes\n"


def _absolute(folder: Path, manifest: dict[str, Any]) -> str:
    manifest["files"]["srt"] = str(folder.parent / "secret.srt")
    return manifest["files"]["srt"]


def _parent(folder: Path, manifest: dict[str, Any]) -> str:
    manifest["files"]["srt"] = "../secret.srt"
    return "../secret.srt"


def _scene_file(folder: Path, manifest: dict[str, Any]) -> str:
    manifest["scenes"][0]["file"] = "scenes/../../secret.srt"
    return "scenes/../../secret.srt"


def _slug(folder: Path, manifest: dict[str, Any]) -> str:
    manifest["lesson"] = "../escaped"
    return "../escaped"


CRAFTED: dict[str, Callable[[Path, dict[str, Any]], str]] = {
    "an absolute file name": _absolute, "a file name through ..": _parent,
    "a scene file through ..": _scene_file, "a slug that is a path": _slug}


def crafted_render(tmp_path: Path, craft: Callable[[Path, dict[str, Any]], str],
                   slug: str = "demo-lesson") -> tuple[Path, str]:
    """A real render folder whose manifest was then edited, sizes and all, to pass every
    other check: only the path is wrong."""
    folder = make_render(tmp_path / "render" / "low", slug=slug)
    (folder.parent / "secret.srt").write_text(SECRET)
    manifest = json.loads((folder / "manifest.json").read_text())
    bad = craft(folder, manifest)
    manifest["sizes"] = {name: (folder / name).stat().st_size
                         for name in [*manifest["files"].values(),
                                      *(s["file"] for s in manifest["scenes"])]}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder, bad


@pytest.mark.parametrize("craft", CRAFTED.values(), ids=CRAFTED.keys())
def test_publish_site_refuses_a_manifest_path_outside_its_folder(
        tmp_path: Path, craft: Callable[[Path, dict[str, Any]], str]) -> None:
    folder, bad = crafted_render(tmp_path, craft)
    out = tmp_path / "public"
    result = CliRunner().invoke(cli, ["publish", "site", "--from", str(folder),
                                      "--out", str(out)])
    assert result.exit_code == 2, result.output
    message = result.stderr.strip().splitlines()
    assert len(message) == 1 and repr(bad) in message[0], message
    assert str(folder / "manifest.json") in message[0]
    assert not out.exists() and not (tmp_path / "render" / "escaped").exists()
    leaked = [p for p in tmp_path.rglob("*") if p.is_file() and p.read_bytes() == SECRET.encode()]
    assert leaked == [tmp_path / "render" / "secret.srt"]


def test_publish_youtube_refuses_captions_outside_the_render_before_anything_is_sent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    def captions_outside(folder: Path, manifest: dict[str, Any]) -> str:
        for number, scene in enumerate(manifest["scenes"], 1):
            scene["title"] = f"Part {number}"  # titles YouTube takes as chapters
        return _parent(folder, manifest)

    folder, bad = crafted_render(tmp_path, captions_outside, slug="module02-derivatives")
    result = CliRunner().invoke(cli, ["publish", "youtube", "module02-derivatives",
                                      "--from", str(folder), "--dry-run"])
    assert result.exit_code == 2, result.output
    assert repr(bad) in result.stderr and "outside" in result.stderr
    assert "dry run" not in result.output and not (folder / RECORD_NAME).exists()


def folder_as_video(tmp_path: Path) -> Path:
    """A render whose manifest names the render folder itself as the video, with a link to
    /etc inside it: every check of a path's place passes, so only the kind of file is wrong.
    Served as before, ``lesson.mp4/etclink/passwd`` was /etc/passwd."""
    from tests.publish.test_present import ONE_EACH, make_lesson

    folder = make_lesson(tmp_path / "render" / "low", "module02-derivatives", "Crafted",
                         ONE_EACH)
    (folder / "etclink").symlink_to("/etc")
    manifest = json.loads((folder / "manifest.json").read_text())
    for number, scene in enumerate(manifest["scenes"], 1):
        # Chapters YouTube takes (titled, 12 s each), so publish youtube gets to the video.
        scene.update(title=f"Part {number}", start=12.0 * (number - 1), duration=12.0)
    manifest["duration"] = 12.0 * len(manifest["scenes"])
    manifest["files"]["video"] = "."
    # Sized as the other files are, the folder itself not at all: as crafted, not damaged.
    manifest["sizes"] = {name: (folder / name).stat().st_size
                         for name in [*manifest["files"].values(),
                                      *(s["file"] for s in manifest["scenes"])] if name != "."}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


FOLDER_COMMANDS = {
    "present": ["present", "--from", "{folder}", "--no-open"],
    "publish site": ["publish", "site", "--from", "{folder}", "--out", "{out}"],
    "publish youtube": ["publish", "youtube", "module02-derivatives", "--from", "{folder}",
                        "--dry-run"],
}


@pytest.mark.parametrize("command", FOLDER_COMMANDS.values(), ids=FOLDER_COMMANDS.keys())
def test_a_folder_named_as_the_video_is_refused_in_one_line(tmp_path: Path,
                                                           command: list[str]) -> None:
    from tests.conftest import run_lessonreel

    folder = folder_as_video(tmp_path)
    out = tmp_path / "public"
    # Run as a user would: present, let through, would serve until stopped.
    result = run_lessonreel(*(arg.format(folder=folder, out=out) for arg in command),
                            env={"XDG_CONFIG_HOME": str(tmp_path / "config")}, timeout=60)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr and "'.'" in line and "not a file" in line, line
    assert str(folder / "manifest.json") in line
    assert not out.exists() and not (folder / RECORD_NAME).exists()
