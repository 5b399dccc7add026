"""Classification: which role each activity plays, with the rule that decided it."""

from niche.classify.roles import ROLES, Rules, classify, classify_pending

__all__ = ["ROLES", "Rules", "classify", "classify_pending"]
