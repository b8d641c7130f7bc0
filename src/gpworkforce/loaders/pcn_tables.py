"""NHS Digital's "Primary Care Network Workforce" bulletin tables: the PCN-level aggregates.

The publication releases PCN-level figures only in its Excel bulletin tables ("PCNW <Month
YYYY> - Bulletin tables.xlsx"; the CSV it releases is the individual-level file, loaded by
:mod:`gpworkforce.loaders.pcn`). Two sheets hold them, one row per NHS England region, ICB,
sub-ICB location and PCN and one column per staff role (see ``docs/loaders.md`` for where this
layout comes from):

* ``Table 4a``: full-time equivalent of staff and contracted services, by role;
* ``Table 4b``: headcount of staff, by role.

Each sheet has a title and notes above a two-row header: the staff-group headings (``Directors``,
``Other GPs``, ``Other Nurses``, ``Other Direct Patient Care staff``, ``Other Admin/Non-clinical
staff``, each over its roles' columns) and the role names (``Pharmacists [Notes 11,12]``, ...).
The first two columns hold the area's code (``England``, ``Y60``, ``QK1``, ``03W``, ``U12345``)
and name. The header is found by its role names; only rows whose code is a PCN code (``U`` and
five digits) are loaded, the other areas being totals of them (the England row is compared with
the PCNs' sum and a difference is warned about).

Roles map to taxonomy leaves through :data:`~gpworkforce.loaders.pcn_roles.PCN_TABLE_ROLE_MAP`
(``[Note n]`` markers and the mental-health / non-mental-health split removed first). The result
is the PCN individual-level loader's: WORKFORCE rows keyed by the **PCN code** in
``practice_code``, one per PCN and leaf (FTE and headcount summed over the leaf's columns) and
one per PCN and staff group (FTE summed over its leaves; headcount not available, as the tables
count a person once per role); a role nobody holds gives no row. A negative FTE (NHS Digital
publishes a few contracted-services adjustments) is kept as published and warned about. Roles with no taxonomy role (PCN directors) and roles not in the
map are listed in warnings with their FTE, never dropped silently. Every value goes through the
one strict number reading; a bad cell is refused with its sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gpworkforce import labels, tables
from gpworkforce.domain.provenance import Source, sha256_of_bytes
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import InputFileError, Issue, Location, ValidationFailed, raise_if_issues
from gpworkforce.loaders.files import DEFAULT_MAX_BYTES, read_bytes
from gpworkforce.loaders.gpw_detailed import period_or_name
from gpworkforce.loaders.pcn import PCN_PLACES
from gpworkforce.loaders.pcn_roles import PCN_TABLE_ROLE_MAP
from gpworkforce.loaders.result import LoadedWorkforce
from gpworkforce.loaders.tabular import MAX_ISSUES_PER_COLUMN, NA_TOKENS
from gpworkforce.numbers import NotANumber, parse_number

# sheet -> the measure it holds
SHEETS: Mapping[str, str] = {"Table 4a": "fte", "Table 4b": "headcount"}
PCN_CODE = re.compile(r"U[0-9]{5}")
ENGLAND = "england"
HEADER_SEARCH_ROWS = 40  # the header is within the sheet's first rows (title and notes above)
_NOTE = re.compile(r"\s*\[notes?\b[^\]]*\]", re.IGNORECASE)
_MH_SPLIT = re.compile(r"\s*\((?:non-)?mental health practitioners\)\s*$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_ENGLAND_TOLERANCE = 0.5  # FTE or people: the sheets round nothing, but PCNs may be suppressed
_ROLE_KEYS: Mapping[tuple[str, str], tuple[str, str]] = {
    (g.casefold(), r.casefold()): (g, r) for g, r in PCN_TABLE_ROLE_MAP
}
_KNOWN_ROLES = frozenset(r for _, r in _ROLE_KEYS)


def role_label(header: object) -> str:
    """A role column's heading without its note markers ("Pharmacists [Notes 11,12]")."""
    return _SPACES.sub(" ", _NOTE.sub("", str(header or ""))).strip()


def base_role(label: str) -> str:
    """The role a column counts, the mental-health split removed (casefolded for look-ups)."""
    return _MH_SPLIT.sub("", label).strip().casefold()


