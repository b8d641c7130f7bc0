"""Skill mix and capacity: SWiPe skill levels, tasks, demand in tasks and the cheapest mix of levers.

``catalogue`` (levels, tasks, roles as frozen objects), ``io`` (the default catalogue and a user's
overrides from TOML), ``mix`` (demand in tasks, capacity by level, the skill-mix view), ``report``
(its tables and chart). See docs/skillmix.md.
"""
