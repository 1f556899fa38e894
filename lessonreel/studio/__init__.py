"""``lessonreel studio``: a local page that shows a scene's picture, words and beats on one
timeline, and renders it again whenever a file it imports is saved.

- :mod:`lessonreel.studio.views`: what the page shows, built from the source (the
  outline) and from a render's scene record (beats, words, marks, layout findings);
- :mod:`lessonreel.studio.renders`: the background renders, one at a time, through the
  render pipeline (scene and beat caches), with at most one more queued;
- :mod:`lessonreel.studio.app`: the server (an allow-list, on 127.0.0.1) and the watch.
"""
