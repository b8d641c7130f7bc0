"""The workforce risk register: 5 x 5 scoring, level bands, reviews, movement and closure.

A risk is scored as likelihood x impact, each on a 1-5 scale (LLR plan Figure 15, following the
National Patient Safety Agency's "A risk matrix for risk managers", 2008). The score falls in a
*level* band; the bands are configuration (:class:`RiskBands`) and the default is the one the LLR
risk log uses: 1-3 Low, 4-6 Moderate, 8-12 High, 15-25 Significant (NPSA calls the top band
"Extreme"). Reviews are dated entries: the history is kept and the movement since the previous
review is computed, never typed in. Everything here is pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
import itertools
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "IMPACT_LABELS",
    "LIKELIHOOD_LABELS",
    "Mitigation",
    "Movement",
    "Review",
    "Risk",
    "RiskBand",
    "RiskBands",
    "RiskStatus",
    "close_risk",
    "movement",
    "review_risk",
    "score",
]

LIKELIHOOD_LABELS = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT_LABELS = {1: "Insignificant", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Catastrophic"}

Score5 = int


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def score(likelihood: int, impact: int) -> int:
    """The 5 x 5 risk rating: likelihood x impact, each 1-5."""
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if not 1 <= value <= 5:
            raise ValueError(f"{name} must be a whole number from 1 to 5, got {value}")
    return likelihood * impact


class RiskBand(_Model):
    """One level band: ratings from ``low`` to ``high`` inclusive share a name and a colour."""

    name: str = Field(description="Level name shown to users, e.g. 'High'.")
    low: int = Field(ge=1, le=25, description="Lowest rating in the band (inclusive).")
    high: int = Field(ge=1, le=25, description="Highest rating in the band (inclusive).")
    colour: Literal["green", "yellow", "orange", "red"] = Field(
        description="RAG-style colour used on heat maps and tags."
    )

    @model_validator(mode="after")
    def _ordered(self) -> RiskBand:
        if self.low > self.high:
            raise ValueError(
                f"band {self.name!r}: low ({self.low}) must not exceed high ({self.high})"
            )
        return self


class RiskBands(_Model):
    """Level bands covering every possible rating (1-25) exactly once."""

    bands: tuple[RiskBand, ...] = Field(description="Bands from the lowest ratings up.")

    @model_validator(mode="after")
    def _cover(self) -> RiskBands:
        possible = sorted({a * b for a in range(1, 6) for b in range(1, 6)})
        for rating in possible:
            hits = [b.name for b in self.bands if b.low <= rating <= b.high]
            if len(hits) != 1:
                found = "no band" if not hits else f"bands {hits}"
                raise ValueError(f"rating {rating} must fall in exactly one band, got {found}")
        return self

    def band(self, rating: int) -> RiskBand:
        for b in self.bands:
            if b.low <= rating <= b.high:
                return b
        raise ValueError(f"rating {rating} is not a possible 5 x 5 rating")

    def level(self, rating: int) -> str:
        return self.band(rating).name


DEFAULT_BANDS = RiskBands(
    bands=(
        RiskBand(name="Low", low=1, high=3, colour="green"),
        RiskBand(name="Moderate", low=4, high=6, colour="yellow"),
        RiskBand(name="High", low=8, high=12, colour="orange"),
        RiskBand(name="Significant", low=15, high=25, colour="red"),
    )
)


class RiskStatus(StrEnum):
    PROPOSED = "proposed"  # raised automatically; the owner accepts or dismisses it
    OPEN = "open"
    CLOSED = "closed"
    DISMISSED = "dismissed"  # a proposal the owner turned down, with a reason


class Movement(StrEnum):
    NEW = "new"  # no earlier review to compare with
    UP = "up"
    DOWN = "down"
    SAME = "same"


class Review(_Model):
    """A dated review: the likelihood and impact as they stand on that date."""

    on: dt.date = Field(description="Date of the review.")
    likelihood: int = Field(ge=1, le=5, description="Likelihood, 1 (rare) to 5 (almost certain).")
    impact: int = Field(ge=1, le=5, description="Impact, 1 (insignificant) to 5 (catastrophic).")
    note: str = Field("", description="What changed and why.")
    by: str = Field("", description="Who reviewed it.")

    @property
    def rating(self) -> int:
        return score(self.likelihood, self.impact)


class Mitigation(_Model):
    action: str = Field(min_length=1, description="Mitigating action or control.")
    owner: str = Field("", description="Who does it.")
    due: dt.date | None = Field(None, description="When it is due.")
    done: dt.date | None = Field(None, description="When it was done (empty while open).")

    def overdue(self, today: dt.date) -> bool:
        return self.done is None and self.due is not None and self.due < today


class Risk(_Model):
    """One risk with the LLR risk log's fields (Figure 15) and its review history."""

    ref: str = Field(min_length=1, description="Risk number, e.g. 'R001'.")
    description: str = Field(min_length=1, description="Cause (hazard) and effect (risk).")
    workstream: str = Field("", description="Workstream the risk belongs to.")
    organisation: str = Field("", description="Responsible organisation(s).")
    owner: str = Field("", description="Named owner.")
    added: dt.date = Field(description="Date added to the register.")
    original_likelihood: int = Field(ge=1, le=5, description="Likelihood when first assessed.")
    original_impact: int = Field(ge=1, le=5, description="Impact when first assessed.")
    mitigations: tuple[Mitigation, ...] = Field((), description="Mitigating actions/controls.")
    reviews: tuple[Review, ...] = Field((), description="Dated reviews, oldest first.")
    status: RiskStatus = Field(RiskStatus.OPEN, description="Proposed, open, closed or dismissed.")
    closed_on: dt.date | None = Field(None, description="Date closed or dismissed.")
    closure_reason: str = Field("", description="Why it was closed or dismissed.")
    trigger: str = Field(
        "", description="Key of the alert that raised it automatically (empty if raised by hand)."
    )
    trigger_on: dt.date | None = Field(None, description="Date of that alert.")

    @field_validator("reviews")
    @classmethod
    def _chronological(cls, reviews: tuple[Review, ...]) -> tuple[Review, ...]:
        for earlier, later in itertools.pairwise(reviews):
            if later.on < earlier.on:
                raise ValueError(
                    f"reviews must be in date order, got {later.on} after {earlier.on}"
                )
        return reviews

    @model_validator(mode="after")
    def _closure(self) -> Risk:
        ended = self.status in (RiskStatus.CLOSED, RiskStatus.DISMISSED)
        if ended and (self.closed_on is None or not self.closure_reason.strip()):
            raise ValueError(f"risk {self.ref}: a {self.status} risk needs a date and a reason")
        if not ended and self.closed_on is not None:
            raise ValueError(f"risk {self.ref}: an {self.status} risk cannot have a closing date")
        if self.reviews and self.reviews[0].on < self.added:
            raise ValueError(f"risk {self.ref}: a review cannot predate the risk ({self.added})")
        return self

    @property
    def original_rating(self) -> int:
        return score(self.original_likelihood, self.original_impact)

    @property
    def current(self) -> tuple[int, int]:
        """(likelihood, impact) as of the latest review, else as first assessed."""
        if self.reviews:
            return self.reviews[-1].likelihood, self.reviews[-1].impact
        return self.original_likelihood, self.original_impact

    @property
    def rating(self) -> int:
        return score(*self.current)

    @property
    def is_live(self) -> bool:
        return self.status in (RiskStatus.PROPOSED, RiskStatus.OPEN)


