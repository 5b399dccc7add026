"""What several test modules share: real fixtures and recordings, git repositories built with git,
hypothesis strategies, and a way to run the niche command."""
