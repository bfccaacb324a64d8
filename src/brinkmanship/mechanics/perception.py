"""Perception (M8): how a signal moves a belief, through authority, bias and stress."""

from __future__ import annotations

import math

THREAT_DIRECTION = {"resolve": 1.0, "imminence": 1.0, "control": -1.0}


def shifted(belief: float, shift: float, weight: float, bias: float, stress: float,
            var: str) -> float:
    """A probability moved by ``shift`` log-odds, scaled by the channel's weight.

    Threatening shifts are amplified by the reader's threat bias and stress; reassuring
    ones are taken at their weight. The result stays strictly inside (0, 1).
    """
    threatening = shift * THREAT_DIRECTION.get(var, 1.0) > 0
    gain = weight * (1.0 + max(bias, -0.9) + stress if threatening else 1.0)
    p = min(max(belief, 1e-6), 1 - 1e-6)
    logit = math.log(p / (1 - p)) + shift * gain
    return round(1.0 / (1.0 + math.exp(-logit)), 6)
