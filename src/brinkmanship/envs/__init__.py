"""Learning environments on the same seat a person or a model fills.

:class:`CrisisAEC` (PettingZoo, agent by agent: every seated decider is an agent) and
:class:`CrisisEnv` (Gymnasium: one seat learns, the others play their policies) step a
:class:`~brinkmanship.engine.game.Game` one seat action at a time, with a fixed action
enumeration per seat (:mod:`brinkmanship.envs.actions`) and observations built only from
the seat's Observation (:mod:`brinkmanship.envs.features`). See ``docs/environments.md``.

The environments need the ``envs`` extra (``pip install 'brinkmanship[envs]'``); they are
imported on first use, so ``brinkmanship`` itself and the numpy-only modules here
(``actions``, ``features``, ``episode``) import without it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from brinkmanship.envs.aec import CrisisAEC, env, raw_env
    from brinkmanship.envs.single import CrisisEnv

__all__ = ["CrisisAEC", "CrisisEnv", "env", "raw_env"]

_HOMES = {"CrisisAEC": "aec", "env": "aec", "raw_env": "aec", "CrisisEnv": "single"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        module = import_module(f"{__name__}.{home}")
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in ("pettingzoo", "gymnasium"):
            raise
        raise ImportError(f"brinkmanship.envs.{name} needs the 'envs' extra ({exc.name} is "
                          "missing): pip install 'brinkmanship[envs]'") from exc
    return getattr(module, name)
