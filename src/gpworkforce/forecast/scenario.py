"""A forecast scenario as data: pydantic models, every field described.

A scenario file (TOML) names a ``method`` and carries the matching section: ``[hee_linear]`` for
the HEE GP Forecast Model's published arithmetic, ``[cohort]`` for the cohort engine. Any numeric
assumption typed :data:`~gpworkforce.forecast.distributions.Num` may be a plain number or a
distribution. Loading (``extends``, error messages naming file, field and value) lives in
:mod:`gpworkforce.forecast.scenario_io`; the JSON Schema is :func:`json_schema`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gpworkforce.forecast.cohort_config import CohortConfig
from gpworkforce.forecast.distributions import (
    DISTRIBUTIONS,
    Distribution,
    Interval80,
    LogNormal,
    Normal,
    Num,
    Triangular,
    Uniform,
    central,
)

__all__ = [
    "DISTRIBUTIONS",
    "CohortConfig",
    "CostConfig",
    "Distribution",
    "HeeLinearConfig",
    "Interval80",
    "LogNormal",
    "Normal",
    "Num",
    "Scenario",
    "Substitute",
    "TargetConfig",
    "Triangular",
    "Uniform",
    "central",
    "json_schema",
]

Method = Literal["hee-linear", "cohort"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Substitute(_Model):
    """A group of other clinical staff counted as GP substitutes (LLR Table 14)."""

    role: str = Field(description="Taxonomy role code, e.g. 'DPC_PHARMACIST' or 'NURSE_ANP'.")
    headcount: Num = Field(description="How many staff of this role are added over the horizon.")
    basis: str = Field("", description="Where the number comes from, as the plan states it.")


class HeeLinearConfig(_Model):
    """Inputs of the HEE GP Forecast Model's linear arithmetic (LLR plan Tables 11-14)."""

    baseline_wte: Num = Field(description="WTE GPs at the baseline date (LLR Oct 2017: 541).")
    baseline_label: str = Field(
        "Baseline Figure", description="Label of the baseline line in the printed table."
    )
    baseline_date: dt.date | None = Field(
        None, description="Date of the baseline figure (LLR: 2017-09-30); labels the end year."
    )
    years: int = Field(3, ge=1, le=20, description="Years the forecast runs (LLR: 3, to 2020).")
    over55_wte: Num = Field(description="WTE GPs aged over 55 at baseline (LLR: 87).")
    over55_loss_rate: Num = Field(
        description="Share of the over-55 WTE lost each year, applied linearly (0.15 = 15%)."
    )
    session_loss_rate: Num = Field(
        description="Share of all baseline WTE lost each year to fewer sessions or early leaving."
    )
    trainees_qualifying: Num = Field(
        description="Newly qualified GPs over the whole horizon (LLR: 153 over 3 years)."
    )
    trainee_retention: Num = Field(
        description="Share of newly qualified GPs who remain in the local workforce (0.7 = 70%)."
    )
    international_recruits: Num = Field(
        0.0, description="WTE GPs recruited internationally over the horizon (LLR scenario 2: 30)."
    )
    substitutes: list[Substitute] = Field(
        default_factory=list,
        description="Other clinical staff added as GP substitutes (LLR scenario 3: 35 + 50).",
    )
    staff_per_gp: Num = Field(
        3.0, description="Substitutes that replace one WTE GP (LLR: a ratio of 3 to 1)."
    )
    rounding: Literal["truncate", "nearest", "none"] = Field(
        "truncate",
        description=(
            "How each line is rounded to whole WTE. The LLR tables truncate (541 x 3% x 3 ="
            " 48.69 is shown as 48), so 'truncate' reproduces them."
        ),
    )


class TargetConfig(_Model):
    """The target the supply is compared with (a line on the trajectory chart)."""

    label: str = Field("Target", description="Legend label of the target line.")
    per_1000: float | None = Field(
        None, gt=0, description="Target WTE GPs per 1,000 registered patients (LLR: 0.58)."
    )
    wte: float | None = Field(
        None, gt=0, description="Target as an absolute WTE (LLR: 639 WTE GPs by Sep 2020)."
    )
    date: dt.date = Field(description="Date by which the target should be met (LLR: 2020-09-30).")

    @model_validator(mode="after")
    def _one_of(self) -> TargetConfig:
        if self.per_1000 is None and self.wte is None:
            raise ValueError("a target needs per_1000 or wte")
        return self


class CostConfig(_Model):
    """What a WTE GP costs, to put a price on the gap (LLR ch. 7)."""

    salaried_gp_cost: Num = Field(
        112_000.0,
        description="Annual cost of one WTE salaried GP, GBP (LLR ch. 7: 9 sessions, on-costs).",
    )
    locum_premium: Num = Field(
        0.45, description="Extra cost of locum cover over a salaried GP (LLR: up to 45% more)."
    )


