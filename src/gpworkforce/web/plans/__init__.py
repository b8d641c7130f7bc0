"""Plans in the web app (``/plans/``): persisted plans, tracking against actuals, SPC, alerts.

The arithmetic is the library's (:mod:`gpworkforce.plans`); this app keeps plans and their
versions in the database, finds the actuals in the accepted returns (else GPW), records alerts and
shows pages. Other apps read alerts through :func:`gpworkforce.web.plans.alerts.open_alerts`.
See docs/plans.md ("In the web app") and decision record 0062.
"""
