"""What a lesson's author builds with, and what runs inside a scene's Manim process.

The lesson declaration (:mod:`.lesson`), the scene bases (:mod:`.scenes`), the narration
mixin, its beats, marks and the records it writes (:mod:`.narration`), narration that
carries the math layer's values (:mod:`.spoken`), the look (:mod:`.theme`), numbers as a
viewer reads them (:mod:`.numbers`), the layout and flash checks a scene runs on itself
(:mod:`.layout`, :mod:`.flashes`), the shared LaTeX cache (:mod:`.texcache`) and the
scaffold of a new lesson (:mod:`.scaffold`). Authors import the public names from
``lessonreel`` itself, not from here.
"""
