"""The ``[cohort]`` section of a scenario: stocks, flows and demand for the cohort engine.

Pydantic models (every field described) plus :func:`cohort_issues`, the cross-field checks
(unknown class or band names, transition rates summing above 1) that pydantic cannot express per
field. Rates are annual; the engine converts them to its time step.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from gpworkforce.domain.demography import ContractType, Sex
from gpworkforce.forecast.distributions import Num, central, is_distribution

Step = Literal["month", "quarter", "year"]
STEPS_PER_YEAR: dict[str, int] = {"month": 12, "quarter": 4, "year": 1}
ALL = "*"

Years = list[Annotated[int, Field(ge=1, le=50)]] | None
YEARS_HELP = (
    "Forecast years in which the rule applies (1 = the first year after the start); omitted ="
    " every year. Several rules with different years give rates that vary by year."
)

# default ST3 joining profile (DOMAIN.md: 34% / 48% / 62% join the GP workforce at 6/12/24 months)
DEFAULT_PROFILE = ((6.0, 0.34), (12.0, 0.48), (24.0, 0.62))


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class AgeBandSpec(_Model):
    """One age band of the stocks, youngest first."""

    label: str = Field(min_length=1, description="Band label, e.g. '<30', '55-59' or 'under55'.")
    width_years: Num | None = Field(
        None,
        description="Years a person spends in the band (1/width ages out each year); omit for"
        " the last. May be a distribution: every draw at least one step.",
    )


class StockClassSpec(_Model):
    """A stock class: a role (or staff group) with a contract type and optionally a sex."""

    code: str = Field(
        pattern=r"^[A-Za-z][A-Za-z0-9_:\-]*$", description="Unique class code, e.g. 'GP_SALARIED'."
    )
    role: str = Field(description="Taxonomy node the class belongs to, e.g. 'GP_SALARIED', 'GP'.")
    contract: ContractType | None = Field(None, description="Contract type (GPs), if split.")
    sex: Sex | None = Field(None, description="Sex, where the data split by sex.")
    gp_equivalent: Num = Field(
        1.0,
        description="GP-equivalent WTE per FTE (1 for qualified GPs, 1/3 for a 3:1 substitute, 0 for registrars).",
    )
    supervision_gp_fte: Num = Field(
        0.0, description="GP WTE of supervision each FTE of this class needs (netted off supply)."
    )


class StockRow(_Model):
    """Initial stock of one class and band in one organisation."""

    org: str = Field(description="Organisation code (practice, PCN, sub-ICB, ICB or 'LLR').")
    class_code: str = Field(alias="class", description="Stock class code.")
    band: str = Field(description="Age band label.")
    headcount: float = Field(ge=0, description="People at the start.")
    fte: float = Field(ge=0, description="FTE at the start (WTE for GPs).")


class GpwStocks(_Model):
    """Starting stocks per practice from the NHS Digital GPW practice-year file (the loader's)."""

    file: str = Field(
        "shared:nhs/gpw_practice_fy2016_2024_gp_admin.csv",
        description="The GPW practice-year file (relative path, or shared:<dir>/<name>).",
    )
    year: int = Field(
        ge=2016, le=2100, description="GPW Year (financial year ending; 2018 = 30 Sep 2017)."
    )
    node: str = Field("GP_QUALIFIED", description="Taxonomy node read (qualified GPs: EXTGL).")
    class_code: str = Field(alias="class", description="Stock class the practices' staff join.")
    band_shares: dict[str, float] = Field(
        min_length=1,
        description="Share of each practice's headcount and FTE in each age band (sums to 1).",
    )
    patients: bool = Field(
        True, description="Also take each practice's registered patients from the same Year."
    )


class InitialStock(_Model):
    """Where the starting stocks come from: rows inline, a CSV file and/or the GPW file."""

    rows: list[StockRow] = Field(default_factory=list, description="Stocks given inline.")
    csv: str | None = Field(
        None,
        description="CSV with columns org,class,band,headcount,fte (path relative to the scenario).",
    )
    gpw: GpwStocks | None = Field(
        None, description="Every practice with headcount and FTE in a GPW Year (national runs)."
    )


RateKind = Literal["annual_probability", "continuous", "per_step"]
RATE_KIND_HELP = (
    "What the rate means: 'annual_probability' (share leaving within a year, compounded to the"
    " step), 'continuous' (a rate a year: flow = stock x rate, as in Vensim/PySD) or 'per_step'"
    " (share of the stock each step)."
)
ChangeKind = Literal["annual_change", "continuous", "per_step"]
CHANGE_KIND_HELP = (
    "What the change means: 'annual_change' (proportional change a year, compounded),"
    " 'continuous' (a rate a year: flow = FTE x rate) or 'per_step' (proportional change a step)."
)


class LeaveRule(_Model):
    """Leavers: an annual probability of leaving for some classes and bands."""

    kind: Literal["early", "retirement", "other"] = Field(
        description="Why people leave: early leaving, retirement (hazard rising with age) or other."
    )
    classes: list[str] = Field(default=[ALL], description="Class codes it applies to ('*' = all).")
    bands: list[str] = Field(default=[ALL], description="Age bands it applies to ('*' = all).")
    annual_rate: Num = Field(description="Probability of leaving within a year (0.105 = 10.5%).")
    rate_kind: RateKind = Field("annual_probability", description=RATE_KIND_HELP)
    years: Years = Field(None, min_length=1, description=YEARS_HELP)


class TransitionRule(_Model):
    """People changing class, e.g. salaried -> partner or locum -> salaried."""

    from_class: str = Field(alias="from", description="Class people leave.")
    to_class: str = Field(alias="to", description="Class they join (same age band).")
    annual_rate: Num = Field(description="Share of the 'from' class that moves each year.")
    rate_kind: RateKind = Field("annual_probability", description=RATE_KIND_HELP)
    years: Years = Field(None, min_length=1, description=YEARS_HELP)


class ParticipationRule(_Model):
    """Change in FTE per head (sessions worked) each year, e.g. -0.03 = 3% fewer sessions."""

    classes: list[str] = Field(default=[ALL], description="Class codes ('*' = all).")
    bands: list[str] = Field(
        default=[ALL],
        description="Age bands it applies to ('*' = all), e.g. ['55-59', '60+'] for over-55s"
        " reducing sessions; a person ageing into a band in a step takes that band's change.",
    )
    annual_change: Num = Field(description="Proportional change of FTE per head a year.")
    change_kind: ChangeKind = Field("annual_change", description=CHANGE_KIND_HELP)
    years: Years = Field(None, min_length=1, description=YEARS_HELP)


class ProfilePoint(_Model):
    """A point of a cumulative joining profile: by ``months``, ``cumulative_share`` have joined."""

    months: float = Field(gt=0, le=120, description="Months after completion (or arrival).")
    cumulative_share: float = Field(ge=0, le=1, description="Share joined by then (0..1).")


class Destination(_Model):
    """Which class a share of an inflow joins."""

    class_code: str = Field(alias="class", description="Stock class code.")
    share: float = Field(gt=0, le=1, description="Share of the inflow joining it; shares sum to 1.")


class Inflow(_Model):
    """People arriving: trainees completing, international recruits, returners, new roles."""

    name: str = Field(min_length=1, description="Label in outputs, e.g. 'Newly qualified GPs'.")
    kind: Literal["trainees", "international", "returners", "recruitment"] = Field(
        description="Type of inflow (trainees use the joining profile)."
    )
    per_year: list[Num] = Field(
        default_factory=list,
        description="Headcount per forecast year (whole area); the last value repeats. Each may"
        " be a distribution (drawn once per run; a repeated last value is one draw).",
    )
    org_csv: str | None = Field(
        None,
        description="Instead of per_year: a CSV org,year,count giving each organisation's"
        " joiners in forecast year 1, 2, ... (years not listed: none); path relative to the"
        " scenario. 'allocation' is then not used.",
    )
    volume_factor: Num = Field(1.0, description="Scale on per_year (uncertainty on volumes).")
    retention: Num = Field(
        1.0, description="Share who join and stay locally (LLR: 70% of newly qualified GPs)."
    )
    attrition: Num = Field(0.0, description="Share lost soon after arrival (recruits).")
    delay_months: float = Field(0.0, ge=0, description="Months from completion to first joining.")
    completion_month: int | None = Field(
        None,
        ge=1,
        le=12,
        description="Calendar month in which each forecast year's completions all fall (8 ="
        " August, when GP registrars rotate and complete training); omitted = spread evenly"
        " over the year's steps.",
    )
    joining_profile: list[ProfilePoint] = Field(
        default_factory=list,
        description="Cumulative share joined by months after the delay; empty = all at once.",
    )
    destinations: list[Destination] = Field(min_length=1, description="Classes they join.")
    band: str = Field(description="Age band they join.")
    fte_per_head: Num = Field(1.0, description="FTE per head of joiners (GP joiners: 0.65-0.69).")
    allocation: Literal["gp_fte", "equal"] = Field(
        "gp_fte", description="How the area's inflow is shared over organisations."
    )


class TraineeYear(_Model):
    """Trainees in one year of the programme at the start."""

    year: int = Field(
        ge=1, le=10, description="Year of training they are in at the start (1 = first)."
    )
    count: Num = Field(description="Headcount in that year at the start (whole area).")
    completion: Num | None = Field(
        None, description="Share of them who complete (omit: the pipeline's completion)."
    )


class Pipeline(_Model):
    """Trainees already in training at the start: they complete in the forecast years that
    their year of training leaves (year y of an L-year programme completes in forecast year
    L - y + 1) and then join like an inflow of trainees."""

    name: str = Field(
        min_length=1, description="Label in outputs, e.g. 'GP registrars in training'."
    )
    programme_years: int = Field(
        ge=1, le=10, description="Length of the training programme (GP: 3)."
    )
    in_training: list[TraineeYear] = Field(
        min_length=1, description="Trainees by year of training."
    )
    completion: Num = Field(1.0, description="Share of trainees who complete the programme.")
    retention: Num = Field(
        1.0, description="Share of those completing who join and stay locally (LLR: 70%)."
    )
    delay_months: float = Field(0.0, ge=0, description="Months from completion to first joining.")
    completion_month: int | None = Field(
        None,
        ge=1,
        le=12,
        description="Calendar month of completion (8 = August rotation);"
        " omitted = spread evenly over the forecast year.",
    )
    joining_profile: list[ProfilePoint] = Field(
        default_factory=list, description="Cumulative share joined by months after the delay."
    )
    destinations: list[Destination] = Field(min_length=1, description="Classes they join.")
    band: str = Field(description="Age band they join.")
    fte_per_head: Num = Field(1.0, description="FTE per head of joiners.")
    allocation: Literal["gp_fte", "equal"] = Field(
        "gp_fte", description="How the area's completers are shared over organisations."
    )


class PatientRow(_Model):
    """Registered (and weighted) patients of one organisation at the start."""

    org: str = Field(description="Organisation code.")
    registered: float = Field(gt=0, description="Registered patients (list size).")
    weighted: float | None = Field(None, gt=0, description="Carr-Hill weighted patients.")


class AgeWeight(_Model):
    """Relative consultation rate for ages from_age..to_age (inclusive), for one sex or both.

    Later rows override earlier ones where they overlap."""

    from_age: int = Field(ge=0, le=100, description="Youngest age.")
    to_age: int = Field(ge=0, le=100, description="Oldest age.")
    sex: Literal["F", "M"] | None = Field(None, description="Only this sex (omit for both).")
    weight: Num = Field(
        description="Relative consultation rate (any scale, >= 0); may be a distribution."
    )


PopulationLayout = Literal["long", "snpp", "npp"]


class PopulationDriver(_Model):
    """Patients grow with an ONS projection weighted by consultation rates by age and sex."""

    file: str = Field(
        description="ONS projection CSV (layout below); 'shared:ons/<name>' reads the shared data."
    )
    more_files: list[str] = Field(
        default_factory=list,
        description="Further files of the same layout added to the first (the SNPP publishes"
        " females and males as separate files).",
    )
    layout: PopulationLayout = Field(
        "long",
        description="'long': area_code,area_name,year,age,sex,population; 'snpp': the ONS"
        " subnational projection as published (AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,"
        " then a column per year); 'npp': the ONS national projection's machine-readable"
        " table (Sex,Age, then a column per year; one country, no area codes).",
    )
    area_codes: list[str] = Field(
        default_factory=list,
        description="ONS area codes to add up (layouts 'long' and 'snpp'; not for 'npp').",
    )
    base_year: int = Field(description="Projection year matching the start (its index is 1).")
    weights: list[AgeWeight] = Field(
        min_length=1, description="Consultation-rate weights by age; ages not covered weigh 0."
    )
    growth_scale: Num = Field(
        1.0,
        description="Scale on the projection's growth (1 = as projected, 0 = no growth); a"
        " distribution puts uncertainty on the projection: index = 1 + scale x (W(t)/W(0) - 1).",
    )


class PopulationPoint(_Model):
    """A published population total (or index) for one year, e.g. ONS as a plan quotes it."""

    year: int = Field(ge=1900, le=2200, description="Year of the figure (mid-year).")
    people: float = Field(
        gt=0,
        description="Population in that year; any consistent scale (100 and 104.2 say '+4.2%'),"
        " only the ratios between years are used.",
    )


class DemandConfig(_Model):
    """GP demand in WTE, by a chosen rule, from patients growing over time."""

    rule: Literal["per_1000_target", "per_1000_weighted", "base_ratio"] = Field(
        description="per_1000_target: per_1000 x registered/1000; per_1000_weighted: on weighted"
        " patients; base_ratio: keep the start's patients per GP WTE (NHS England LTWP 2023)."
    )
    per_1000: Num | None = Field(None, description="WTE GPs per 1,000 patients (LLR: 0.58).")
    driver: Literal["list_growth", "population", "projection"] = Field(
        "list_growth",
        description="What grows the patients: a rate ('list_growth'), an ONS projection file"
        " weighted by age ('population'), or published population totals given here"
        " ('projection', with projection = [{year, people}]).",
    )
    list_growth_rate: Num = Field(0.0, description="Annual growth of the list (0.01 = 1%).")
    need_trend: Num = Field(
        0.0,
        description="Change a year in GP time each (weighted) patient needs, compounded"
        " (0.01 = each person needs 1% more each year); multiplies demand, not the lists.",
    )
    projection: list[PopulationPoint] = Field(
        default_factory=list,
        description="For driver 'projection': population by year (two or more years, rising),"
        " the start's year among or between them; patients grow with the population, compounded"
        " evenly between the years given (a published total such as '+4.2% over 15 years').",
    )
    target_per_1000: Num | None = Field(
        None,
        description="A density target: WTE GPs per 1,000 patients to reach by target_year,"
        " moving in equal steps from per_1000 at the start and held after (Centre for Workforce"
        " Intelligence 2013: 67.8 to 83-84 GPs per 100,000 by 2030); needs per_1000.",
    )
    target_year: int | None = Field(
        None, description="Year by whose start-date anniversary target_per_1000 is reached."
    )
    list_factor: Num = Field(
        1.0,
        description="Scale on the registered lists at the start (0.97 = 3% of registrations"
        " are not real patients); a distribution makes list sizes uncertain.",
    )
    population: PopulationDriver | None = Field(None, description="Needed for driver population.")
    patients: list[PatientRow] = Field(
        default_factory=list, description="Patients at the start, per organisation."
    )
    patients_csv: str | None = Field(
        None, description="CSV org,registered[,weighted] (relative path) instead of rows."
    )


class CohortConfig(_Model):
    """Everything the cohort engine needs."""

    start: dt.date = Field(description="Date of the starting stocks (census date).")
    years: int = Field(ge=1, le=50, description="Forecast horizon in years.")
    step: Step = Field("month", description="Time step: month, quarter or year.")
    bands: list[AgeBandSpec] = Field(min_length=1, description="Age bands, youngest first.")
    classes: list[StockClassSpec] = Field(min_length=1, description="Stock classes.")
    initial: InitialStock = Field(description="Starting stocks.")
    leaving: list[LeaveRule] = Field(default_factory=list, description="Leaver rules.")
    transitions: list[TransitionRule] = Field(default_factory=list, description="Class changes.")
    participation: list[ParticipationRule] = Field(
        default_factory=list, description="FTE per head changes."
    )
    inflows: list[Inflow] = Field(default_factory=list, description="Inflows.")
    pipeline: list[Pipeline] = Field(
        default_factory=list, description="Trainees already in training at the start."
    )
    demand: DemandConfig | None = Field(None, description="Demand; without it no gap is shown.")
    integration: Literal["sequential", "system-dynamics"] = Field(
        "sequential",
        description=(
            "'sequential': each step applies leavers, moves, ageing, participation and inflows"
            " in turn, rates converted to the step; 'system-dynamics': Euler integration as"
            " Vensim/PySD, every flow = stock x continuous rate on the stocks at the step's start."
        ),
    )

    @property
    def steps_per_year(self) -> int:
        return STEPS_PER_YEAR[self.step]

    @property
    def n_steps(self) -> int:
        return self.years * self.steps_per_year


Problem = tuple[str, str, str]  # (field path, expected, found)


def _unit(value: Num, path: str, low: float, high: float, what: str) -> list[Problem]:
    c = central(value)
    problems = []
    if not low <= c <= high:
        problems.append((path, f"be {what} ({low}..{high})", repr(c)))
    if is_distribution(value) and value.kind in ("triangular", "uniform"):  # type: ignore[union-attr]
        lo, hi = value.lower_bound, value.upper_bound  # type: ignore[union-attr]
        if lo < low or hi > high:
            problems.append((path, f"stay within {low}..{high}", f"range {lo}..{hi}"))
    return problems


def _width(value: Num, path: str, steps_per_year: int) -> list[Problem]:
    """A band width: at least one step, and a distribution whose plausible draws (its
    ``lower_bound``; for a lognormal its 0.13th percentile, ``exp(mu - 3 sigma)``) are too."""
    step = 1 / steps_per_year
    least = f"one step ({step:.4g} year{'' if step == 1 else 's'})"
    c = central(value)
    if c < step:
        return [(path, f"be at least {least}", repr(c))]
    if is_distribution(value):
        low = (
            math.exp(value.mu - 3 * value.sigma)  # type: ignore[union-attr]
            if value.kind == "lognormal"  # type: ignore[union-attr]
            else value.lower_bound  # type: ignore[union-attr]
        )
        if low < step:
            return [(path, f"have every draw at least {least}", f"draws down to {low:.4g}")]
    return []


def _rate(value: Num, kind: str, path: str) -> list[Problem]:
    if kind == "continuous":
        return _unit(value, path, 0, 50, "a continuous rate a year")
    return _unit(value, path, 0, 1, "a probability" if kind == "annual_probability" else "a share")


def _projection_issues(cfg: CohortConfig, prefix: str) -> list[Problem]:
    d = cfg.demand
    assert d is not None
    path = f"{prefix}.demand.projection"
    if d.driver != "projection":
        return [(path, "be omitted unless driver is projection", "points")] if d.projection else []
    years = [p.year for p in d.projection]
    if len(years) < 2:
        return [(path, "give two or more years for driver projection", f"{len(years)}")]
    if years != sorted(set(years)):
        return [(path, "list each year once, earliest first", repr(years))]
    first, last = cfg.start.year, cfg.start.year + cfg.years
    if first < years[0] or last > years[-1]:
        return [
            (
                path,
                f"cover the start's year {first} to the horizon's {last}",
                f"{years[0]}-{years[-1]}",
            )
        ]
    return []


def _target_issues(cfg: CohortConfig, prefix: str) -> list[Problem]:
    d = cfg.demand
    assert d is not None
    if d.target_per_1000 is None and d.target_year is None:
        return []
    path = f"{prefix}.demand.target_per_1000"
    if d.target_per_1000 is None or d.target_year is None:
        return [(path, "come with target_year (both or neither)", "only one given")]
    if d.rule == "base_ratio" or d.per_1000 is None:
        return [
            (path, "be used with rule per_1000_target or per_1000_weighted and per_1000", d.rule)
        ]
    out = _unit(d.target_per_1000, path, 0, 100, "WTE GPs per 1,000 patients")
    if d.target_year <= cfg.start.year:
        out.append(
            (
                f"{prefix}.demand.target_year",
                f"be after the start's year {cfg.start.year}",
                repr(d.target_year),
            )
        )
    return out


def cohort_issues(cfg: CohortConfig, role_codes: set[str], prefix: str = "cohort") -> list[Problem]:
    """Cross-field problems: unknown names, impossible rates. Empty list when all is well."""
    out: list[Problem] = []
    bands = [b.label for b in cfg.bands]
    classes = [c.code for c in cfg.classes]
    for name, items in (("bands", bands), ("classes", classes)):
        dupes = sorted({x for x in items if items.count(x) > 1})
        if dupes:
            out.append((f"{prefix}.{name}", "have unique labels", f"duplicates {dupes}"))
    for i, b in enumerate(cfg.bands[:-1]):
        if b.width_years is None:
            out.append((f"{prefix}.bands[{i}].width_years", "be given (all but the last)", "none"))
        else:
            out += _width(b.width_years, f"{prefix}.bands[{i}].width_years", cfg.steps_per_year)
    for i, c in enumerate(cfg.classes):
        if c.role not in role_codes:
            out.append((f"{prefix}.classes[{i}].role", "be a taxonomy code", repr(c.role)))
        out += _unit(c.gp_equivalent, f"{prefix}.classes[{i}].gp_equivalent", 0, 2, "a ratio")
        out += _unit(
            c.supervision_gp_fte, f"{prefix}.classes[{i}].supervision_gp_fte", 0, 1, "a ratio"
        )

    def known(path: str, value: str, options: list[str], allow_all: bool = False) -> None:
        if value not in options and not (allow_all and value == ALL):
            out.append((path, f"be one of {options}", repr(value)))

    for i, row in enumerate(cfg.initial.rows):
        known(f"{prefix}.initial.rows[{i}].class", row.class_code, classes)
        known(f"{prefix}.initial.rows[{i}].band", row.band, bands)
    g = cfg.initial.gpw
    if g is not None:
        known(f"{prefix}.initial.gpw.class", g.class_code, classes)
        for band, share in g.band_shares.items():
            known(f"{prefix}.initial.gpw.band_shares", band, bands)
            if not 0 <= share <= 1:
                out.append((f"{prefix}.initial.gpw.band_shares.{band}", "be a share", repr(share)))
        if abs(sum(g.band_shares.values()) - 1) > 1e-9:
            total = sum(g.band_shares.values())
            out.append((f"{prefix}.initial.gpw.band_shares", "sum to 1", f"{total:g}"))
    for i, rule in enumerate(cfg.leaving):
        for j, c in enumerate(rule.classes):
            known(f"{prefix}.leaving[{i}].classes[{j}]", c, classes, True)
        for j, b in enumerate(rule.bands):
            known(f"{prefix}.leaving[{i}].bands[{j}]", b, bands, True)
        out += _rate(rule.annual_rate, rule.rate_kind, f"{prefix}.leaving[{i}].annual_rate")
    for name in ("leaving", "transitions", "participation"):
        for i, rule in enumerate(getattr(cfg, name)):
            late = sorted(y for y in rule.years or [] if y > cfg.years)
            if late:
                path = f"{prefix}.{name}[{i}].years"
                out.append((path, f"be forecast years 1..{cfg.years}", repr(late)))
    out_sum: dict[tuple[str, int], float] = {}
    for i, tr in enumerate(cfg.transitions):
        known(f"{prefix}.transitions[{i}].from", tr.from_class, classes)
        known(f"{prefix}.transitions[{i}].to", tr.to_class, classes)
        if tr.from_class == tr.to_class:
            out.append((f"{prefix}.transitions[{i}].to", "differ from 'from'", repr(tr.to_class)))
        out += _rate(tr.annual_rate, tr.rate_kind, f"{prefix}.transitions[{i}].annual_rate")
        for y in tr.years or [0]:  # 0 = every year
            key = (tr.from_class, y)
            if tr.rate_kind == "annual_probability" and cfg.integration == "sequential":
                out_sum[key] = out_sum.get(key, 0.0) + central(tr.annual_rate)
    for (cls, y), total in out_sum.items():
        total += out_sum.get((cls, 0), 0.0) if y else 0.0
        if total > 1:
            where = f" in year {y}" if y else ""
            out.append(
                (
                    f"{prefix}.transitions",
                    f"sum to at most 1 a year out of {cls}{where}",
                    f"{total:g}",
                )
            )
    for i, p in enumerate(cfg.participation):
        for j, c in enumerate(p.classes):
            known(f"{prefix}.participation[{i}].classes[{j}]", c, classes, True)
        for j, b in enumerate(p.bands):
            known(f"{prefix}.participation[{i}].bands[{j}]", b, bands, True)
        out += _unit(
            p.annual_change, f"{prefix}.participation[{i}].annual_change", -0.5, 0.5, "a change"
        )
    for i, f in enumerate(cfg.inflows):
        base = f"{prefix}.inflows[{i}]"
        known(f"{base}.band", f.band, bands)
        for j, d in enumerate(f.destinations):
            known(f"{base}.destinations[{j}].class", d.class_code, classes)
        total = sum(d.share for d in f.destinations)
        if abs(total - 1) > 1e-9:
            out.append((f"{base}.destinations", "have shares summing to 1", f"{total:g}"))
        for j, value in enumerate(f.per_year):
            out += _unit(value, f"{base}.per_year[{j}]", 0, 1e6, "a headcount >= 0")
        if (not f.per_year) == (f.org_csv is None):
            out.append(
                (
                    f"{base}.per_year",
                    "be given, or org_csv instead (one of the two)",
                    "both" if f.per_year else "neither",
                )
            )
        for name in ("retention", "attrition"):
            out += _unit(getattr(f, name), f"{base}.{name}", 0, 1, "a share")
        out += _unit(f.volume_factor, f"{base}.volume_factor", 0, 10, "a factor")
        out += _unit(f.fte_per_head, f"{base}.fte_per_head", 0, 2, "FTE per head")
        months = [p.months for p in f.joining_profile]
        shares = [p.cumulative_share for p in f.joining_profile]
        if months != sorted(set(months)) or shares != sorted(shares):
            out.append((f"{base}.joining_profile", "rise with months", repr(f.joining_profile)))
    for i, pl in enumerate(cfg.pipeline):
        base = f"{prefix}.pipeline[{i}]"
        known(f"{base}.band", pl.band, bands)
        for j, dd in enumerate(pl.destinations):
            known(f"{base}.destinations[{j}].class", dd.class_code, classes)
        total = sum(dd.share for dd in pl.destinations)
        if abs(total - 1) > 1e-9:
            out.append((f"{base}.destinations", "have shares summing to 1", f"{total:g}"))
        for name in ("completion", "retention"):
            out += _unit(getattr(pl, name), f"{base}.{name}", 0, 1, "a share")
        out += _unit(pl.fte_per_head, f"{base}.fte_per_head", 0, 2, "FTE per head")
        seen_years: set[int] = set()
        for j, row in enumerate(pl.in_training):
            path = f"{base}.in_training[{j}]"
            out += _unit(row.count, f"{path}.count", 0, 1e6, "a headcount >= 0")
            if row.completion is not None:
                out += _unit(row.completion, f"{path}.completion", 0, 1, "a share")
            if row.year > pl.programme_years:
                out.append(
                    (
                        f"{path}.year",
                        f"be a year of the programme (1..{pl.programme_years})",
                        repr(row.year),
                    )
                )
            elif pl.programme_years - row.year + 1 > cfg.years:
                first = pl.programme_years - cfg.years + 1
                out.append(
                    (
                        f"{path}.year",
                        f"complete within the {cfg.years}-year horizon (year {first} or later of"
                        f" the {pl.programme_years}-year programme)",
                        f"year {row.year} completes in forecast year {pl.programme_years - row.year + 1}",
                    )
                )
            if row.year in seen_years:
                out.append((f"{path}.year", "appear once", repr(row.year)))
            seen_years.add(row.year)
        months = [p.months for p in pl.joining_profile]
        shares = [p.cumulative_share for p in pl.joining_profile]
        if months != sorted(set(months)) or shares != sorted(shares):
            out.append((f"{base}.joining_profile", "rise with months", repr(pl.joining_profile)))
    d = cfg.demand
    if d is not None:
        if d.rule != "base_ratio" and d.per_1000 is None:
            out.append((f"{prefix}.demand.per_1000", f"be given for rule {d.rule}", "none"))
        out += _unit(
            d.list_growth_rate, f"{prefix}.demand.list_growth_rate", -0.99, 1, "a growth a year"
        )
        out += _unit(d.need_trend, f"{prefix}.demand.need_trend", -0.5, 0.5, "a change a year")
        out += _unit(d.list_factor, f"{prefix}.demand.list_factor", 0, 2, "a factor")
        if d.population is not None:
            pop = d.population
            for i, aw in enumerate(pop.weights):
                path = f"{prefix}.demand.population.weights[{i}]"
                if aw.from_age > aw.to_age:
                    out.append((path, "have from_age <= to_age", f"{aw.from_age} > {aw.to_age}"))
                out += _unit(aw.weight, f"{path}.weight", 0, 1e6, "a weight >= 0")
            out += _unit(
                pop.growth_scale, f"{prefix}.demand.population.growth_scale", 0, 10, "a factor"
            )
            if pop.layout == "npp" and pop.area_codes:
                path = f"{prefix}.demand.population.area_codes"
                out.append((path, "be omitted for layout npp (one country)", repr(pop.area_codes)))
            if pop.layout != "npp" and not pop.area_codes:
                path = f"{prefix}.demand.population.area_codes"
                out.append((path, f"name at least one area for layout {pop.layout}", "none"))
        if d.driver == "population" and d.population is None:
            out.append((f"{prefix}.demand.population", "be given for driver population", "none"))
        out += _projection_issues(cfg, prefix)
        out += _target_issues(cfg, prefix)
        from_gpw = cfg.initial.gpw is not None and cfg.initial.gpw.patients
        if not d.patients and d.patients_csv is None and not from_gpw:
            out.append((f"{prefix}.demand.patients", "list patients or name patients_csv", "none"))
        if d.rule == "per_1000_weighted" and any(p.weighted is None for p in d.patients):
            out.append(
                (f"{prefix}.demand.patients", "give weighted patients for every org", "gaps")
            )
    return out
