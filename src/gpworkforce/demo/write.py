"""Write the LLR 2017 demo to files: one filled return template per practice, plus metadata.

Returns go through the returns engineer's writer (:mod:`gpworkforce.returns.writer`), so the demo's
files are exactly what a practice would upload and read back through the same validator. Each
file is written to a temporary name and renamed; ``demo_metadata.json`` (seed, sources, what is
real and what synthetic, the paper's discrepancies) is written last, so its presence means the
set is complete.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from gpworkforce.demo import recipe
from gpworkforce.demo.dataset import DemoDataset, build_llr_2017
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import UserError
from gpworkforce.returns.atomic import write_bytes_atomic
from gpworkforce.returns.writer import write_return_csv, write_return_xlsx

METADATA_FILE = "demo_metadata.json"


def metadata(dataset: DemoDataset) -> dict[str, object]:
    """A JSON-able description of the demo: what is real, what synthetic, and from where."""
    return {
        "demo": "LLR 2017",
        "census_date": dataset.census_date.isoformat(),
        "seed": dataset.seed,
        "practices": len(dataset.returns),
        "synthetic_notice": (
            "The practice returns are SYNTHETIC: generated so that CCG and LLR totals equal the "
            "LLR GP Workforce Plan (2017) Tables 3, 8, 9 and 10. Practices, list sizes, weighted "
            "list sizes and GPW qualified-GP and admin FTE are REAL public data."
        ),
        "notes": [n.model_dump() for n in dataset.notes],
        "sources": [
            s.model_dump(mode="json") | {"source_id": s.source_id} for s in dataset.sources
        ],
        "populations": [p.model_dump(mode="json", exclude={"source"}) for p in dataset.populations],
        "paper_discrepancies": [
            {
                "where": d.where,
                "printed": d.printed,
                "from_components": d.from_components,
                "explanation": d.explanation,
            }
            for d in dataset.discrepancies
        ],
    }


def write_llr_2017(
    out_dir: Path | str,
    data_dir: Path | None = None,
    seed: int = recipe.DEFAULT_SEED,
    fmt: Literal["xlsx", "csv"] = "xlsx",
    dataset: DemoDataset | None = None,
) -> list[Path]:
    """Write every demo return to ``out_dir/returns/`` and the metadata to ``out_dir``.

    Returns the paths written, metadata last. Pass ``dataset`` to write one already built.
    """
    if fmt not in ("xlsx", "csv"):
        raise UserError(f"format must be 'xlsx' or 'csv', got {fmt!r}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: must be a directory, got a file")
    ds = dataset or build_llr_2017(data_dir, seed)
    tax = load_taxonomy()
    written: list[Path] = []
    for ret in ds.returns:
        path = out / "returns" / f"{ret.practice_code}_{ret.census_date.isoformat()}.{fmt}"
        if fmt == "xlsx":
            written.append(write_return_xlsx(ret, path, tax))
        else:
            written.append(write_return_csv(ret, path))
    text = json.dumps(metadata(ds), indent=2, sort_keys=True) + "\n"
    written.append(write_bytes_atomic(out / METADATA_FILE, text.encode("utf-8")))
    return written
