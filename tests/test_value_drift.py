"""Change a value in the math layer, and nothing else: screen, captions and voice follow."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_authoring import Repo

# Runs in the copy: builds SensitivityOfFiveX without rendering frames and prints what a
# learner meets: every text on screen at the end of each beat, the captions, the voice.
PROBE = r"""
import json
from manim import DecimalNumber, SingleStringMathTex, Text, tempconfig
from manim.manager import Manager
from lessonreel.authoring.layout import text_mobjects
from scenes.module02_derivatives.sensitivity import SensitivityOfFiveX

screens = []
original = Manager.next_section

def shown(scene):
    texts = []
    for mob in text_mobjects(scene.mobjects):
        if isinstance(mob, DecimalNumber):
            texts.append(mob._get_num_string(mob.number))
        elif isinstance(mob, Text):
            texts.append(mob.original_text)
        elif isinstance(mob, SingleStringMathTex):
            texts.append(mob.tex_string)
    return texts

def spy(manager, *args, **kwargs):
    screens.extend(shown(manager.scene))
    original(manager, *args, **kwargs)

Manager.next_section = spy
with tempconfig({"dry_run": True, "quality": "low_quality"}):
    scene = SensitivityOfFiveX(skip_animations=True)
    scene.render()
    screens.extend(shown(scene))
print(json.dumps({
    "screen": screens,
    "captions": [c.content for c in scene._get_manager().file_writer.subcaptions],
    "spoken": [b.narration.spoken for b in scene.beats],
}))
"""


def learner_view(repo: Repo) -> dict[str, list[str]]:
    env = {**os.environ, "LESSONREEL_NARRATION": "none", "PYTHONPATH": str(repo.root)}
    env.pop("LESSONREEL_LESSONS", None)
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=repo.root, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    view: dict[str, list[str]] = json.loads(result.stdout.strip().splitlines()[-1])
    return view


@pytest.fixture(scope="module")
def nudged_by_a_hundredth(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    repo = Repo(tmp_path_factory.mktemp("drift"))
    math = repo.root / "scenes" / "module02_derivatives" / "math.py"
    source = math.read_text()
    line = "NUDGE_DX = sp.Rational(1, 1000)"
    assert source.count(line) == 1, "the nudge is no longer declared as the test expects"
    math.write_text(source.replace(line, "NUDGE_DX = sp.Rational(1, 100)"))
    return learner_view(repo)


def test_screen_shows_the_changed_nudge(nudged_by_a_hundredth: dict[str, list[str]]) -> None:
    screen = " | ".join(nudged_by_a_hundredth["screen"])
    assert "2.01" in nudged_by_a_hundredth["screen"], screen  # the x readout, at rest
    assert "10.05" in nudged_by_a_hundredth["screen"], screen  # the y readout
    assert "10.05 - 10.00}{2.01 - 2.00}" in screen
    assert "2.001" not in screen and "10.005" not in screen


def test_captions_show_the_changed_nudge(nudged_by_a_hundredth: dict[str, list[str]]) -> None:
    captions = " ".join(nudged_by_a_hundredth["captions"])
    assert "from 2 to 2.01." in captions and "from 10 to 10.05." in captions, captions
    assert "2.001" not in captions and "10.005" not in captions


def test_the_voice_says_the_changed_nudge(nudged_by_a_hundredth: dict[str, list[str]]) -> None:
    spoken = " ".join(nudged_by_a_hundredth["spoken"])
    assert "from two to two point zero one." in spoken, spoken
    assert "from ten to ten point zero five." in spoken, spoken
    assert "point zero zero" not in spoken


def test_the_copy_is_the_lesson_as_it_is(tmp_path: Path) -> None:
    """The probe reads the real lesson: unchanged, it sees the notes' nudge (2 to 2.001)."""
    view = learner_view(Repo(tmp_path))
    assert "2.001" in view["screen"] and "10.005" in view["screen"]
    assert "from 2 to 2.001." in " ".join(view["captions"])
