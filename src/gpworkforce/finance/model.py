"""The cost model as data: what a WTE of each role costs, who pays it, and how prices move.

A cost model (TOML, ``costs.toml`` beside a scenario; format in ``docs/finance.md``) holds:

* ``[prices]``: the price base year (a financial year, ``"2017/18"``), pay uplift per year and an
  optional deflator, so that costs can be given in cash terms and in real terms (base-year prices);
* ``[[roles]]``: cost per WTE by role and contract type, the pay (a salary or sessions x a rate per
  session) and the employer's on-costs as explicit lines (pension, National Insurance, indemnity,
  apprenticeship levy, other), each a share of pay or an amount per WTE; locums are priced from a
  substantive role plus a premium (per session or as a share) and, for agency locums, a fee;
* ``[groups]``: which role (or mix of roles) prices each staff group of a forecast run;
* ``[gap]`` and ``[locum_conversion]``: the roles that would fill the gap, and the share of locum
  sessions a conversion lever turns into salaried ones;
* ``[[schemes]]``: reimbursement schemes (for example the PCN Additional Roles Reimbursement
  Scheme) that pay a share of a role's cost up to a cap per WTE and year, which changes who pays.

Any numeric assumption typed :data:`Num` may be a distribution (as in scenarios). Every model is
frozen and validated; :mod:`gpworkforce.finance.io` turns validation errors into messages naming
the TOML key and line.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gpworkforce.forecast.distributions import Num, central, is_distribution

MAX_UPLIFT = 0.5  # a pay uplift or inflation rate above 50% a year is an input mistake
_FY = re.compile(r"^(\d{4})/(\d{2})$")


def fy_start(label: str) -> int:
    """First calendar year of a financial year label ``"2017/18"`` (April to March)."""
    m = _FY.match(label)
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise ValueError(f"be a financial year like '2017/18' (found {label!r})")
    return int(m.group(1))


def fy_label(start: int) -> str:
    """``2017`` -> ``"2017/18"``."""
    return f"{start}/{(start + 1) % 100:02d}"


def _bounds(value: Num, low: float, high: float | None, what: str) -> Num:
    """Check a number (or every bound a distribution can reach) lies in ``[low, high]``."""
    points = [central(value)]
    if is_distribution(value):
        points += [value.lower_bound, value.upper_bound]  # type: ignore[union-attr]
    for p in points:
        if p < low or (high is not None and p > high):
            rng = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            raise ValueError(f"be {rng} ({what} is {p:g})")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Prices(_Model):
    """Price base year, pay uplift and deflator (cash and real terms)."""

    base_year: str = Field(
        description="Financial year whose prices the costs are given in, e.g. '2017/18'."
    )
    pay_uplift: dict[str, Num] = Field(
        default_factory=dict,
        description="Pay uplift a year by financial year ('2018/19' = 0.02 is 2%), after the base.",
    )
    pay_uplift_default: Num | None = Field(
        None, description="Uplift for years not listed in pay_uplift (none: every year needed)."
    )
    deflator: dict[str, float] = Field(
        default_factory=dict,
        description=(
            "Price index by financial year (e.g. HM Treasury GDP deflator); real terms = cash x"
            " deflator[base] / deflator[year]."
        ),
    )
    inflation_default: float | None = Field(
        None,
        description="Inflation a year for years not in the deflator (none: every year needed).",
    )

    @field_validator("base_year")
    @classmethod
    def _year(cls, v: str) -> str:
        fy_start(v)
        return v

    @field_validator("pay_uplift")
    @classmethod
    def _uplifts(cls, v: dict[str, Num]) -> dict[str, Num]:
        for year, rate in v.items():
            fy_start(year)
            _bounds(rate, -MAX_UPLIFT, MAX_UPLIFT, f"the uplift for {year}")
        return v

    @field_validator("pay_uplift_default")
    @classmethod
    def _uplift_default(cls, v: Num | None) -> Num | None:
        return None if v is None else _bounds(v, -MAX_UPLIFT, MAX_UPLIFT, "the uplift")

    @field_validator("deflator")
    @classmethod
    def _deflator(cls, v: dict[str, float]) -> dict[str, float]:
        for year, level in v.items():
            fy_start(year)
            if not level > 0:
                raise ValueError(f"be above 0 (the deflator for {year} is {level:g})")
        return v

    @field_validator("inflation_default")
    @classmethod
    def _inflation(cls, v: float | None) -> float | None:
        return None if v is None else _bounds(v, -MAX_UPLIFT, MAX_UPLIFT, "inflation")


OnCostKind = Literal["pension", "national_insurance", "indemnity", "apprenticeship_levy", "other"]


class OnCost(_Model):
    """One employer on-cost line: a share of pay (above a threshold) or an amount per WTE."""

    kind: OnCostKind = Field(description="What the line is (reported as its own line).")
    label: str = Field("", description="Shown instead of the kind, e.g. 'Employer pension'.")
    rate: Num | None = Field(None, description="Share of pay (0.1438 = 14.38%).")
    threshold: float = Field(
        0.0, ge=0, description="Pay a year per WTE below which the rate does not apply (NI)."
    )
    amount: Num | None = Field(None, description="GBP a year per WTE (e.g. indemnity).")
    source: str = Field("", description="Where the figure comes from.")

    @model_validator(mode="after")
    def _one(self) -> OnCost:
        if (self.rate is None) == (self.amount is None):
            raise ValueError("give exactly one of rate or amount")
        if self.rate is not None:
            _bounds(self.rate, 0.0, 1.0, "rate")
        if self.amount is not None:
            _bounds(self.amount, 0.0, None, "amount")
        return self

    @property
    def name(self) -> str:
        return self.label or self.kind.replace("_", " ").capitalize()


Contract = Literal["salaried", "partner", "locum", "employed"]
LocumType = Literal["self_employed", "bank", "agency"]


class Role(_Model):
    """What one WTE of a role on one contract costs the employer a year, at base-year prices."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Identifier used by groups.")
    label: str = Field(description="Human name, e.g. 'Salaried GP'.")
    contract: Contract = Field(description="salaried, partner (drawings), locum or employed.")
    payer: str = Field("Practice", description="Who pays this role's cost (before schemes).")
    pay: Num | None = Field(None, description="Pay (or partner drawings), GBP a year per WTE.")
    sessions_per_wte: float | None = Field(
        None, gt=0, le=20, description="Sessions a week in one WTE (LLR: 9)."
    )
    pay_per_session: Num | None = Field(
        None, description="GBP a year per weekly session (LLR: about 10,000)."
    )
    on_costs: list[OnCost] = Field(default_factory=list, description="Employer on-costs.")
    locum_type: LocumType | None = Field(None, description="For locums: self_employed/bank/agency.")
    based_on: str | None = Field(
        None,
        description="For locums: the substantive role whose full cost the premium is added to.",
    )
    premium_per_session: Num | None = Field(
        None, description="Locum premium, GBP a year per weekly session (LLR: 5,000)."
    )
    premium_rate: Num | None = Field(
        None, description="Locum premium as a share of the substantive full cost (LLR: 0.45)."
    )
    agency_fee_rate: Num | None = Field(
        None, description="Agency commission as a share of the locum's cost (agency locums)."
    )
    source: str = Field("", description="Where the figures come from.")

    @field_validator("pay", "pay_per_session", "premium_per_session")
    @classmethod
    def _money(cls, v: Num | None) -> Num | None:
        return None if v is None else _bounds(v, 0.0, None, "the amount")

    @field_validator("premium_rate", "agency_fee_rate")
    @classmethod
    def _rates(cls, v: Num | None) -> Num | None:
        return None if v is None else _bounds(v, 0.0, 3.0, "the rate")

    @model_validator(mode="after")
    def _shape(self) -> Role:
        if self.contract == "locum":
            if self.based_on is None:
                raise ValueError(
                    "give based_on for a locum role (the substantive role it replaces)"
                )
            if self.pay is not None or self.pay_per_session is not None:
                raise ValueError("price a locum from based_on plus a premium, not with pay")
            if self.premium_per_session is not None and self.premium_rate is not None:
                raise ValueError("give premium_per_session or premium_rate, not both")
            if self.agency_fee_rate is not None and self.locum_type != "agency":
                raise ValueError("give agency_fee_rate only with locum_type 'agency'")
            return self
        if self.based_on is not None or self.premium_rate or self.premium_per_session:
            raise ValueError("give based_on and premiums for locum roles only")
        if (self.pay is None) == (self.pay_per_session is None):
            raise ValueError("give exactly one of pay or pay_per_session (with sessions_per_wte)")
        if self.pay_per_session is not None and self.sessions_per_wte is None:
            raise ValueError("give sessions_per_wte with pay_per_session")
        return self


