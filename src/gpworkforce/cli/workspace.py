"""A workspace: a directory of raw input files, exactly as the user gave them, and a manifest.

``gpworkforce load KIND FILE... --data DIR`` validates every file with the same loader that will
read it later and, only when all are valid, copies each unchanged to
``DIR/raw/<kind>/<dataset>__<period>__<vintage>__<sha12>/<original name>`` and records it in
``DIR/manifest.json``. The manifest is the commit point: it is written last, atomically, so a
failed load leaves the workspace as it was. Readers read each file's tables from the parsed
store (:mod:`gpworkforce.cli.parsed`, Parquet keyed by checksum, options and parse version) and
re-parse the raw file through its loader only when that store is missing, damaged or older than
the loaders (so a loader fix applies to data already loaded); a changed raw file is refused.

The organisation registry is built from the public ODS and practice-map files
(:func:`gpworkforce.loaders.build_registry`) together with any ODS extracts (``ods-practices``),
practice maps (``practice-map``) and ePCN workbooks (``pcn-membership``) loaded into the
workspace (:func:`workspace_registry`).

Vintages (decision 0047): every entry records its publication date (``--published``; unknown
when not given) and its load position (the manifest's order); a practice's returns for one census
date are numbered ``version`` 1, 2, ... in load order. Reports read the latest publication of
each period, then the latest load (:mod:`gpworkforce.baseline.data`). ``data pin`` writes the set
of entries a report read to a file, so ``--pin FILE`` reproduces that report later.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from gpworkforce import exports, tables
from gpworkforce.cli import parsed
from gpworkforce.cli.choices import Kind
from gpworkforce.domain.orgs import OrgRegistry
from gpworkforce.domain.provenance import Source, sha256_of_file
from gpworkforce.errors import InputFileError, Issue, Location, UserError, ValidationFailed
from gpworkforce.loaders.key_figures import figures_spec
from gpworkforce.loaders.key_figures import stack as stack_figures
from gpworkforce.loaders.ons import POPULATION
from gpworkforce.loaders.own_orgs import PRACTICE_PLACES, practice_places
from gpworkforce.loaders.patients_age import PATIENT_AGES
from gpworkforce.loaders.pcn import PCN_PLACES

MANIFEST = "manifest.json"
LOCK = ".lock"
RAW = "raw"
UNKNOWN = "unknown-vintage"


@dataclass(frozen=True)
class LoadOptions:
    """What the user may tell a loader that the file itself may not say (kept in the manifest)."""

    period: dt.date | None = None  # census date (gpw-detailed, payments)
    published: dt.date | None = None  # publication (vintage) date (gpw-detailed)


class ManifestEntry(BaseModel):
    """One raw file in the workspace."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind
    file: str  # relative to the workspace directory, POSIX separators
    original_name: str
    sha256: str
    source_id: str
    dataset: str
    period: str
    vintage: str
    loaded_at: dt.datetime
    option_period: dt.date | None = None  # --period given at load time (passed on reload)
    option_published: dt.date | None = None  # --published given at load time
    publisher: str | None = None  # e.g. the practice code of a return
    version: int | None = None  # returns: 1, 2, ... per practice and census date, in load order
    encoding: str | None = None  # text encoding detected ("utf-8", "utf-8-sig", "cp1252"; xlsx)
    warnings: tuple[str, ...] = ()  # what the loader noticed but kept (shown by load/validate)

    @property
    def options(self) -> LoadOptions:
        return LoadOptions(period=self.option_period, published=self.option_published)

    @property
    def short_id(self) -> str:
        """How commands name an entry: the first 12 hex digits of its checksum."""
        return self.sha256[:12]

    @property
    def vintage_label(self) -> str:
        """The vintage in words: the publication date and, for returns, the version."""
        if self.version is not None:
            return f"version {self.version}"
        return (
            "publication date unknown" if self.vintage == UNKNOWN else f"published {self.vintage}"
        )


