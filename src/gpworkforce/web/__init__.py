"""The multi-user web platform: accounts and roles, the quarterly return workflow, audit, dashboards.

A Django 5.2 project living inside the package. Settings are in :mod:`gpworkforce.web.settings`
(``dev`` by default, ``test`` for pytest, ``production`` reads everything from the environment).
Run it with ``python -m gpworkforce.web <manage.py command>``. See ``docs/web.md``.
"""
