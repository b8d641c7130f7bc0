"""The staff taxonomy: staff group -> role -> detailed role, plus named aggregates.

The reviewed data file ``gpworkforce/data/taxonomy.toml`` is the single source. It is validated
when loaded (unique codes, known groups, skill levels and flags) and exposed as frozen objects.
*Leaves* are what practices return (a detailed role, or a role with no detailed split); every
other node (role, group, aggregate) is a set of leaves, so any figure can be rolled up by summing
leaves. ``gpw`` stems name NHS Digital's columns (``TOTAL_<stem>_HC`` / ``TOTAL_<stem>_FTE``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class StaffGroup(StrEnum):
    GP = "GP"
    NURSE = "NURSE"
    DPC = "DPC"
    ADMIN = "ADMIN"


class SkillLevel(StrEnum):
    """SWiPe skill levels (LLR GP Workforce Plan, Table 7)."""

    AUTONOMOUS = "Autonomous"
    ENHANCED = "Enhanced"
    CORE = "Core"
    FOUNDATION = "Foundation"


Flag = Literal["gp_target", "qualified_gp", "trainee", "locum"]
NodeKind = Literal["group", "role", "leaf", "aggregate"]


@dataclass(frozen=True, slots=True)
class Leaf:
    """A role a practice returns: the finest level of the taxonomy."""

    code: str
    name: str
    group: StaffGroup
    role: str
    skill: SkillLevel
    flags: frozenset[str]
    gpw: tuple[str, ...]

    @property
    def gp_target(self) -> bool:
        return "gp_target" in self.flags

    @property
    def qualified_gp(self) -> bool:
        return "qualified_gp" in self.flags

    @property
    def trainee(self) -> bool:
        return "trainee" in self.flags

    @property
    def locum(self) -> bool:
        return "locum" in self.flags


@dataclass(frozen=True, slots=True)
class Node:
    """Any named set of leaves: a group, a role, a leaf itself or an aggregate."""

    code: str
    name: str
    kind: NodeKind
    leaves: frozenset[str]
    gpw: tuple[str, ...]
    parent: str | None = None


# ---- file schema (pydantic) ----------------------------------------------------------------------
class _Detailed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]+$")
    name: str
    gpw: list[str] = []


class _Role(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]+$")
    group: StaffGroup
    name: str
    skill: SkillLevel
    flags: list[Flag] = []
    gpw: list[str] = []
    detailed: list[_Detailed] = []


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: StaffGroup
    name: str
    gpw: list[str] = []


class _Aggregate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]+$")
    name: str
    groups: list[StaffGroup] = []
    all_flags: list[Flag] = []
    any_flags: list[Flag] = []
    no_flags: list[Flag] = []
    gpw: list[str] = []


class _TaxonomyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    group: list[_Group]
    role: list[_Role]
    aggregate: list[_Aggregate] = []

    @model_validator(mode="after")
    def _unique_codes(self) -> _TaxonomyFile:
        codes: list[str] = [g.code.value for g in self.group]
        for r in self.role:
            codes.append(r.code)
            codes.extend(d.code for d in r.detailed)
        codes.extend(a.code for a in self.aggregate)
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"taxonomy codes must be unique, duplicated: {dupes}")
        if {g.code for g in self.group} != set(StaffGroup):
            raise ValueError("taxonomy must define exactly the staff groups GP, NURSE, DPC, ADMIN")
        return self


@dataclass(frozen=True)
class Taxonomy:
    leaves: Mapping[str, Leaf]
    nodes: Mapping[str, Node]

    def node(self, code: str) -> Node:
        try:
            return self.nodes[code]
        except KeyError:
            raise KeyError(f"unknown taxonomy code {code!r}") from None

    def leaves_of(self, code: str) -> frozenset[str]:
        return self.node(code).leaves

    def is_leaf(self, code: str) -> bool:
        return code in self.leaves

    def leaves_in_group(self, group: StaffGroup) -> list[Leaf]:
        return [leaf for leaf in self.leaves.values() if leaf.group == group]

    def nodes_of_kind(self, kind: NodeKind) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind == kind]

    def gpw_stems(self) -> dict[str, str]:
        """Map each NHS Digital column stem to the taxonomy node it measures."""
        out: dict[str, str] = {}
        for node in self.nodes.values():
            for stem in node.gpw:
                out.setdefault(stem, node.code)
        return out


def parse_taxonomy(data: Mapping[str, object]) -> Taxonomy:
    """Validate a parsed taxonomy document and build the frozen :class:`Taxonomy`."""
    spec = _TaxonomyFile.model_validate(data)
    leaves: dict[str, Leaf] = {}
    nodes: dict[str, Node] = {}
    for role in spec.role:
        children = role.detailed or [_Detailed(code=role.code, name=role.name, gpw=role.gpw)]
        for d in children:
            leaves[d.code] = Leaf(
                code=d.code,
                name=d.name,
                group=role.group,
                role=role.code,
                skill=role.skill,
                flags=frozenset(role.flags),
                gpw=tuple(d.gpw),
            )
            if role.detailed:
                nodes[d.code] = Node(
                    d.code, d.name, "leaf", frozenset({d.code}), tuple(d.gpw), role.code
                )
        role_leaves = frozenset(d.code for d in children)
        kind: NodeKind = "role" if role.detailed else "leaf"
        nodes[role.code] = Node(
            role.code, role.name, kind, role_leaves, tuple(role.gpw), role.group.value
        )
    for g in spec.group:
        members = frozenset(c for c, leaf in leaves.items() if leaf.group == g.code)
        nodes[g.code.value] = Node(g.code.value, g.name, "group", members, tuple(g.gpw))
    for a in spec.aggregate:
        members = frozenset(
            c
            for c, leaf in leaves.items()
            if (not a.groups or leaf.group in a.groups)
            and all(f in leaf.flags for f in a.all_flags)
            and (not a.any_flags or any(f in leaf.flags for f in a.any_flags))
            and not any(f in leaf.flags for f in a.no_flags)
        )
        if not members:
            raise ValueError(f"taxonomy aggregate {a.code} matches no role")
        nodes[a.code] = Node(a.code, a.name, "aggregate", members, tuple(a.gpw))
    return Taxonomy(leaves=leaves, nodes=nodes)


@cache
def load_taxonomy() -> Taxonomy:
    """The project's reviewed taxonomy (cached)."""
    text = resources.files("gpworkforce.data").joinpath("taxonomy.toml").read_text(encoding="utf-8")
    return parse_taxonomy(tomllib.loads(text))