class Manifest(BaseModel):
    """The list of raw files a workspace holds; written atomically after the files."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format_version: int = 1
    entries: tuple[ManifestEntry, ...] = ()


@dataclass(frozen=True)
class LoadedFile:
    """What an adapter got from one file: its source and canonical tables (empty if none)."""

    kind: Kind
    source: Source
    workforce: pd.DataFrame
    demography: pd.DataFrame
    patients: pd.DataFrame
    vacancies: pd.DataFrame
    payload: Any  # the loader's own result; None when read from the parsed store
    warnings: tuple[str, ...] = ()  # the loader's warnings (kept values, ignored columns, ...)
    encoding: str | None = None  # the file's text encoding as detected; "xlsx" for workbooks
    # ONS population projections (loaders.ons.POPULATION columns; empty for other kinds)
    population: pd.DataFrame = dataclasses.field(default_factory=lambda: tables.empty(POPULATION))
    # the PCN file's own placement of each PCN (loaders.pcn.PCN_PLACES; empty for other kinds)
    pcn_places: pd.DataFrame = dataclasses.field(default_factory=lambda: tables.empty(PCN_PLACES))
    # where a workforce file places its practices itself (loaders.own_orgs.PRACTICE_PLACES)
    practice_places: pd.DataFrame = dataclasses.field(
        default_factory=lambda: tables.empty(PRACTICE_PLACES)
    )
    # registered patients by practice, sex and age (loaders.patients_age.PATIENT_AGES)
    patient_ages: pd.DataFrame = dataclasses.field(
        default_factory=lambda: tables.empty(PATIENT_AGES)
    )
    # staff-group figures per key of the dates a report reads as figures, not rows
    # (loaders.key_figures; parsed.Wanted.figures_on)
    figures: pd.DataFrame = dataclasses.field(default_factory=lambda: tables.empty(figures_spec()))
    # the same for every practice on the dates whose rows are read for some practices only
    # (parsed.Wanted.census_on)
    census: pd.DataFrame = dataclasses.field(default_factory=lambda: tables.empty(figures_spec()))


Adapter = Callable[[Path, OrgRegistry | None, LoadOptions], LoadedFile]


# --- adapters: kind -> the loader that validates and reads it --------------------------------


def _frame(result: Any, name: str, spec: Mapping[str, str]) -> pd.DataFrame:
    frame = getattr(result, name, None)
    return frame if isinstance(frame, pd.DataFrame) else tables.empty(spec)


def _from_loader(kind: Kind, result: Any) -> LoadedFile:
    return LoadedFile(
        kind=kind,
        source=result.source,
        workforce=_frame(result, "workforce", tables.WORKFORCE),
        demography=_frame(result, "demography", tables.DEMOGRAPHY),
        patients=_frame(result, "patients", tables.PATIENTS),
        vacancies=_frame(result, "vacancies", tables.VACANCIES),
        payload=result,
        warnings=tuple(getattr(result, "warnings", ())),
        encoding=getattr(result, "encoding", None) or None,
    )


def _header(path: Path) -> str:
    with path.open("rb") as fh:
        return fh.readline(65536).decode("utf-8", errors="replace")


def _gpw_detailed(path: Path, registry: OrgRegistry | None, opts: LoadOptions) -> LoadedFile:
    from gpworkforce.loaders import load_gpw_detailed
    from gpworkforce.loaders.gpw_high_level import is_high_level, load_gpw_high_level

    # two published practice-level layouts, told apart by the header: detailed (wide) and
    # high level (one row per practice, staff group, role and measure)
    from gpworkforce.loaders.gpw_individual import is_gpw_individual

    if is_gpw_individual(_header(path).strip().split(",")):
        raise InputFileError(
            f"{path.name}: is NHS Digital's individual-level GPW file (staff by sub-ICB "
            "location, no practice): load it as 'gpw-individual', not 'gpw-detailed'"
        )
    if is_high_level(_header(path).strip().split(",")):
        high = load_gpw_high_level(path, period=opts.period, published=opts.published)
        return _from_loader(Kind.GPW_DETAILED, high)
    result = load_gpw_detailed(path, period=opts.period, published=opts.published)
    places = practice_places(result.attributes, result.source.source_id)
    return dataclasses.replace(_from_loader(Kind.GPW_DETAILED, result), practice_places=places)


def _practice_year(path: Path, registry: OrgRegistry | None, opts: LoadOptions) -> LoadedFile:
    from gpworkforce.loaders import load_practice_year_gp_admin, load_practice_year_staff_groups

    # The two practice-year layouts: all staff groups (has nurses) or GPs and admin only.
    if "TOTAL_NURSES_FTE" in _header(path):
        result = load_practice_year_staff_groups(path)
        places = practice_places(result.attributes, result.source.source_id)
        loaded = _from_loader(Kind.GPW_PRACTICE_YEAR, result)
        loaded = dataclasses.replace(loaded, practice_places=places)
        if registry is None:  # reading the workspace: the warnings were given at load
            return loaded
        from gpworkforce.loaders.own_orgs import icb_disagreements

        extra = icb_disagreements(result.attributes, registry, path.name)
        return dataclasses.replace(loaded, warnings=(*loaded.warnings, *extra))
    return _from_loader(Kind.GPW_PRACTICE_YEAR, load_practice_year_gp_admin(path))


def _payments(path: Path, registry: OrgRegistry | None, opts: LoadOptions) -> LoadedFile:
    from gpworkforce.loaders import load_payments

    return _from_loader(Kind.PAYMENTS, load_payments(path, period=opts.period))


def _patient_ages(path: Path, registry: OrgRegistry | None, opts: LoadOptions) -> LoadedFile:
    from gpworkforce.loaders.patients_age import load_patients_age_sex

    result = load_patients_age_sex(path)
    return dataclasses.replace(
        _from_loader(Kind.PATIENTS_AGE_SEX, result), patient_ages=result.ages
    )


def _pcn(path: Path, registry: OrgRegistry | None, opts: LoadOptions) -> LoadedFile:
    from gpworkforce.loaders import load_pcn_individual

    result = load_pcn_individual(path)
    places = result.attributes.assign(source_id=result.source.source_id)
    return dataclasses.replace(
        _from_loader(Kind.PCN_INDIVIDUAL, result),
        pcn_places=tables.conform(places.loc[:, list(PCN_PLACES)], PCN_PLACES),
    )


def _pcn_tables(path: Path, registry: OrgRegistry | None, opts: LoadOptions) -> LoadedFile:
    from gpworkforce.loaders.pcn_tables import load_pcn_tables

    result, places = load_pcn_tables(path, period=opts.period, published=opts.published)
    return dataclasses.replace(_from_loader(Kind.PCN_TABLES, result), pcn_places=places)


def _gpw_individual(path: Path, registry: OrgRegistry | None, opts: LoadOptions) -> LoadedFile:
    from gpworkforce.loaders.gpw_individual import load_gpw_individual

    result, places = load_gpw_individual(path, period=opts.period, published=opts.published)
    return dataclasses.replace(_from_loader(Kind.GPW_INDIVIDUAL, result), pcn_places=places)


def _population(path: Path, registry: OrgRegistry | None, opts: LoadOptions) -> LoadedFile:
    from gpworkforce.loaders import load_ons_population

    result = load_ons_population(path)
    return dataclasses.replace(_from_loader(Kind.ONS_POPULATION, result), population=result.frame)


def _returns(path: Path, registry: OrgRegistry | None, opts: LoadOptions) -> LoadedFile:
    from gpworkforce.domain.taxonomy import load_taxonomy
    from gpworkforce.loaders import build_registry
    from gpworkforce.returns import read_return, return_to_tables

    taxonomy = load_taxonomy()
    known = registry if registry is not None else build_registry()
    ret = read_return(path, known, taxonomy, census_date=opts.period)
    source = ret.source or Source(
        publisher=ret.practice_code,
        dataset="practice-return",
        period=ret.census_date.isoformat(),
        file_name=path.name,
        sha256=sha256_of_file(path),
    )
    converted = return_to_tables(ret, source.source_id, taxonomy=taxonomy)
    return LoadedFile(
        kind=Kind.RETURNS,
        source=source,
        workforce=converted.workforce,
        demography=converted.demography,
        patients=tables.empty(tables.PATIENTS),
        vacancies=converted.vacancies,
        payload=ret,
        encoding="xlsx" if path.suffix.lower() in (".xlsx", ".xlsm") else "utf-8",
    )


def _registry_source(path: Path, dataset: str, period: dt.date) -> Source:
    return Source(
        publisher="NHS England ODS" if dataset in ("ods-epraccur", "ods-epcn") else "NHS Digital",
        dataset=dataset,
        period=period.isoformat(),
        file_name=path.name,
        sha256=sha256_of_file(path),
    )


def _no_tables(kind: Kind, source: Source, payload: Any = None) -> LoadedFile:
    return LoadedFile(
        kind=kind,
        source=source,
        workforce=tables.empty(tables.WORKFORCE),
        demography=tables.empty(tables.DEMOGRAPHY),
        patients=tables.empty(tables.PATIENTS),
        vacancies=tables.empty(tables.VACANCIES),
        payload=payload,
    )


def registry_lines(loaded: LoadedFile) -> list[str]:
    """What a registry file (ODS extract, practice map) read at load holds, in words (empty
    when read from the workspace, where its frame is not kept)."""
    from gpworkforce import labels
    from gpworkforce.loaders.epcn import EpcnFile
    from gpworkforce.loaders.registry_files import GP_PRACTICE_SETTING, PracticeMap

    frame = loaded.payload
    if isinstance(frame, EpcnFile):
        on = frame.extract_date
        members = frame.members
        current = len(frame.pcn_on(on))
        return [
            f"  {labels.plural(len(frame.pcns), 'PCN')} listed, "
            f"{labels.plural(int(members['practice_code'].nunique()), 'practice')} with "
            f"{labels.plural(len(members), 'practice-to-PCN relationship')}, {current:,} in a PCN "
            f"on {labels.date_text(on)}"
        ]
    if isinstance(frame, PracticeMap):
        practices = frame.frame["PRACTICE_CODE"].nunique()
        pcns = frame.frame["PCN_CODE"].replace({"U": pd.NA}).nunique()
        return [
            f"  {labels.plural(int(practices), 'practice')} mapped, {labels.plural(int(pcns), 'PCN')}"
        ]
    if isinstance(frame, pd.DataFrame) and "setting" in frame:
        on = pd.Timestamp(loaded.source.period)
        gp = frame.loc[frame["setting"] == GP_PRACTICE_SETTING]
        # open on the day as OrgRegistry.is_open counts it (a practice closing that day is open)
        open_on = (
            (gp["opened"].isna() | (gp["opened"] <= on))
            & (gp["closed"].isna() | (gp["closed"] >= on))
        ).sum()
        return [
            f"  {labels.plural(len(gp), 'GP practice')} listed, {int(open_on):,} open on "
            f"{labels.date_text(on.date())}"
        ]
    return []


def _no_extract_date(path: Path, what: str) -> ValidationFailed:
    """The refusal of a registry file loaded without the extract date it does not carry."""
    return ValidationFailed(
        issues=[
            Issue(
                Location(file=path.name),
                f"be loaded with --period giving the extract date of the {what} (the file "
                "carries none), e.g. --period 2024-06-30",
                "no --period",
            )
        ],
        summary=f"{path.name}: extract date",
    )


def _ods(path: Path, registry: OrgRegistry | None, opts: LoadOptions) -> LoadedFile:
    from gpworkforce.loaders.registry_files import GP_PRACTICE_SETTING, read_epraccur

    if opts.period is None:
        raise _no_extract_date(path, "ODS file")
    frame = read_epraccur(path)
    if not (frame["setting"] == GP_PRACTICE_SETTING).any():
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(file=path.name, column="26 (prescribing setting)"),
                    expected=f"hold at least one GP practice (setting {GP_PRACTICE_SETTING})",
                    found="none",
                )
            ],
            summary=f"{path.name}: not an ODS GP practice file",
        )
    source = _registry_source(path, "ods-epraccur", opts.period)
    return _no_tables(Kind.ODS_PRACTICES, source, frame)


def _practice_map(path: Path, registry: OrgRegistry | None, opts: LoadOptions) -> LoadedFile:
    from gpworkforce.loaders.registry_files import read_practice_map

    found = read_practice_map(path)
    if opts.period is not None and opts.period != found.extract_date:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(file=path.name),
                    f"be loaded without --period, or with --period the map's own extract date "
                    f"{found.extract_date}",
                    f"--period {opts.period}",
                )
            ],
            summary=f"{path.name}: extract date",
        )
    source = _registry_source(path, "practice-map", found.extract_date)
    return _no_tables(Kind.PRACTICE_MAP, source, found)


def _epcn(path: Path, registry: OrgRegistry | None, opts: LoadOptions) -> LoadedFile:
    from gpworkforce.loaders.epcn import read_epcn
    from gpworkforce.loaders.epcn_links import map_disagreements, unknown_practices

    if opts.period is None:
        raise _no_extract_date(path, "ePCN workbook")
    found = read_epcn(path, opts.period)
    warnings = list(found.warnings)
    if registry is not None:  # at load: how it differs from the maps and extracts
        warnings += map_disagreements(found, registry) + unknown_practices(found, registry)
    source = _registry_source(path, "ods-epcn", opts.period)
    loaded = _no_tables(Kind.PCN_MEMBERSHIP, source, found)
    return dataclasses.replace(loaded, warnings=tuple(warnings), encoding=found.encoding)


ADAPTERS: Mapping[Kind, Adapter] = {
    Kind.GPW_DETAILED: _gpw_detailed,
    Kind.GPW_PRACTICE_YEAR: _practice_year,
    Kind.PAYMENTS: _payments,
    Kind.PATIENTS_AGE_SEX: _patient_ages,
    Kind.PCN_INDIVIDUAL: _pcn,
    Kind.PCN_TABLES: _pcn_tables,
    Kind.GPW_INDIVIDUAL: _gpw_individual,
    Kind.ONS_POPULATION: _population,
    Kind.RETURNS: _returns,
    Kind.ODS_PRACTICES: _ods,
    Kind.PRACTICE_MAP: _practice_map,
    Kind.PCN_MEMBERSHIP: _epcn,
}


def read_file(
    kind: Kind, path: Path, registry: OrgRegistry | None, options: LoadOptions | None = None
) -> LoadedFile:
    """Validate and read one file of ``kind`` (raises a :class:`UserError` when it is bad)."""
    if not path.is_file():
        raise InputFileError(f"{path}: must be an existing file, got nothing there")
    opts = options or LoadOptions()
    if kind is Kind.RETURNS and opts.published is not None:
        raise UserError(
            "--published must not be given for returns: a return's vintage is its version "
            "(returns of one practice and census date are numbered in the order they are loaded)"
        )
    loaded = ADAPTERS[kind](path, registry, opts)
    if opts.published is not None and loaded.source.published != opts.published:
        loaded = with_published(loaded, opts.published)
    return loaded


def with_published(loaded: LoadedFile, published: dt.date) -> LoadedFile:
    """``loaded`` with its source's publication date set (and every row's ``source_id``)."""
    old = loaded.source.source_id
    source = loaded.source.model_copy(update={"published": published})
    new = source.source_id

    def restamp(frame: pd.DataFrame) -> pd.DataFrame:
        if frame.empty or "source_id" not in frame:
            return frame
        out = frame.copy()
        out["source_id"] = out["source_id"].mask(out["source_id"] == old, new)
        return out

    return dataclasses.replace(
        loaded,
        source=source,
        workforce=restamp(loaded.workforce),
        demography=restamp(loaded.demography),
        patients=restamp(loaded.patients),
        vacancies=restamp(loaded.vacancies),
        pcn_places=restamp(loaded.pcn_places),
        practice_places=restamp(loaded.practice_places),
    )


# --- the workspace ---------------------------------------------------------------------------


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip("-") or "x"


def raw_folder(loaded: LoadedFile, sha256: str) -> str:
    """``<dataset>__<period>__<vintage>__<sha12>``: names the file's vintage uniquely.

    The file keeps its original name inside this folder, so loaders that read a period from the
    file name (e.g. NHS Payments) read the same when the workspace reloads it.
    """
    src = loaded.source
    vintage = src.published.isoformat() if src.published else UNKNOWN
    parts = (src.dataset, src.period, vintage, sha256[:12])
    return "__".join(_safe(p) for p in parts)


def read_manifest(directory: Path) -> Manifest:
    """The workspace's manifest (empty when the directory has none yet)."""
    path = directory / MANIFEST
    if not path.exists():
        return Manifest()
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except (ValidationError, ValueError) as exc:
        raise InputFileError(
            f"{path}: must be a gpworkforce workspace manifest, got unreadable JSON ({exc})"
        ) from None


