"""The finance page's headline (issue 14, item 1): the latest year's primary care spend as a
share of allocation, the headroom to the aspiration, and how many organisations are below the
minimum, read from the regenerated allocations table the page shows below."""

from __future__ import annotations

from gpworkforce.finance.allocations import ALL_ORGS
from gpworkforce.labels import money
from gpworkforce.web.finance.compute import AllocationView

Figure = tuple[str, str, str]


def org_headline(view: AllocationView) -> list[Figure]:
    """The few figures that matter on /finance/<org>/ (none when no allocation is recorded)."""
    frame = view.table.frame
    if not len(frame):
        return []
    year = frame["Financial year"].iloc[-1]
    part = frame[frame["Financial year"] == year]
    whole = part[part["Organisation"] == ALL_ORGS]
    row = (whole if len(whole) else part).iloc[-1]
    lo = f"{100 * view.thresholds.minimum:g}%"
    hi = f"{100 * view.thresholds.aspiration:g}%"
    who = "all organisations" if row["Organisation"] == ALL_ORGS else str(row["Organisation"])
    share = float(row["Primary care spend as % of allocation"])
    head = float(row[f"Headroom to {hi} (GBP thousands)"])
    out: list[Figure] = [
        (
            f"Primary care spend, {year}",
            f"{share:.2f}% of allocation",
            f"{who}; minimum {lo}, aspiration {hi}",
        ),
        (
            f"Headroom to the {hi} aspiration" if head >= 0 else f"Short of the {hi} aspiration",
            money(1000 * abs(head)),
            f"{year}, {who}",
        ),
    ]
    orgs = part[part["Organisation"] != ALL_ORGS]
    below = orgs[orgs[f"Meets the minimum ({lo})"] == "no"]
    n = len(orgs)
    out.append(
        (
            f"Below the {lo} minimum",
            f"{len(below):,} of {n:,} organisation{'s' if n != 1 else ''}",
            ", ".join(map(str, below["Organisation"])) if len(below) else f"none in {year}",
        )
    )
    return out
