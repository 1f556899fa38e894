"""Module 2 of the Artificial Neural Networks course: derivatives and partial derivatives."""

from lessonreel import Lesson, SceneRef, Thumbnail

LESSON = Lesson(
    slug="module02-derivatives",
    title="Derivatives and Partial Derivatives",
    course="Artificial Neural Networks",
    package=__name__,
    summary=(
        "Why learning needs derivatives: sensitivity as a rate of change, Δy/Δx on a line, "
        "the slope of a tangent as the limit of secants written dy/dx, what the slope's sign "
        "tells a learning system, the partial derivative ∂ beside the ordinary d, one for "
        "each weight of a neuron with the others frozen, seen as the slope of a slice of a "
        "surface."
    ),
    # One scene per section of the lecture notes, in the order they are taught; the notation
    # runs Δy/Δx (the line), dy/dx and f' (the tangent), ∂ beside d (why partials), then
    # ∂y/∂w1 and ∂y/∂w2 (one knob at a time) and one partial as a slice's slope.
    scenes=(
        SceneRef("overview", "LessonTitle", "Welcome and learning objectives"),
        SceneRef("learning", "ComputationIsNotLearning", "From computation to learning"),
        SceneRef("sensitivity", "SensitivityOfFiveX", "Sensitivity: nudging a straight line"),
        SceneRef("secant_tangent", "SecantBecomesTangent", "From secant to tangent"),
        SceneRef("secant_tangent", "SlopeTellsDirection", "What the slope's sign tells a learner"),
        SceneRef("partials", "WhyPartialDerivatives", "Why partial derivatives?"),
        SceneRef("partials", "OneKnobAtATime", "One knob at a time"),
        SceneRef("surface_slice", "SliceSurfaceAtYEqualsOne", "Slicing a surface"),
        SceneRef("overview", "QuickRevision", "Quick revision"),
        SceneRef("overview", "NextUpGradient", "Next up: the gradient vector"),
    ),
    # The bowl cut by y = 1 with the tangent on its slice, before the camera turns flat;
    # cropped to the bowl, below the scene's title, left of its formulas.
    thumbnail=Thumbnail(scene="SliceSurfaceAtYEqualsOne", beat="tangent",
                        hook="How steep is a bowl?", crop=(-6.0, -2.6, -0.6, 3.0)),
    tags=(
        "derivatives", "partial derivatives", "calculus", "rate of change", "tangent line",
        "secant line", "slope", "neural networks", "machine learning", "gradient descent",
        "math animation",
    ),
    category="27",  # Education
    module=2,
)
