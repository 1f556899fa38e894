"""Module 2 of the Artificial Neural Networks course: derivatives and partial derivatives."""

from lessonreel.lesson import Lesson, SceneRef

LESSON = Lesson(
    slug="module02-derivatives",
    title="Derivatives and Partial Derivatives",
    course="Artificial Neural Networks",
    package=__name__,
    summary=(
        "Why learning needs derivatives: sensitivity as a rate of change, the slope of "
        "a tangent as the limit of secants, and partial derivatives for many inputs."
    ),
    scenes=(
        SceneRef("sensitivity", "SensitivityOfFiveX", "Sensitivity: how y = 5x responds"),
        SceneRef("secant_tangent", "SecantBecomesTangent", "From secant to tangent"),
    ),
)
