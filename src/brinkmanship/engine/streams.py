"""Independent random streams, one per mechanic and element, from one seed.

Each stream is keyed by names (``("latency", "cable")``), hashed stably, so adding an
incident or a channel to a scenario never reshuffles the draws of the others: the
common random numbers that make paired counterfactuals comparable.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np


class Streams:
    """A family of NumPy generators derived from one ``SeedSequence``."""

    def __init__(self, seed: int):
        if seed < 0:
            raise ValueError("a seed is a non-negative integer")
        self.seed = seed
        self._cache: dict[tuple[str, ...], np.random.Generator] = {}

    def __call__(self, *names: str) -> np.random.Generator:
        gen = self._cache.get(names)
        if gen is None:
            key = tuple(zlib.crc32(n.encode()) for n in names)
            gen = np.random.Generator(np.random.PCG64(np.random.SeedSequence(self.seed,
                                                                             spawn_key=key)))
            self._cache[names] = gen
        return gen

    def state(self, *names: str) -> dict[str, Any] | None:
        """Where stream ``names`` stands, as JSON-safe data (``None`` if never drawn from)."""
        gen = self._cache.get(names)
        if gen is None:
            return None
        st = gen.bit_generator.state
        return {"state": str(st["state"]["state"]), "inc": str(st["state"]["inc"]),
                "has_uint32": int(st["has_uint32"]), "uinteger": int(st["uinteger"])}

    def restore(self, data: Mapping[str, Any], *names: str) -> None:
        """Put stream ``names`` where :meth:`state` said it stood."""
        gen = self(*names)
        gen.bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {"state": int(data["state"]), "inc": int(data["inc"])},
            "has_uint32": int(data["has_uint32"]), "uinteger": int(data["uinteger"])}


def lognormal_seconds(rng: np.random.Generator, median_hours: float, spread: float,
                      min_hours: float) -> int:
    """A delay in whole seconds: log-normal around ``median_hours``, floored at ``min_hours``
    and at one second."""
    hours = median_hours * float(np.exp(spread * rng.standard_normal())) if spread else median_hours
    # At least a second: a delay rounded to nothing would let a chain go round at one
    # instant, and the clock would never move on.
    return max(1, int(round(max(hours, min_hours) * 3600)))