OutputMeasure = Literal[
    "supply_hc",
    "supply_fte",
    "supply_gp_equiv",
    "registered",
    "demand",
    "gap",
    "per_1000",
    "cost_salaried",
    "cost_locum",
]


class OutputConfig(_Model):
    """What a run writes besides the totals (method 'cohort')."""

    org_measures: list[OutputMeasure] | None = Field(
        None,
        description="Measures with a row per organisation at whole years (omit for all of them).",
    )
    every_step: list[OutputMeasure] = Field(
        default_factory=list,
        description="Measures with a row per organisation at every step (e.g. every month).",
    )
    groups: Literal["none", "icb"] = Field(
        "none",
        description="Group practices by ICB (NHS registry): every measure per ICB at every step.",
    )
    flows: Literal["none", "total", "org"] = Field(
        "none",
        description="Flows of the central case: none, summed over organisations, or per one.",
    )


class CorrelationConfig(_Model):
    """How organisations share Monte Carlo draws (method 'cohort'; docs/model.md)."""

    draws: Literal["shared", "independent", "hierarchical"] = Field(
        "shared",
        description="'shared': every organisation uses the same draw of each parameter (their"
        " paths move together); 'independent': each organisation its own; 'hierarchical': each"
        " ICB draws its own and its practices keep it in a share group_share of the runs (needs"
        " [output] groups = 'icb').",
    )
    group_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Hierarchical: share of the runs in which a practice keeps its ICB's draw"
        " (1 = as shared within each ICB, 0 = independent).",
    )

    def describe(self) -> str:
        """What the run record states."""
        if self.draws == "independent":
            return "independent: each organisation draws every parameter on its own"
        if self.draws == "hierarchical":
            return (
                "hierarchical: each ICB draws its own values; a practice keeps its ICB's draw in"
                f" a share {self.group_share:g} of the runs and its own otherwise"
            )
        return "shared: each draw of a parameter applies to every organisation"


class Scenario(_Model):
    """One forecast scenario: method, assumptions, target and costs."""

    name: str = Field(min_length=1, description="Short name shown in outputs, e.g. 'Scenario 1'.")
    description: str = Field("", description="What the scenario assumes, in a sentence or two.")
    extends: str | None = Field(
        None,
        description=(
            "Relative path of a base scenario this one overrides. Resolved when loading: tables"
            " are merged key by key, anything else (numbers, lists) is replaced."
        ),
    )
    method: Method = Field(description="'hee-linear' (published arithmetic) or 'cohort'.")
    seed: int = Field(
        20170930, ge=0, description="Master seed for Monte Carlo draws (run 0 is central)."
    )
    hee_linear: HeeLinearConfig | None = Field(
        None, description="Inputs of method 'hee-linear' (required when that is the method)."
    )
    cohort: CohortConfig | None = Field(
        None, description="Inputs of method 'cohort' (required when that is the method)."
    )
    target: TargetConfig | None = Field(None, description="Target to compare supply with.")
    costs: CostConfig = Field(
        default_factory=CostConfig, description="Costs used to price the gap."
    )
    output: OutputConfig = Field(
        default_factory=OutputConfig, description="What the run writes (cohort)."
    )
    correlation: CorrelationConfig = Field(
        default_factory=CorrelationConfig,
        description="How organisations share Monte Carlo draws (cohort).",
    )

    @model_validator(mode="after")
    def _method_section(self) -> Scenario:
        if self.method == "hee-linear" and self.hee_linear is None:
            raise ValueError("method 'hee-linear' needs a [hee_linear] section")
        if self.method == "cohort" and self.cohort is None:
            raise ValueError("method 'cohort' needs a [cohort] section")
        return self

    def canonical_json(self) -> str:
        """The resolved scenario as canonical JSON (sorted keys): what the run hash is taken of."""
        data = self.model_dump(mode="json", exclude={"extends"})
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (what ``scenarios/schema.json`` holds)."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "gpworkforce forecast scenario"
    return schema


def uncertain_fields(model: BaseModel, prefix: str = "") -> dict[str, Any]:
    """Every numeric assumption given as a distribution, by field path (``cohort.leaving[0].rate``)."""
    out: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}.{name}" if prefix else name
        out.update(_walk(value, path))
    return out


def _walk(value: Any, path: str) -> dict[str, Any]:
    if isinstance(value, DISTRIBUTIONS):
        return {path: value}
    if isinstance(value, BaseModel):
        return uncertain_fields(value, path)
    if isinstance(value, list | tuple):
        out: dict[str, Any] = {}
        for i, item in enumerate(value):
            out.update(_walk(item, f"{path}[{i}]"))
        return out
    return {}
