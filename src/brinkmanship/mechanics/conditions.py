"""Preconditions: does a :class:`Condition` hold in a world?"""

from __future__ import annotations

from brinkmanship.engine.world import World
from brinkmanship.scenario.schema import Condition


def holds(cond: Condition, world: World) -> bool:
    """Whether every part of ``cond`` holds in ``world`` now."""
    if not cond.model_fields_set:
        return True  # nothing was required
    ix = world.ix
    if any(f not in world.flags for f in cond.flags):
        return False
    if any(f in world.flags for f in cond.not_flags):
        return False
    if any(world.postures.get(force) not in allowed for force, allowed in cond.postures.items()):
        return False
    if cond.min_rung is not None and world.level < ix.rungs[cond.min_rung].level:
        return False
    if cond.max_rung is not None and world.level > ix.rungs[cond.max_rung].level:
        return False
    if cond.after is not None and world.t < ix.seconds(cond.after):
        return False
    return not (cond.before is not None and world.t > ix.seconds(cond.before))
