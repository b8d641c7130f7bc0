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
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["census_date"]
        field.choices = [(p.isoformat(), labels.date_text(p)) for p in reversed(periods)]  # type: ignore[attr-defined]
        below = [t for t in AREA_CHOICES if TIER_RANK[t] < TIER_RANK[org_type]]
        self.fields["rows"].choices = [  # type: ignore[attr-defined]
            ("", "The level below (default)"),
            *((t.value, AREA_CHOICES[t]) for t in sorted(below, key=TIER_RANK.__getitem__)[::-1]),
        ]
