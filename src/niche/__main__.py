"""`python -m niche` runs the CLI."""

from niche.cli import run

run()
