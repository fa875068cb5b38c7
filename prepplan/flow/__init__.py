"""The family's steps through the plan."""
