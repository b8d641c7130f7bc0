"""Finance: the cost of the workforce, the gap and the levers, allocations and funding.

Modules
-------
``model``        pydantic cost model (roles, on-cost lines, prices, schemes); ``cost_io`` reads it
                 from TOML with errors naming file, line and key.
``prices``       cost per WTE by role and line; cash and real price factors (pure, vectorised).
``costing``      cost of a :class:`~gpworkforce.finance.costing.Workforce` by year, group, payer.
``runs``         forecast run (hee-linear or cohort, central or Monte Carlo) -> ``Workforce``.
``allocations``  spend as a share of allocation, thresholds, headroom, checks of printed figures.
``funding``      funding register entries and the share of the plan's cost they cover.
``tables_io``    reads allocations and funding registers (CSV/XLSX) with row/column errors.
``runner``       ``cost_scenario`` (what ``gpworkforce cost`` calls), allocation and funding
                 tables, headlines, writing tables.

Equations, assumptions and sources: ``docs/finance.md``.
"""
