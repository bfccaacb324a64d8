"""A module whose import leaves a trace: a line naming the importing process in the file
``HOSTILE_MARKER`` names. Registers ``marked``, a decision-maker that always waits, for the
tests that a results file never imports the modules its study names."""

from __future__ import annotations

import os
import sys

from brinkmanship.policies.registry import register
from brinkmanship.policies.simple import PassivePolicy

_MARKER = os.environ.get("HOSTILE_MARKER")
if _MARKER:
    with open(_MARKER, "a", encoding="utf-8") as trace:
        trace.write(" ".join(sys.argv[1:2]) + "\n")


class MarkedPolicy(PassivePolicy):
    name = "marked"


register("marked", MarkedPolicy)
