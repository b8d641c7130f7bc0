"""Accept a batch of return files all or nothing.

Every file is read and validated first; if any is rejected (or two files return the same practice
and census date), :class:`~gpworkforce.errors.ValidationFailed` lists every issue of every file and
nothing is returned or written. Only a fully valid batch is converted to tables and, if asked,
written to a directory, each file through a temporary file and a rename.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gpworkforce.domain.measures import DEFAULT_CONVENTION, FteConvention
from gpworkforce.domain.returns import PracticeReturn
from gpworkforce.domain.taxonomy import Taxonomy
from gpworkforce.errors import Issue, Location, ValidationFailed, raise_if_issues
from gpworkforce.labels import plural
from gpworkforce.returns.atomic import write_bytes_atomic
from gpworkforce.returns.convert import ReturnTables, returns_to_tables
from gpworkforce.returns.read import read_return
from gpworkforce.returns.schema import DEFAULT_LIMITS, ReturnLimits
from gpworkforce.returns.validate import KnownPractices

TABLE_FILES = {
    "workforce": "workforce.csv",
    "demography": "demography.csv",
    "vacancies": "vacancies.csv",
}


@dataclass(frozen=True)
class ReturnBatch:
    """A fully accepted batch: the returns, in the order given, and their tables."""

    returns: tuple[PracticeReturn, ...]
    tables: ReturnTables


def load_returns(
    paths: Sequence[Path | str],
    known: KnownPractices,
    taxonomy: Taxonomy,
    *,
    convention: FteConvention = DEFAULT_CONVENTION,
    census_date: dt.date | None = None,
    limits: ReturnLimits = DEFAULT_LIMITS,
    out_dir: Path | str | None = None,
) -> ReturnBatch:
    """Read, validate and convert every file; all of them or none.

    Raises :class:`ValidationFailed` with the issues of every rejected file (each naming its file)
    when any file fails; then nothing is returned and nothing is written to ``out_dir``.
    """
    accepted: list[tuple[str, PracticeReturn]] = []
    issues: list[Issue] = []
    rejected = 0
    for path in paths:
        try:
            ret = read_return(
                path,
                known,
                taxonomy,
                convention=convention,
                census_date=census_date,
                limits=limits,
            )
        except ValidationFailed as exc:
            rejected += 1
            issues.extend(exc.issues)
            continue
        accepted.append((Path(path).name, ret))
    seen: dict[tuple[str, dt.date], str] = {}
    for name, ret in accepted:
        key = (ret.practice_code, ret.census_date)
        if key in seen:
            rejected += 1
            issues.append(
                Issue(
                    Location(name),
                    f"be the only return for {key[0]} on {key[1].isoformat()} in the batch",
                    f"a second one (the first is {seen[key]})",
                )
            )
        else:
            seen[key] = name
    raise_if_issues(
        issues, f"{rejected} of {plural(len(paths), 'return file')} rejected; nothing was loaded"
    )
    returns = tuple(ret for _, ret in accepted)
    batch = ReturnBatch(returns, returns_to_tables(returns, convention, taxonomy))
    if out_dir is not None:
        write_tables(batch.tables, Path(out_dir))
    return batch


def write_tables(tables: ReturnTables, directory: Path) -> list[Path]:
    """Write the tables as CSV files in ``directory``, each via a temporary file and a rename."""
    written = []
    for attr, file_name in TABLE_FILES.items():
        frame = getattr(tables, attr)
        text = frame.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n")
        written.append(write_bytes_atomic(directory / file_name, text.encode("utf-8")))
    return written
