"""Forecasting: scenarios as data, the published HEE arithmetic and the cohort engine.

Modules
-------
``distributions``  :data:`Num` = a number or a distribution (normal, triangular, uniform,
                   lognormal, interval80), each with ``.central``.
``scenario``, ``cohort_config``  pydantic models of a scenario (every field described);
                   ``scenario.uncertain_fields`` lists the distributions by field path.
``scenario_io``    loads TOML with ``extends`` and turns errors into
                   :class:`~gpworkforce.errors.ValidationFailed`; ``schema_text`` = the JSON Schema.
``hee_linear``     method ``hee-linear``: LLR Tables 12-14 as line items (``hee_table``,
                   ``position`` vectorised over draws).
``engine``, ``engine_types``, ``engine_coeffs``  method ``cohort``: vectorised NumPy
                   stock-and-flow engine (below); ``engine_coeffs`` turns rates into per-step
                   coefficients.
``kernels``        ``linear`` (every organisation's path from a few basis runs of the engine) and
                   ``quantiles`` (P10/P50/P90 over draws, proportional series computed once).
``cohort_mc``      streamed Monte Carlo summary of the cohort method (what the CLI uses).
``goalseek``       the shift of one assumption needed to meet the target with probability p.
``methods``        the one interface every method implements (``ForecastMethod``: cohort,
                   hee-linear, trend, persistence) and the registry the runner uses.
``build``          cohort config -> ``EngineInputs`` (``compile_inputs``) and per-draw
                   parameters (``build_assumptions(cfg, values={field path: draws})``).
``cohort``         ``run_cohort``: engine + supply, demand, gap, per 1,000, cost ``[D, R, O]``.
``demand``, ``costs``  demand rules and population index; cost of the gap.
``inputs``         starting stocks and patients from the canonical tables (no I/O).
``io``             reads the data files a scenario names, with their sources.
``backtest``, ``backtest_cohort``  scoring forecasts from September 2017 against GPW: trend
                   baselines and the cohort engine with rates calibrated on 2016-2018.
``outputs``, ``runrecord``, ``runner``  tables, charts, ``run.json``; ``run_scenario`` /
                   ``write_run`` are what the CLI (``gpworkforce forecast``) calls.

Engine API (``gpworkforce.forecast.engine``)
--------------------------------------------
``EngineInputs(orgs, classes, bands, headcount[O,K,A], fte[O,K,A], steps_per_year, n_steps,
inflows=(InflowStream(name, schedule[T,O], share[K,A]), ...))``
    What the run starts from. ``schedule`` is headcount arriving per step and organisation before
    the stream's multiplier; ``share`` says which class x age band they join (sums to 1).
    ``headcount`` / ``fte`` may be ``[D, O, K, A]`` (each draw starts elsewhere: chained runs).

``EngineParams(leave_rate[D?,K,A], transition_rate[D?,K,K], band_width_years[D?,A],
participation_rate[D?,K], inflow_multiplier[D?,S], inflow_fte_per_head[D?,S])``
    All rates are annual. Any of them may carry a leading draws axis ``D`` (or omit it): one
    call runs every draw, vectorised. Per-step conversion: ``1 - (1 - r) ** dt`` for
    probabilities, ``(1 + p) ** dt - 1`` for participation, ``dt / width`` for ageing.
    ``changes=((step, EngineParams), ...)`` replaces them from a step on (rates by year).

``EngineOptions(record_every=1, sum_orgs=False, record_flows=False, org_chunk=None, threads=1)``
    What to keep. For very large runs keep fewer steps (``record_every=12``) or only the total
    over organisations (``sum_orgs``); ``org_chunk`` keeps the working set in cache and
    ``threads`` spreads chunks over cores.

``run(inputs, params, options) -> EngineResult``
    ``EngineResult.headcount`` / ``.fte`` are ``[D, R, O, K, A]`` at ``.steps`` (step indices,
    0 = start); ``.flows`` (with ``record_flows``) holds every flow ``[D, T, O, K, A]``.

Draw 0 is the central case by convention of the callers (``build.build_params``).
"""
