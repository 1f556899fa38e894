"""Module 3 of the Artificial Neural Networks course: the gradient vector."""

from lessonreel import Lesson, SceneRef, Thumbnail

LESSON = Lesson(
    slug="module03-gradient",
    title="The Gradient Vector",
    course="Artificial Neural Networks",
    package=__name__,
    summary=(
        "The partial derivatives of f(x, y) = x² + y² collected into one vector, the "
        "gradient: drawn across a contour map, followed uphill and against it downhill, "
        "shown to point the way f rises fastest, and turned into the update rule of "
        "gradient descent."
    ),
    # Picks up where Module 2's last scene left off: the gradient (2, 2) at (1, 1).
    scenes=(
        SceneRef("overview", "GradientLessonTitle", "Welcome and learning objectives"),
        SceneRef("partials_to_gradient", "PartialsBecomeGradient",
                 "From partial derivatives to the gradient"),
        SceneRef("contours", "GradientArrowsOverContours", "Gradient arrows on a contour map"),
        SceneRef("walking", "WalkUphillAndDownhill", "Walking uphill and downhill"),
        SceneRef("steepest", "SteepestAtOneOne", "Why the gradient is the steepest way up"),
        SceneRef("overview", "BridgeToGradientDescent", "Next up: gradient descent"),
    ),
    # Once every arrow is drawn, before the worked dot product fills the right-hand side.
    # The contour map with its gradient arrows, below the scene's title, left of the notes.
    thumbnail=Thumbnail(scene="GradientArrowsOverContours", beat="arrows",
                        hook="Which way is uphill?", crop=(-5.95, -3.35, 0.65, 2.9)),
    module=3,
)