def movement(risk: Risk) -> Movement:
    """Movement of the rating at the latest review against the one before it.

    The one before the first review is the original assessment; a risk never reviewed is ``NEW``.
    """
    if not risk.reviews:
        return Movement.NEW
    before = risk.reviews[-2].rating if len(risk.reviews) > 1 else risk.original_rating
    now = risk.reviews[-1].rating
    if now > before:
        return Movement.UP
    if now < before:
        return Movement.DOWN
    return Movement.SAME


def review_risk(risk: Risk, review: Review) -> Risk:
    """A new version of ``risk`` with ``review`` appended (the history is never rewritten)."""
    if not risk.is_live:
        raise ValueError(f"risk {risk.ref} is {risk.status}: reopen it before reviewing it")
    return Risk.model_validate(risk.model_dump() | {"reviews": (*risk.reviews, review)})


def close_risk(risk: Risk, on: dt.date, reason: str, *, dismiss: bool = False) -> Risk:
    """Close (or, for a proposal, dismiss) a risk with a date and a reason."""
    if not risk.is_live:
        raise ValueError(f"risk {risk.ref} is already {risk.status}")
    if dismiss and risk.status is not RiskStatus.PROPOSED:
        raise ValueError(f"risk {risk.ref}: only a proposed risk can be dismissed")
    status = RiskStatus.DISMISSED if dismiss else RiskStatus.CLOSED
    return Risk.model_validate(
        risk.model_dump() | {"status": status, "closed_on": on, "closure_reason": reason}
    )
