"""Forms of the plan pages (errors name the field; file problems name row and column)."""

from __future__ import annotations

from typing import Any

from django import forms

REASON_HELP = "Why: this is kept with the version for good."


class ImportForm(forms.Form):
    organisation = forms.ChoiceField(error_messages={"required": "Select an organisation"})
    name = forms.CharField(max_length=200, required=False, strip=True)
    file = forms.FileField(error_messages={"required": "Choose a plan file or a spreadsheet"})
    reason = forms.CharField(max_length=2000, required=False, strip=True)
    trajectory_source = forms.CharField(max_length=500, required=False, strip=True)
    target_source = forms.CharField(max_length=500, required=False, strip=True)

    def __init__(self, *args: Any, org_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = org_choices
        self.fields["organisation"].error_messages["invalid_choice"] = (
            "Select an organisation you are responsible for"
        )


class ReviseForm(forms.Form):
    reason = forms.CharField(
        max_length=2000, strip=True, error_messages={"required": "Say why the plan is revised"}
    )
    file = forms.FileField(required=False)
    trajectory_source = forms.CharField(max_length=500, required=False, strip=True)
    target_source = forms.CharField(max_length=500, required=False, strip=True)


class CloseForm(forms.Form):
    reason = forms.CharField(
        max_length=2000, strip=True, error_messages={"required": "Say why the plan is closed"}
    )


class RecalculationForm(forms.Form):
    period = forms.DateField(error_messages={"required": "Choose the period the change starts"})
    reason = forms.CharField(
        max_length=2000, strip=True, error_messages={"required": "Say why the process changed"}
    )


def form_errors(form: forms.Form, anchors: dict[str, str] | None = None) -> list[dict[str, str]]:
    anchors = anchors or {}
    return [
        {"text": str(msg), "href": anchors.get(field, f"#{field}")}
        for field, msgs in form.errors.items()
        for msg in msgs
    ]
