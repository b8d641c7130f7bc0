"""Validating a return entered on the web form or uploaded, with the library's own rules.

Both paths end in :class:`gpworkforce.returns.Validated` (the return, or every issue located by
sheet, row and column), so the web shows exactly what the CLI would. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache

from gpworkforce.domain.provenance import sha256_of_bytes
from gpworkforce.domain.taxonomy import Taxonomy, load_taxonomy
from gpworkforce.errors import Issue, Location, UserError, ValidationFailed
from gpworkforce.returns import DEFAULT_LIMITS, Validated, check_return_bytes, validate_return_dict


@cache
def taxonomy() -> Taxonomy:
    return load_taxonomy()


def check_form(data: Mapping[str, object], practice_code: str, census_date: dt.date) -> Validated:
    """Validate form data (``raw_from_dict`` layout) for this practice and census date."""
    payload = {**data, "practice_code": practice_code, "census_date": census_date.isoformat()}
    return validate_return_dict(
        payload, {practice_code}, taxonomy(), census_date=census_date, style="header"
    )


def check_upload(
    content: bytes, file_name: str, practice_code: str, census_date: dt.date
) -> tuple[Validated, str]:
    """Parse and validate an uploaded XLSX/CSV return fully (in memory); also its SHA-256."""
    digest = sha256_of_bytes(content)
    name = (file_name or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"
    return _check(content, name, practice_code, census_date), digest


def _check(content: bytes, name: str, practice_code: str, census_date: dt.date) -> Validated:
    if len(content) > DEFAULT_LIMITS.max_bytes:
        issue = Issue(
            Location(name),
            f"be at most {DEFAULT_LIMITS.max_bytes:,} bytes",
            f"{len(content):,} bytes",
        )
        return Validated(None, (issue,))
    try:
        return check_return_bytes(
            content, name, {practice_code}, taxonomy(), census_date=census_date
        )
    except ValidationFailed as exc:
        return Validated(
            None, tuple(exc.issues) or (Issue(Location(name), "be readable", exc.summary),)
        )
    except UserError as exc:
        return Validated(None, (Issue(Location(name), "be a readable return", exc.message),))