def _write_manifest(directory: Path, manifest: Manifest) -> None:
    text = json.dumps(manifest.model_dump(mode="json"), indent=2) + "\n"
    exports.atomic_write_text(directory / MANIFEST, text)


@dataclass(frozen=True)
class LoadOutcome:
    added: tuple[ManifestEntry, ...]
    already_present: tuple[str, ...]  # file names skipped because the same bytes are loaded


def load_into(
    directory: Path,
    kind: Kind,
    files: Sequence[Path],
    registry: OrgRegistry | None,
    options: LoadOptions | None = None,
) -> LoadOutcome:
    """Validate every file; if all are valid copy them in and record them; else change nothing.

    Loads into one workspace are serialised by an exclusive lock on ``DIR/.lock`` (released when
    the process ends, even if it crashes).
    """
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / LOCK).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _load_locked(directory, kind, files, registry, options)


def _load_locked(
    directory: Path,
    kind: Kind,
    files: Sequence[Path],
    registry: OrgRegistry | None,
    options: LoadOptions | None,
) -> LoadOutcome:
    from gpworkforce.labels import plural

    manifest = read_manifest(directory)
    opts = options or LoadOptions()
    loaded: list[tuple[Path, LoadedFile, str]] = []
    issues: list[Issue] = []
    for path in files:
        try:
            result = read_file(kind, path, registry, options)
        except ValidationFailed as exc:
            issues.extend(exc.issues)
            continue
        except UserError as exc:
            issues.append(
                Issue(Location(file=str(path)), f"be a readable {kind.value} file", str(exc))
            )
            continue
        loaded.append((path, result, sha256_of_file(path)))
    if issues:
        bad = len(files) - len(loaded)
        raise ValidationFailed(
            issues=issues,
            summary=f"{bad} of {plural(len(files), 'file')} rejected; nothing was loaded",
        )
    known = {e.sha256 for e in manifest.entries}
    versions: dict[tuple[str, str], int] = {}
    for e in manifest.entries:
        if e.kind is Kind.RETURNS and e.publisher is not None:
            key = (e.publisher, e.period)
            versions[key] = max(versions.get(key, 0), e.version or 1)
    added: list[ManifestEntry] = []
    skipped: list[str] = []
    copied: list[Path] = []
    now = dt.datetime.now(dt.UTC)
    try:
        for path, result, digest in loaded:
            if digest in known:
                skipped.append(path.name)
                continue
            known.add(digest)
            relative = Path(RAW) / kind.value / raw_folder(result, digest) / path.name
            target = directory / relative
            if not target.exists():
                with exports.atomic_path(target) as tmp:
                    shutil.copyfile(path, tmp)
                copied.append(target)
            _store(directory, target, digest, opts, result)
            src = result.source
            version = None
            if kind is Kind.RETURNS:
                version = versions.get((src.publisher, src.period), 0) + 1
                versions[(src.publisher, src.period)] = version
            added.append(
                ManifestEntry(
                    kind=kind,
                    file=relative.as_posix(),
                    original_name=path.name,
                    sha256=digest,
                    source_id=src.source_id,
                    dataset=src.dataset,
                    period=src.period,
                    vintage=src.published.isoformat() if src.published else UNKNOWN,
                    loaded_at=now,
                    option_period=opts.period,
                    option_published=opts.published,
                    publisher=src.publisher,
                    version=version,
                    encoding=result.encoding,
                    warnings=result.warnings,
                )
            )
        if added:
            _write_manifest(directory, Manifest(entries=(*manifest.entries, *added)))
    except BaseException:
        for target in copied:
            target.unlink(missing_ok=True)
        for _path, _result, digest in loaded:
            if digest not in {e.sha256 for e in manifest.entries}:
                parsed.remove_store(directory, digest)
        raise
    return LoadOutcome(tuple(added), tuple(skipped))


