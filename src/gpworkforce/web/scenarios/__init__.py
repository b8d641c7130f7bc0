"""Forecast scenarios in the web app (issue 11, item 1), its own Django app (label ``scenarios``).

``models``    :class:`~.models.Scenario` (editable, per organisation) and :class:`~.models.Run`
              (an immutable run record with its results; other areas, e.g. plans and finance,
              read runs through it).
``compute``   the library side: a scenario document <-> canonical TOML, running it through
              ``gpworkforce.forecast.runner`` exactly as the CLI does, and the results kept.
``schemaform`` the edit form generated from the scenario schema (pydantic models).
``actions``   the only code that writes (audited); ``tasks`` the run's background task;
``views``, ``urls``, ``templates/scenarios``: the pages under ``/scenarios/``.
"""
