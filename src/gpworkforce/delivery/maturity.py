"""Maturity matrices and assessments (BLMK's PCN maturity steps, Dorset's primary care matrix).

A *matrix* is configuration: ordered levels (for PCNs: Foundation, Step 1, Step 2, Step 3), the
dimensions assessed, and a descriptor for each dimension at each level. An *assessment* is one
organisation's self-assessment for a period, a level per dimension with its evidence, plus a
reviewer's moderated level where the reviewer disagrees. The moderated level, when given, is the
one that counts. :func:`progress` summarises assessments for a group of organisations (a sub-ICB,
an ICB) per dimension and period: how many are at each level, for a heat map.

Shipped templates live in ``gpworkforce/data/maturity/*.toml`` (:func:`load_template`).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gpworkforce.errors import Issue, Location, ValidationFailed
from gpworkforce.labels import plural

__all__ = [
    "Assessment",
    "Dimension",
    "MaturityMatrix",
    "ProgressCell",
    "load_template",
    "progress",
    "template_names",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Dimension(_Model):
    key: str = Field(pattern=r"^[a-z0-9_]+$", description="Short key, e.g. 'integrated_care'.")
    name: str = Field(min_length=1, description="Name shown to users.")
    descriptors: Mapping[str, str] = Field(
        description="What an organisation at each level shows on this dimension (level -> text)."
    )


class MaturityMatrix(_Model):
    key: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str = Field(min_length=1)
    source: str = Field(min_length=1, description="Where the matrix comes from.")
    subject: Literal["practice", "pcn", "sub-icb", "icb"] = Field(
        description="Which kind of organisation assesses itself."
    )
    levels: tuple[str, ...] = Field(min_length=2, description="Levels, least mature first.")
    dimensions: tuple[Dimension, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> MaturityMatrix:
        if len(set(self.levels)) != len(self.levels):
            raise ValueError("levels must be distinct")
        keys = [d.key for d in self.dimensions]
        if len(set(keys)) != len(keys):
            raise ValueError("dimension keys must be distinct")
        for d in self.dimensions:
            unknown = set(d.descriptors) - set(self.levels)
            if unknown:
                raise ValueError(
                    f"dimension {d.key!r}: descriptors for unknown levels {sorted(unknown)}"
                )
        return self

    def rank(self, level: str) -> int:
        return self.levels.index(level)


class Assessment(_Model):
    matrix: str = Field(description="Key of the matrix used.")
    organisation: str = Field(min_length=1, description="Code of the organisation assessed.")
    period_end: dt.date = Field(description="Last day of the period assessed.")
    levels: Mapping[str, str] = Field(description="Self-assessed level per dimension.")
    evidence: Mapping[str, str] = Field(default_factory=dict, description="Evidence per dimension.")
    moderated: Mapping[str, str] = Field(
        default_factory=dict, description="Reviewer's level per dimension, where it differs."
    )
    reviewer: str = Field("", description="Who moderated it.")

    @model_validator(mode="after")
    def _reviewer(self) -> Assessment:
        if self.moderated and not self.reviewer.strip():
            raise ValueError("a moderated assessment must name its reviewer")
        return self

    def effective(self, dimension: str) -> str:
        return self.moderated.get(dimension, self.levels[dimension])

    def check(self, matrix: MaturityMatrix) -> None:
        """Raise :class:`ValidationFailed` unless every dimension has a known level."""
        issues = []
        where = f"assessment of {self.organisation} for {self.period_end}"
        if self.matrix != matrix.key:
            issues.append(Issue(Location(field="matrix"), f"be {matrix.key!r}", repr(self.matrix)))
        dims = {d.key for d in matrix.dimensions}
        for d in matrix.dimensions:
            if d.key not in self.levels:
                issues.append(Issue(Location(field=f"levels.{d.key}"), "have a level", "nothing"))
        for part in ("levels", "moderated"):
            for key, level in getattr(self, part).items():
                if key not in dims:
                    issues.append(
                        Issue(
                            Location(field=f"{part}.{key}"),
                            "be a dimension of the matrix",
                            repr(key),
                        )
                    )
                elif level not in matrix.levels:
                    issues.append(
                        Issue(
                            Location(field=f"{part}.{key}"),
                            "be one of " + ", ".join(matrix.levels),
                            repr(level),
                        )
                    )
        if issues:
            raise ValidationFailed(issues, summary=f"{where}: {plural(len(issues), 'problem')}")


class ProgressCell(_Model):
    group: str
    dimension: str
    period_end: dt.date
    counts: tuple[int, ...] = Field(description="Organisations at each level, least mature first.")
    mean_rank: float = Field(description="Mean level, 0 = least mature.")


def progress(
    matrix: MaturityMatrix,
    assessments: Iterable[Assessment],
    group_of: Mapping[str, str],
) -> tuple[ProgressCell, ...]:
    """Counts per level for each group (``group_of``: organisation -> group), dimension, period.

    The latest assessment of an organisation in a period counts (by period end, each assessment is
    one period). Organisations not in ``group_of`` are left out.
    """
    cells: dict[tuple[str, str, dt.date], list[int]] = {}
    for a in assessments:
        a.check(matrix)
        group = group_of.get(a.organisation)
        if group is None:
            continue
        for d in matrix.dimensions:
            key = (group, d.key, a.period_end)
            counts = cells.setdefault(key, [0] * len(matrix.levels))
            counts[matrix.rank(a.effective(d.key))] += 1
    out = []
    order = {d.key: i for i, d in enumerate(matrix.dimensions)}
    for (group, dim, period), counts in sorted(
        cells.items(), key=lambda kv: (kv[0][0], kv[0][2], order[kv[0][1]])
    ):
        n = sum(counts)
        out.append(
            ProgressCell(
                group=group,
                dimension=dim,
                period_end=period,
                counts=tuple(counts),
                mean_rank=sum(i * c for i, c in enumerate(counts)) / n,
            )
        )
    return tuple(out)


def _folder():
    return resources.files("gpworkforce").joinpath("data", "maturity")


def template_names() -> tuple[str, ...]:
    files = _folder()
    return tuple(
        sorted(p.name.removesuffix(".toml") for p in files.iterdir() if p.name.endswith(".toml"))
    )


def load_template(name: str) -> MaturityMatrix:
    names = template_names()
    if name not in names:
        raise ValidationFailed(
            [Issue(Location(field="template"), "be one of " + ", ".join(names), repr(name))],
            summary="unknown maturity template",
        )
    data = tomllib.loads(_folder().joinpath(f"{name}.toml").read_text("utf-8"))
    try:
        return MaturityMatrix.model_validate(data)
    except ValidationError as exc:  # a shipped template that does not validate is a bug
        raise RuntimeError(f"maturity template {name} is invalid: {exc}") from exc
