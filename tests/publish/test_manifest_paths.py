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

from lessonreel.cli import cli
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
