"""Language models in a leader's chair (the ``llm`` extra: ``pip install 'brinkmanship[llm]'``).

- :mod:`.config`: agents (model, server, generation settings, advisers), budgets, the
  agents file and the environment.
- :mod:`.prompt`: what the model is told, from the seat's view only, and the shape of its
  answer.
- :mod:`.transport`: the one outside call (the ``openai`` client), with retries.
- :mod:`.cache`: the SQLite response cache that makes runs replay without the server.
- :mod:`.policy`: :class:`LLMPolicy`, the decision-maker.
- :mod:`.fake`: an OpenAI-compatible server on loopback, scripted, for tests and demos.

Nothing here is imported by ``import brinkmanship``; the ``openai`` package is imported
only when a call is made.
"""

from brinkmanship.llm.config import Adviser, Agent, LLMBudget, LLMConfigError, LLMSettings
from brinkmanship.llm.policy import LLMPolicy, llm_policy

__all__ = ["Adviser", "Agent", "LLMBudget", "LLMConfigError", "LLMPolicy", "LLMSettings",
           "llm_policy"]
