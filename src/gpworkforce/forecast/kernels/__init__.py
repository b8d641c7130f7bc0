"""Numerical kernels behind the forecasting methods.

``linear``  the cohort engine's response to unit stocks and unit inflows, per draw: with rates
            that do not vary by organisation (every scenario's), any organisation's path is a
            linear combination of these few basis paths, so a national Monte Carlo run steps a
            handful of basis organisations instead of every practice (``docs/model.md``).
``quantiles``  P10/P50/P90 over draws of ``coeff @ X``, organisations that are positive multiples
            of each other computed once.
"""