@dataclass(frozen=True)
class _Column:
    index: int  # position in the sheet's rows (0-based)
    group: str  # staff-group heading as published
    label: str  # role heading without note markers
    key: tuple[str, str] | None  # the map's key, None when the map does not know the role


@dataclass(frozen=True)
class _Table:
    """One sheet: its role columns and its PCN rows' values (NaN = not available)."""

    sheet: str
    columns: tuple[_Column, ...]
    codes: tuple[str, ...]  # PCN codes, in the sheet's order
    names: tuple[str | None, ...]
    values: np.ndarray  # PCN rows x columns
    england: np.ndarray | None  # the England row's values, when the sheet has one
    negative: tuple[str, ...] = ()  # negative FTEs kept as published ("row 12 Pharmacists -0.2")


def _text(value: object) -> str:
    return "" if value is None else _SPACES.sub(" ", str(value)).strip()


def _header_row(rows: Sequence[tuple[object, ...]]) -> int | None:
    """The row naming the roles: the first with at least three headings the map knows."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        known = sum(1 for cell in row[2:] if base_role(role_label(cell)) in _KNOWN_ROLES)
        if known >= 3:
            return i
    return None


def _columns(rows: Sequence[tuple[object, ...]], at: int, name: str, sheet: str) -> list[_Column]:
    """The role columns under the header row ``at``, each with its staff-group heading (the
    row above, a heading spanning its roles' columns: written once, in its first column)."""
    groups = rows[at - 1] if at > 0 else ()
    out: list[_Column] = []
    issues: list[Issue] = []
    group = ""
    for j, cell in enumerate(rows[at]):
        heading = _text(groups[j]) if j < len(groups) else ""
        if j < 2:
            continue
        group = heading or group
        label = role_label(cell)
        if not label:
            continue
        if not group:
            issues.append(
                Issue(
                    Location(name, sheet, at + 1, label),
                    "stand under a staff-group heading (e.g. 'Other Direct Patient Care staff') "
                    "in the row above the role names",
                    "none",
                )
            )
            continue
        key = _ROLE_KEYS.get((group.casefold(), base_role(label)))
        out.append(_Column(j, group, label, key))
    raise_if_issues(issues, f"{name}: sheet {sheet!r} has role columns without a staff group")
    return out


def _value(value: object) -> float | NotANumber:
    """A cell as a number: NaN for not available, or why it is not a number."""
    if value is None:
        return math.nan
    if isinstance(value, bool):
        return NotANumber("be a number", repr(value))
    if isinstance(value, int | float):
        number = float(value)
        return number if math.isfinite(number) else NotANumber("be a finite number", repr(value))
    text = str(value).strip()
    if text in NA_TOKENS:
        return math.nan
    return parse_number(str(value))


def _table(rows: Sequence[tuple[object, ...]], name: str, sheet: str) -> _Table:
    measure = SHEETS[sheet]
    negative: list[str] = []
    at = _header_row(rows)
    if at is None:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(file=name, sheet=sheet),
                    f"have a header row naming the staff roles (e.g. 'Pharmacists') within "
                    f"its first {HEADER_SEARCH_ROWS} rows",
                    "none",
                )
            ],
            summary=f"{name}: not NHS Digital's PCN workforce bulletin tables",
        )
    columns = _columns(rows, at, name, sheet)
    codes: list[str] = []
    names: list[str | None] = []
    values: list[list[float]] = []
    england: np.ndarray | None = None
    issues: list[Issue] = []
    per_column: dict[str, int] = {}
    seen: dict[str, int] = {}
    for i in range(at + 1, len(rows)):
        row = rows[i]
        code = _text(row[0] if row else None).upper()
        is_pcn = PCN_CODE.fullmatch(code) is not None
        if not is_pcn and code.casefold() != ENGLAND:
            continue  # regions, ICBs and sub-ICB locations (totals), blank and note rows
        numbers: list[float] = []
        for col in columns:
            cell = row[col.index] if col.index < len(row) else None
            got = _value(cell)
            if isinstance(got, float) and got < 0:
                if measure == "fte":  # contracted-services adjustments: published, kept
                    negative.append(f"row {i + 1} {col.label} {got:g}")
                else:
                    got = NotANumber("be zero or more (a number of people)", repr(cell))
            if isinstance(got, NotANumber):
                per_column[col.label] = per_column.get(col.label, 0) + 1
                if per_column[col.label] <= MAX_ISSUES_PER_COLUMN:
                    issues.append(
                        Issue(Location(name, sheet, i + 1, col.label), got.expected, got.found)
                    )
                got = math.nan
            numbers.append(got)
        if not is_pcn:
            england = np.array(numbers, dtype=float)
            continue
        if code in seen:
            issues.append(
                Issue(
                    Location(name, sheet, i + 1, "code"),
                    "appear once (one row per PCN)",
                    f"{code} again (first in row {seen[code]})",
                )
            )
            continue
        seen[code] = i + 1
        codes.append(code)
        names.append(_text(row[1]) if len(row) > 1 and _text(row[1]) else None)
        values.append(numbers)
    raise_if_issues(issues, f"{name}: not valid PCN workforce bulletin tables")
    if not codes:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(name, sheet, at + 2),
                    "hold at least one PCN row (a code like U12345 in the first column)",
                    "none",
                )
            ],
            summary=f"{name}: empty dataset",
        )
    grid = np.array(values, dtype=float).reshape(len(codes), len(columns))
    return _Table(sheet, tuple(columns), tuple(codes), tuple(names), grid, england, tuple(negative))


