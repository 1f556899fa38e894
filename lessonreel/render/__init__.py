"""From a lesson's declaration to its scene videos: the plan and its cache keys, the one
launcher of every Manim process, the local pool and Dask, the scene and beat caches,
progress, qualities and encoder settings, the preview, and the machine check."""
