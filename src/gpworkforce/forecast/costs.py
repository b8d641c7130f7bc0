"""Cost of the gap: what it costs a year to fill the WTE GPs missing (LLR ch. 7).

``cost_salaried = max(gap, 0) x salaried_gp_cost`` (GBP 112,000 a year per WTE: 9 sessions at about
GBP 10,000 plus pension and indemnity) and ``cost_locum = cost_salaried x (1 + locum_premium)``
(locums cost up to 45% more). A surplus (negative gap) costs nothing here.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def gap_costs(gap: Array, salaried_cost: Array, locum_premium: Array) -> tuple[Array, Array]:
    """Annual cost of the gap ``[D, ...]`` filled by salaried GPs and by locums (GBP a year)."""
    extra = (slice(None),) + (None,) * (gap.ndim - 1)
    salaried = np.clip(gap, 0.0, None) * salaried_cost[extra]
    return salaried, salaried * (1.0 + locum_premium[extra])
