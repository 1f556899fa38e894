"""One launcher for every Manim process: what the host writes is what the scene reads."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from lessonreel.render.launch import ENGINE_HOME, ManimLaunch, SceneOrders


def test_orders_survive_the_trip_through_the_environment(tmp_path: Path) -> None:
    orders = SceneOrders(narration="none", cache_dir=tmp_path / "cache",
                         tex_dir=tmp_path / "tex", beats_file=tmp_path / "b.json",
                         layout_file=tmp_path / "l.json", recordings_dir=tmp_path / "takes")
    launch = ManimLaunch(tmp_path / "scene.py", "Scene", "Scene", tmp_path / "media", tmp_path,
                         orders)
    env = launch.environment({"PATH": "/usr/bin", "LESSONREEL_BEATS_FILE": "stale"})
    assert SceneOrders.from_environment(env) == orders


def test_unset_orders_are_left_out_so_a_plain_manim_run_writes_no_records() -> None:
    assert SceneOrders().variables() == {"LESSONREEL_NARRATION": "piper"}
    assert SceneOrders.from_environment({"LESSONREEL_BEATS_FILE": ""}) == SceneOrders()


def test_the_child_reads_the_orders_it_was_given(tmp_path: Path) -> None:
    """A real child process, started as a launch is: it imports the engine from where
    this one runs and reads back the same orders."""
    orders = SceneOrders(narration="none", beats_file=tmp_path / "beats.json")
    launch = ManimLaunch(tmp_path / "scene.py", "Scene", "Scene", tmp_path / "media", tmp_path,
                         orders)
    env = launch.environment({"PATH": os.environ.get("PATH", "")})
    assert env["PYTHONPATH"].split(os.pathsep)[:2] == [str(tmp_path), str(ENGINE_HOME)]
    script = textwrap.dedent("""
        from lessonreel.render.launch import SceneOrders
        print(repr(SceneOrders.from_environment()))
    """)
    shown = subprocess.run([sys.executable, "-c", script], env=env, cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert shown == repr(orders)


def test_the_command_says_what_to_draw(tmp_path: Path) -> None:
    base = ManimLaunch(tmp_path / "s.py", "Slide", "out", tmp_path / "m", tmp_path)
    assert "-s" not in base.command() and "-n" not in base.command()
    assert base.command()[-2:] == [str(tmp_path / "s.py"), "Slide"]
    shard = ManimLaunch(tmp_path / "s.py", "Slide", "out", tmp_path / "m", tmp_path,
                        span=(3, 7), quality="h", config_file=tmp_path / "enc.cfg")
    command = shard.command()
    assert command[command.index("-n") + 1] == "3,7" and "-qh" in command
    assert command[command.index("--config_file") + 1] == str(tmp_path / "enc.cfg")
    tail = ManimLaunch(tmp_path / "s.py", "Slide", "out", tmp_path / "m", tmp_path,
                       span=(5, None), last_frame_only=True).command()
    assert tail[tail.index("-n") + 1] == "5" and "-s" in tail


def test_no_engine_module_but_the_launcher_starts_manim_or_names_its_variables() -> None:
    engine = Path(__file__).resolve().parents[1] / "lessonreel"
    found = []
    for path in sorted(engine.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name == "launch.py":
            continue
        if '"-m", "manim"' in text or any(f'"LESSONREEL_{name}' in text for name in (
                "NARRATION", "BEATS_FILE", "LAYOUT_FILE", "RECORDINGS_DIR", "TEX_DIR",
                "LESSON\"")):
            found.append(path.relative_to(engine).as_posix())
    assert found == []


def test_a_failed_scene_is_summed_up_by_what_it_raised_not_by_manims_box(tmp_path: Path) -> None:
    from lessonreel.render.pool import last_error_line

    log = tmp_path / "render.log"
    # Manim's traceback box wraps a long message and cuts it; the scene's own line does not.
    log.write_text(
        "lessonreel: raised at /scenes/quiz.py:9 in construct\n"
        "lessonreel: raised QuestionError: AsksBadly beat 'quiz': the answer 4 is not among "
        "the choices (2, 8); add it\n"
        "│ QuestionError: AsksBadly beat 'quiz': the answer 4 is not among the choices (2, │\n"
        "╰──────────────────────────────────────────────────────────────────────────────╯\n")
    assert last_error_line(log) == ("QuestionError: AsksBadly beat 'quiz': the answer 4 is "
                                    "not among the choices (2, 8); add it")


def test_a_dask_workers_malloc_setting_stays_out_of_the_manim_it_starts(tmp_path: Path) -> None:
    """Dask's nanny gives its workers glibc settings meant for the worker's own memory;
    a Manim process started from a worker must not run with them (measured: ten times
    the page faults and a quarter more CPU per scene)."""
    import dask.config
    import distributed  # noqa: F401  (its defaults join Dask's config on import)

    worker = {**os.environ,
              **{key: str(value) for key, value in
                 dask.config.get("distributed.nanny.pre-spawn-environ").items()}}
    assert "MALLOC_TRIM_THRESHOLD_" in worker, "Dask no longer sets it: this test is moot"
    launch = ManimLaunch(tmp_path / "scene.py", "Scene", "Scene", tmp_path / "media", tmp_path)
    env = launch.environment(worker)
    # A frame buffer (3.6 MB at 720p) stays in the heap: neither mapped afresh for
    # itself nor handed back to the system as soon as it is freed.
    frame = 1280 * 720 * 4
    assert int(env["MALLOC_MMAP_THRESHOLD_"]) > frame
    assert int(env["MALLOC_TRIM_THRESHOLD_"]) > frame
    # What else the worker's environment holds goes through untouched.
    assert env["PATH"] == worker["PATH"]
