"""PCN individual-level workforce file (one row per person and role; cp1252) -> PCN-level table.

The WORKFORCE table's ``practice_code`` holds the **PCN code** here (PCN staff belong to no
practice); ``period`` is the month end of ``CENSUS_YEAR``/``CENSUS_MONTH``. Roles map to taxonomy
leaves through :data:`~gpworkforce.loaders.pcn_roles.PCN_ROLE_MAP`; each leaf and staff group gets
a row: FTE summed, headcount = distinct ``UNIQUE_IDENTIFIER`` (a person in two roles counts
once in their group). Rows without an identifier (contracted services) have FTE but no person
to count, so a headcount including any is *not available*.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from gpworkforce import labels, tables
from gpworkforce.domain.provenance import Source
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import raise_if_issues
from gpworkforce.loaders.files import DEFAULT_MAX_BYTES, read_text
from gpworkforce.loaders.pcn_roles import PCN_ROLE_MAP
from gpworkforce.loaders.people import census_month, missing_fte_issues, strip_people, sum_people
from gpworkforce.loaders.result import LoadedWorkforce
from gpworkforce.loaders.tabular import code_issues, negative_issues, read_table, require_rows

ROLE_COLUMNS = ("STAFF_GROUP", "STAFF_ROLE", "DETAILED_STAFF_ROLE")
TEXT = (
    "PCN_CODE",
    "PCN_NAME",
    "SUB_ICB_CODE",
    "SUB_ICB_NAME",
    "ICB_CODE",
    "ICB_NAME",
    "COMM_REGION_CODE",
    "COMM_REGION_NAME",
    *ROLE_COLUMNS,
    "UNIQUE_IDENTIFIER",
    "Data_source",
)
NUMERIC = ("CENSUS_YEAR", "CENSUS_MONTH", "FTE")
# where the file itself places each PCN (its own sub-ICB, ICB and region codes on the census date)
PCN_PLACES: Mapping[str, str] = {
    "practice_code": "string",  # the PCN code
    "period": "datetime64[ns]",
    "pcn_name": "string",
    "sub_icb_code": "string",
    "icb_code": "string",
    "region_code": "string",
    "source_id": "string",
}
REQUIRED = ("CENSUS_YEAR", "CENSUS_MONTH", "PCN_CODE", *ROLE_COLUMNS, "FTE", "UNIQUE_IDENTIFIER")
ATTRIBUTES = {
    "PCN_NAME": "pcn_name",
    "SUB_ICB_CODE": "sub_icb_code",
    "SUB_ICB_NAME": "sub_icb_name",
    "ICB_CODE": "icb_code",
    "ICB_NAME": "icb_name",
    "COMM_REGION_CODE": "region_code",
    "COMM_REGION_NAME": "region_name",
}


def load_pcn_individual(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedWorkforce:
    """Load the PCN individual-level workforce CSV (see module docs for the rules)."""
    tf = read_text(path, max_bytes=max_bytes)
    parsed = read_table(tf, text_columns=TEXT, numeric_columns=NUMERIC, required=REQUIRED)
    frame = parsed.frame
    require_rows(frame, tf.name, "staff row")
    strip_people(frame, ("PCN_CODE", *ROLE_COLUMNS, "UNIQUE_IDENTIFIER"))
    issues = code_issues(frame["PCN_CODE"], "PCN_CODE", tf.name)
    # NHS Digital publishes a few negative FTEs on contracted-services rows (adjustments); they
    # are part of its totals, so they are kept as published and reported.
    negative = negative_issues(frame, ["FTE"], tf.name)
    issues += missing_fte_issues(frame, tf.name)
    raise_if_issues(issues, f"{tf.name}: not a valid PCN individual-level workforce file")
    census = census_month(frame, "CENSUS_YEAR", "CENSUS_MONTH", tf.name, earliest=1990)

    keys = list(zip(*(frame[c] for c in ROLE_COLUMNS), strict=True))
    frame["node"] = [PCN_ROLE_MAP.get(k) for k in keys]  # type: ignore[arg-type]
    known = np.array([k in PCN_ROLE_MAP for k in keys], dtype=bool)
    warnings = parsed.warnings(tf.name)
    if negative:
        rows = ", ".join(str(i.location.row) for i in negative[:10])
        warnings.append(
            f"{tf.name}: {labels.plural(len(negative), 'negative WTE figure')} kept as "
            f"published (rows {rows})"
        )
    for label, mask in (
        ("not in the reviewed role map", ~known),
        (
            "mapped to no role the service knows (e.g. PCN directors)",
            known & frame["node"].isna().to_numpy(),
        ),
    ):
        if mask.any():
            lost = frame.loc[mask]
            roles = sorted({" / ".join(k) for k, m in zip(keys, mask, strict=True) if m})
            warnings.append(
                f"{tf.name}: {labels.plural(int(mask.sum()), 'row')} ({lost['FTE'].sum():.1f} "
                f"WTE) left out, {label}: {'; '.join(roles[:10])}"
            )
    mapped = frame[frame["node"].notna()].copy()
    tax = load_taxonomy()
    mapped["group"] = [tax.leaves[n].group.value for n in mapped["node"]]
    long = sum_people(mapped, "PCN_CODE", ("node", "group"))
    source = Source(
        publisher="NHS Digital",
        dataset="pcn-workforce-individual",
        period=census.isoformat(),
        file_name=tf.name,
        sha256=tf.sha256,
    )
    workforce = long.assign(period=pd.Timestamp(census), source_id=source.source_id)
    attr_cols = [c for c in ATTRIBUTES if c in frame.columns]
    attributes = (
        frame.drop_duplicates("PCN_CODE")
        .loc[:, ["PCN_CODE", *attr_cols]]
        .rename(columns={"PCN_CODE": "practice_code", **ATTRIBUTES})
    )
    attributes.insert(1, "period", pd.Timestamp(census))
    return LoadedWorkforce(
        source=source,
        workforce=tables.conform(workforce, tables.WORKFORCE),
        attributes=attributes.reset_index(drop=True),
        warnings=tuple(warnings),
        encoding=tf.encoding,
    )
