"""The coverage tables of docs/model.md ("Few starting years"), printed from the summary that
``gpworkforce evaluate`` wrote, so that the tables are regenerated rather than typed.

    gpworkforce evaluate --out ev && python scripts/evaluation_tables.py ev [--band leave-out]

Each cell: % inside P10-P90 (below P10 / above P90); % inside P2.5-P97.5 (below / above); **met**
/ missed against the issue's target where enough starting years were scored to judge it, in
brackets where not. The last line counts the judged cells that met it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from gpworkforce.cli.evaluate import BAND_LABELS, SUMMARY_COLUMNS
from gpworkforce.forecast import evaluation as ev
from gpworkforce.forecast.evaluation_labels import LEVELS

COLUMNS = {v: k for k, v in SUMMARY_COLUMNS.items()}


def _cell(r: pd.Series) -> str:
    if pd.isna(r.get("coverage_80")):
        return "-"
    text = (
        f"{r['coverage_80']:.0f} ({r['below_p10']:.0f} / {r['above_p90']:.0f});"
        f" {r['coverage_95']:.0f} ({r['below_p2_5']:.0f} / {r['above_p97_5']:.0f})"
    )
    ok = ev.calibration_ok(r.to_dict())
    if r["coverage_judged"] == "yes":
        return f"{text} **met**" if ok else f"{text} missed"
    return f"{text} ({'met' if ok else 'missed'})"


def tables(summary: pd.DataFrame, band: str) -> str:
    s = summary.rename(columns=COLUMNS)
    s = s.loc[s["calibration"] == BAND_LABELS[band]]
    out, met, judged = [], 0, 0
    for label in LEVELS.values():
        rows = s.loc[s["level"] == label]
        if rows.empty:
            continue
        horizons = sorted(int(h) for h in rows["horizon"].unique())
        head = [f"{label}s, years ahead"]
        for h in horizons:
            at = rows.loc[rows["horizon"] == h]
            all_judged = (at["coverage_judged"] == "yes").all()
            some = (at["coverage_judged"] == "yes").any()
            head.append(
                str(h) if all_judged else f"{h} (some not judged)" if some else f"{h} (not judged)"
            )
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "---|" * len(head))
        for method in sorted(rows["method"].unique()):
            cells = [method]
            for h in horizons:
                r = rows.loc[(rows["method"] == method) & (rows["horizon"] == h)]
                if r.empty:
                    cells.append("-")
                    continue
                row = r.iloc[0]
                cells.append(_cell(row))
                if row["coverage_judged"] == "yes" and not pd.isna(row.get("coverage_80")):
                    judged += 1
                    met += ev.calibration_ok(row.to_dict())
            out.append("| " + " | ".join(cells) + " |")
        counts = []
        for h in horizons:
            at = rows.loc[rows["horizon"] == h]
            lo, hi = int(at["origins"].min()), int(at["origins"].max())
            n_lo, n_hi = int(at["cases_with_band"].min()), int(at["cases_with_band"].max())
            counts.append(f"{lo} ({n_lo})" if lo == hi else f"{lo}-{hi} ({n_lo}-{n_hi})")
        out.append("| origins (forecasts) | " + " | ".join(counts) + " |")
        out.append("")
    out.append(f"{met} of {judged} judged cells met.")
    return "\n".join(out)


def mase_tables(summary: pd.DataFrame) -> str:
    """MASE by method and years ahead (the methods' own forecasts), with the starting years."""
    s = summary.rename(columns=COLUMNS)
    s = s.loc[s["calibration"] == BAND_LABELS["model"]]
    out = []
    for label in LEVELS.values():
        rows = s.loc[s["level"] == label]
        if rows.empty:
            continue
        horizons = sorted(int(h) for h in rows["horizon"].unique())
        out.append(f"| {label}s | " + " | ".join(str(h) for h in horizons) + " |")
        out.append("|" + "---|" * (len(horizons) + 1))
        for method in sorted(rows["method"].unique()):
            at = rows.loc[rows["method"] == method].set_index("horizon")
            if method.startswith("No change"):
                cells = [f"{at.loc[h, 'mape']:.1f}%" for h in horizons]
                out.append("| No change: mean absolute % error | " + " | ".join(cells) + " |")
                continue
            out.append(
                f"| {method} | " + " | ".join(f"{at.loc[h, 'mase']:.2f}" for h in horizons) + " |"
            )
        for method in sorted(rows["method"].unique()):
            at = rows.loc[rows["method"] == method].set_index("horizon")
            out.append(
                f"| starting years, {method} | "
                + " | ".join(str(int(at.loc[h, "origins"])) for h in horizons)
                + " |"
            )
        out.append("")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the directory gpworkforce evaluate wrote")
    parser.add_argument("--band", default="leave-out", choices=tuple(BAND_LABELS))
    parser.add_argument("--mase", action="store_true", help="the MASE tables instead")
    args = parser.parse_args()
    summary = pd.read_csv(args.out / "evaluation_summary.csv", encoding="utf-8-sig")
    print(mase_tables(summary) if args.mase else tables(summary, args.band))


if __name__ == "__main__":
    main()
