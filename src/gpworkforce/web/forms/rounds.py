"""Opening a collection round: organisation and census date (NHS.UK date input: day, month, year)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from gpworkforce.domain.periods import Quarter, latest_census_date


def _flat_dates(data: Any) -> Any:
    """The NHS.UK date input posts ``census_date[day]``; the form's fields are ``census_date_day``."""
    data = data.copy()
    for prefix in ("census_date", "deadline"):
        for part in ("day", "month", "year"):
            posted = f"{prefix}[{part}]"
            if posted in data and f"{prefix}_{part}" not in data:
                data[f"{prefix}_{part}"] = data[posted]
    return data


class OpenRoundForm(forms.Form):
    organisation = forms.ChoiceField()
    census_date_day = forms.CharField(required=False)
    census_date_month = forms.CharField(required=False)
    census_date_year = forms.CharField(required=False)
    deadline_day = forms.CharField(required=False)
    deadline_month = forms.CharField(required=False)
    deadline_year = forms.CharField(required=False)

    def __init__(self, *args: Any, org_choices: list[tuple[str, str]], **kwargs: Any):
        if args and args[0] is not None:
            args = (_flat_dates(args[0]), *args[1:])
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
        latest = latest_census_date(dt.date.today())
        if census > latest:
            self.add_error(
                "census_date_day",
                f"Census date must be no later than {latest.day} {latest:%B %Y}, the next quarter "
                "end after today",
            )
            return data
        data["census_date"] = census
        data["deadline"] = self._deadline(data, census)
        return data

    def _deadline(self, data: dict[str, Any], census: dt.date) -> dt.date | None:
        """The date returns are due; left blank: None (six weeks after the census date)."""
        parts = [str(data.get(f"deadline_{p}", "") or "").strip() for p in ("day", "month", "year")]
        if not any(parts):
            return None
        if not all(parts):
            self.add_error(
                "deadline_day", "Enter the deadline as day, month and year, or leave it blank"
            )
            return None
        try:
            day, month, year = (int(p) for p in parts)
            deadline = dt.date(year, month, day)
        except ValueError:
            self.add_error("deadline_day", "Deadline must be a real date, like 11 11 2017")
            return None
        if deadline <= census:
            self.add_error(
                "deadline_day",
                f"Deadline must be after the census date ({census:%-d %B %Y}), got {deadline:%-d %B %Y}",
            )
            return None
        return deadline

    def error_list(self) -> list[dict[str, str]]:
        anchors = {
            "organisation": "#organisation",
            "census_date_day": "#census_date-day",
            "deadline_day": "#deadline-day",
        }
        return [
            {"text": str(msg), "href": anchors.get(field, "#")}
            for field, msgs in self.errors.items()
            for msg in msgs
        ]
