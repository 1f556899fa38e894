"""The narration's sound: speech services (Piper, silence), the author's own recordings,
when each word is said, loudness, and the script exported for a person to record."""