class MixPart(_Model):
    role: str = Field(description="Role key.")
    share: float = Field(gt=0, le=1, description="Share of the group's WTE on this role.")


class Scheme(_Model):
    """A reimbursement scheme: pays ``share`` of a role's cost, at most ``cap`` per WTE a year."""

    name: str = Field(min_length=1, description="e.g. 'Additional Roles Reimbursement Scheme'.")
    payer: str = Field(description="Who pays the reimbursed part, e.g. 'NHS England (ARRS)'.")
    roles: list[str] = Field(min_length=1, description="Role keys the scheme reimburses.")
    share: Num = Field(1.0, description="Share of the role's full cost reimbursed (0.7 = 70%).")
    caps: dict[str, float] = Field(
        description="Maximum reimbursed per WTE a year, cash GBP, by financial year; years not"
        " listed get no reimbursement.",
    )
    first_year: str | None = Field(None, description="First year the scheme runs (needs a cap).")
    last_year: str | None = Field(None, description="Last year the scheme runs (needs a cap).")
    source: str = Field("", description="Where the caps come from.")

    @field_validator("share")
    @classmethod
    def _share(cls, v: Num) -> Num:
        return _bounds(v, 0.0, 1.0, "share")

    @field_validator("caps")
    @classmethod
    def _caps(cls, v: dict[str, float]) -> dict[str, float]:
        for year, cap in v.items():
            fy_start(year)
            if cap < 0:
                raise ValueError(f"be at least 0 (the cap for {year} is {cap:g})")
        return v

    @model_validator(mode="after")
    def _years(self) -> Scheme:
        if (self.first_year is None) != (self.last_year is None):
            raise ValueError("give both first_year and last_year, or neither")
        if self.first_year is not None and self.last_year is not None:
            first, last = fy_start(self.first_year), fy_start(self.last_year)
            if last < first:
                raise ValueError("give a last_year not before first_year")
            missing = [fy_label(y) for y in range(first, last + 1) if fy_label(y) not in self.caps]
            if missing:
                raise ValueError(f"give caps for every year the scheme runs; missing {missing}")
        return self