def read_workspace(
    directory: Path,
    registry: OrgRegistry | None,
    entries: Sequence[ManifestEntry] | None = None,
    wanted: parsed.Wanted | None = None,
) -> list[LoadedFile]:
    """The tables of ``entries`` (default: every file in the manifest): from the parsed store
    (only the ``wanted`` rows), else from the raw file through its loader after checking its
    checksum (then every row)."""
    if not directory.is_dir():
        raise InputFileError(f"--data must be a workspace directory, got {directory} (missing)")
    if entries is None:
        entries = require_entries(directory)
    out: list[LoadedFile] = []
    for entry in entries:
        path = directory / entry.file
        target = parsed.store_dir(directory, entry.sha256, _options_key(entry.options))
        stored = parsed.read_store(target, wanted)
        stat = _stat(path)
        if stored is not None and stat is not None and _unchanged(stat, stored):
            out.append(_from_store(stored))
            continue
        # (stat taken before hashing: a file changed while hashed keeps a stamp that differs)
        if stat is None or sha256_of_file(path) != entry.sha256:
            raise InputFileError(
                f"{path}: must be the file recorded in {MANIFEST} (sha256 {entry.sha256[:12]}), "
                "got a missing or changed file"
            )
        if stored is not None:  # the same bytes with another time (copied, restored, touched)
            with contextlib.suppress(OSError, ValueError):  # read-only: hashed again next time
                parsed.restamp(target, stat.st_size, stat.st_mtime_ns)
            out.append(_from_store(stored))
            continue
        loaded = read_file(entry.kind, path, registry, entry.options)
        with contextlib.suppress(OSError):  # a read-only workspace still reads (more slowly)
            if target.exists():  # damaged or unreadable: stored afresh
                shutil.rmtree(target)
            _store(directory, path, entry.sha256, entry.options, loaded)
        if wanted is not None and (wanted.figures_on or wanted.census_on):  # as the store's
            rows, figures, census = parsed.figures_of_rows(loaded.workforce, wanted)
            loaded = dataclasses.replace(loaded, workforce=rows, figures=figures, census=census)
        out.append(loaded)
    return out


