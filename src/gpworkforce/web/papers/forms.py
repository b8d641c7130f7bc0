"""The form that asks for a committee paper."""

from __future__ import annotations

import datetime as dt

from django import forms

from gpworkforce import labels
from gpworkforce.domain.orgs import TIER_RANK, OrgType

# the areas the baseline tables can list, by level, as the form offers them (the lower ones only)
AREA_CHOICES = {
    OrgType.SUB_ICB: "Sub-ICB areas",
    OrgType.PCN: "Primary care networks (PCNs)",
    OrgType.PRACTICE: "Practices",
}


class PaperForm(forms.Form):
    census_date = forms.TypedChoiceField(
        label="Census date of the figures",
        coerce=dt.date.fromisoformat,
        error_messages={"required": "Choose the census date of the figures"},
    )
    meeting = forms.CharField(
        label="Meeting the paper goes to",
        max_length=200,
        error_messages={"required": "Enter the meeting the paper goes to"},
    )
    meeting_date = forms.DateField(
        label="Date of the meeting",
        help_text="For example, 25/10/2017",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": "Enter the date of the meeting",
            "invalid": "Enter the date of the meeting as a date, like 25/10/2017",
        },
    )
    rows = forms.ChoiceField(
        label="Areas the tables list",
        required=False,
        error_messages={"invalid_choice": "Choose the areas the tables list from the list"},
    )
    full_appendices = forms.BooleanField(
        label="Print the full appendices",
        help_text="Every area's rows, each scenario year by year, the risk register in full and "
        "the implementation plan by workstream: a longer paper.",
        required=False,
    )

    def __init__(
        self,
        *args: object,
        periods: list[dt.date],
        org_type: OrgType = OrgType.ICB,
        below_by_period: dict[dt.date, OrgType | None] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["census_date"]
        field.choices = [(p.isoformat(), labels.date_text(p)) for p in reversed(periods)]  # type: ignore[attr-defined]
        below = [t for t in AREA_CHOICES if TIER_RANK[t] < TIER_RANK[org_type]]
        self.fields["rows"].choices = [  # type: ignore[attr-defined]
            ("", default_rows_label(below_by_period or {})),
            *((t.value, AREA_CHOICES[t]) for t in sorted(below, key=TIER_RANK.__getitem__)[::-1]),
        ]


def default_rows_label(below_by_period: dict[dt.date, OrgType | None]) -> str:
    """The default option of the areas the tables list, naming the level below the organisation
    (``below_by_period``: that level on each census date offered; None where it has none). A
    sub-ICB location has PCNs under it on recent dates and its practices directly before, so the
    option then names each level with the dates it applies to."""
    spans: list[tuple[OrgType, dt.date]] = []  # each level and the earliest date of its run
    for period in sorted(below_by_period, reverse=True):
        level = below_by_period[period]
        if level is None or level not in AREA_CHOICES:
            continue
        if spans and spans[-1][0] == level:
            spans[-1] = (level, period)
        else:
            spans.append((level, period))
    if not spans:
        return "The level below (default)"
    if len(spans) == 1:
        return f"{AREA_CHOICES[spans[0][0]]} (the level below, default)"
    parts = [f"{AREA_CHOICES[level]} from {labels.date_text(since)}" for level, since in spans[:-1]]
    last = AREA_CHOICES[spans[-1][0]]
    parts.append(f"{last[:1].lower()}{last[1:]} before")
    return "The level below (default): " + "; ".join(parts)
