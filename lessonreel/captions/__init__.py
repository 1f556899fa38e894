"""What is said, in text and time: caption cues, a scene's narration track and captions,
chapters, and the lesson's beat timeline (``beats.json``)."""
