"""Where a figure came from: publisher, dataset, period, publication (vintage) and file checksum.

Two vintages of the same period can coexist: NHS Digital re-published the GPW series in Dec 2021
and again in July 2022; a practice's return may be resubmitted. A :class:`Source` names one of
them, and every loaded table carries the ``source_id`` of the file it came from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class Source(BaseModel):
    """One loaded file or submission: what it is, which period it describes, which vintage."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    publisher: str = Field(
        description="Who published it, e.g. 'NHS Digital', 'ONS', a practice code."
    )
    dataset: str = Field(description="Which dataset, e.g. 'gpw-practice-year', 'practice-return'.")
    period: str = Field(
        description="The period the figures describe, e.g. '2017-09-30' or 'FY2018'."
    )
    published: dt.date | None = Field(
        None, description="Publication (vintage) date where known; distinguishes re-publications."
    )
    file_name: str | None = Field(None, description="Name of the file as given by the user.")
    sha256: str | None = Field(
        None, description="SHA-256 of the file's bytes, for audit and dedup."
    )

    @property
    def source_id(self) -> str:
        """A stable identifier: dataset, period, vintage and a short checksum."""
        vintage = self.published.isoformat() if self.published else "unknown-vintage"
        digest = (self.sha256 or "")[:12] or "nochecksum"
        return f"{self.dataset}:{self.period}:{vintage}:{digest}"


def sha256_of_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_of_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
