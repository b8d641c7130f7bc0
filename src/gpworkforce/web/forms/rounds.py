"""Opening a collection round: organisation and census date (NHS.UK date input: day, month, year)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from gpworkforce.domain.periods import Quarter


class OpenRoundForm(forms.Form):
    organisation = forms.ChoiceField()
    census_date_day = forms.CharField(required=False)
    census_date_month = forms.CharField(required=False)
    census_date_year = forms.CharField(required=False)

    def __init__(self, *args: Any, org_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = org_choices
        self.fields["organisation"].error_messages["invalid_choice"] = (
            "Select an organisation you are responsible for"
        )
        self.fields["organisation"].error_messages["required"] = "Select an organisation"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        parts = [
            str(data.get(f"census_date_{p}", "") or "").strip() for p in ("day", "month", "year")
        ]
        if not all(parts):
            self.add_error("census_date_day", "Enter the census date as day, month and year")
            return data
        try:
            day, month, year = (int(p) for p in parts)
            census = dt.date(year, month, day)
        except ValueError:
            self.add_error("census_date_day", "Census date must be a real date, like 30 9 2017")
            return data
        if Quarter.containing(census).census_date != census:
            self.add_error(
                "census_date_day",
                "Census date must be a quarter end: 31 March, 30 June, 30 September or 31 December",
            )
            return data
        data["census_date"] = census
        return data

    def error_list(self) -> list[dict[str, str]]:
        anchors = {"organisation": "#organisation", "census_date_day": "#census_date-day"}
        return [
            {"text": str(msg), "href": anchors.get(field, "#")}
            for field, msgs in self.errors.items()
            for msg in msgs
        ]
