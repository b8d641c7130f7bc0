"""Background work on Django's Tasks: the data version, one task per dashboard, and its state.

- :mod:`.models`: the data version, a counter row the action layer bumps inside the writing
  transaction (the cache key of everything computed from the data).
- :mod:`.figures`: computed dashboards and their task's state in Django's cache, by version.
- :mod:`.tasks`: the task that computes one dashboard (retried a bounded number of times, logged
  on its own), what enqueues it (after a data change, on commit; on a view that finds no figures).
"""
