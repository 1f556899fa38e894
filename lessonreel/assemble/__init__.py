"""From scene videos to one lesson: the video and its audio track joined, captions,
chapters, the manifest, the thumbnail and the contact sheet."""