class GapConfig(_Model):
    substantive_role: str = Field(description="Role that would fill the gap (LLR: salaried GP).")
    locum_role: str | None = Field(None, description="Role filling it with locums instead.")


class LocumConversion(_Model):
    """LLR's 'Think Tank - Locum conversion' lever: locum sessions turned into salaried ones."""

    locum_role: str = Field(description="The locum role whose sessions are converted.")
    to_role: str = Field(description="The substantive role they become.")
    share: Num = Field(1.0, description="Share of locum WTE converted (1 = all).")
    locum_wte: Num | None = Field(
        None,
        description="Locum WTE when the run has no locum group (LLR Table 10: about 40 WTE).",
    )

    @field_validator("share")
    @classmethod
    def _share(cls, v: Num) -> Num:
        return _bounds(v, 0.0, 1.0, "share")

    @field_validator("locum_wte")
    @classmethod
    def _wte(cls, v: Num | None) -> Num | None:
        return None if v is None else _bounds(v, 0.0, None, "locum_wte")


class Vacancies(_Model):
    """Posts vacant (LLR ch. 7.2: 18 reported, and about as many again assumed unreported)."""

    reported_wte: Num = Field(description="Vacant WTE reported (LLR: 18 GP vacancies).")
    unreported_wte: Num = Field(
        0.0, description="Vacant WTE assumed not reported (LLR: about 3%, 18 GPs)."
    )
    role: str = Field(description="Role the vacancies would be filled with.")

    @field_validator("reported_wte", "unreported_wte")
    @classmethod
    def _wte(cls, v: Num) -> Num:
        return _bounds(v, 0.0, None, "WTE")


class CostModel(_Model):
    """The whole cost model (one ``costs.toml``)."""

    name: str = Field(min_length=1, description="What the cost assumptions are, in a few words.")
    description: str = Field("", description="Sources and scope, in a sentence or two.")
    seed: int | None = Field(None, ge=0, description="Seed for draws (default: the scenario's).")
    prices: Prices
    roles: list[Role] = Field(min_length=1)
    groups: dict[str, list[MixPart]] = Field(
        description="Staff group of a run (e.g. 'GP', a cohort class) -> role mix.",
    )
    gap: GapConfig
    locum_conversion: LocumConversion | None = None
    vacancies: Vacancies | None = None
    schemes: list[Scheme] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> CostModel:
        keys = [r.key for r in self.roles]
        if len(set(keys)) != len(keys):
            raise ValueError(f"have unique role keys, got {keys}")
        by_key = {r.key: r for r in self.roles}
        problems = []
        for r in self.roles:
            if r.based_on is not None:
                base = by_key.get(r.based_on)
                if base is None or base.contract == "locum":
                    problems.append(f"role {r.key}: based_on must name a non-locum role")
        for g, mix in self.groups.items():
            for part in mix:
                if part.role not in by_key:
                    problems.append(f"group {g}: unknown role {part.role!r}")
            if mix and abs(sum(p.share for p in mix) - 1.0) > 1e-9:
                problems.append(f"group {g}: shares must sum to 1")
        refs = [self.gap.substantive_role, self.gap.locum_role]
        if self.locum_conversion is not None:
            refs += [self.locum_conversion.locum_role, self.locum_conversion.to_role]
        if self.vacancies is not None:
            refs.append(self.vacancies.role)
        for s in self.schemes:
            refs += s.roles
        problems += [f"unknown role {k!r}" for k in refs if k is not None and k not in by_key]
        if problems:
            raise ValueError(
                "refer to known roles with shares summing to 1: " + "; ".join(problems)
            )
        return self

    def role(self, key: str) -> Role:
        return next(r for r in self.roles if r.key == key)
