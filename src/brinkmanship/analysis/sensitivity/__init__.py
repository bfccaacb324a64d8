"""Global sensitivity and scenario discovery over a scenario's parameters.

``brink sensitivity STUDY.yaml`` (or :func:`run_sensitivity`) reads a study file
(:mod:`.study`), draws its design points (:mod:`.design`), runs every point on the same
seeds into a DuckDB file (:mod:`.run`, :mod:`.store`) and says which parameters drive each
output: Morris screening and Sobol indices with bootstrap intervals, and PRIM boxes where an
outcome such as war is likely (:mod:`.indices`). Needs the ``sensitivity`` extra (SALib and
the EMA Workbench) besides ``analysis``.
"""

from brinkmanship.analysis.sensitivity.run import (
    SensitivityResults,
    open_sensitivity,
    run_sensitivity,
)
from brinkmanship.analysis.sensitivity.study import (
    SensitivityStudy,
    StudyFileError,
    load_study,
)

__all__ = ["SensitivityResults", "SensitivityStudy", "StudyFileError", "load_study",
           "open_sensitivity", "run_sensitivity"]
