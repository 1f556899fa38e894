"""scripts/setup: idempotent on a set-up machine, and helpful where it cannot install."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import ROOT


def run_setup(env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(ROOT / "scripts" / "setup")], cwd=ROOT,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})


def test_a_second_run_skips_everything_and_says_so() -> None:
    result = run_setup()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "system packages already installed" in result.stdout
    assert "python packages already installed in .venv, skipping pip" in result.stdout
    assert "npm packages already installed in node_modules, skipping npm" in result.stdout
    assert "installing" not in result.stdout


def test_without_root_it_lists_the_packages_and_both_install_commands(tmp_path: Path) -> None:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    # A machine where nothing is installed yet, and we are not root.
    (fake_bin / "dpkg-query").write_text("#!/bin/sh\necho not-installed\n")
    (fake_bin / "id").write_text("#!/bin/sh\necho 1000\n")
    for tool in fake_bin.iterdir():
        tool.chmod(0o755)
    result = run_setup({"PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}"})
    assert result.returncode == 1
    out = result.stdout
    assert "missing system packages: pkg-config libcairo2-dev libpango1.0-dev ffmpeg" in out
    assert "Debian/Ubuntu: sudo apt-get install -y --no-install-recommends" in out
    assert "macOS (Homebrew): brew install" in out
    assert "texlive-latex-extra" in out and "dvisvgm" in out