def stored_periods(directory: Path, entries: Sequence[ManifestEntry]) -> set[str]:
    """Every census date (ISO) the parsed stores of ``entries`` hold, from their metadata."""
    out: set[str] = set()
    for entry in entries:
        target = parsed.store_dir(directory, entry.sha256, _options_key(entry.options))
        out.update(parsed.stored_periods(target))
    return out


def _options_key(opts: LoadOptions) -> str:
    return json.dumps(
        {
            "period": opts.period.isoformat() if opts.period else None,
            "published": opts.published.isoformat() if opts.published else None,
        },
        sort_keys=True,
    )


def _store(directory: Path, raw: Path, sha256: str, opts: LoadOptions, loaded: LoadedFile) -> None:
    """Write ``loaded``'s tables to the parsed store (see :mod:`gpworkforce.cli.parsed`)."""
    target = parsed.store_dir(directory, sha256, _options_key(opts))
    if (target / parsed.META).is_file():
        return
    stat = raw.stat()
    parsed.write_store(
        target,
        parsed.StoredFile(
            kind=loaded.kind,
            source=loaded.source,
            frames={name: getattr(loaded, name) for name in parsed.TABLES},
            warnings=loaded.warnings,
            encoding=loaded.encoding,
            raw_size=stat.st_size,
            raw_mtime_ns=stat.st_mtime_ns,
        ),
    )


