"""How a probability is written for readers: never as a zero it is not.

Three decimals where that says enough; below one in a thousand, two significant figures
(``6.0e-05``), so that a rare draw does not read as an impossible one.
"""

from __future__ import annotations


def chance(p: float) -> str:
    """``0.250``, ``0.001``, ``6.0e-05``; ``0.000`` only for an exact zero."""
    return f"{p:.3f}" if p == 0.0 or p >= 0.001 else f"{p:.1e}"


def rounded_chance(p: float, places: int) -> str:
    """A probability kept rounded to ``places`` decimals (as traces keep them): a rounded
    zero says how small the probability was at most (``<5e-05``)."""
    if p == 0.0:
        return f"<{0.5 * 10.0 ** -places:.0e}"
    return chance(p)
