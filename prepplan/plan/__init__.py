"""The plan model and the plan file."""

from prepplan.plan.model import Plan

__all__ = ["Plan"]
