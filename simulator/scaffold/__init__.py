"""``vcall init``: a starter for a team's own bot, planned and written without overwriting."""

from vcall.simulator.scaffold.project import (
    DEFAULT_TARGET,
    PlannedFile,
    ScaffoldResult,
    plan_project,
    vcall_requirement,
    write_project,
)

__all__ = [
    "DEFAULT_TARGET",
    "PlannedFile",
    "ScaffoldResult",
    "plan_project",
    "vcall_requirement",
    "write_project",
]
