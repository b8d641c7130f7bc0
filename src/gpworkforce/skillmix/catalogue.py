"""Skill levels, tasks and roles of the skill-mix model, as frozen objects (no I/O here).

The file schema (pydantic v2, every table keyed by name so that an error names the key, e.g.
``tasks.home_visit.minutes.Enhanced``) is validated after the user's overrides are merged into the
default catalogue (:func:`merge`): a user file changes any value key by key and may add tasks.
Each role of the staff taxonomy is in the model with the taxonomy's skill level unless the file
gives another, and the default productive hours unless the file gives its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, PositiveFloat, model_validator

from gpworkforce.domain.taxonomy import Node, SkillLevel, StaffGroup, Taxonomy
from gpworkforce.forecast.distributions import Distribution, central, is_distribution


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Level(_Frozen):
    """A SWiPe skill level (LLR GP Workforce Plan, Table 7); higher ``rank`` = more skilled."""

    code: SkillLevel
    rank: int = Field(ge=1)
    description: str
    examples: str = ""
    source: str = ""


class Task(_Frozen):
    """A kind of work, with the levels able to do it and what it costs each of them.

    ``minutes[level]``: time per task at that level. ``supervision[level]``: minutes of the
    ``supervised_by`` level each task done at ``level`` costs (that level must rank higher).
    """

    key: str
    name: str
    category: str = ""
    per_1000: NonNegativeFloat = Field(description="tasks a year per 1,000 registered patients")
    minutes: dict[SkillLevel, PositiveFloat]
    supervision: dict[SkillLevel, NonNegativeFloat] = {}
    supervised_by: SkillLevel = SkillLevel.AUTONOMOUS
    source: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Task:
        if not self.minutes:
            raise ValueError("name at least one level able to do the task (minutes)")
        unknown = sorted(set(self.supervision) - set(self.minutes))
        if unknown:
            raise ValueError(f"give supervision only for levels that do the task, not {unknown}")
        return self


class Role(_Frozen):
    """A taxonomy role in the model: its level and productive hours a year per WTE."""

    code: str
    name: str
    level: SkillLevel
    productive_hours: NonNegativeFloat


class _Defaults(_Frozen):
    productive_hours: PositiveFloat


class _RoleEntry(_Frozen):
    level: SkillLevel | None = None
    productive_hours: NonNegativeFloat | Distribution | None = None


class _TaskEntry(_Frozen):
    name: str
    category: str = ""
    per_1000: NonNegativeFloat
    minutes: dict[SkillLevel, PositiveFloat | Distribution]
    supervision: dict[SkillLevel, NonNegativeFloat | Distribution] = {}
    supervised_by: SkillLevel = SkillLevel.AUTONOMOUS
    source: str = ""


class _LevelEntry(_Frozen):
    rank: int = Field(ge=1)
    description: str
    examples: str = ""
    source: str = ""


class CatalogueFile(_Frozen):
    """The file schema: ``[defaults]``, ``[levels.<Level>]``, ``[tasks.<key>]``, ``[roles.<CODE>]``."""

    defaults: _Defaults
    levels: dict[SkillLevel, _LevelEntry]
    tasks: dict[str, _TaskEntry]
    roles: dict[str, _RoleEntry] = {}

    @model_validator(mode="after")
    def _complete(self) -> CatalogueFile:
        missing = [lv.value for lv in SkillLevel if lv not in self.levels]
        if missing:
            raise ValueError(f"describe every skill level, missing {missing}")
        ranks = [e.rank for e in self.levels.values()]
        if len(set(ranks)) != len(ranks):
            raise ValueError(f"give each level a different rank, got {ranks}")
        if not self.tasks:
            raise ValueError("list at least one task")
        return self


class Catalogue(_Frozen):
    """Levels (most skilled first), tasks and roles: everything the skill-mix arithmetic needs."""

    levels: tuple[Level, ...]
    tasks: tuple[Task, ...]
    roles: Mapping[str, Role]
    productive_hours: PositiveFloat = Field(description="hours a year on tasks of a standard WTE")
    uncertain: Mapping[str, Distribution] = Field(
        default_factory=dict,
        description="distributions of values given as one, by key (tasks.KEY.minutes.LEVEL,"
        " tasks.KEY.supervision.LEVEL, roles.CODE.productive_hours); the values above are their"
        " central values",
    )

    def rank(self, level: SkillLevel) -> int:
        return next(lv.rank for lv in self.levels if lv.code == level)

    def task(self, key: str) -> Task:
        for t in self.tasks:
            if t.key == key:
                return t
        raise KeyError(key)

    def lowest_level(self, task: Task) -> SkillLevel:
        """The least skilled level able to do ``task`` (SWiPe: work at the lowest level able)."""
        return min(task.minutes, key=self.rank)


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` merged into ``base`` table by table (a value in ``override`` wins)."""
    out: dict[str, Any] = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def taxonomy_roles(taxonomy: Taxonomy) -> dict[str, Node]:
    """The taxonomy's roles (children of a staff group, with or without a detailed split)."""
    groups = {g.value for g in StaffGroup}
    return {
        n.code: n
        for n in taxonomy.nodes.values()
        if n.kind in ("role", "leaf") and n.parent in groups
    }


