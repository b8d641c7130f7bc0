"""User-facing errors.

A *user error* is a mistake in what the user gave us (a file, an argument, a scenario). It is
reported as a message saying what was expected, what was found and where, and the CLI exits with
the error's ``exit_code`` without a traceback. Anything else is a bug and may raise normally.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Location:
    """Where in a user's input a problem was found. Every part is optional."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None  # a field path in a structured file, e.g. "cohort.leaving[0].rate"
    line: int | None = None  # line in a text file (TOML) where the field is set

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts) if parts else "(input)"


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in a user's input: where, what was expected ("must ..."), what was found."""

    location: Location
    expected: str
    found: str

    def __str__(self) -> str:
        return f"{self.location}: must {self.expected}, got {self.found}"


class UserError(Exception):
    """A mistake in user input. Caught at the edges (CLI, web) and shown without a traceback."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputFileError(UserError):
    """A file cannot be read at all (missing, corrupt, wrong encoding, too large)."""

    exit_code = 3


@dataclass(eq=False)
class ValidationFailed(UserError):
    """Input was read but broke one or more rules. Carries every issue found, not just the first."""

    issues: Sequence[Issue] = field(default_factory=tuple)
    summary: str = "validation failed"
    exit_code = 4

    def __post_init__(self) -> None:
        self.issues = tuple(self.issues)
        Exception.__init__(self, str(self))
        self.message = str(self)

    def __str__(self) -> str:
        n = len(self.issues)
        lines = [f"{self.summary}: {n} problem{'' if n == 1 else 's'}"]
        shown = self.issues[:50]
        lines.extend(f"  - {issue}" for issue in shown)
        if len(self.issues) > len(shown):
            lines.append(f"  ... and {len(self.issues) - len(shown)} more")
        return "\n".join(lines)


class UnknownOrganisation(UserError):
    """An organisation code that is not in the registry (or not open on the date asked)."""

    exit_code = 5


def raise_if_issues(issues: Iterable[Issue], summary: str) -> None:
    """Raise :class:`ValidationFailed` when ``issues`` is not empty."""
    collected = tuple(issues)
    if collected:
        raise ValidationFailed(issues=collected, summary=summary)