def _stat(raw: Path) -> os.stat_result | None:
    """The raw file's status, or None when it is missing or not a regular file."""
    try:
        stat = raw.stat()
    except OSError:
        return None
    return stat if S_ISREG(stat.st_mode) else None


def _unchanged(stat: os.stat_result, stored: parsed.StoredFile) -> bool:
    """Whether the raw file looks as when it was parsed or last hashed: the same size and
    modification time as recorded (any other time, older or newer, and it is hashed)."""
    return stat.st_size == stored.raw_size and stat.st_mtime_ns == stored.raw_mtime_ns


def _from_store(stored: parsed.StoredFile) -> LoadedFile:
    return LoadedFile(
        kind=stored.kind,
        source=stored.source,
        workforce=stored.frames["workforce"],
        demography=stored.frames["demography"],
        patients=stored.frames["patients"],
        vacancies=stored.frames["vacancies"],
        payload=None,
        warnings=stored.warnings,
        encoding=stored.encoding,
        population=stored.frames["population"],
        pcn_places=stored.frames["pcn_places"],
        practice_places=stored.frames["practice_places"],
        patient_ages=stored.frames["patient_ages"],
        **({"figures": stored.figures} if stored.figures is not None else {}),
        **({"census": stored.census} if stored.census is not None else {}),
    )


