"""Mutation testing of the core modules with mutmut (configured in pyproject.toml, [tool.mutmut]).

Each module is run on its own, with the tests that exercise it, in a copy of the project under
``out/mutation/<module>/`` (mutmut writes its ``mutants/`` tree there, never into ``src/``); the
run is niced. Each module's score (killed / (killed + survived + timeouts); mutants no test
reaches count as survived) is printed and appended to ``out/mutation/scores.tsv``.

    python scripts/mutation.py                 # every module below (hours on 2 shared cores)
    python scripts/mutation.py workflow exports
    python scripts/mutation.py --list

    python scripts/mutation.py --changed-since main --budget 40 --min-score 0.9   # what CI runs

All of them is a scheduled job (not part of ``make test``); CI (``.ci/run``) runs the modules a
change touches when their recorded run times fit its budget (docs/testing.md, "Mutation testing").
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "out" / "mutation"

# module name -> (file to mutate, tests that exercise it). Slow suites are left out: the 135-case
# access matrix (permissions) and the formula-injection properties with thousands of examples
# (exports), which made a run take hours; the scores in docs/testing.md are for these selections.
MODULES: dict[str, tuple[str, list[str]]] = {
    "workflow": (
        "src/gpworkforce/web/workflow.py",
        ["tests/unit/test_web_workflow.py", "tests/integration/test_web_returns_flow.py"],
    ),
    "permissions": (
        "src/gpworkforce/web/permissions.py",
        [
            "tests/integration/test_web_permissions.py",
            "tests/integration/test_web_guards.py",
            "tests/integration/test_web_returns_flow.py",
        ],
    ),
    "exports": (
        "src/gpworkforce/exports.py",
        ["tests/unit/test_reports_exports.py", "tests/property/test_exports_column_texts.py"],
    ),
    "rules": (
        "src/gpworkforce/returns/rules.py",
        ["tests/spec/test_returns_rules.py", "tests/unit/test_returns_read.py"],
    ),
    "validate": (
        "src/gpworkforce/returns/validate.py",
        [
            "tests/spec/test_returns_rules.py",
            "tests/unit/test_returns_read.py",
            "tests/unit/test_returns_validate.py",
        ],
    ),
    "per_thousand": (
        "src/gpworkforce/baseline/per_thousand.py",
        [
            "tests/unit/test_baseline_per_thousand.py",
            "tests/spec/test_baseline_matched_per_thousand.py",
        ],
    ),
    "hee_linear": (
        "src/gpworkforce/forecast/hee_linear.py",
        ["tests/spec/test_forecast_hee_linear.py", "tests/unit/test_hee_linear_arithmetic.py"],
    ),
    "cohort": (
        "src/gpworkforce/forecast/cohort.py",
        [
            "tests/unit/test_forecast_cohort.py",
            "tests/unit/test_cohort_outputs.py",
            "tests/spec/test_scenario_language_spec.py",
        ],
    ),
}

# Minutes each module's run took (mutmut 3.8.1, one mutant at a time, nice 19, on the shared
# 2-core machine at a load average of 8-26; workflow and rules from their earlier runs): what a CI
# budget (--budget) is checked against. docs/testing.md has the runs.
MINUTES: dict[str, float] = {
    "workflow": 5.0,
    "permissions": 8.0,
    "exports": 15.0,
    "rules": 5.0,
    "validate": 12.0,
    "per_thousand": 20.0,
    "hee_linear": 7.5,
    "cohort": 12.0,
}


def changed_modules(base: str) -> list[str]:
    """The modules whose source file or selected tests differ between ``base`` and the work tree."""
    listing = subprocess.run(
        ["git", "diff", "--name-only", base],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    changed = set(listing.split())
    return [
        name
        for name, (source, tests) in MODULES.items()
        if source in changed or changed.intersection(tests)
    ]


def within_budget(names: list[str], budget: float | None) -> tuple[list[str], list[str]]:
    """``names`` split into those whose recorded run times fit ``budget`` minutes (in order) and
    the rest, which are left to the scheduled run."""
    if budget is None:
        return names, []
    run: list[str] = []
    left: list[str] = []
    spent = 0.0
    for name in names:
        if spent + MINUTES[name] <= budget:
            run.append(name)
            spent += MINUTES[name]
        else:
            left.append(name)
    return run, left


_SECTION = re.compile(r"^\[tool\.mutmut\]\n(?:(?!^\[).*\n?)*", re.M)


def module_config(text: str, source: str, tests: list[str]) -> str:
    """pyproject.toml with its [tool.mutmut] section narrowed to one module and its tests."""
    found = _SECTION.search(text)
    if found is None:
        raise SystemExit("pyproject.toml has no [tool.mutmut] section")
    config = dict(tomllib.loads(text)["tool"]["mutmut"])
    config["only_mutate"] = [source]
    config["pytest_add_cli_args_test_selection"] = tests
    # one test database for the whole run (see test_db_env): not migrated again for every mutant
    config["pytest_add_cli_args"] = [*config.get("pytest_add_cli_args", []), "--reuse-db"]
    lines = ["[tool.mutmut]", *(f"{key} = {json.dumps(value)}" for key, value in config.items())]
    return text[: found.start()] + "\n".join(lines) + "\n" + text[found.end() :]


def test_db_env(work: Path) -> dict[str, str]:
    """The environment for pytest in ``work``: the Django test database in a file there, so that
    with ``--reuse-db`` it is migrated once, not once per mutant (5 of the 6-10 seconds a mutant
    of a web module took); tests roll back or flush what they write."""
    return {"GPWORKFORCE_TEST_DB_FILE": str(work / "test-db.sqlite3")}


def run_module(name: str, children: int) -> dict[str, object]:
    source, tests = MODULES[name]
    work = OUT / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for part in ("src", "tests", "docs", "scenarios"):
        shutil.copytree(
            ROOT / part, work / part, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3")
        )
    shutil.copy2(ROOT / "README.md", work / "README.md")
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (work / "pyproject.toml").write_text(module_config(text, source, tests), encoding="utf-8")
    env = {**os.environ, **test_db_env(work)}
    from gpworkforce.errors import InputFileError
    from gpworkforce.paths import shared_data_dir

    try:
        env.setdefault("GPWORKFORCE_DATA_DIR", str(shared_data_dir()))
    except InputFileError as exc:  # tests that need the real data will fail and say so
        print(f"mutation: {exc}", file=sys.stderr)
    mutmut = [str(Path(sys.executable).with_name("mutmut"))]
    started = time.monotonic()
    log = (work / "mutmut.log").open("w", encoding="utf-8")
    subprocess.run(
        ["nice", "-n", "19", *mutmut, "run", "--max-children", str(children)],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        check=True,
    )
    subprocess.run([*mutmut, "export-cicd-stats"], cwd=work, env=env, check=True, stdout=log)
    stats = json.loads((work / "mutants" / "mutmut-cicd-stats.json").read_text(encoding="utf-8"))
    killed = int(stats.get("killed", 0))
    survived = int(stats.get("survived", 0)) + int(stats.get("no_tests", 0))
    timeouts = int(stats.get("timeout", 0))
    total = killed + survived + timeouts
    score = killed / total if total else float("nan")
    row = {
        "module": name,
        "file": source,
        "mutants": int(stats.get("total", total)),
        "killed": killed,
        "survived": survived,
        "timeouts": timeouts,
        "score": round(score, 3),
        "minutes": round((time.monotonic() - started) / 60, 1),
    }
    survivors = subprocess.run(
        [*mutmut, "results"], cwd=work, env=env, capture_output=True, text=True, check=True
    ).stdout
    (work / "survivors.txt").write_text(survivors, encoding="utf-8")
    return row


def summary(name: str) -> str:
    """Counts by status of a module's last (possibly unfinished) run, from mutmut's own results."""
    work = OUT / name
    if not (work / "mutants").is_dir():
        return f"{name}\tnot run"
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    listing = subprocess.run(
        [mutmut, "results", "--all", "true"], cwd=work, capture_output=True, text=True, check=True
    ).stdout
    counts: dict[str, int] = {}
    for line in listing.splitlines():
        if ": " in line:
            status = line.rsplit(": ", 1)[1].strip()
            counts[status] = counts.get(status, 0) + 1
    killed = counts.get("killed", 0)
    missed = counts.get("survived", 0) + counts.get("no tests", 0) + counts.get("timeout", 0)
    score = f"{killed / (killed + missed):.1%}" if killed + missed else "n/a"
    return f"{name}\t{score}\t{dict(sorted(counts.items()))}"


def recheck(name: str, only: list[str] | None = None, tests_named: str | None = None) -> str:
    """Run the CURRENT tests of a module against each mutant its last run left alive (survived or
    timed out), one pytest per mutant (mutmut's switch: MUTANT_UNDER_TEST). For tests written
    after a run started; the unmutated code must pass them first (a control). ``only``: just the
    mutants whose names match one of these shell patterns (e.g. those a new test aims at);
    ``tests_named``: comma-separated test names to run instead of the whole selection (the run
    already showed the rest does not kill the survivors; pytest ``-k``)."""
    tests = MODULES[name][1]
    mutants = OUT / name / "mutants"
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    listing = subprocess.run(
        [mutmut, "results"], cwd=OUT / name, capture_output=True, text=True, check=True
    ).stdout
    alive = [
        line.split(":")[0].strip()
        for line in listing.splitlines()
        if line.rstrip().endswith(("survived", "timeout"))
    ]
    if only:
        alive = [m for m in alive if any(fnmatch.fnmatchcase(m, p) for p in only)]
    for test in tests:
        shutil.copy2(ROOT / test, mutants / test)
    env = {**os.environ, **test_db_env(OUT / name), "PYTHONPATH": str(mutants / "src")}
    args = ["-x", "-q", "-p", "no:cacheprovider", "--reuse-db", *tests]
    if tests_named:
        args += ["-k", " or ".join(t.strip() for t in tests_named.split(",") if t.strip())]
    # one process imports everything and runs the control, then forks once per mutant (as mutmut
    # does): a pytest started afresh per mutant spent most of its time importing
    worker = subprocess.run(
        [
            "nice",
            "-n",
            "19",
            sys.executable,
            str(Path(__file__).resolve()),
            "--recheck-worker",
            json.dumps([args, alive]),
        ],
        cwd=mutants,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    answer = worker.stdout.strip().splitlines()[-1] if worker.stdout.strip() else "null"
    codes = json.loads(answer) if answer.startswith(("{", "null")) else None
    if not codes:
        return f"{name}\trecheck impossible: the current tests fail on the unmutated code"
    still = [m for m in alive if codes.get(m, 0) == 0]
    with (OUT / name / "survivors-rechecked.txt").open("a", encoding="utf-8") as fh:
        fh.write("".join(f"{m}\tstill alive\n" for m in still))
        fh.write("".join(f"{m}\tkilled\n" for m in alive if m not in still))
    return f"{name}\t{len(alive)} left alive by the run, {len(alive) - len(still)} killed now"


def recheck_worker(spec: str) -> int:
    """In ``mutants/``: the control run in this process, then one fork per mutant with mutmut's
    switch set; prints ``{mutant: pytest exit code}`` (0: the mutant survived), or ``null`` when
    the control fails. A mutant still running after 5 minutes counts as alive."""
    import pytest

    args, alive = json.loads(spec)
    if pytest.main(list(args)) != 0:
        print("null")
        return 1
    codes: dict[str, int] = {}
    for mutant in alive:
        pid = os.fork()
        if pid == 0:  # the child: run the tests against this mutant and leave
            os.environ["MUTANT_UNDER_TEST"] = mutant
            os._exit(int(pytest.main(list(args))))
        deadline = time.monotonic() + 300
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                codes[mutant] = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                codes[mutant] = 0
                break
            time.sleep(0.1)
    print(json.dumps(codes))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"any of {', '.join(MODULES)} (default all)")
    parser.add_argument("--list", action="store_true", help="print the modules and their tests")
    parser.add_argument("--max-children", type=int, default=1, help="parallel mutants (1)")
    parser.add_argument(
        "--summary", action="store_true", help="counts of the last runs so far (also unfinished)"
    )
    parser.add_argument(
        "--recheck", action="store_true", help="current tests against the last run's survivors"
    )
    parser.add_argument(
        "--mutants",
        nargs="+",
        metavar="PATTERN",
        help="with --recheck: only the survivors matching these patterns (e.g. '*_signed*')",
    )
    parser.add_argument(
        "--tests-named",
        metavar="NAMES",
        help="with --recheck: only these tests (comma-separated names, e.g. the new ones)",
    )
    parser.add_argument(
        "--changed-since",
        metavar="REF",
        help="only the modules whose source or selected tests changed since git REF (CI)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        metavar="MINUTES",
        help="run only as many modules as their recorded run times fit; list the rest",
    )
    parser.add_argument(
        "--min-score",
        type=float,
        metavar="FRACTION",
        help="exit non-zero when a module scores below this (e.g. 0.9)",
    )
    parser.add_argument("--recheck-worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.recheck_worker:
        return recheck_worker(args.recheck_worker)
    if args.list:
        for name, (source, tests) in MODULES.items():
            print(f"{name}\t{source}\t{' '.join(tests)}")
        return 0
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {unknown}; choose from {', '.join(MODULES)}")
    if args.summary or args.recheck:
        for name in args.modules or list(MODULES):
            if args.recheck:
                print(recheck(name, args.mutants, args.tests_named), flush=True)
            else:
                print(summary(name), flush=True)
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    scores = OUT / "scores.tsv"
    if not scores.exists():
        scores.write_text(
            "module\tfile\tmutants\tkilled\tsurvived\ttimeouts\tscore\tminutes\n", encoding="utf-8"
        )
    names = args.modules or list(MODULES)
    if args.changed_since:
        touched = changed_modules(args.changed_since)
        names = [n for n in names if n in touched]
        print(f"mutation: changed since {args.changed_since}: {', '.join(names) or 'none'}")
    names, left = within_budget(names, args.budget)
    if left:
        print(
            f"mutation: {', '.join(left)} left to the scheduled run (over {args.budget:g} minutes)",
            flush=True,
        )
    failed = []
    for name in names:
        try:
            row = run_module(name, args.max_children)
        except subprocess.CalledProcessError as exc:
            print(f"mutation: {name} failed ({exc}); see {OUT / name / 'mutmut.log'}", flush=True)
            failed.append(name)
            continue
        print("\t".join(str(v) for v in row.values()), flush=True)
        with scores.open("a", encoding="utf-8") as fh:
            fh.write("\t".join(str(v) for v in row.values()) + "\n")
        if args.min_score is not None and not float(row["score"]) >= args.min_score:  # type: ignore[arg-type]
            print(f"mutation: {name} scored {row['score']}, below {args.min_score}", flush=True)
            failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
