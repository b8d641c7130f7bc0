"""Run every benchmark module (``benchmarks/bench_*.py``) or those named on the command line.

Each module defines ``run() -> list[Result]``; a result names what was measured, the figure, the
unit, the target it must meet and whether it met it. The figures are recorded by hand in
docs/performance.md with the date and machine.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import benchmarks
from benchmarks.common import Result


def main(argv: list[str]) -> int:
    names = argv or sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(benchmarks.__file__).parent)])
        if m.name.startswith("bench_")
    )
    failed = 0
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"== {name}", flush=True)
        results: list[Result] = module.run()
        for r in results:
            print(f"  {r}", flush=True)
            failed += not r.met
    print(f"{failed} target(s) missed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
