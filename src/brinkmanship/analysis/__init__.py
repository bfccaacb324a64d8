"""Analysis: Monte Carlo, counterfactual comparisons, statistics, plots and reports.

Needs the ``analysis`` extra (DuckDB, Arrow, matplotlib); ``--backend ray`` needs ``ray``.
"""

from brinkmanship.analysis.api import compare, monte_carlo, sweep
from brinkmanship.analysis.counterfactual import Counterfactual, CounterfactualError, ForcedChoice
from brinkmanship.analysis.montecarlo import Results, open_results
from brinkmanship.analysis.parameters import ParameterError, set_parameter
from brinkmanship.analysis.stats import paired_difference, paired_shares, wilson

__all__ = [
    "Counterfactual",
    "CounterfactualError",
    "ForcedChoice",
    "ParameterError",
    "Results",
    "compare",
    "monte_carlo",
    "open_results",
    "paired_difference",
    "paired_shares",
    "set_parameter",
    "sweep",
    "wilson",
]