def require_entries(directory: Path) -> tuple[ManifestEntry, ...]:
    """The manifest's entries, or a :class:`UserError` saying how to add some."""
    if not directory.is_dir():
        raise InputFileError(f"--data must be a workspace directory, got {directory} (missing)")
    manifest = read_manifest(directory)
    if not manifest.entries:
        raise UserError(
            f"the workspace {directory} holds no data yet; add files with "
            f"'gpworkforce load KIND FILE... --data {directory}'"
        )
    return manifest.entries


def source_order(entries: Sequence[ManifestEntry]) -> dict[str, int]:
    """``source_id`` -> load position (the manifest's order), for the baseline's vintage rule."""
    return {e.source_id: i for i, e in enumerate(entries)}


# --- vintages: list, pin, remove -------------------------------------------------------------


def state_digest(entries: Sequence[ManifestEntry]) -> str:
    """A short name for a set of entries (their checksums in load order): reports print it."""
    h = hashlib.sha256("\n".join(e.sha256 for e in entries).encode())
    return h.hexdigest()[:12]


class Pin(BaseModel):
    """The entries a report read, so it can be run again on exactly those vintages."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format_version: int = 1
    state: str  # state_digest of the entries
    sha256: tuple[str, ...]  # in load order


def make_pin(entries: Sequence[ManifestEntry]) -> Pin:
    return Pin(state=state_digest(entries), sha256=tuple(e.sha256 for e in entries))


def write_pin(path: Path, pin: Pin) -> None:
    exports.atomic_write_text(path, json.dumps(pin.model_dump(mode="json"), indent=2) + "\n")


def read_pin(path: Path) -> Pin:
    try:
        return Pin.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise InputFileError(
            f"--pin must be a pin file written by 'gpworkforce data pin', got no file {path}"
        ) from None
    except (ValidationError, ValueError) as exc:
        raise InputFileError(
            f"{path}: must be a pin file written by 'gpworkforce data pin', got {exc.__class__.__name__}"
        ) from None


def pinned_entries(directory: Path, pin: Pin) -> tuple[ManifestEntry, ...]:
    """The manifest entries a pin names, in load order; an error if any is no longer there."""
    entries = require_entries(directory)
    by_sha = {e.sha256: e for e in entries}
    missing = [s[:12] for s in pin.sha256 if s not in by_sha]
    if missing:
        raise UserError(
            f"the pin (data state {pin.state}) must name files still in {directory}, got "
            f"{len(missing)} removed: {', '.join(missing)}"
        )
    wanted = set(pin.sha256)
    return tuple(e for e in entries if e.sha256 in wanted)


def state_entries(directory: Path, state: str) -> tuple[ManifestEntry, ...]:
    """The entries of an earlier data state a report printed: the load-order prefix whose digest
    is ``state`` (entries loaded since are left out)."""
    entries = require_entries(directory)
    for n in range(len(entries), 0, -1):
        if state_digest(entries[:n]) == state.strip().lower():
            return entries[:n]
    raise UserError(
        f"the data state must be one a report of this workspace printed (12 hex digits), got "
        f"{state!r}: no such state in {directory} (was a file removed since?)"
    )


def find_entry(entries: Sequence[ManifestEntry], ref: str) -> ManifestEntry:
    """The entry named by a checksum prefix (6 or more hex digits) or its source id."""
    ref = ref.strip()
    hits = [e for e in entries if e.source_id == ref]
    if not hits and len(ref) >= 6:
        hits = [e for e in entries if e.sha256.startswith(ref.lower())]
    if len(hits) != 1:
        found = "no such file" if not hits else f"{len(hits)} files"
        raise UserError(
            "a file must be named by the id 'gpworkforce data list' shows (6 or more hex "
            f"digits of its checksum, or its source id), got {ref!r}: {found}"
        )
    return hits[0]


def remove_entries(directory: Path, refs: Sequence[str]) -> tuple[ManifestEntry, ...]:
    """Remove files from the workspace: the manifest first (atomically), then their raw files."""
    directory = Path(directory)
    with (directory / LOCK).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        entries = require_entries(directory)
        gone = [find_entry(entries, r) for r in refs]
        drop = {e.sha256 for e in gone}
        _write_manifest(
            directory, Manifest(entries=tuple(e for e in entries if e.sha256 not in drop))
        )
        for entry in gone:
            path = directory / entry.file
            path.unlink(missing_ok=True)
            parsed.remove_store(directory, entry.sha256)
            with contextlib.suppress(OSError):
                path.parent.rmdir()
    return tuple(gone)


@dataclass(frozen=True)
class CombinedTables:
    """The canonical tables of several files, concatenated (each row keeps its ``source_id``)."""

    workforce: pd.DataFrame
    demography: pd.DataFrame
    patients: pd.DataFrame
    vacancies: pd.DataFrame
    population: pd.DataFrame  # ONS projections (loaders.ons.POPULATION columns)
    pcn_places: pd.DataFrame  # PCN files' own placements (loaders.pcn.PCN_PLACES columns)
    practice_places: pd.DataFrame  # workforce files' own placements (own_orgs.PRACTICE_PLACES)
    patient_ages: pd.DataFrame  # registered patients by age and sex (patients_age.PATIENT_AGES)
    # staff-group figures per key of the dates read as figures (loaders.key_figures)
    figures: pd.DataFrame = dataclasses.field(default_factory=lambda: tables.empty(figures_spec()))
    # every practice's key figures on the dates read as rows for some practices only
    census: pd.DataFrame = dataclasses.field(default_factory=lambda: tables.empty(figures_spec()))


def _concat(files: Sequence[LoadedFile], name: str, spec: Mapping[str, str]) -> pd.DataFrame:
    return tables.concat((getattr(f, name) for f in files), spec)


def workspace_registry(directory: Path, entries: Sequence[ManifestEntry]) -> OrgRegistry:
    """The registry from the public files plus the ODS extracts, practice maps and ePCN
    workbooks among ``entries`` (see :func:`gpworkforce.loaders.build_registry`): of two files
    with one extract date, the later publication wins, then the later load (decision 0047)."""
    from gpworkforce.loaders import build_registry

    ods, maps, epcn = _registry_inputs(directory, entries)
    return build_registry(later_ods=ods, extra_maps=maps, epcn=epcn)


def workspace_registry_key(directory: Path, entries: Sequence[ManifestEntry]) -> str:
    """The digest naming :func:`workspace_registry`'s registry, found without building it."""
    from gpworkforce.loaders.registry import registry_key

    ods, maps, epcn = _registry_inputs(directory, entries)
    return registry_key(later_ods=ods, extra_maps=maps, epcn=epcn)