def _read_sheets(data: bytes, name: str) -> dict[str, list[tuple[object, ...]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputFileError(
            f"{name}: must be NHS Digital's PCN workforce bulletin tables as published (an "
            f".xlsx workbook), got a file that is not one ({type(exc).__name__})"
        ) from None
    try:
        missing = [s for s in SHEETS if s not in book.sheetnames]
        if missing:
            raise ValidationFailed(
                issues=[
                    Issue(
                        Location(file=name, sheet=s),
                        "be present (the PCN-level table of the bulletin tables: 4a FTE, "
                        "4b headcount)",
                        f"no such sheet (sheets: {', '.join(book.sheetnames[:12])})",
                    )
                    for s in missing
                ],
                summary=f"{name}: not NHS Digital's PCN workforce bulletin tables",
            )
        return {s: list(book[s].iter_rows(values_only=True)) for s in SHEETS}
    finally:
        book.close()


def _long(table: _Table, measure: str) -> pd.DataFrame:
    """PCN x leaf figures of one sheet (columns of one leaf summed; NaN only if all are)."""
    mapped = [(k, c) for k, c in enumerate(table.columns) if c.key is not None]
    leaves = [PCN_TABLE_ROLE_MAP[c.key] for _, c in mapped if c.key is not None]
    keep = [(k, leaf) for (k, _), leaf in zip(mapped, leaves, strict=True) if leaf is not None]
    if not keep:
        return pd.DataFrame(columns=["practice_code", "node", measure])
    frame = pd.DataFrame(
        table.values[:, [k for k, _ in keep]],
        index=pd.Index(table.codes, name="practice_code"),
        columns=pd.Index([leaf for _, leaf in keep], name="node"),
    )
    summed = frame.T.groupby(level="node", sort=False).sum(min_count=1).T
    return summed.stack(future_stack=True).rename(measure).reset_index()


def _warnings(fte: _Table, name: str) -> list[str]:
    """Role columns with FTE that count in no taxonomy role (columns of zeros say nothing)."""
    out: list[str] = []
    held = np.nansum(fte.values, axis=0) != 0
    for label, keep in (
        (
            "name no taxonomy role (e.g. PCN directors) and are left out",
            lambda c: c.key is not None and PCN_TABLE_ROLE_MAP[c.key] is None,
        ),
        ("are not in the reviewed role map and are left out", lambda c: c.key is None),
    ):
        cols = [(k, c) for k, c in enumerate(fte.columns) if keep(c) and held[k]]
        if cols:
            shown = "; ".join(
                f"{c.group} / {c.label} ({np.nansum(fte.values[:, k]):.1f} FTE)" for k, c in cols
            )
            out.append(f"{name}: {labels.plural(len(cols), 'role column')} {label}: {shown[:900]}")
    return out


def _england_check(table: _Table, name: str) -> list[str]:
    """The England row against the sum of the PCN rows, per role column."""
    if table.england is None:
        return []
    summed = np.nansum(table.values, axis=0)
    off = [
        f"{c.label}: England {e:,.1f}, PCNs {s:,.1f}"
        for c, e, s in zip(table.columns, table.england, summed, strict=True)
        if not math.isnan(e) and abs(e - s) > _ENGLAND_TOLERANCE
    ]
    if not off:
        return []
    return [
        f"{name}: sheet {table.sheet!r}: {labels.plural(len(off), 'role')} whose England figure "
        "is not the sum "
        f"of the PCN rows (a part of the country or some PCNs missing?): {'; '.join(off[:6])}"
    ]


def load_pcn_tables(
    path: Path,
    *,
    period: dt.date | None = None,
    published: dt.date | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[LoadedWorkforce, pd.DataFrame]:
    """Load the PCN-level sheets of the bulletin tables (see the module docs): the tables, and
    each PCN's name as the file gives it (``PCN_PLACES`` columns; no placement of its own).

    The workbook names its month in its file name as published ("PCNW October 2024 - Bulletin
    tables.xlsx"); otherwise the census date must be given (``period``).
    """
    data = read_bytes(path, max_bytes=max_bytes)
    name = path.name
    sheets = _read_sheets(data, name)
    fte = _table(sheets["Table 4a"], name, "Table 4a")
    heads = _table(sheets["Table 4b"], name, "Table 4b")
    example = "'PCNW October 2024 - Bulletin tables.xlsx'"
    census = period_or_name(period, name, named=example, given="2024-10-31")
    stamp = pd.Timestamp(census)
    source = Source(
        publisher="NHS Digital",
        dataset="pcn-workforce-tables",
        period=census.isoformat(),
        published=published,
        file_name=name,
        sha256=sha256_of_bytes(data),
    )
    leaves = _long(fte, "fte").merge(
        _long(heads, "headcount"), on=["practice_code", "node"], how="outer"
    )
    tax = load_taxonomy()
    leaves["group"] = [tax.leaves[n].group.value for n in leaves["node"]]
    groups = (
        leaves.groupby(["practice_code", "group"], sort=False)["fte"]
        .sum(min_count=1)
        .rename("fte")
        .reset_index()
        .rename(columns={"group": "node"})
    )
    # a role nobody holds (0 FTE, no one counted) gives no row, as in the individual-level file
    held = ~(leaves["fte"].fillna(0).eq(0) & leaves["headcount"].fillna(0).eq(0))
    long = pd.concat([leaves.loc[held].drop(columns="group"), groups], ignore_index=True)
    long = long[long["fte"].notna() | long["headcount"].notna()]
    workforce = long.assign(period=stamp, source_id=source.source_id)
    pcn_names = dict(zip(heads.codes, heads.names, strict=True)) | dict(
        zip(fte.codes, fte.names, strict=True)
    )
    codes = list(pcn_names)
    places = pd.DataFrame(
        {
            "practice_code": codes,
            "period": stamp,
            "pcn_name": [pcn_names[c] for c in codes],
            "sub_icb_code": pd.NA,
            "icb_code": pd.NA,
            "region_code": pd.NA,
            "source_id": source.source_id,
        }
    )
    warnings = [*_warnings(fte, name), *_england_check(fte, name), *_england_check(heads, name)]
    if fte.negative:
        warnings.append(
            f"{name}: sheet 'Table 4a': {labels.plural(len(fte.negative), 'negative WTE figure')}"
            " kept as published "
            f"(contracted-services adjustments): {'; '.join(fte.negative[:10])}"
        )
    only = sorted(set(fte.codes) ^ set(heads.codes))
    if only:
        warnings.append(
            f"{name}: {labels.plural(len(only), 'PCN')} in only one of the FTE and headcount "
            "sheets: "
            f"{', '.join(only[:20])}"
        )
    return LoadedWorkforce(
        source=source,
        workforce=tables.conform(workforce, tables.WORKFORCE),
        attributes=places.loc[:, ["practice_code", "period", "pcn_name"]],
        warnings=tuple(warnings),
        encoding="xlsx",
    ), tables.conform(places, PCN_PLACES)


__all__ = ["SHEETS", "base_role", "load_pcn_tables", "role_label"]
