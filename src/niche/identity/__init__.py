"""The identity layer: which identities are the same person, who they worked for, which are bots."""

from niche.identity.bots import is_bot
from niche.identity.people import resolve_people

__all__ = ["is_bot", "resolve_people"]