def build_catalogue(parsed: CatalogueFile, taxonomy: Taxonomy) -> Catalogue:
    """The catalogue from a validated file and the staff taxonomy (roles not in it are refused).

    Raises ``ValueError`` naming the key for a role the taxonomy does not know or a supervision
    by a level that does not rank above the supervised one.
    """
    levels = tuple(
        Level(code=code, **entry.model_dump())
        for code, entry in sorted(parsed.levels.items(), key=lambda kv: -kv[1].rank)
    )
    rank = {lv.code: lv.rank for lv in levels}
    uncertain: dict[str, Any] = {}

    def value(field: str, number: Any, positive: bool) -> float:
        """A plain number, or a distribution's central value (the distribution kept by key)."""
        if not is_distribution(number):
            return float(number)
        low = number.lower_bound
        if (positive and not low > 0) or low < 0:
            raise ValueError(
                f"{field}: must be {'above' if positive else 'at least'} 0 in every draw (the"
                f" distribution's lowest plausible value), got {low:g}"
            )
        uncertain[field] = number
        return central(number)

    tasks = []
    for key, entry in parsed.tasks.items():
        for level in entry.supervision:
            if central(entry.supervision[level]) > 0 and rank[entry.supervised_by] <= rank[level]:
                raise ValueError(
                    f"tasks.{key}.supervised_by: must rank above the supervised level {level.value},"
                    f" got {entry.supervised_by.value}"
                )
        data = entry.model_dump()
        data["minutes"] = {
            lv: value(f"tasks.{key}.minutes.{lv.value}", m, True) for lv, m in entry.minutes.items()
        }
        data["supervision"] = {
            lv: value(f"tasks.{key}.supervision.{lv.value}", m, False)
            for lv, m in entry.supervision.items()
        }
        tasks.append(Task(key=key, **data))
    known = taxonomy_roles(taxonomy)
    unknown = sorted(set(parsed.roles) - set(known))
    if unknown:
        raise ValueError(
            f"roles.{unknown[0]}: must be a role code of the staff taxonomy"
            f" (e.g. {', '.join(sorted(known)[:4])}), got {unknown[0]!r}"
        )
    roles = {}
    for code, node in known.items():
        entry = parsed.roles.get(code, _RoleEntry())
        leaf = next(iter(sorted(node.leaves)))
        level = entry.level or taxonomy.leaves[leaf].skill
        hours = entry.productive_hours
        roles[code] = Role(
            code=code,
            name=node.name,
            level=level,
            productive_hours=parsed.defaults.productive_hours
            if hours is None
            else value(f"roles.{code}.productive_hours", hours, False),
        )
    return Catalogue(
        levels=levels,
        tasks=tuple(tasks),
        roles=roles,
        productive_hours=parsed.defaults.productive_hours,
        uncertain=uncertain,
    )
