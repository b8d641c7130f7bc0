"""Where a workforce file names a practice's ICB itself, compare it with the registry's.

The GPW staff-groups file carries ``ICB_NAME`` for each practice and Year: NHS Digital's own
placement at the time. The registry is built from older ODS extracts and maps, so the two can
disagree (a practice opened or moved since): each disagreement is reported, never silent.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from gpworkforce.domain.orgs import OrgRegistry, OrgType

_PREFIX = re.compile(r"^nhs\s+|\s+integrated care board$|\s+icb$")


def icb_key(name: object) -> str:
    """An ICB name compared loosely: case, the 'NHS' prefix and 'Integrated Care Board' ignored."""
    return _PREFIX.sub("", re.sub(r"\s+", " ", str(name).strip().lower()))


def icb_disagreements(attributes: pd.DataFrame, registry: OrgRegistry, file_name: str) -> list[str]:
    """Warnings for practices whose ``icb_name`` in the file differs from the registry's ICB on
    the row's date, or whom the registry places in no ICB (one warning per kind, with examples)."""
    if "icb_name" not in attributes or attributes.empty:
        return []
    elsewhere: list[str] = []
    nowhere: list[str] = []
    per_period: Counter[str] = Counter()
    for period, group in attributes.groupby("period", sort=True):
        on = pd.Timestamp(period).date()
        placed = registry.practice_map(on, OrgType.ICB)
        names = {code: registry.get(code).name for code in set(placed.values())}
        for practice, own in zip(group["practice_code"], group["icb_name"], strict=True):
            if pd.isna(own):
                continue
            icb = placed.get(str(practice))
            if icb is None:
                nowhere.append(f"{practice} ({own}, {on})")
                per_period[str(on)] += 1
            elif icb_key(names[icb]) != icb_key(own):
                elsewhere.append(f"{practice} (file: {own}; registry: {names[icb]}, {on})")
                per_period[str(on)] += 1
    out = []
    if elsewhere:
        out.append(
            f"{file_name}: {len(elsewhere)} practice-year row(s) name an ICB other than the "
            f"registry's on that date (the registry's is used): {'; '.join(elsewhere[:10])}"
            + (" ..." if len(elsewhere) > 10 else "")
        )
    if nowhere:
        out.append(
            f"{file_name}: {len(nowhere)} practice-year row(s) name an ICB but the registry "
            f"places the practice in none on that date (they count in no area): "
            f"{'; '.join(nowhere[:10])}" + (" ..." if len(nowhere) > 10 else "")
        )
    return out
