"""Practice returns: conversion of a quarter's returns to tables, and reading/validating files.

Inputs are the LLR 2017 demo's 141 synthetic returns (real registry, seeded lines; see
docs/demo.md), so line counts are those of a real ICS quarter. Targets: converting 141 returns
"well under a second" (issue 2 brief, returns item 4); reading is measured for the record.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.common import Result, best_of, peak_rss_mb
from gpworkforce.demo import build_llr_2017
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.returns import (
    load_returns,
    read_return_bytes,
    return_csv_text,
    return_to_tables,
    return_xlsx_bytes,
    returns_to_tables,
    write_return_csv,
    write_return_xlsx,
)


def run() -> list[Result]:
    demo = build_llr_2017()
    rets = list(demo.returns)
    tax = load_taxonomy()
    lines = sum(len(r.staff) + len(r.vacancies) + len(r.locums) for r in rets)
    batch_s, tables = best_of(lambda: returns_to_tables(rets, taxonomy=tax), repeats=5)
    one_by_one_s, _ = best_of(lambda: [return_to_tables(r, taxonomy=tax) for r in rets], repeats=2)
    biggest = max(rets, key=lambda r: len(r.staff))
    xlsx = return_xlsx_bytes(biggest)
    csv = return_csv_text(biggest).encode()
    write_s, _ = best_of(lambda: return_xlsx_bytes(biggest), repeats=5)
    read_x, _ = best_of(lambda: read_return_bytes(xlsx, "r.xlsx", demo.registry, tax), repeats=5)
    read_c, _ = best_of(lambda: read_return_bytes(csv, "r.csv", demo.registry, tax), repeats=20)
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, r in enumerate(rets):
            if i % 2:
                paths.append(write_return_csv(r, Path(tmp) / f"{r.practice_code}.csv"))
            else:
                paths.append(write_return_xlsx(r, Path(tmp) / f"{r.practice_code}.xlsx"))
        batch_load_s, _ = best_of(
            lambda: load_returns(paths, demo.registry, tax, out_dir=Path(tmp) / "out"), repeats=2
        )
    rows = len(tables.workforce) + len(tables.demography) + len(tables.vacancies)
    return [
        Result(
            f"returns_to_tables, {len(rets)} returns ({lines:,} lines -> {rows:,} table rows)",
            batch_s,
            "s",
            target=0.5,
        ),
        Result("return_to_tables one return at a time, same returns", one_by_one_s, "s"),
        Result(f"write XLSX, largest return ({len(biggest.staff)} staff lines)", write_s, "s"),
        Result("read + validate XLSX, largest return", read_x, "s"),
        Result("read + validate CSV, largest return", read_c, "s"),
        Result(
            f"load_returns: {len(rets)} files (half XLSX, half CSV), validate, tables, write",
            batch_load_s,
            "s",
        ),
        Result("peak RSS", peak_rss_mb(), "MB"),
    ]
