"""Channels (M2): how long a message takes, and how it may arrive distorted."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from brinkmanship.engine.streams import lognormal_seconds
from brinkmanship.scenario.schema import Channel


def latency_seconds(channel: Channel, rng: np.random.Generator) -> int:
    """A delivery delay drawn from the channel's latency distribution."""
    lat = channel.latency
    return lognormal_seconds(rng, lat.median_hours, lat.spread, lat.min_hours)


@dataclass(frozen=True)
class Reading:
    """What arrives: the terms and signals as received, and any distortion."""

    terms: dict[str, str]
    signals: dict[str, float]
    distortion: str | None = None
    extra_seconds: int = 0


def distort(channel: Channel, terms: dict[str, str], signals: dict[str, float],
            rng: np.random.Generator) -> Reading:
    """Apply the channel's fidelity to a message.

    Always three uniform draws (whether, which kind, which term), so the stream stays
    aligned whatever the outcome.
    """
    fid = channel.fidelity
    draw, pick, which = (float(x) for x in rng.random(3))
    if draw >= fid.distortion_probability or not fid.kinds:
        return Reading(dict(terms), dict(signals))
    kind = fid.kinds[min(int(pick * len(fid.kinds)), len(fid.kinds) - 1)]
    if kind == "harden":
        return Reading(dict(terms), _scale(signals, 1.0 + fid.strength), kind)
    if kind == "soften":
        return Reading(dict(terms), _scale(signals, 1.0 / (1.0 + fid.strength)), kind)
    if kind == "drop_term" and terms:
        keys = sorted(terms)
        lost = keys[min(int(which * len(keys)), len(keys) - 1)]
        return Reading({k: v for k, v in terms.items() if k != lost}, dict(signals), kind)
    if kind == "delay":
        return Reading(dict(terms), dict(signals), kind, int(fid.extra_delay_hours * 3600))
    return Reading(dict(terms), dict(signals))


def biased(channel: Channel, reading: Reading) -> Reading:
    """``reading`` as the channel's reader takes it: its ``bias`` added to the signals."""
    signals = dict(reading.signals)
    for var, shift in sorted(channel.bias.items()):
        signals[var] = round(signals.get(var, 0.0) + shift, 6)
    return Reading(reading.terms, signals, reading.distortion, reading.extra_seconds)


def _scale(signals: dict[str, float], factor: float) -> dict[str, float]:
    """Threatening readings (resolve and imminence up, control down) scaled by ``factor``."""
    out = {}
    for var, shift in signals.items():
        threatening = shift < 0 if var == "control" else shift > 0
        out[var] = shift * factor if threatening else shift / factor
    return out
