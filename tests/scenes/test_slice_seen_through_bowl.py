"""The 3D slice draws what the bowl hides as hidden: the cut curve and its tangent are
never painted solid over the bowl's near wall, from any camera the scene turns to."""

from __future__ import annotations

import numpy as np
import pytest

from lessonreel import theme
from tests.scenes.conftest import SCENES, construct

SLICE = next(ref for ref in SCENES if ref.name == "SliceSurfaceAtYEqualsOne")
RIM = 2.0  # the bowl is drawn out to radius 2 (math.BOWL_RIM)


def in_bowl_coordinates(axes: object, points: np.ndarray) -> np.ndarray:
    origin = axes.c2p(0, 0, 0)  # type: ignore[attr-defined]
    basis = np.column_stack([axes.c2p(*unit) - origin for unit in np.eye(3)])  # type: ignore[attr-defined]
    return np.linalg.solve(basis, (points - origin).T).T


def eye_of(camera: object) -> np.ndarray:
    camera.reset_rotation_matrix()  # type: ignore[attr-defined]
    turned = camera.get_rotation_matrix()  # type: ignore[attr-defined]
    return camera.frame_center + turned.T @ np.array(  # type: ignore[attr-defined]
        [0.0, 0.0, camera.get_focal_distance()])  # type: ignore[attr-defined]


def wall_in_front(point: np.ndarray, eye: np.ndarray, steps: int = 4000) -> bool:
    """Walk the sight line from the point to the eye and see whether it goes through
    the bowl's surface (height = x² + y², inside the rim) on the way."""
    along = point + np.linspace(2e-3, 1, steps)[:, None] * (eye - point)
    above = along[:, 2] - along[:, 0] ** 2 - along[:, 1] ** 2
    inside = along[:, 0] ** 2 + along[:, 1] ** 2 <= RIM**2
    crossed = (np.sign(above[1:]) != np.sign(above[:-1])) & inside[1:] & inside[:-1]
    return bool(crossed.any())


def drawn_strokes(scene: object, colour: str, on_screen: list[object]) -> list[object]:
    """The strokes of ``colour`` among ``on_screen`` drawn in the 3D world (not fixed in
    the frame)."""
    from manim import VMobject

    fixed = {id(m) for mob in scene.camera.fixed_in_frame_mobjects  # type: ignore[attr-defined]
             for m in mob.get_family()}
    found = []
    for mob in on_screen:
        for member in mob.family_members_with_points():
            if (isinstance(member, VMobject) and id(member) not in fixed
                    and member.stroke_width > 0
                    and member.get_stroke_color().to_hex().upper() == colour.upper()):
                found.append(member)
    return found


@pytest.mark.xdist_group("SliceSurfaceAtYEqualsOne")  # on the worker that constructs it
@pytest.mark.parametrize("colour", [theme.SLICE_COLOR, theme.TANGENT_COLOR],
                         ids=["cut", "tangent"])
def test_no_solid_stroke_of_the_slice_is_painted_over_the_near_wall(
        monkeypatch: pytest.MonkeyPatch, colour: str) -> None:
    built = construct(SLICE, monkeypatch)
    scene = built.scene
    eye = in_bowl_coordinates(scene.axes, eye_of(scene.camera)[None, :])[0]
    strokes = drawn_strokes(scene, colour, built.taught)
    assert strokes, "the slice is not drawn in 3D"
    solid = [s for s in strokes if s.get_stroke_opacity() > 0.95]
    behind = [p for s in solid for p in in_bowl_coordinates(scene.axes, s.points)
              if wall_in_front(p, eye)]
    assert not behind, f"{len(behind)} points drawn solid behind the near wall"


@pytest.mark.xdist_group("SliceSurfaceAtYEqualsOne")
def test_the_hidden_part_of_the_cut_is_still_drawn_from_rim_to_rim(
        monkeypatch: pytest.MonkeyPatch) -> None:
    built = construct(SLICE, monkeypatch)
    scene = built.scene
    points = np.concatenate([in_bowl_coordinates(scene.axes, s.points)
                             for s in drawn_strokes(scene, theme.SLICE_COLOR, built.taught)])
    assert points[:, 0].min() == pytest.approx(-np.sqrt(3), abs=0.02)
    assert points[:, 0].max() == pytest.approx(np.sqrt(3), abs=0.02)
    assert np.allclose(points[:, 1], 1.0, atol=1e-6)
