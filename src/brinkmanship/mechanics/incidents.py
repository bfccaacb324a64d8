"""Standing orders and incidents (M6): the hazard an incident runs at now."""

from __future__ import annotations

from brinkmanship.engine.world import World
from brinkmanship.mechanics.conditions import holds
from brinkmanship.scenario.schema import Incident


def hazard_per_hour(inc: Incident, world: World) -> float:
    """Occurrences per hour: base rate × posture factors, zero when its order is off."""
    if world.incident_counts.get(inc.id, 0) >= inc.max_occurrences:
        return 0.0
    if inc.under_order is not None and not world.orders.get(inc.under_order, False):
        return 0.0
    if "settled" in world.flags or not holds(inc.requires, world):
        return 0.0
    rate = inc.hazard_per_hour
    for force, factors in inc.posture_multipliers.items():
        rate *= factors.get(world.postures.get(force, ""), 1.0)
    return rate
