"""Publishing rendered lessons: a static course site, and YouTube through its Data API."""
