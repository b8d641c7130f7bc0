"""The form that asks for a committee paper."""

from __future__ import annotations

import datetime as dt

from django import forms

from gpworkforce import labels


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

    def __init__(self, *args: object, periods: list[dt.date], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["census_date"]
        field.choices = [(p.isoformat(), labels.date_text(p)) for p in reversed(periods)]  # type: ignore[attr-defined]
