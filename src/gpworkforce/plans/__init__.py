"""Plans: adopted trajectories, targets, tracking against actuals with SPC, and scoring past plans.

Modules
-------
``spc``       XmR charts per NHS England's Making Data Count: limits, special-cause rules,
              variation and assurance icons, recalculation points (pure).
``model``     pydantic models of a plan (organisation, period, trajectories per staff group,
              targets, revisions) and its TOML file (``plan.toml``).
``tracking``  actual vs plan vs target per staff group and period: variance, percentile in the
              fan, SPC, alerts with evidence (pure).
``scoring``   a past plan against actuals for every year that has them (pure).
``actuals``   where actuals come from: GPW practice-year series or a workspace's returns (I/O).
``outputs``   tables and the Altair chart for the CLI (``gpworkforce plan``).

See docs/plans.md.
"""
