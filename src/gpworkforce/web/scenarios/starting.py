"""Where a new scenario starts: the organisation's current baseline.

GP WTE is the latest published GPW figure for fully qualified GPs (``GP_QUALIFIED``: GPW's
EXTGL, excluding locums and registrars) summed over the practices under the organisation today.
The share of it aged 55 or over comes from the practices' latest accepted returns (their staff
lines' age bands) when there are any; otherwise from the LLR plan's 87 of 541 WTE (Table 11),
and the scenario's description says which. A new scenario is an HEE-linear one with the LLR
plan's Scenario 1 rates, to be changed by the analyst; its target is the LLR 0.58 WTE GPs per
1,000 patients applied to the organisation's registered patients when they are known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Sum

from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.forecast.scenario import HeeLinearConfig, Scenario, TargetConfig
from gpworkforce.labels import plural
from gpworkforce.web.models import (
    Organisation,
    PracticeReturnRecord,
    ReferencePatients,
    ReferenceWorkforce,
    ReturnVersion,
    descendant_codes,
)
from gpworkforce.web.payload import from_payload

GP_NODE = "GP_QUALIFIED"
LLR_OVER55_SHARE = 87 / 541  # LLR plan Table 11
TARGET_PER_1000 = 0.58  # LLR plan Table 4 (NHSE)
PLAN_YEARS = 3


@dataclass(frozen=True, slots=True)
class Start:
    org_code: str
    org_name: str
    date: dt.date | None
    gp_wte: float
    over55_share: float
    registered: float | None
    source: str


def _practices(org_code: str) -> list[str]:
    codes = descendant_codes(org_code, dt.date.today())
    return list(
        Organisation.objects.filter(code__in=codes, type="practice").values_list("code", flat=True)
    )


def _over55_from_returns(practices: list[str]) -> tuple[float, str] | None:
    records = (
        PracticeReturnRecord.objects.filter(practice_id__in=practices, state="accepted")
        .select_related("round")
        .order_by("-round__census_date")
    )
    latest = records.first()
    if latest is None:
        return None
    census = latest.round.census_date
    gp_roles = load_taxonomy().leaves_of(GP_NODE)
    total = old = 0.0
    versions = ReturnVersion.objects.filter(
        practice_return__in=records.filter(round__census_date=census)
    ).select_related("practice_return")
    for version in versions:
        if version.number != version.practice_return.current_version:
            continue
        for line in from_payload(version.payload).staff:
            if line.role in gp_roles:
                fte = line.fte()  # the line's hours or sessions are its total
                total += fte
                old += fte if line.age_band.over_55 else 0.0
    if total <= 0:
        return None
    return old / total, f"accepted returns of {census:%-d %B %Y}"


def current_baseline(org_code: str) -> Start:
    org = Organisation.objects.get(code=org_code)
    practices = _practices(org_code)
    rows = ReferenceWorkforce.objects.filter(practice_code__in=practices, node=GP_NODE)
    latest = rows.aggregate(p=Max("period"))["p"]
    wte = 0.0
    if latest is not None:
        wte = float(rows.filter(period=latest).aggregate(s=Sum("fte"))["s"] or 0.0)
    pats = ReferencePatients.objects.filter(practice_code__in=practices)
    p_latest = pats.aggregate(p=Max("period"))["p"]
    registered = None
    if p_latest is not None:
        registered = float(pats.filter(period=p_latest).aggregate(s=Sum("registered"))["s"] or 0)
    found = _over55_from_returns(practices)
    share, share_source = found or (LLR_OVER55_SHARE, "the LLR plan's 87 of 541 WTE (assumed)")
    gp_source = (
        f"GPW {latest:%-d %B %Y} (fully qualified GPs, {plural(len(practices), 'practice')})"
        if latest is not None
        else "no GPW figures loaded (enter the baseline)"
    )
    return Start(
        org_code=org.code,
        org_name=org.name,
        date=latest,
        gp_wte=round(wte, 1),
        over55_share=share,
        registered=registered or None,
        source=f"{gp_source}; over-55 share from {share_source}",
    )


def baseline_scenario(name: str, start: Start) -> Scenario:
    """An HEE-linear scenario starting from ``start`` with the LLR Scenario 1 rates."""
    base = start.date or dt.date.today()
    end = base.replace(year=base.year + PLAN_YEARS)
    target = None
    if start.registered:
        target = TargetConfig(
            label=f"Target ({TARGET_PER_1000} WTE per 1,000 patients)",
            wte=round(start.registered * TARGET_PER_1000 / 1000.0, 1),
            date=end,
        )
    return Scenario(
        name=name,
        description=f"{start.org_name} from {start.source}. Rates as LLR Scenario 1: change them.",
        method="hee-linear",
        hee_linear=HeeLinearConfig(
            baseline_wte=start.gp_wte,
            baseline_label=f"Baseline ({start.date:%b %Y})" if start.date else "Baseline",
            baseline_date=base,
            years=PLAN_YEARS,
            over55_wte=round(start.gp_wte * start.over55_share, 1),
            over55_loss_rate=0.15,
            session_loss_rate=0.03,
            trainees_qualifying=round(start.gp_wte * 153 / 541),
            trainee_retention=0.7,
            rounding="none",
        ),
        target=target,
    )
