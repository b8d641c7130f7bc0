"""Prove a speed change leaves the baseline's outputs byte for byte as they were.

    python scripts/baseline_outputs.py WORKSPACE OUT [--against REFERENCE]

Runs the installed ``gpworkforce baseline --source gpw --format csv`` for each organisation in
``--org`` (default QK1 and England) on ``--period`` (default 2025-09-30) over WORKSPACE, writing
each report's folder of CSV tables under OUT/<org>/. With ``--against`` (an OUT folder of an
earlier run, e.g. made with the code before the change) every CSV file is compared byte for byte
and the differing or missing files are listed; the exit status is 1 if any differ. The README
each report writes beside its tables is compared too, unless ``--tables-only``.

Used for issue 10, item 6 (docs/performance.md, "Workspace: load and baseline on the CLI path").
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
from pathlib import Path

COMMAND = str(Path(sys.executable).with_name("gpworkforce"))


def run(workspace: Path, out: Path, orgs: list[str], period: str) -> None:
    for org in orgs:
        target = out / org
        args = [COMMAND, "baseline", "--org", org, "--period", period, "--source", "gpw"]
        args += ["--data", str(workspace), "--format", "csv", "--out", str(target)]
        done = subprocess.run(args, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr}")
        (out / f"{org}.stdout.txt").write_text(done.stdout, encoding="utf-8")


def compare(out: Path, reference: Path, tables_only: bool) -> list[str]:
    problems: list[str] = []
    mine = {p.relative_to(out) for p in out.rglob("*") if p.is_file()}
    theirs = {p.relative_to(reference) for p in reference.rglob("*") if p.is_file()}
    for rel in sorted(mine | theirs):
        if tables_only and rel.suffix != ".csv":
            continue
        if rel not in mine or rel not in theirs:
            problems.append(f"{rel}: only in {'the new run' if rel in mine else 'the reference'}")
        elif not filecmp.cmp(out / rel, reference / rel, shallow=False):
            problems.append(f"{rel}: differs")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--org", action="append", dest="orgs")
    parser.add_argument("--period", default="2025-09-30")
    parser.add_argument("--against", type=Path)
    parser.add_argument("--tables-only", action="store_true")
    args = parser.parse_args()
    run(args.workspace, args.out, args.orgs or ["QK1", "ENG"], args.period)
    if args.against is None:
        return
    problems = compare(args.out, args.against, args.tables_only)
    files = sum(1 for p in args.out.rglob("*.csv"))
    if problems:
        print("\n".join(problems))
        raise SystemExit(1)
    print(f"{files} CSV files (and the rest) byte-identical to {args.against}")


if __name__ == "__main__":
    main()