def _registry_inputs(
    directory: Path, entries: Sequence[ManifestEntry]
) -> tuple[list[tuple[dt.date, Path]], list[Path], list[tuple[dt.date, Path]]]:
    # of files of one extract date the last given wins: order by publication, then load
    ordered = sorted(
        enumerate(entries),
        key=lambda pair: ("" if pair[1].vintage == UNKNOWN else pair[1].vintage, pair[0]),
    )
    ods = [
        (dt.date.fromisoformat(e.period), directory / e.file)
        for _, e in ordered
        if e.kind is Kind.ODS_PRACTICES
    ]
    maps = [directory / e.file for _, e in ordered if e.kind is Kind.PRACTICE_MAP]
    epcn = [
        (dt.date.fromisoformat(e.period), directory / e.file)
        for _, e in ordered
        if e.kind is Kind.PCN_MEMBERSHIP
    ]
    return ods, maps, epcn


def combine(files: Sequence[LoadedFile]) -> CombinedTables:
    """Concatenate the canonical tables of several loaded files."""
    return CombinedTables(
        workforce=_concat(files, "workforce", tables.WORKFORCE),
        demography=_concat(files, "demography", tables.DEMOGRAPHY),
        patients=_concat(files, "patients", tables.PATIENTS),
        vacancies=_concat(files, "vacancies", tables.VACANCIES),
        population=_concat(files, "population", POPULATION),
        pcn_places=_concat(files, "pcn_places", PCN_PLACES),
        practice_places=_concat(files, "practice_places", PRACTICE_PLACES),
        patient_ages=_concat(files, "patient_ages", PATIENT_AGES),
        figures=_figures(files),
        census=stack_figures([f.census for f in files]),
    )


def _figures(files: Sequence[LoadedFile]) -> pd.DataFrame:
    """The files' key figures stacked in the files' order (loaders.key_figures.stack)."""
    return stack_figures([f.figures for f in files])
