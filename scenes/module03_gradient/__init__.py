"""Module 3 of the Artificial Neural Networks course: the gradient vector."""

from lessonreel import Lesson, SceneRef, Thumbnail

LESSON = Lesson(
    slug="module03-gradient",
    title="The Gradient Vector",
    course="Artificial Neural Networks",
    package=__name__,
    summary=(
        "The partial derivatives of f(x, y) = x² + y² collected into one vector, the "
        "gradient: drawn across the contour map of a stretched bowl, x² + 3y², where it "
        "crosses every contour at a right angle without pointing away from the bottom; "
        "followed uphill and against it downhill; shown by the cosine of an angle to point "
        "the way f rises fastest; and turned into gradient descent, whose path curves on "
        "the stretched bowl and stops where the gradient is zero."
    ),
    # Picks up where Module 2's last scene left off: the gradient (2, 2) at (1, 1).
    scenes=(
        SceneRef("overview", "GradientLessonTitle", "Welcome and learning objectives"),
        SceneRef("partials_to_gradient", "PartialsBecomeGradient",
                 "From partials to the gradient"),
        SceneRef("contours", "GradientArrowsOverContours", "Gradient arrows on a contour map"),
        SceneRef("walking", "WalkUphillAndDownhill", "Walking uphill and downhill"),
        SceneRef("steepest", "SteepestAtOneOne", "Why the gradient is steepest"),
        SceneRef("overview", "BridgeToGradientDescent", "Gradient descent on a stretched bowl"),
    ),
    # Once every arrow is drawn, before the worked dot product fills the right-hand side.
    # The stretched bowl's contour map with its gradient arrows, below the scene's title,
    # left of the formulas: the map alone, no title, nothing faded.
    thumbnail=Thumbnail(scene="GradientArrowsOverContours", beat="arrows",
                        hook="Which way is uphill?", crop=(-6.45, -3.1, -0.05, 2.4)),
    module=3,
)
